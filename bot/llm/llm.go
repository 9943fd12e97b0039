// Package llm phrases answers with an OpenAI-compatible chat model (OpenAI,
// DeepSeek, Qwen, Ollama …) under one rule: the model may phrase, never
// invent figures.
//
// The model sees the retrieved clauses and the calculator receipts, may call
// the deterministic calculators (package policies) through the `calculate`
// tool, and its reply passes the number guard (CheckNumbers) before anyone
// reads it. Any failure — timeout, 429, 5xx, an empty reply, a figure the
// guard rejects — comes back as an error wrapping a sentinel, so the engine
// sends the offline extractive answer instead and counts the reason
// (FallbackReason).
package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cdsme/policybot/policies"
	openai "github.com/sashabaranov/go-openai"
)

// Defaults for the options.
const (
	DefaultTimeout       = 8 * time.Second // whole Phrase call, all tool rounds included
	DefaultMaxToolRounds = 3               // model turns that may call tools before a final answer is forced
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

// ConfigFromEnv reads OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL
// through getenv (os.Getenv in main, a map in tests).
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		BaseURL: strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		APIKey:  strings.TrimSpace(getenv("OPENAI_API_KEY")),
		Model:   strings.TrimSpace(getenv("OPENAI_MODEL")),
	}
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

// WithHTTPClient sets the HTTP client for API calls (default: a new
// http.Client without its own timeout; the Phrase deadline applies).
func WithHTTPClient(c *http.Client) Option {
	return func(p *Phraser) {
		if c != nil {
			p.httpClient = c
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

// WithMaxToolRounds bounds the model turns that may call tools (default
// DefaultMaxToolRounds). After that many, one more turn is asked with tools
// disabled (tool_choice "none"); if it still brings no text, Phrase fails
// with ErrEmpty. n < 0 keeps the default; 0 offers no tools at all.
func WithMaxToolRounds(n int) Option {
	return func(p *Phraser) {
		if n >= 0 {
			p.maxRounds = n
		}
	}
}

// WithClock sets the time used for calculations requested through tools when
// Request.At is zero (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(p *Phraser) {
		if now != nil {
			p.now = now
		}
	}
}

// Phraser phrases answers with a chat model. It is safe for concurrent use.
type Phraser struct {
	cfg        Config
	client     *openai.Client
	httpClient *http.Client
	timeout    time.Duration
	maxRounds  int
	log        *slog.Logger
	now        func() time.Time
}

// New returns a Phraser for cfg. It does not contact the API.
func New(cfg Config, opts ...Option) *Phraser {
	p := &Phraser{
		cfg:        cfg,
		httpClient: &http.Client{},
		timeout:    DefaultTimeout,
		maxRounds:  DefaultMaxToolRounds,
		log:        slog.New(slog.DiscardHandler),
		now:        time.Now,
	}
	for _, o := range opts {
		o(p)
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = p.httpClient
	p.client = openai.NewClientWithConfig(oc)
	return p
}

// Request is what to phrase.
type Request struct {
	Question     string                 // as the user typed it; sent as data, never as instructions
	Clauses      []policies.Clause      // the clauses the answer rests on, best first
	Calculations []policies.Calculation // receipts already computed by the engine
	Offline      string                 // the offline extractive answer: reference for the model, fallback for the engine
	At           time.Time              // date for calculations the model requests (zero: the Phraser's clock)
}

// Result is a phrased answer that passed the guard.
type Result struct {
	Text string // the reply, guard-checked; ends with a 征求意见稿 note when it quotes amounts
	// Calculations are the request's receipts followed by those the model
	// obtained through the calculate tool (deduplicated). Set on error too.
	Calculations []policies.Calculation
	ToolCalls    int    // tool calls executed locally
	Rounds       int    // chat completion requests sent
	Rejected     string // on ErrInventedNumber: the model's text the guard refused (for logs), else ""
}

// Phrase asks the model to phrase an answer to req and checks the reply.
//
// On success Result.Text holds the guarded reply. On failure the error wraps
// one of ErrTimeout, ErrRateLimited, ErrUpstream, ErrInventedNumber, ErrEmpty
// (or ErrNotConfigured / a client error, reason "other"); Result.Text is then
// empty and the caller sends req.Offline. Result.Calculations, ToolCalls and
// Rounds are filled in either case.
func (p *Phraser) Phrase(ctx context.Context, req Request) (Result, error) {
	res := Result{Calculations: append([]policies.Calculation(nil), req.Calculations...)}
	if !p.cfg.Configured() {
		return res, ErrNotConfigured
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	at := req.At
	if at.IsZero() {
		at = p.now()
	}

	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
		{Role: openai.ChatMessageRoleSystem, Content: contextMessage(req)},
		{Role: openai.ChatMessageRoleUser, Content: userMessage(req.Question)},
	}
	var toolDefs []openai.Tool
	if p.maxRounds > 0 {
		toolDefs = tools()
	}
	var text string
	for round := 0; ; round++ {
		creq := openai.ChatCompletionRequest{Model: p.cfg.Model, Messages: msgs}
		if !reasoningModel(p.cfg.Model) {
			// Temperature 0 is dropped by omitempty; a small value keeps the
			// phrasing steady. Reasoning models reject any temperature.
			creq.Temperature = 0.1
		}
		final := round >= p.maxRounds
		if len(toolDefs) > 0 {
			creq.Tools = toolDefs
			if final {
				creq.ToolChoice = "none"
			}
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
				return res, fmt.Errorf("%w: still calling tools after %d rounds", ErrEmpty, p.maxRounds)
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
			out := runTool(call, at)
			res.ToolCalls++
			p.log.Debug("llm tool call", "tool", call.Function.Name, "args", call.Function.Arguments, "result", out.content)
			if out.calc != nil {
				res.Calculations = appendCalc(res.Calculations, *out.calc)
			}
			msgs = append(msgs, openai.ChatCompletionMessage{
				Role:       openai.ChatMessageRoleTool,
				Content:    out.content,
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
	allowed := NewAllowed(req.Clauses, res.Calculations, req.Offline)
	if err := CheckNumbers(text, allowed); err != nil {
		res.Rejected = text
		p.log.Info("llm reply rejected by number guard", "err", err)
		return res, fmt.Errorf("llm: %w", err)
	}
	res.Text = withDraftNote(text)
	return res, nil
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

// appendCalc adds c unless an identical receipt (rule, amount, inputs) is
// already there.
func appendCalc(cs []policies.Calculation, c policies.Calculation) []policies.Calculation {
	key := func(c policies.Calculation) string {
		in, _ := json.Marshal(c.Inputs)
		return fmt.Sprintf("%s|%d|%s", c.Rule, c.AmountYuan, in)
	}
	k := key(c)
	for _, x := range cs {
		if key(x) == k {
			return cs
		}
	}
	return append(cs, c)
}

// draftNote is appended when a reply quotes amounts without saying the texts
// are consultation drafts.
const draftNote = "（以上金额依据征求意见稿，以正式印发文本为准。）"

func withDraftNote(text string) string {
	if strings.Contains(text, "征求意见") {
		return text
	}
	for _, f := range extractFigures(text) {
		if f.Kind == kindMoney || f.Kind == kindPercent {
			return text + "\n" + draftNote
		}
	}
	return text
}
