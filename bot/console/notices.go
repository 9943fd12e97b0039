package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/push"
)

// NoticeQuery selects a notice's recipients among the subscribed
// enterprises; zero fields select every one. An unsubscribed enterprise is
// never a recipient.
type NoticeQuery struct {
	Tiers  []string // push.TierInnovative, push.TierProvincial, push.TierLittleGiant: one of them
	Clause string   // the enterprise's current bill has an item on this clause
}

// Notices counts and sends staff's notices (asynqpush, adapted in
// cmd/policybot): one push per recipient through the bills' pipeline
// (quiet hours, pacing, ledger kind "notice").
type Notices interface {
	// Count is how many enterprises a notice sent with q now would reach.
	Count(ctx context.Context, q NoticeQuery) (int, error)
	// Send enqueues the notice to q's recipients. The same notice sent
	// again (a double click) enqueues nothing new: enqueued is the new
	// pushes, duplicates those an earlier send made.
	Send(ctx context.Context, title, text string, q NoticeQuery) (id string, enqueued, duplicates int, err error)
}

// WithNotices lets staff send notices at /staff/notices.
func WithNotices(n Notices) Option { return func(c *Console) { c.notices = n } }

// Limits of a notice, in characters.
const (
	MaxNoticeTitle = 100
	MaxNoticeText  = 2000
)

// noticeTiers are the tiers a notice can select, in Chinese.
var noticeTiers = []struct{ Tier, Label string }{
	{push.TierInnovative, "创新型中小企业"},
	{push.TierProvincial, "省级专精特新中小企业"},
	{push.TierLittleGiant, "专精特新“小巨人”企业"},
}

// noticeForm is a notice as staff typed it.
type noticeForm struct {
	Title, Text string
	Tiers       []string
	Clause      string
}

func (f noticeForm) query() NoticeQuery { return NoticeQuery{Tiers: f.Tiers, Clause: f.Clause} }

// Has reports whether the form selects tier (the template's checkboxes).
func (f noticeForm) Has(tier string) bool { return slices.Contains(f.Tiers, tier) }

// readNotice reads and checks a notice form; msg says what is wrong.
func readNotice(r *http.Request) (f noticeForm, msg string) {
	v := r.PostForm
	clean := func(s string) string {
		return strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n"))
	}
	f = noticeForm{Title: clean(v.Get("title")), Text: clean(v.Get("text")), Clause: clean(v.Get("clause"))}
	for _, t := range v["tier"] {
		if !slices.ContainsFunc(noticeTiers, func(n struct{ Tier, Label string }) bool { return n.Tier == t }) {
			return f, "未知的认定等级。"
		}
		if !slices.Contains(f.Tiers, t) {
			f.Tiers = append(f.Tiers, t)
		}
	}
	switch {
	case f.Title == "" || f.Text == "":
		return f, "标题和正文都不能为空。"
	case utf8.RuneCountInString(f.Title) > MaxNoticeTitle:
		return f, "标题太长（最多 " + strconv.Itoa(MaxNoticeTitle) + " 字）。"
	case utf8.RuneCountInString(f.Text) > MaxNoticeText:
		return f, "正文太长（最多 " + strconv.Itoa(MaxNoticeText) + " 字）。"
	}
	if f.Clause != "" {
		if _, err := policies.MustDefault().Clause(f.Clause); err != nil {
			return f, "条款编号无效（例如 policy/4）。"
		}
	}
	return f, ""
}

func (c *Console) noticesOff(w http.ResponseWriter, r *http.Request) bool {
	if c.notices == nil {
		c.fail(w, r, http.StatusNotFound, "通知没有启用（未配置 Telegram 推送）。", nil)
		return true
	}
	return false
}

// noticePage renders the notices page: the form (filled with f), and with
// count ≥ 0 the preview of f and its recipients, ready to send.
func (c *Console) noticePage(w http.ResponseWriter, r *http.Request, code int, f noticeForm, count int, errMsg string, sent map[string]string) {
	var b strings.Builder
	if err := c.tmpl.ExecuteTemplate(&b, "notices", map[string]any{
		"F": f, "Tiers": noticeTiers, "Count": count, "Preview": count >= 0, "Error": errMsg, "Sent": sent,
		"Footer": "/unsubscribe 退订", "MaxTitle": MaxNoticeTitle, "MaxText": MaxNoticeText,
	}); err != nil {
		c.fail(w, r, http.StatusInternalServerError, "页面生成失败。", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// noticeList is GET /staff/notices: the form, and what the last send did.
func (c *Console) noticeList(w http.ResponseWriter, r *http.Request) {
	if c.noticesOff(w, r) {
		return
	}
	v := r.URL.Query()
	var sent map[string]string
	if v.Get("sent") != "" {
		sent = map[string]string{"ID": v.Get("sent"), "N": v.Get("n"), "Dup": v.Get("dup")}
	}
	c.noticePage(w, r, http.StatusOK, noticeForm{}, -1, "", sent)
}

// parseNotice reads a notice POST; one refused (notices off, a bad form)
// is answered and ok is false.
func (c *Console) parseNotice(w http.ResponseWriter, r *http.Request) (noticeForm, bool) {
	if c.noticesOff(w, r) {
		return noticeForm{}, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, http.StatusBadRequest, "请求无效。", nil)
		return noticeForm{}, false
	}
	f, msg := readNotice(r)
	if msg != "" {
		c.noticePage(w, r, http.StatusBadRequest, f, -1, msg, nil)
		return f, false
	}
	return f, true
}

// noticePreview is POST /staff/notices/preview: the notice as it will be
// sent and how many enterprises it will reach, with the send button.
func (c *Console) noticePreview(w http.ResponseWriter, r *http.Request) {
	f, ok := c.parseNotice(w, r)
	if !ok {
		return
	}
	n, err := c.notices.Count(r.Context(), f.query())
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "统计接收企业失败，请稍后再试。", err)
		return
	}
	c.noticePage(w, r, http.StatusOK, f, n, "", nil)
}

// noticeSend is POST /staff/notices/send: enqueues the notice and goes
// back to the page saying how many pushes it made.
func (c *Console) noticeSend(w http.ResponseWriter, r *http.Request) {
	f, ok := c.parseNotice(w, r)
	if !ok {
		return
	}
	id, n, dup, err := c.notices.Send(r.Context(), f.Title, f.Text, f.query())
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "发送通知失败，请稍后再试（重复发送不会重复推送）。", err)
		return
	}
	c.log.InfoContext(r.Context(), "staff console: notice sent", "notice", id, "enqueued", n, "duplicates", dup)
	q := url.Values{"sent": {id}, "n": {strconv.Itoa(n)}, "dup": {strconv.Itoa(dup)}}
	http.Redirect(w, r, "/staff/notices?"+q.Encode(), http.StatusSeeOther)
}
