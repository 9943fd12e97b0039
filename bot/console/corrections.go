package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/cdsme/policybot/push"
)

// Corrections is what the console reads and writes of the enterprises'
// objections to their bills (push.CorrectionStore).
type Corrections interface {
	// List returns up to limit corrections, newest first, after cursor.
	List(ctx context.Context, cursor string, limit int) (cs []push.Correction, next string, err error)
	// Reply stores staff's reply with correction id and returns the
	// correction (push.ErrNoCorrection for an unknown id).
	Reply(ctx context.Context, id string, r push.CorrectionReply) (push.Correction, error)
}

// Notifier sends a text to an enterprise's chat, through the sender bills
// go out by (cmd/policybot). ErrNoChat: the enterprise has no chat to send
// to.
type Notifier interface {
	Notify(ctx context.Context, enterprise, text string) error
}

// ErrNoChat is a Notifier's error for an enterprise without a subscribed
// chat.
var ErrNoChat = errors.New("console: the enterprise has no subscribed chat")

// WithCorrections shows the corrections at /staff/corrections, with a reply
// box each.
func WithCorrections(s Corrections) Option { return func(c *Console) { c.corrections = s } }

// WithNotifier sends replies to corrections to the enterprise's chat.
// Without it a reply is stored and the page says it was not sent.
func WithNotifier(n Notifier) Option { return func(c *Console) { c.notifier = n } }

// correctionPage is the corrections page size.
const correctionPage = 50

// Reasons a reply was not sent (push.CorrectionReply.NotSent).
const (
	notSentNoSender = "no_sender" // no Telegram configured
	notSentNoChat   = "no_chat"   // the enterprise has no subscribed chat
	notSentFailed   = "failed"    // the send failed
)

func notSentLabel(why string) string {
	switch why {
	case notSentNoSender:
		return "没有配置 Telegram，回复已保存但没有发送"
	case notSentNoChat:
		return "该企业没有订阅会话，回复已保存但没有发送"
	case notSentFailed:
		return "发送失败，回复已保存；可以稍后再次回复"
	case "":
		return ""
	}
	return "回复已保存但没有发送"
}

func sourceLabel(s string) string {
	switch s {
	case push.CorrectionCommand:
		return "/correct 文字"
	case push.CorrectionButton:
		return "“反馈有误”按钮"
	}
	return s
}

func (c *Console) correctionList(w http.ResponseWriter, r *http.Request) {
	if c.corrections == nil {
		c.fail(w, r, http.StatusNotFound, "异议记录没有启用。", nil)
		return
	}
	v := r.URL.Query()
	cursor := v.Get("cursor")
	cs, next, err := c.corrections.List(r.Context(), cursor, correctionPage)
	if err != nil {
		c.failRead(w, r, "异议记录", err)
		return
	}
	nextURL := ""
	if next != "" {
		nextURL = "/staff/corrections?cursor=" + url.QueryEscape(next)
	}
	c.render(w, r, "corrections", map[string]any{
		"Corrections": cs, "Next": nextURL, "Paged": cursor != "",
		"Replied": v.Get("replied"), "NotSent": notSentLabel(v.Get("not_sent")),
		"Sender": c.notifier != nil,
	})
}

// correctionReply stores a reply (POST /staff/corrections/reply: id, text),
// sends it to the enterprise's chat and goes back to the list saying
// whether it was sent.
func (c *Console) correctionReply(w http.ResponseWriter, r *http.Request) {
	if c.corrections == nil {
		c.fail(w, r, http.StatusNotFound, "异议记录没有启用。", nil)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, http.StatusBadRequest, "请求无效。", nil)
		return
	}
	id := r.PostForm.Get("id")
	text := strings.TrimSpace(strings.ToValidUTF8(r.PostForm.Get("text"), ""))
	switch {
	case text == "":
		c.fail(w, r, http.StatusBadRequest, "回复不能为空。", nil)
		return
	case utf8.RuneCountInString(text) > push.MaxCorrectionReply:
		c.fail(w, r, http.StatusBadRequest, "回复太长（最多 1000 字）。", nil)
		return
	}
	reply := push.CorrectionReply{Text: text, At: c.now()}
	if c.notifier == nil {
		reply.NotSent = notSentNoSender
	}
	// Stored first, so a reply is kept even if sending fails or hangs.
	corr, err := c.corrections.Reply(r.Context(), id, reply)
	if errors.Is(err, push.ErrNoCorrection) {
		c.fail(w, r, http.StatusNotFound, "这条异议不存在（可能已过保存期）。", nil)
		return
	}
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "保存回复失败，请稍后再试。", err)
		return
	}
	if c.notifier != nil {
		err := c.notifier.Notify(r.Context(), corr.Enterprise, replyMessage(corr, text))
		switch {
		case err == nil:
			reply.Sent = true
		case errors.Is(err, ErrNoChat):
			reply.NotSent = notSentNoChat
		default:
			reply.NotSent = notSentFailed
			c.log.WarnContext(r.Context(), "staff console: correction reply not sent", "correction", id, "err", err)
		}
		if _, err := c.corrections.Reply(context.WithoutCancel(r.Context()), id, reply); err != nil {
			c.fail(w, r, http.StatusInternalServerError, "回复已保存，但发送结果没有记下。", err)
			return
		}
	}
	q := url.Values{"replied": {id}}
	if !reply.Sent {
		q.Set("not_sent", reply.NotSent)
	}
	http.Redirect(w, r, "/staff/corrections?"+q.Encode()+"#c-"+url.QueryEscape(id), http.StatusSeeOther)
}

// replyMessage is the chat text of staff's reply: which objection it
// answers, then the reply.
func replyMessage(corr push.Correction, text string) string {
	name := corr.Enterprise
	if corr.Name != "" {
		name = corr.Name + "（" + corr.Enterprise + "）"
	}
	return "关于您对 " + corr.BillDate + " 红利账单提出的异议（企业 " + name + "），工作人员回复：\n" + text
}
