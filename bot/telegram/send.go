package telegram

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/cdsme/policybot/bot"
)

type tgAnswer = tg.AnswerCallbackQueryParams

// Send delivers r to a chat as the adapter answers users: Text escaped for
// HTML, split into parts of at most MaxMessageLen, Buttons as an inline
// keyboard on the last part (buttons with empty text or data, or data over
// MaxCallbackData bytes, are dropped and logged). A reply longer than
// MaxParts parts is cut with a note. 429 answers are retried
// (WithRetry). A 403 stops sending and returns an error wrapping ErrBlocked,
// so a push sender can mark the subscriber inactive. Empty text is an
// error.
func (a *Adapter) Send(ctx context.Context, chatID int64, r bot.Reply) error {
	return a.send(ctx, chatID, r, 0)
}

func (a *Adapter) send(ctx context.Context, chatID int64, r bot.Reply, replyTo int) error {
	parts := renderParts(r.Text, MaxMessageLen)
	if len(parts) == 0 {
		return errors.New("telegram: empty message")
	}
	if len(parts) > MaxParts {
		a.log.Warn("reply too long; cut", "parts", len(parts), "kept", MaxParts)
		parts = append(parts[:MaxParts], part{HTML: html.EscapeString(truncatedNote), Plain: truncatedNote})
	}
	return a.sendParts(ctx, chatID, parts, a.keyboard(r.Buttons), replyTo)
}

// sendParts sends the parts in order, the keyboard on the last, the first
// as a reply to replyTo (if not 0). It stops at the first failure.
func (a *Adapter) sendParts(ctx context.Context, chatID int64, parts []part, kb *inlineKeyboard, replyTo int) error {
	for i, p := range parts {
		params := &tg.SendMessageParams{
			ChatID:             chatID,
			Text:               p.HTML,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()},
		}
		if i == 0 && replyTo != 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		}
		if i == len(parts)-1 && kb != nil {
			params.ReplyMarkup = kb
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
			return fmt.Errorf("telegram: part %d/%d: %w", i+1, len(parts), err)
		}
	}
	return nil
}

func (a *Adapter) sendMessage(ctx context.Context, params *tg.SendMessageParams) error {
	return a.call(ctx, "sendMessage", func(ctx context.Context) error {
		_, err := a.b.SendMessage(ctx, params)
		return err
	})
}

// call runs one Bot API call. On 429 it waits retry_after (at least 1 s)
// on the clock and tries again, at most cfg.maxRetries times and only for
// waits up to cfg.maxRetryWait. A 403 is returned wrapping ErrBlocked.
// Errors are detected with errors.As / errors.Is, so wrapping is harmless.
func (a *Adapter) call(ctx context.Context, method string, f func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		var tooMany *tg.TooManyRequestsError
		if errors.As(err, &tooMany) {
			wait := time.Duration(tooMany.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			if attempt >= a.cfg.maxRetries || wait > a.cfg.maxRetryWait {
				return fmt.Errorf("%s: giving up after %d retries: %w", method, attempt, err)
			}
			a.log.Warn("rate limited by telegram; waiting", "method", method, "retry_after", wait, "attempt", attempt+1)
			if serr := a.cfg.clock.Sleep(ctx, wait); serr != nil {
				return fmt.Errorf("%s: %w", method, serr)
			}
			continue
		}
		if errors.Is(err, tg.ErrorForbidden) {
			return fmt.Errorf("%s: %w: %w", method, ErrBlocked, err)
		}
		return fmt.Errorf("%s: %w", method, err)
	}
}

// keyboard lays out reply buttons, buttonsPerRow to a row; nil when none
// is usable.
func (a *Adapter) keyboard(bs []bot.Button) *inlineKeyboard {
	var rows [][]inlineButton
	var row []inlineButton
	for _, b := range bs {
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
