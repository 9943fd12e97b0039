package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/cdsme/policybot/policies"
)

// Exchange is one question and its answer as kept in the conversation log
// for the staff console. Question, Answer and FeedbackReason are masked
// (MaskPersonal) before they are stored; users and chats appear only as
// hashes (HashUser).
type Exchange struct {
	ID             string                 `json:"id"`
	Time           time.Time              `json:"time"`
	Channel        string                 `json:"channel"`
	UserHash       string                 `json:"user"`
	ChatHash       string                 `json:"chat"`
	Question       string                 `json:"question"` // masked
	Answer         string                 `json:"answer"`   // masked
	Answered       bool                   `json:"answered"`
	Citations      []Citation             `json:"citations"`
	Calculations   []policies.Calculation `json:"calculations,omitempty"`
	Latency        time.Duration          `json:"latency_ns"`
	Mode           string                 `json:"mode"`               // ModeOffline, ModeLLM, ModeLLMFallback
	Feedback       string                 `json:"feedback,omitempty"` // "", VerdictUp, VerdictDown
	FeedbackReason string                 `json:"feedback_reason,omitempty"`
	// Need is what the question asked (the ask JSON's need); Unstated names
	// the need the documents do not state when the answer said so
	// ("deadline", "materials" …), "" otherwise. Staff read both as signs of
	// where people are confused.
	Need     string `json:"need,omitempty"`
	Unstated string `json:"unstated,omitempty"`
	Lang     string `json:"lang,omitempty"`
}

// Exchange modes: how the answer was composed.
const (
	ModeOffline     = "offline"      // extractive answer and calculators
	ModeLLM         = "llm"          // a language model phrased the answer
	ModeLLMFallback = "llm_fallback" // the model failed; the offline answer was sent
	ModeCurated     = "curated"      // an answer bureau staff wrote or approved
)

// Feedback verdicts.
const (
	VerdictUp   = "up"
	VerdictDown = "down"
)

// Clauses returns the clause ids the exchange rests on: its citations and
// the clauses of its calculations, each once, in order of appearance. The
// console's by-clause filter matches any of them.
func (e Exchange) Clauses() []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, c := range e.Citations {
		add(c.ID)
	}
	for _, c := range e.Calculations {
		add(c.Clause)
	}
	return out
}

// NewExchangeID returns a short, unique id that sorts by time (11 hex digits
// of Unix milliseconds, then 8 random hex digits). It fits in button data.
func NewExchangeID(t time.Time) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return fmt.Sprintf("%011x%s", t.UnixMilli(), hex.EncodeToString(b[:]))
}

// ExchangeQuery selects exchanges for the staff console. Zero fields do not
// filter. Since is inclusive, Until exclusive. Limit defaults to
// DefaultListLimit and is capped at MaxListLimit. Cursor is the value a
// previous List returned, to fetch the next (older) page.
type ExchangeQuery struct {
	Since, Until time.Time
	Unanswered   bool   // only exchanges the documents did not cover
	Disliked     bool   // only exchanges with a "down" verdict
	Clause       string // only exchanges citing (or calculating on) this clause
	Limit        int
	Cursor       string
}

// List limits.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// ExchangeLog is the conversation log behind the staff console.
type ExchangeLog interface {
	// Append stores an exchange. ID and Time must be set. Appending an id
	// that is already stored changes nothing.
	Append(ctx context.Context, e Exchange) error
	// Get returns one exchange, or ErrNotFound.
	Get(ctx context.Context, id string) (Exchange, error)
	// SetFeedback records a verdict (VerdictUp or VerdictDown) and an
	// optional reason. Only the exchange's own user may do it (else
	// ErrNotOwner); repeating it is harmless and a later verdict replaces an
	// earlier one. ErrNotFound when the exchange is gone.
	SetFeedback(ctx context.Context, id, userHash, verdict, reason string, at time.Time) error
	// List returns matching exchanges newest first, and the cursor of the
	// next page ("" when there is none).
	List(ctx context.Context, q ExchangeQuery) ([]Exchange, string, error)
	// DeleteUser removes every exchange of the user (/forget) and returns
	// how many there were.
	DeleteUser(ctx context.Context, userHash string) (int, error)
}

// ChatMemory keeps a short per-chat context so follow-up questions work.
type ChatMemory interface {
	// Load returns the chat's context, or the zero value when none is kept.
	Load(ctx context.Context, chatHash string) (ChatContext, error)
	// Save keeps the context for ttl (DefaultChatTTL when ttl <= 0).
	Save(ctx context.Context, chatHash string, c ChatContext, ttl time.Duration) error
	// Delete forgets the chat's context.
	Delete(ctx context.Context, chatHash string) error
}

// DefaultChatTTL is how long a chat context is kept when Save gets no ttl.
const DefaultChatTTL = 2 * time.Hour

// ChatContext is what the engine remembers of a chat between messages.
type ChatContext struct {
	LastClause   string            `json:"last_clause"`
	LastRule     string            `json:"last_rule"`
	Inputs       map[string]string `json:"inputs,omitempty"`
	Pending      string            `json:"pending,omitempty"` // the input the bot asked for
	LastQuestion string            `json:"last_question"`
	Updated      time.Time         `json:"updated"`
}

// RateLimiter limits how often a key (usually a user hash) may ask.
type RateLimiter interface {
	// Allow reports whether one more request may pass now; when it may
	// not, retryAfter says when the next one will.
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// Errors of the stores.
var (
	ErrNotFound = errors.New("not found")
	ErrNotOwner = errors.New("exchange belongs to another user")
)

// ValidVerdict reports whether v is a feedback verdict a store accepts.
func ValidVerdict(v string) bool { return v == VerdictUp || v == VerdictDown }
