package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Defaults, named so that operators and tests can see what they get.
const (
	// DefaultServerURL is the Bot API base URL (TELEGRAM_API_URL unset).
	DefaultServerURL = "https://api.telegram.org"
	// DefaultMaxAttempts bounds the tries of one Bot API call (the first
	// included) that Telegram answers with 429 or 5xx or that fails on the
	// network. See WithRetry.
	DefaultMaxAttempts = 8
	// DefaultRetryBudget bounds the total time one call waits between its
	// tries: a 429 whose retry_after would overrun it is not waited for.
	DefaultRetryBudget = 30 * time.Second
	// firstBackoff is the wait after the first 5xx or network failure; it
	// doubles with each further failure, up to maxBackoff (0.25, 0.5, 1, 2,
	// 4, 8, 8 s: 23.75 s for the 7 retries of DefaultMaxAttempts).
	firstBackoff = 250 * time.Millisecond
	maxBackoff   = 8 * time.Second
	// DefaultRedeliveryMemory is how many webhook updates the adapter
	// remembers by update_id: a redelivered update that was answered is
	// acknowledged without answering again; one whose reply was not
	// delivered gets that reply resent (the engine is not asked twice).
	DefaultRedeliveryMemory = 4096
	// DefaultFloodNoticeInterval is the shortest time between two
	// "消息太频繁" notices to the same user.
	DefaultFloodNoticeInterval = time.Minute
	// DefaultHandleTimeout bounds the handling of one update (engine call
	// and all sends, retries included).
	DefaultHandleTimeout = 2 * time.Minute
	// concurrency is how many chats are answered at once in long polling
	// mode (updates of one chat are always handled in order).
	concurrency = 16
	// DefaultChatQueue is how many updates of one chat may wait; more are
	// dropped (a flood) and logged.
	DefaultChatQueue = 20
	// DefaultEditWindow: edits of messages older than this are ignored.
	DefaultEditWindow = 24 * time.Hour
	// MaxMessageLen is Telegram's limit for one message's text. Parts are
	// measured in UTF-16 code units of the HTML source, which is never
	// shorter than the text Telegram counts after parsing entities.
	MaxMessageLen = 4096
	// MaxParts is how many messages one reply may take; a longer reply is
	// cut after MaxParts parts and a note says so.
	MaxParts = 8
	// MaxCallbackData is Telegram's limit for callback_data, in bytes.
	MaxCallbackData = 64
	// maxWebhookBody bounds one webhook request body.
	maxWebhookBody = 1 << 20
)

// Option configures an Adapter.
type Option func(*config)

// Clock is the time seam: tests inject one that never really sleeps.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type command struct {
	handler     CommandHandler
	description string // non-empty: listed in the command menu
	staffOnly   bool
}

type config struct {
	serverURL     string
	webhookURL    string
	webhookSecret string
	log           *slog.Logger
	clock         Clock
	staff         map[int64]bool
	commands      map[string]command
	commandOrder  []string
	lost          func(reason string)
	maxAttempts   int
	retryBudget   time.Duration
	salt          string
}

// WithServerURL sets the Bot API base URL (TELEGRAM_API_URL), e.g. a local
// telegram-bot-api server or a test fake. Empty keeps DefaultServerURL.
func WithServerURL(u string) Option {
	return func(c *config) {
		if u != "" {
			c.serverURL = strings.TrimRight(u, "/")
		}
	}
}

// WithWebhook switches to webhook mode (TELEGRAM_WEBHOOK_URL,
// TELEGRAM_WEBHOOK_SECRET): Run calls setWebhook(url, secret_token) and
// updates arrive through WebhookHandler. The secret is mandatory (1–256
// characters A–Z a–z 0–9 _ -); New fails without it. An empty url keeps
// long polling.
func WithWebhook(url, secret string) Option {
	return func(c *config) { c.webhookURL, c.webhookSecret = url, secret }
}

// WithLogger sets the logger (default slog.Default()). The adapter logs
// update kinds, hashed user ids and text lengths, never message text.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.log = l
		}
	}
}

// WithClock replaces the wall clock and sleeping (tests).
func WithClock(cl Clock) Option {
	return func(c *config) {
		if cl != nil {
			c.clock = cl
		}
	}
}

// WithStaffIDs marks Telegram user ids as bureau staff (STAFF_TELEGRAM_IDS):
// Command.Staff is true for them and staff-only commands accept them.
func WithStaffIDs(ids ...int64) Option {
	return func(c *config) {
		for _, id := range ids {
			c.staff[id] = true
		}
	}
}

// WithMenuCommand registers /name (lower case, without the slash; 1–32 of
// a–z 0–9 _) and lists it in the command menu (setMyCommands) with
// description. A handler for a built-in name (start, help, calc, forget)
// replaces the built-in.
func WithMenuCommand(name, description string, h CommandHandler) Option {
	return withCommand(name, description, false, h)
}

// WithStaffCommandHandler registers /name for staff only (WithStaffIDs);
// others are told the command is for staff. Never listed in the menu.
func WithStaffCommandHandler(name string, h CommandHandler) Option {
	return withCommand(name, "", true, h)
}

func withCommand(name, description string, staff bool, h CommandHandler) Option {
	return func(c *config) {
		name = strings.ToLower(strings.TrimPrefix(name, "/"))
		if _, ok := c.commands[name]; !ok {
			c.commandOrder = append(c.commandOrder, name)
		}
		c.commands[name] = command{handler: h, description: description, staffOnly: staff}
	}
}

// WithRetry bounds the retries of one Bot API call: at most maxAttempts
// tries in all (≥ 1) and at most budget of waiting between them. Retried:
// 429 (after its retry_after, at least 1 s), HTTP 5xx and network failures
// (after 0.25 s, doubling up to 8 s). Never retried: other 4xx; 403 means
// the user blocked the bot (ErrBlocked). Defaults: DefaultMaxAttempts,
// DefaultRetryBudget. A network failure may hide a message Telegram did
// deliver, so a retry can, rarely, send a reply twice: the adapter prefers
// that to losing it.
func WithRetry(maxAttempts int, budget time.Duration) Option {
	return func(c *config) { c.maxAttempts, c.retryBudget = max(maxAttempts, 1), max(budget, 0) }
}

// Reasons passed to the WithLostReplyObserver function.
const (
	// LostRetriesExhausted: 429/5xx/network failures outlasted WithRetry's
	// bounds (long polling, or HandleUpdate called directly).
	LostRetriesExhausted = "retries_exhausted"
	// LostRejected: Telegram refused the message with a 4xx other than 403
	// and 429; retrying cannot help.
	LostRejected = "rejected"
	// LostQueueFull: a chat flooded the long-polling queue (DefaultChatQueue)
	// and the update was dropped unanswered.
	LostQueueFull = "queue_full"
	// LostNotRedelivered: in webhook mode an undelivered reply waited for
	// Telegram to redeliver its update, and Telegram did not before the
	// adapter had to forget it (DefaultRedeliveryMemory newer updates).
	LostNotRedelivered = "not_redelivered"
)

// WithLostReplyObserver sets f to be called once for every reply (or
// notice) to a user that the adapter gives up on, with one of the Lost*
// reasons; cmd/policybot counts them in /metrics. Replies to users who
// blocked the bot are not counted: they asked not to get any. Send, which
// push workers call and retry themselves, reports through its error
// instead. f must be safe for concurrent use.
func WithLostReplyObserver(f func(reason string)) Option {
	return func(c *config) { c.lost = f }
}

// WithUserHashSalt sets the key for hashing user ids in logs (bot.HashUser);
// pass the engine's salt to correlate adapter and engine logs. Default: a
// random per-process key.
func WithUserHashSalt(salt string) Option {
	return func(c *config) { c.salt = salt }
}

// OptionsFromEnv reads TELEGRAM_API_URL, TELEGRAM_WEBHOOK_URL,
// TELEGRAM_WEBHOOK_SECRET and STAFF_TELEGRAM_IDS (comma- or
// space-separated decimal ids). TELEGRAM_BOT_TOKEN is the caller's: no
// token, no adapter.
func OptionsFromEnv(getenv func(string) string) ([]Option, error) {
	var opts []Option
	if u := getenv("TELEGRAM_API_URL"); u != "" {
		opts = append(opts, WithServerURL(u))
	}
	wu, ws := getenv("TELEGRAM_WEBHOOK_URL"), getenv("TELEGRAM_WEBHOOK_SECRET")
	if wu == "" && ws != "" {
		return nil, fmt.Errorf("TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not")
	}
	if wu != "" {
		opts = append(opts, WithWebhook(wu, ws))
	}
	if s := getenv("STAFF_TELEGRAM_IDS"); s != "" {
		ids, err := parseIDs(s)
		if err != nil {
			return nil, fmt.Errorf("STAFF_TELEGRAM_IDS: %w", err)
		}
		opts = append(opts, WithStaffIDs(ids...))
	}
	return opts, nil
}

// parseIDs parses comma- or space-separated decimal Telegram ids.
func parseIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' || r == '\n' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad id %q", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
