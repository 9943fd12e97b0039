// Package llm phrases answers with an OpenAI-compatible chat model (OpenAI,
// DeepSeek, Qwen, Ollama …) so that the model cannot put a figure, a link or
// a request for personal data in front of a user.
//
// Safety is by construction: the model writes prose with placeholders
// ({{amount:rd_increase}}, {{clause:policy/4}} — see slots.go) and the
// engine fills them with its own values. The prose itself may hold no figure
// at all, no link and no request for personal data (the guard, guard.go);
// the calculators are offered as a tool, but a call is run only with
// figures the user wrote (provenance, tools.go); the reply and the response
// body are bounded. Any failure — timeout, 429, 5xx, an empty reply, a
// refused reply — comes back as an error wrapping a sentinel, so the engine
// sends the offline answer instead and counts the reason (FallbackReason).
package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
	openai "github.com/sashabaranov/go-openai"
)

const (
	// DefaultTimeout bounds a whole Phrase call, all tool rounds included.
	DefaultTimeout = 8 * time.Second
	// maxToolRounds is how many model turns may call tools; one more turn
	// is then asked with tools disabled (tool_choice "none").
	maxToolRounds = 3
	// maxResponseBytes bounds every response body read from the API: room
	// for a reasoning model's reasoning_content (JSON-escaped Chinese is six
	// bytes a character), far below a runaway reply.
	maxResponseBytes = 1 << 20
	// Reply length cap: the filled reply may have at most
	// lengthFactor × the offline answer's runes + lengthSlack runes.
	lengthFactor = 2
	lengthSlack  = 400
)

// Config selects the model: the OPENAI_BASE_URL, OPENAI_API_KEY and
// OPENAI_MODEL environment variables (DESIGN.md). BaseURL is the API root
// including any version path ("https://api.deepseek.com/v1",
// "http://127.0.0.1:11434/v1"); requests go to BaseURL + "/chat/completions".
// Empty BaseURL means https://api.openai.com/v1.
type Config struct {
	BaseURL string
	APIKey  string
	Model   string
}

// Configured reports whether the config names a model and an endpoint it can
// reach: a Model, and an APIKey or a BaseURL (local servers need no key).
// When it is false the engine answers offline.
func (c Config) Configured() bool {
	return c.Model != "" && (c.APIKey != "" || c.BaseURL != "")
}

// Option tunes a Phraser.
type Option func(*Phraser)

// WithTimeout bounds a whole Phrase call, every model round and tool call
// included (default DefaultTimeout). d ≤ 0 keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(p *Phraser) {
		if d > 0 {
			p.timeout = d
		}
	}
}

// WithLogger sets the logger for rounds, tool calls and guard rejections
// (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(p *Phraser) {
		if l != nil {
			p.log = l
		}
	}
}

// Phraser phrases answers with a chat model. It is safe for concurrent use.
type Phraser struct {
	cfg     Config
	client  *openai.Client
	timeout time.Duration
	log     *slog.Logger
}

// New returns a Phraser for cfg. It does not contact the API.
func New(cfg Config, opts ...Option) *Phraser {
	p := &Phraser{cfg: cfg, timeout: DefaultTimeout, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(p)
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = &http.Client{Transport: boundedTransport{http.DefaultTransport}}
	p.client = openai.NewClientWithConfig(oc)
	return p
}

// Request is what to phrase.
type Request struct {
	Question     string                 // as the user typed it; sent as data, never as instructions
	History      []string               // the user's earlier messages in this chat; with Question, the only source of tool inputs
	Clauses      []policies.Clause      // the clauses the answer rests on, best first
	Calculations []policies.Calculation // receipts already computed by the engine
	Offline      string                 // the offline answer: reference for the model, length and wording baseline, fallback for the engine
	At           time.Time              // date for calculations the model requests (zero: now)
}

// Result is a phrased answer.
type Result struct {
	// Text is the reply with its placeholders filled; set only on success.
	Text string
	// Calculations are the request's receipts followed by those the model
	// obtained through the calculate tool with admitted inputs
	// (deduplicated). Set on error too.
	Calculations []policies.Calculation
	ToolCalls    int // tool calls answered locally (refused ones included)
	Rounds       int // chat completion requests sent
}

// Phrase asks the model to phrase an answer to req and fills and checks the
// reply.
//
// The reply is refused when it uses a placeholder not offered (ErrPlaceholder),
// when the filled text is longer than lengthFactor × req.Offline +
// lengthSlack runes (ErrTooLong), or when its prose states a figure
// (ErrInventedNumber) or holds a link, a request for personal data or a
// claim that the policy lapsed that req.Offline does not hold itself
// (ErrUnsafe) — see guard.go for the rule. Other failures wrap ErrTimeout,
// ErrRateLimited, ErrUpstream, ErrTooLong (a response body over
// maxResponseBytes) or ErrEmpty (or ErrNotConfigured / a client error,
// reason "other"). On any error Result.Text is empty and the caller sends
// req.Offline.
func (p *Phraser) Phrase(ctx context.Context, req Request) (Result, error) {
	res := Result{Calculations: append([]policies.Calculation(nil), req.Calculations...)}
	if !p.cfg.Configured() {
		return res, ErrNotConfigured
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	at := req.At
	if at.IsZero() {
		at = time.Now()
	}
	prov := newProvenance(append([]string{req.Question}, req.History...))

	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: systemMessage(newSlots(answerClauses(req.Clauses, res.Calculations), res.Calculations))},
		{Role: openai.ChatMessageRoleSystem, Content: contextMessage(req)},
		{Role: openai.ChatMessageRoleUser, Content: userMessage(req.Question)},
	}
	toolDefs := tools()
	var text string
	for round := 0; ; round++ {
		creq := openai.ChatCompletionRequest{Model: p.cfg.Model, Messages: msgs, Tools: toolDefs}
		if !reasoningModel(p.cfg.Model) {
			// Temperature 0 is dropped by omitempty; a small value keeps the
			// phrasing steady. Reasoning models reject any temperature.
			creq.Temperature = 0.1
		}
		final := round >= maxToolRounds
		if final {
			creq.ToolChoice = "none"
		}
		res.Rounds++
		resp, err := p.client.CreateChatCompletion(ctx, creq)
		if err != nil {
			err = classify(ctx, err)
			p.log.Info("llm round failed", "round", round, "reason", FallbackReason(err), "err", err)
			return res, err
		}
		if len(resp.Choices) == 0 {
			return res, fmt.Errorf("%w: no choices", ErrEmpty)
		}
		m := resp.Choices[0].Message
		if len(m.ToolCalls) == 0 || final {
			text = strings.TrimSpace(m.Content)
			if text == "" && len(m.ToolCalls) > 0 {
				return res, fmt.Errorf("%w: still calling tools after %d rounds", ErrEmpty, maxToolRounds)
			}
			break
		}
		// Echo the assistant turn, then answer each call.
		msgs = append(msgs, openai.ChatCompletionMessage{
			Role:      openai.ChatMessageRoleAssistant,
			Content:   m.Content,
			ToolCalls: m.ToolCalls,
		})
		for _, call := range m.ToolCalls {
			content, calc := runTool(call, at, prov)
			res.ToolCalls++
			if calc != nil {
				res.Calculations = appendCalc(res.Calculations, *calc)
				content = mustJSON(map[string]any{"calculation": calc,
					"placeholders": newSlots(nil, res.Calculations).forCalc(keyOf(res.Calculations, *calc))})
			}
			p.log.Debug("llm tool call", "tool", call.Function.Name, "args", call.Function.Arguments, "result", content)
			msgs = append(msgs, openai.ChatCompletionMessage{
				Role:       openai.ChatMessageRoleTool,
				Content:    content,
				ToolCallID: call.ID,
				Name:       call.Function.Name,
			})
		}
		if err := ctx.Err(); err != nil {
			return res, classify(ctx, err)
		}
	}
	if text == "" {
		return res, fmt.Errorf("%w: blank content", ErrEmpty)
	}
	filled, err := p.accept(text, req, res.Calculations)
	if err != nil {
		p.log.Info("llm reply refused", "reason", FallbackReason(err), "err", err,
			"reply", string([]rune(text)[:min(utf8.RuneCountInString(text), 300)]))
		return res, err
	}
	res.Text = filled
	return res, nil
}

// accept fills the placeholders of the model's text and checks the result:
// placeholders, length, then the guard on the prose.
func (p *Phraser) accept(text string, req Request, calcs []policies.Calculation) (string, error) {
	clauses := answerClauses(req.Clauses, calcs)
	filled, prose, err := newSlots(clauses, calcs).fill(text)
	if err != nil {
		return "", err
	}
	if n, limit := utf8.RuneCountInString(filled), lengthFactor*utf8.RuneCountInString(req.Offline)+lengthSlack; n > limit {
		return "", reject(ErrTooLong, fmt.Sprintf("%d runes", n), fmt.Sprintf("exceeds the cap of %d", limit))
	}
	var sources, titles []string
	for _, c := range clauses {
		sources = append(sources, c.Text, c.Title)
		titles = append(titles, c.Title, c.DocTitle)
	}
	if err := newGuard(req.Offline, sources, titles).check(prose); err != nil {
		return "", err
	}
	return filled, nil
}

// answerClauses are the cited clauses followed by those the calculations
// rest on that are not cited.
func answerClauses(cited []policies.Clause, calcs []policies.Calculation) []policies.Clause {
	out := append([]policies.Clause(nil), cited...)
	have := map[string]bool{}
	for _, c := range cited {
		have[c.ID] = true
	}
	corpus, err := policies.Default()
	if err != nil {
		return out
	}
	for _, c := range calcs {
		if have[c.Clause] {
			continue
		}
		if cl, err := corpus.Clause(c.Clause); err == nil {
			out = append(out, cl)
			have[c.Clause] = true
		}
	}
	return out
}

// reasoningModel reports models that accept no sampling parameters
// (go-openai validates these names client-side).
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// calcID identifies a receipt by rule, amount and inputs.
func calcID(c policies.Calculation) string {
	in, _ := json.Marshal(c.Inputs)
	return fmt.Sprintf("%s|%d|%s", c.Rule, c.AmountYuan, in)
}

// appendCalc adds c unless an identical receipt is already there.
func appendCalc(cs []policies.Calculation, c policies.Calculation) []policies.Calculation {
	if keyOf(cs, c) != "" {
		return cs
	}
	return append(cs, c)
}

// keyOf returns the placeholder key (calcKey) of the receipt in cs
// identical to c, or "" when there is none.
func keyOf(cs []policies.Calculation, c policies.Calculation) string {
	n := 0
	for _, x := range cs {
		if x.Rule == c.Rule {
			n++
			if calcID(x) == calcID(c) {
				return calcKey(c.Rule, n)
			}
		}
	}
	return ""
}

// boundedTransport caps every response body at maxResponseBytes: reading
// past the cap fails with ErrTooLong, so a runaway reply costs at most that
// much memory and time.
type boundedTransport struct{ base http.RoundTripper }

func (t boundedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &boundedBody{ReadCloser: resp.Body, left: maxResponseBytes}
	return resp, nil
}

type boundedBody struct {
	io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, err := b.ReadCloser.Read(one[:]); n == 0 && err != nil {
			return 0, err // the body ended exactly at the cap
		}
		return 0, fmt.Errorf("%w: response body over %d bytes", ErrTooLong, maxResponseBytes)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
