package push

import (
	"context"
	"errors"
	"time"
)

// Correction is an enterprise's objection to one of its bills (/correct, or
// the 反馈有误 button under a pushed bill): which bill, and in the sender's
// words what is wrong. It holds no chat or user id.
type Correction struct {
	ID         string    `json:"id"`         // given by the store; orders corrections by arrival
	Enterprise string    `json:"enterprise"` // the profile id
	Name       string    `json:"name,omitempty"`
	BillDate   string    `json:"bill_date"` // YYYY-MM-DD, the bill objected to
	Text       string    `json:"text"`      // the sender's words, personal data masked; "" for a button tap
	Source     string    `json:"source"`    // CorrectionCommand | CorrectionButton
	At         time.Time `json:"at"`
	// Reply is staff's answer (the console), nil until there is one.
	Reply *CorrectionReply `json:"reply,omitempty"`
}

// CorrectionReply is staff's answer to a correction: stored with it, and
// sent to the enterprise's chat when a sender is configured.
type CorrectionReply struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
	// Sent is true once the enterprise's chat accepted the message;
	// NotSent says why it was not sent ("" while sending).
	Sent    bool   `json:"sent"`
	NotSent string `json:"not_sent,omitempty"`
}

// MaxCorrectionReply bounds a reply's text, in characters.
const MaxCorrectionReply = 1000

// Errors of a CorrectionStore.
var (
	ErrNoCorrection        = errors.New("corrections: no such correction")
	ErrBadCorrectionCursor = errors.New("corrections: bad cursor")
)

// Correction sources.
const (
	CorrectionCommand = "command" // /correct TEXT
	CorrectionButton  = "button"  // the button under a bill
)

// MaxCorrectionText bounds a correction's text, in characters.
const MaxCorrectionText = 1000

// CorrectionStore keeps corrections for staff to read.
type CorrectionStore interface {
	// Add records c (its ID and, if zero, At are set by the store; Text is
	// masked before it is stored) and returns its id. added is false when
	// the same objection was recorded before: a button correction of the
	// same enterprise and bill date, which a second tap would repeat.
	Add(ctx context.Context, c Correction) (id string, added bool, err error)
	// List returns up to limit corrections, newest first, starting after
	// cursor ("" for the newest), and the cursor of the next page ("" when
	// there is none).
	// ErrBadCorrectionCursor for a cursor it did not give.
	List(ctx context.Context, cursor string, limit int) (cs []Correction, next string, err error)
	// Reply stores r as the reply to correction id, replacing an earlier
	// one, and returns the correction with it; ErrNoCorrection when id is
	// unknown (or trimmed away).
	Reply(ctx context.Context, id string, r CorrectionReply) (Correction, error)
}
