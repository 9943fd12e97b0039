package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"

	openai "github.com/sashabaranov/go-openai"
)

// Sentinels for the reasons a phrasing fails. Phrase wraps one of them (test
// with errors.Is) together with the underlying error; the engine then sends
// the offline answer and counts the fallback under FallbackReason(err).
var (
	ErrTimeout        = errors.New("llm: timed out")      // the Phrase deadline (WithTimeout) or the caller's passed
	ErrRateLimited    = errors.New("llm: rate limited")   // HTTP 429 from the API
	ErrUpstream       = errors.New("llm: upstream error") // HTTP 5xx, or the API could not be reached
	ErrInventedNumber = errors.New("llm: reply states a figure of its own")
	ErrPlaceholder    = errors.New("llm: reply uses a placeholder not offered") // unknown or malformed {{…}}
	ErrUnsafe         = errors.New("llm: reply holds a link, asks for personal data or says the policy lapsed")
	ErrTooLong        = errors.New("llm: reply too long")      // over the length cap, or a response body over maxResponseBytes
	ErrEmpty          = errors.New("llm: empty reply")         // no choices, blank text, or tool rounds exhausted
	ErrNotConfigured  = errors.New("llm: no model configured") // Config.Model or APIKey/BaseURL missing
)

// FallbackReason names why Phrase failed, for logs and metrics: "timeout",
// "rate_limited", "upstream", "invented_number", "bad_placeholder",
// "unsafe_content", "too_long", "empty" or "other" (including a nil error,
// which is not a fallback at all, and client-side errors such as HTTP
// 400/401 or a cancelled caller context).
func FallbackReason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	return "other"
}

var reasons = []struct {
	err  error
	name string
}{
	{ErrTimeout, "timeout"}, {ErrRateLimited, "rate_limited"}, {ErrUpstream, "upstream"},
	{ErrInventedNumber, "invented_number"}, {ErrPlaceholder, "bad_placeholder"},
	{ErrUnsafe, "unsafe_content"}, {ErrTooLong, "too_long"}, {ErrEmpty, "empty"},
}

// RejectError is a refused reply: what was refused and why. It wraps one of
// ErrInventedNumber, ErrPlaceholder, ErrUnsafe or ErrTooLong.
type RejectError struct {
	Err  error  // the sentinel
	Span string // the refused text as read, e.g. "五百万" or "{{amount:x}}"
	Why  string
}

func (e *RejectError) Error() string { return fmt.Sprintf("%v: %q %s", e.Err, e.Span, e.Why) }

// Unwrap returns the sentinel.
func (e *RejectError) Unwrap() error { return e.Err }

func reject(sentinel error, span, why string) error {
	return &RejectError{Err: sentinel, Span: span, Why: why}
}

// classify wraps an error from the OpenAI client with the matching sentinel.
// ctx is the Phrase context (with its deadline).
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrTooLong) {
		return fmt.Errorf("reading the response: %w", err)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("llm: %w", err)
	}
	status := 0
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	}
	switch {
	case status == 429:
		return fmt.Errorf("%w: %w", ErrRateLimited, err)
	case status >= 500:
		return fmt.Errorf("%w: %w", ErrUpstream, err)
	case status > 0:
		return fmt.Errorf("llm: api status %d: %w", status, err)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return fmt.Errorf("%w: %w", ErrUpstream, err)
	}
	// A 2xx body that is not a chat completion: the endpoint is broken.
	var synErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &synErr) || errors.As(err, &typeErr) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: bad response body: %w", ErrUpstream, err)
	}
	return fmt.Errorf("llm: %w", err)
}
