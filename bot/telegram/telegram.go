// Package telegram adapts the conversation engine (bot.Conversation) to
// Telegram through github.com/go-telegram/bot. It holds no policy logic: it
// turns updates into bot.Message / bot.Feedback, and bot.Reply into HTML
// messages with inline keyboards.
//
// Contract:
//   - Every text message goes to Conversation.Handle; the reply is sent in
//     HTML parse mode with all user and engine text escaped, split into
//     parts of at most MaxMessageLen, buttons on the last part.
//   - Engine errors give a plain apology, never the error.
//   - Button taps go to Conversation.Feedback and are always answered
//     (answerCallbackQuery); bot.ErrBadCallback gives "按钮已失效".
//   - A reply's Choices become a row of buttons above the others; a tap on
//     one is answered (answerCallbackQuery) and then handled exactly like
//     a text message with the choice's text, in the chat of the message
//     the button is on. Their callback data is an index into choices the
//     adapter remembers per chat (see choices.go), never the text itself;
//     unknown or forged data gives "选项已失效".
//   - 429 answers are retried after retry_after, 5xx answers and network
//     failures after a growing backoff, within bounds (WithRetry); 403 (the
//     user blocked the bot) is logged and sending stops. A reply given up
//     on is counted (WithLostReplyObserver).
//   - In webhook mode an update whose reply could not be delivered is
//     answered 503, so Telegram redelivers it; the redelivery resends the
//     undelivered reply (by update_id) without asking the engine again, and
//     an update that was answered is acknowledged without answering twice.
//   - Logs carry hashed user ids and text lengths, never message text.
//
// Long polling is the default (Run). With WithWebhook, Run registers the
// webhook and the caller mounts WebhookHandler on its HTTP server.
package telegram

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/cdsme/policybot/bot"
)

// Channel is the bot.Message.Channel of Telegram messages.
const Channel = "telegram"

// ErrBlocked is returned (wrapped) by Send when Telegram answers 403: the
// user blocked the bot or the bot was removed from the chat.
var ErrBlocked = errors.New("telegram: forbidden (bot blocked or removed)")

// Command is a slash command as received.
type Command struct {
	Name    string      // lower case, without "/" and "@botname"
	Args    string      // the text after the command, trimmed
	Message bot.Message // Channel "telegram", ids in decimal, Text the whole message
	Staff   bool        // the sender is in WithStaffIDs
}

// CommandHandler answers a command. The reply is sent like an engine reply
// (Text is plain text and escaped, Buttons become an inline keyboard); an
// error is logged and the user gets the plain apology.
type CommandHandler func(ctx context.Context, c Command) (bot.Reply, error)

// allowedUpdates are the update kinds the adapter asks Telegram for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateMyChatMember,
}

var (
	commandName   = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	webhookPath   = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+/?$`)
)

// Adapter connects a bot.Conversation to Telegram. It is safe for
// concurrent use.
type Adapter struct {
	cfg  config
	conv bot.Conversation
	b    *tg.Bot
	log  *slog.Logger

	locks   keyedMutex
	updates *updateLog
	disp    *dispatcher
	choices *choiceMemory

	username string // from getMe; "" if unknown

	floodMu    sync.Mutex
	floodUntil map[int64]time.Time
}

// New builds an adapter and calls getMe (5 s timeout) to validate the
// token. It fails on an empty token, a nil conversation, a webhook URL
// without a path of its own or without a valid secret (or a secret without
// URL), and malformed command names.
func New(token string, conv bot.Conversation, opts ...Option) (*Adapter, error) {
	if conv == nil {
		return nil, errors.New("telegram: nil conversation")
	}
	cfg := config{
		serverURL:   DefaultServerURL,
		log:         slog.Default(),
		clock:       realClock{},
		staff:       map[int64]bool{},
		commands:    map[string]command{},
		maxAttempts: DefaultMaxAttempts,
		retryBudget: DefaultRetryBudget,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.salt == "" {
		var k [16]byte
		_, _ = rand.Read(k[:])
		cfg.salt = hex.EncodeToString(k[:])
	}
	a := &Adapter{
		cfg:        cfg,
		conv:       conv,
		log:        cfg.log.With("component", "telegram"),
		floodUntil: map[int64]time.Time{},
		choices:    newChoiceMemory(DefaultChoiceChats),
	}
	a.disp = newDispatcher(concurrency, DefaultChatQueue)
	a.updates = newUpdateLog(DefaultRedeliveryMemory, func(owed []*outgoing) { a.lose(LostNotRedelivered, owed) })
	// The library's own default client, plus 5xx answers as errors.
	client := &http.Client{Timeout: time.Minute, Transport: statusTransport{http.DefaultTransport}}
	tgopts := []tg.Option{
		tg.WithServerURL(cfg.serverURL),
		tg.WithDefaultHandler(a.onPolledUpdate),
		tg.WithNotAsyncHandlers(), // the dispatcher orders and parallelises
		tg.WithAllowedUpdates(allowedUpdates),
		tg.WithErrorsHandler(a.libraryError),
		tg.WithSkipGetMe(), // New calls getMe itself to learn the username
		tg.WithHTTPClient(client.Timeout, client),
	}
	b, err := tg.New(token, tgopts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	a.b = b
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	me, err := b.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe (token check): %w", err)
	}
	a.username = me.Username
	return a, nil
}

// libraryError logs an error reported by go-telegram/bot. Errors about
// undecodable bodies quote the body (which may hold user messages): only
// their first words are logged.
func (a *Adapter) libraryError(err error) {
	a.log.Warn("bot api", "err", shortError(err))
}

// shortError is err's message fit for a log: cut at a quoted response body
// and at 300 bytes.
func shortError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "decode response body"); i >= 0 {
		msg = msg[:i] + "decode response body failed"
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

func (c *config) validate() error {
	if c.webhookURL != "" {
		if _, err := CheckWebhookURL(c.webhookURL); err != nil {
			return err
		}
		if !webhookSecret.MatchString(c.webhookSecret) {
			return errors.New("telegram: webhook mode needs a secret of 1-256 characters A-Z a-z 0-9 _ -")
		}
	} else if c.webhookSecret != "" {
		return errors.New("telegram: webhook secret without webhook URL")
	}
	for name, cmd := range c.commands {
		if !commandName.MatchString(name) {
			return fmt.Errorf("telegram: bad command name %q (1-32 of a-z 0-9 _)", name)
		}
		if cmd.handler == nil {
			return fmt.Errorf("telegram: nil handler for /%s", name)
		}
		if n := len([]rune(cmd.description)); n > 256 {
			return fmt.Errorf("telegram: description of /%s longer than 256 characters", name)
		}
	}
	return nil
}

// CheckWebhookURL checks a webhook URL (TELEGRAM_WEBHOOK_URL) and returns
// its path, where WebhookHandler is to be mounted: an absolute http(s) URL
// whose path is its own — not empty, not "/", only letters, digits and
// . _ ~ - / (no pattern characters, escapes, empty or dot segments). Whether the
// path clashes with the caller's other routes is the caller's to check.
func CheckWebhookURL(raw string) (path string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", errors.New("telegram: webhook URL must be an absolute http(s) URL (Telegram needs https)")
	}
	if !webhookPath.MatchString(u.Path) || u.RawPath != "" || strings.Contains(u.Path+"/", "/./") || strings.Contains(u.Path+"/", "/../") {
		return "", fmt.Errorf("telegram: webhook URL %s needs a path of its own, e.g. /telegram/hook (letters, digits, . _ ~ - /), not %q", u.Redacted(), u.Path)
	}
	return u.Path, nil
}

// Run sets the command menu (setMyCommands) and then, in long polling
// mode, deletes any webhook and polls until ctx is done, waiting for
// updates in hand to be answered; in webhook mode it calls setWebhook with
// the secret token and blocks until ctx is done while WebhookHandler
// serves. It returns an error when the token is rejected or setWebhook
// fails; other setup failures are logged. It returns nil once ctx is done.
func (a *Adapter) Run(ctx context.Context) error {
	if err := a.setCommands(ctx); errors.Is(err, tg.ErrorUnauthorized) {
		return fmt.Errorf("telegram: %w", err)
	}
	if a.cfg.webhookURL != "" {
		err := a.call(ctx, "setWebhook", func(ctx context.Context) error {
			_, err := a.b.SetWebhook(ctx, &tg.SetWebhookParams{
				URL:            a.cfg.webhookURL,
				SecretToken:    a.cfg.webhookSecret,
				AllowedUpdates: allowedUpdates,
			})
			return err
		})
		switch {
		case err != nil && ctx.Err() != nil:
			return nil // shut down during setup
		case err != nil:
			return fmt.Errorf("telegram: setWebhook: %w", err)
		}
		a.log.Info("webhook mode")
		<-ctx.Done()
		return nil
	}
	err := a.call(ctx, "deleteWebhook", func(ctx context.Context) error {
		_, err := a.b.DeleteWebhook(ctx, &tg.DeleteWebhookParams{})
		return err
	})
	switch {
	case errors.Is(err, tg.ErrorUnauthorized):
		return fmt.Errorf("telegram: %w", err)
	case err != nil && ctx.Err() == nil:
		a.log.Warn("deleteWebhook failed; polling anyway", "err", err)
	}
	a.log.Info("long polling mode")
	a.b.Start(ctx)
	a.disp.wait()
	return nil
}

// menu is the built-in command menu, in Chinese.
var menu = []models.BotCommand{
	{Command: "start", Description: "开始使用：功能介绍和提问示例"},
	{Command: "help", Description: "使用帮助和全部命令"},
	{Command: "calc", Description: "按条款计算金额（只发 /calc 列出全部规则）"},
	{Command: "forget", Description: "删除我的对话记录、上下文和本会话的企业资料"},
}

// setCommands publishes the menu: the built-ins, then WithMenuCommand
// entries in registration order (a replaced built-in keeps its place, and
// its description unless a new one is given).
func (a *Adapter) setCommands(ctx context.Context) error {
	cmds := a.menu()
	err := a.call(ctx, "setMyCommands", func(ctx context.Context) error {
		_, err := a.b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds})
		return err
	})
	if err != nil {
		a.log.Warn("setMyCommands failed", "err", err)
	}
	return err
}

func (a *Adapter) menu() []models.BotCommand {
	cmds := make([]models.BotCommand, 0, len(menu)+len(a.cfg.commandOrder))
	listed := map[string]bool{}
	for _, c := range menu {
		if own, ok := a.cfg.commands[c.Command]; ok {
			if own.staffOnly {
				continue // replaced by a staff command: not for everyone's menu
			}
			if own.description != "" {
				c.Description = own.description
			}
		}
		cmds = append(cmds, c)
		listed[c.Command] = true
	}
	for _, name := range a.cfg.commandOrder {
		c := a.cfg.commands[name]
		if c.description != "" && !listed[name] && !c.staffOnly {
			cmds = append(cmds, models.BotCommand{Command: name, Description: c.description})
		}
	}
	return cmds
}

// WebhookHandler serves Telegram's webhook POSTs. It checks the
// X-Telegram-Bot-Api-Secret-Token header against the configured secret in
// constant time and answers 401 when it is wrong or missing (or when no
// secret is configured) before anything reads the body; 405 for other
// methods; 400 for a body that is not an update. A good update is handled
// synchronously (its context survives the request's cancellation, bounded
// by DefaultHandleTimeout, sends retried as WithRetry says). Then:
//   - 200 when every reply was delivered (or the user blocked the bot, or
//     Telegram refused a message for good): Telegram forgets the update;
//   - 503 when a reply could not be delivered yet: Telegram redelivers the
//     update later, and the redelivery resends only what is still owed.
//
// A redelivered update that was answered gets 200 without a second answer.
// Update ids are remembered per process (DefaultRedeliveryMemory): with
// several replicas, a redelivery that reaches another replica is answered
// there afresh.
func (a *Adapter) WebhookHandler() http.Handler {
	want := sha256.Sum256([]byte(a.cfg.webhookSecret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token")))
		if a.cfg.webhookSecret == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			a.log.Warn("webhook request with wrong or missing secret", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var upd models.Update
		if err := json.Unmarshal(body, &upd); err != nil {
			a.log.Warn("webhook body is not an update", "bytes", len(body))
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if owed := a.handle(context.WithoutCancel(r.Context()), &upd); len(owed) > 0 {
			a.log.Warn("reply not delivered; asking Telegram to redeliver the update", "update", upd.ID, "replies", len(owed))
			http.Error(w, "reply not delivered yet", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// WebhookPath is the path of the configured webhook URL ("" in long
// polling mode): where to mount WebhookHandler. New has checked it is a
// plain path other than "/"; whether it clashes with the caller's own
// routes is the caller's to check.
func (a *Adapter) WebhookPath() string {
	if a.cfg.webhookURL == "" {
		return ""
	}
	u, _ := url.Parse(a.cfg.webhookURL)
	return u.Path
}

// onPolledUpdate is the library's handler in long polling: it queues the
// update on its chat so chats are answered in parallel, each in order.
func (a *Adapter) onPolledUpdate(ctx context.Context, _ *tg.Bot, upd *models.Update) {
	if upd == nil {
		return
	}
	detached := context.WithoutCancel(ctx)
	if !a.disp.submit(chatKey(upd), func() { a.HandleUpdate(detached, upd) }) {
		a.log.Warn("chat queue full; update dropped", "update", upd.ID)
		a.countLost(LostQueueFull)
	}
}
