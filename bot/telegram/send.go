package telegram

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/cdsme/policybot/bot"
)

type tgAnswer = tg.AnswerCallbackQueryParams

// Send delivers r to a chat as the adapter answers users: Text escaped for
// HTML, split into parts of at most MaxMessageLen, Choices and then Buttons
// as an inline keyboard on the last part (buttons with empty text or data,
// or data over MaxCallbackData bytes, are dropped and logged; a tap on a
// choice is answered as if the user had sent its text). A reply longer than
// MaxParts parts is cut with a note. 429, 5xx and network failures are
// retried within WithRetry's bounds; when they outlast them the error wraps
// ErrUndelivered (and the last *bot.TooManyRequestsError, if any). A 403
// stops sending and returns an error wrapping ErrBlocked, so a push sender
// can mark the subscriber inactive. Empty text is an error.
func (a *Adapter) Send(ctx context.Context, chatID int64, r bot.Reply) error {
	o, err := a.outgoing(chatID, r, 0)
	if err != nil {
		return err
	}
	return a.push(ctx, o)
}

// outgoing is a reply on its way: the parts not yet sent, in order.
type outgoing struct {
	chatID  int64
	parts   []part
	kb      *inlineKeyboard // on the last part
	replyTo int             // the first part answers this message (0: none)
}

func (a *Adapter) outgoing(chatID int64, r bot.Reply, replyTo int) (*outgoing, error) {
	parts := renderParts(r.Text, MaxMessageLen)
	if len(parts) == 0 {
		return nil, errors.New("telegram: empty message")
	}
	if len(parts) > MaxParts {
		a.log.Warn("reply too long; cut", "parts", len(parts), "kept", MaxParts)
		parts = append(parts[:MaxParts], part{HTML: html.EscapeString(truncatedNote), Plain: truncatedNote})
	}
	return &outgoing{chatID: chatID, parts: parts, kb: a.keyboard(chatID, r), replyTo: replyTo}, nil
}

// push sends o's parts in order, the keyboard on the last. It stops at the
// first failure, leaving in o the parts not sent, so that o can be pushed
// again later without repeating what the user already has.
func (a *Adapter) push(ctx context.Context, o *outgoing) error {
	for len(o.parts) > 0 {
		p := o.parts[0]
		params := &tg.SendMessageParams{
			ChatID:             o.chatID,
			Text:               p.HTML,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()},
		}
		if o.replyTo != 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: o.replyTo, AllowSendingWithoutReply: true}
		}
		if len(o.parts) == 1 && o.kb != nil {
			params.ReplyMarkup = o.kb
		}
		err := a.sendMessage(ctx, params)
		if err != nil && errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "can't parse entities") {
			// Should not happen: the markup is built here. Resend as plain
			// text rather than leave the user without an answer.
			a.log.Error("telegram rejected HTML; resending as plain text", "err", err)
			params.Text, params.ParseMode = p.Plain, ""
			err = a.sendMessage(ctx, params)
		}
		if err != nil {
			return fmt.Errorf("telegram: %d part(s) not sent: %w", len(o.parts), err)
		}
		o.parts, o.replyTo = o.parts[1:], 0
	}
	return nil
}

func (a *Adapter) sendMessage(ctx context.Context, params *tg.SendMessageParams) error {
	return a.call(ctx, "sendMessage", func(ctx context.Context) error {
		_, err := a.b.SendMessage(ctx, params)
		return err
	})
}

// ErrUndelivered is wrapped by the error of a Bot API call whose 429, 5xx
// or network failures outlasted the retry bounds (WithRetry), or whose
// context ended while it was failing: the message may be sent later.
var ErrUndelivered = errors.New("telegram: not delivered")

// call runs one Bot API call, retried as WithRetry documents: a 429 after
// its retry_after (at least 1 s), a 5xx or a network failure after a
// backoff doubling from firstBackoff to maxBackoff; at most maxAttempts
// tries and retryBudget of waiting, and never a wait past ctx's deadline.
// A 403 is returned wrapping ErrBlocked, a retryable failure that outlasts
// the bounds wrapping ErrUndelivered; other errors (4xx) as they are.
// Errors are detected with errors.As / errors.Is, so wrapping is harmless.
func (a *Adapter) call(ctx context.Context, method string, f func(context.Context) error) error {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		if errors.Is(err, tg.ErrorForbidden) {
			return fmt.Errorf("%s: %w: %w", method, ErrBlocked, err)
		}
		wait, ok := retryWait(err, attempt)
		if !ok {
			return fmt.Errorf("%s: %w", method, err)
		}
		if ctx.Err() != nil || attempt >= a.cfg.maxAttempts || waited+wait > a.cfg.retryBudget || pastDeadline(ctx, wait) {
			return fmt.Errorf("%s: %w after %d attempt(s), %s waited: %w", method, ErrUndelivered, attempt, waited, err)
		}
		a.log.Warn("bot api call failed; retrying", "method", method, "wait", wait, "attempt", attempt, "err", shortError(err))
		if serr := a.cfg.clock.Sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%s: %w after %d attempt(s): %w", method, ErrUndelivered, attempt, err)
		}
		waited += wait
	}
}

// retryWait says whether err is worth another try and after how long.
func retryWait(err error, attempt int) (time.Duration, bool) {
	var tooMany *tg.TooManyRequestsError
	if errors.As(err, &tooMany) {
		return max(time.Duration(tooMany.RetryAfter)*time.Second, time.Second), true
	}
	var se *serverError
	var ne *url.Error // from http.Client.Do: the request may not have arrived
	if !errors.As(err, &se) && !errors.As(err, &ne) {
		return 0, false
	}
	return min(firstBackoff<<min(attempt-1, 16), maxBackoff), true
}

func pastDeadline(ctx context.Context, wait time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < wait
}

// serverError is an HTTP 5xx answer from the Bot API (or a proxy before
// it). go-telegram/bot reads only the JSON body, so a proxy's HTML error
// page would otherwise be a decode error indistinguishable from a bug.
type serverError struct{ status int }

func (e *serverError) Error() string { return fmt.Sprintf("bot api: HTTP %d", e.status) }

// statusTransport turns HTTP 5xx responses into *serverError.
type statusTransport struct{ base http.RoundTripper }

func (t statusTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil || resp.StatusCode < 500 {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil, &serverError{status: resp.StatusCode}
}

// keyboard lays out a reply's choices (choiceRows) above its buttons,
// buttonsPerRow to a row; nil when none is usable.
func (a *Adapter) keyboard(chatID int64, r bot.Reply) *inlineKeyboard {
	rows := a.choiceRows(chatID, r.Choices)
	var row []inlineButton
	for _, b := range r.Buttons {
		if strings.TrimSpace(b.Text) == "" || b.Data == "" || len(b.Data) > MaxCallbackData {
			a.log.Warn("button dropped: empty text/data or callback data over 64 bytes", "bytes", len(b.Data))
			continue
		}
		row = append(row, inlineButton{Text: b.Text, CallbackData: b.Data})
		if len(row) == buttonsPerRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil
	}
	return &inlineKeyboard{InlineKeyboard: rows}
}
