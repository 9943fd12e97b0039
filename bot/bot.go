// Package bot is the conversation engine: channel-free, it takes a message
// and returns a reply with citations, calculations and buttons. Channels
// (bot/telegram, bot/web) adapt it; they hold no policy logic.
package bot

import (
	"context"
	"errors"
	"time"

	"github.com/cdsme/policybot/policies"
)

// Message is one incoming chat message, whatever the channel.
type Message struct {
	Channel string    // "telegram", "web", "cli"
	UserID  string    // channel-scoped user id, e.g. a Telegram user id in decimal
	ChatID  string    // channel-scoped chat id; context is kept per chat
	Text    string    // as the user typed it
	Time    time.Time // when the channel received it
}

// Reply is what the engine answers. Text is plain text: channels escape it
// for their markup.
type Reply struct {
	ExchangeID   string                 // id of the logged exchange; feedback refers to it
	Text         string                 // the answer a user reads
	Answered     bool                   // false when the documents do not cover the question
	Citations    []Citation             // best first, at most 5
	Calculations []policies.Calculation // one per amount quoted
	Buttons      []Button               // offered under the answer (feedback, follow-ups)
	// Choices are replies the user may send with one tap when the answer
	// asks which reading is meant ("今年930万"); a channel shows them as
	// buttons that send the text as the user's next message.
	Choices []string
}

// Citation is a clause an answer rests on.
type Citation struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	Quote string  `json:"quote"`
	Title string  `json:"title,omitempty"`
}

// Button is an inline button. Data is opaque to channels and at most 64 bytes
// (Telegram's callback_data limit); the engine signs it so tampering shows.
type Button struct {
	Text string
	Data string
}

// Feedback is a user's verdict on an answer, from a button tap.
type Feedback struct {
	Channel string // as in Message.Channel
	UserID  string
	Data    string // the Button.Data that was tapped
	Reason  string // optional words after 👎 (web chat); masked before it is stored
	Time    time.Time
}

// MaxFeedbackReason bounds a feedback reason, in characters.
const MaxFeedbackReason = 500

// Conversation is the seam between the engine and its channels.
type Conversation interface {
	// Handle answers one message. A non-nil error means there is no answer:
	// ErrRateLimited when the user is over the rate limit (channels may say
	// so once), otherwise the engine failed and channels send a plain
	// apology, never the error.
	Handle(ctx context.Context, m Message) (Reply, error)
	// Feedback records a button tap and returns a short acknowledgement to
	// show the user. Tampered or stale data gives ErrBadCallback.
	Feedback(ctx context.Context, f Feedback) (string, error)
	// Forget deletes everything kept about the user of m (m.Channel,
	// m.UserID, m.ChatID; m.Text is ignored): context, profile, logs.
	Forget(ctx context.Context, m Message) error
}

// ErrBadCallback is returned for button data the engine did not issue.
var ErrBadCallback = errors.New("bad callback data")
