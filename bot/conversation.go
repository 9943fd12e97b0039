package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
)

// Phraser lets a language model reword an offline answer. The engine checks
// nothing itself: implementations must keep every figure the engine's
// (bot/llm lets the model write placeholders that it fills) and return an
// error to make the engine fall back to the offline answer.
type Phraser interface {
	Phrase(ctx context.Context, req PhraseRequest) (PhraseResult, error)
}

// PhraseRequest is what a Phraser may draw on.
type PhraseRequest struct {
	Question     string
	History      []string // the user's earlier messages in this chat the engine still holds (figures for tool inputs)
	Clauses      []policies.Clause
	Calculations []policies.Calculation
	Offline      string
}

// PhraseResult is a phrased answer and any calculations the model asked for.
type PhraseResult struct {
	Text         string
	Calculations []policies.Calculation
}

// FallbackReasoner classifies Phraser errors for logs and metrics.
type FallbackReasoner func(error) string

// Observer is told about every answered message (metrics).
type Observer interface {
	Answered(channel string, answered bool, mode string, latency time.Duration)
	Fallback(reason string)
	Feedback(verdict string)
}

// Handle answers one chat message with the chat's context, logs the
// exchange, and offers feedback buttons. Storage failures degrade (logged as
// warnings): the user still gets an answer.
func (e *Engine) Handle(ctx context.Context, m Message) (Reply, error) {
	start := e.opts.now()
	userHash := HashUser(m.Channel, m.UserID, e.opts.salt)
	chatHash := HashUser(m.Channel, "chat:"+m.ChatID, e.opts.salt)
	if e.opts.limiter != nil {
		ok, retry, err := e.opts.limiter.Allow(ctx, userHash)
		switch {
		case err != nil:
			e.opts.log.Warn("rate limiter unavailable; allowing", "err", err)
		case !ok:
			return Reply{}, fmt.Errorf("%w: retry after %s", ErrRateLimited, retry)
		}
	}
	var cc ChatContext
	if e.opts.memory != nil {
		var err error
		if cc, err = e.opts.memory.Load(ctx, chatHash); err != nil {
			e.opts.log.Warn("chat memory unavailable", "err", err)
		}
	}
	a := e.answer(ctx, m.Text, cc)
	if a.Answered {
		e.phrase(ctx, &a, cc)
	}
	if e.opts.memory != nil && a.Error == "" {
		next := ChatContext{LastQuestion: a.Question, LastRule: a.rule, Pending: strings.Join(a.pending, ","), Updated: m.Time}
		if len(a.Citations) > 0 {
			next.LastClause = a.Citations[0].ID
		}
		if len(a.Calculations) > 0 {
			next.Inputs = map[string]string{}
			for k, v := range a.Calculations[0].Inputs {
				next.Inputs[k] = fmt.Sprint(v)
			}
		}
		if err := e.opts.memory.Save(ctx, chatHash, next, e.opts.ctxTTL); err != nil {
			e.opts.log.Warn("chat memory unavailable", "err", err)
		}
	}
	id := NewExchangeID(start)
	r := Reply{ExchangeID: id, Text: a.Answer, Answered: a.Answered, Citations: a.Citations, Calculations: a.Calculations, Choices: a.Choices}
	if a.Error == "" {
		r.Buttons = e.feedbackButtons(id)
	}
	latency := e.opts.now().Sub(start)
	if e.opts.exchange != nil && a.Error == "" {
		ex := Exchange{
			ID: id, Time: start, Channel: m.Channel, UserHash: userHash, ChatHash: chatHash,
			Question: MaskPersonal(a.Question), Answer: MaskPersonal(a.Answer), Answered: a.Answered,
			Citations: a.Citations, Calculations: a.Calculations, Latency: latency, Mode: a.Mode,
			Need: a.Need, Unstated: a.unstated, Lang: a.Lang,
		}
		if err := e.opts.exchange.Append(ctx, ex); err != nil {
			e.opts.log.Warn("conversation log unavailable; exchange not stored", "err", err)
		}
	}
	if e.opts.observer != nil {
		e.opts.observer.Answered(m.Channel, a.Answered, a.Mode, latency)
	}
	e.opts.log.Info("answered", "channel", m.Channel, "user", userHash, "answered", a.Answered,
		"mode", a.Mode, "top", topID(a.Citations), "calcs", len(a.Calculations), "latency_ms", latency.Milliseconds())
	return r, nil
}

// ErrRateLimited is returned with a reply telling the user to slow down.
var ErrRateLimited = errors.New("rate limited")

func topID(cs []Citation) string {
	if len(cs) == 0 {
		return ""
	}
	return cs[0].ID
}

// phrase lets the Phraser reword the answer; any failure keeps the offline
// text, and the fallback is logged and counted.
func (e *Engine) phrase(ctx context.Context, a *Answer, cc ChatContext) {
	if e.opts.phraser == nil {
		return
	}
	req := PhraseRequest{Question: a.Question, Calculations: a.Calculations, Offline: a.Answer}
	if cc.LastQuestion != "" {
		req.History = []string{cc.LastQuestion}
	}
	for _, c := range a.Citations {
		if cl, err := e.corpus.Clause(c.ID); err == nil {
			req.Clauses = append(req.Clauses, cl)
		}
	}
	res, err := e.opts.phraser.Phrase(ctx, req)
	if err != nil {
		reason := "other"
		if e.opts.fallbackReason != nil {
			reason = e.opts.fallbackReason(err)
		}
		e.opts.log.Warn("llm fallback to offline answer", "reason", reason, "err", err)
		if e.opts.observer != nil {
			e.opts.observer.Fallback(reason)
		}
		a.Mode = "llm_fallback"
		return
	}
	a.Mode = "llm"
	a.Answer = strings.TrimSpace(res.Text)
	if !strings.Contains(a.Answer, "征求意见稿") {
		a.Answer += "\n" + DraftNote
	}
	a.Calculations = append(a.Calculations, res.Calculations...)
}

// Button data is "fb:<verdict>:<exchange id>:<mac>", ≤ 64 bytes, so a
// tampered or forged tap is recognised.
func (e *Engine) feedbackButtons(id string) []Button {
	return []Button{
		{Text: "👍 有帮助", Data: e.sign("up", id)},
		{Text: "👎 没帮助", Data: e.sign("down", id)},
		{Text: "👎 金额不对", Data: e.sign("amount", id)},
		{Text: "👎 没找到条款", Data: e.sign("clause", id)},
	}
}

func (e *Engine) mac(verdict, id string) string {
	h := hmac.New(sha256.New, e.opts.secret)
	h.Write([]byte(verdict + ":" + id))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

func (e *Engine) sign(verdict, id string) string {
	return "fb:" + verdict + ":" + id + ":" + e.mac(verdict, id)
}

// feedbackVerdicts maps button verdicts to the logged verdict and reason.
var feedbackVerdicts = map[string][2]string{
	"up":     {"up", ""},
	"down":   {"down", ""},
	"amount": {"down", "金额不对"},
	"clause": {"down", "没找到相关条款"},
}

// Feedback records a tap on a feedback button.
func (e *Engine) Feedback(ctx context.Context, f Feedback) (string, error) {
	parts := strings.Split(f.Data, ":")
	if len(parts) != 4 || parts[0] != "fb" || !utf8.ValidString(f.Data) {
		return "", ErrBadCallback
	}
	verdict, id, mac := parts[1], parts[2], parts[3]
	v, ok := feedbackVerdicts[verdict]
	if !ok || !hmac.Equal([]byte(mac), []byte(e.mac(verdict, id))) {
		return "", ErrBadCallback
	}
	if e.opts.observer != nil {
		e.opts.observer.Feedback(v[0])
	}
	if e.opts.exchange != nil {
		user := HashUser(f.Channel, f.UserID, e.opts.salt)
		reason := v[1]
		if r := strings.TrimSpace(f.Reason); r != "" && v[0] == VerdictDown {
			reason = strings.TrimPrefix(reason+"；"+MaskPersonal(firstRunes(r, MaxFeedbackReason)), "；")
		}
		err := e.opts.exchange.SetFeedback(ctx, id, user, v[0], reason, f.Time)
		switch {
		case errors.Is(err, ErrNotFound):
			return "这条回答的记录已过期，感谢反馈。", nil
		case errors.Is(err, ErrNotOwner):
			// Not a failure: one vote per exchange, the asker's.
			return "只有提问的人可以评价这条回答，感谢关注。", nil
		case err != nil:
			e.opts.log.Warn("feedback not stored", "err", err)
			return "感谢反馈（暂时未能保存，请稍后再试）。", nil
		}
	}
	if v[0] == "up" {
		return "感谢反馈！", nil
	}
	return "感谢反馈，工作人员会据此改进解答。", nil
}

// Forget deletes the user's logged exchanges and chat context.
func (e *Engine) Forget(ctx context.Context, m Message) error {
	channel, userID, chatID := m.Channel, m.UserID, m.ChatID
	var errs []error
	if e.opts.exchange != nil {
		if _, err := e.opts.exchange.DeleteUser(ctx, HashUser(channel, userID, e.opts.salt)); err != nil {
			errs = append(errs, err)
		}
	}
	if e.opts.memory != nil {
		if err := e.opts.memory.Delete(ctx, HashUser(channel, "chat:"+chatID, e.opts.salt)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("forget: %w", err)
	}
	return nil
}
