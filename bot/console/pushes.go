package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PushStates are the states of a push in the delivery ledger, in the order
// the console shows them (asynqpush.States).
var PushStates = []string{"planned", "sent", "failed", "blocked", "skipped_quiet", "cancelled"}

// PushEntry is one push in the ledger: an enterprise's bill of one date,
// a reminder, or a bill's change.
type PushEntry struct {
	Kind       string // "bill", "reminder", "rebill" ("" is a bill)
	Detail     string // a reminder's kind; a re-bill's change hash
	Enterprise string
	Date       string // the bill date, the reminder's due day, the re-bill's day: YYYY-MM-DD
	State      string // one of PushStates
	Attempts   int
	Updated    time.Time
	Next       time.Time // when it comes back (skipped_quiet, a 429); zero: none
	Error      string    // the last failure
}

// PushFilter selects ledger entries; zero fields select everything.
type PushFilter struct {
	State string // one of PushStates
	Date  string // one bill date, YYYY-MM-DD
}

// PushLedger is what the console reads of the push ledger
// (asynqpush.Ledger, adapted in cmd/policybot).
type PushLedger interface {
	// List returns up to limit entries matching f, by bill date and then
	// enterprise, after cursor ("" for the first page); next is "" after
	// the last page. A cursor it did not give is ErrBadCursor.
	List(ctx context.Context, f PushFilter, cursor string, limit int) (entries []PushEntry, next string, err error)
	// Counts is how many pushes are in each state.
	Counts(ctx context.Context) (map[string]int64, error)
}

// ErrBadCursor is what a PushLedger or Corrections returns for a cursor it
// did not give.
var ErrBadCursor = errors.New("console: bad cursor")

// WithPushLedger shows the push ledger at /staff/pushes.
func WithPushLedger(l PushLedger) Option { return func(c *Console) { c.pushes = l } }

// pushPage is the ledger's page size.
const pushPage = 100

// pushStateLabel is a state in Chinese.
func pushStateLabel(s string) string {
	switch s {
	case "planned":
		return "待发送"
	case "sent":
		return "已送达"
	case "failed":
		return "发送失败"
	case "blocked":
		return "被屏蔽"
	case "skipped_quiet":
		return "免打扰顺延"
	case "cancelled":
		return "已取消"
	}
	return s
}

// pushKindLabel is a kind of push in Chinese; a reminder shows its kind.
func pushKindLabel(e PushEntry) string {
	switch e.Kind {
	case "", "bill":
		return "红利账单"
	case "reminder":
		if e.Detail != "" {
			return "提醒（" + e.Detail + "）"
		}
		return "提醒"
	case "rebill":
		return "账单变更"
	case "notice":
		return "通知"
	}
	return e.Kind
}

type stateCount struct {
	State, Label string
	N            int64
}

func (c *Console) pushList(w http.ResponseWriter, r *http.Request) {
	if c.pushes == nil {
		c.fail(w, r, http.StatusNotFound, "推送没有启用（未配置 Telegram 或推送记录）。", nil)
		return
	}
	v := r.URL.Query()
	f := PushFilter{State: strings.TrimSpace(v.Get("state")), Date: strings.TrimSpace(v.Get("date"))}
	if f.State != "" && pushStateLabel(f.State) == f.State {
		c.fail(w, r, http.StatusBadRequest, "未知的推送状态。", nil)
		return
	}
	if f.Date != "" {
		if _, err := time.Parse(time.DateOnly, f.Date); err != nil {
			c.fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD。", nil)
			return
		}
	}
	cursor := v.Get("cursor")
	counts, err := c.pushes.Counts(r.Context())
	if err != nil {
		c.failRead(w, r, "推送记录", err)
		return
	}
	entries, next, err := c.pushes.List(r.Context(), f, cursor, pushPage)
	if err != nil {
		c.failRead(w, r, "推送记录", err)
		return
	}
	q := url.Values{}
	if f.State != "" {
		q.Set("state", f.State)
	}
	if f.Date != "" {
		q.Set("date", f.Date)
	}
	first := "/staff/pushes?" + q.Encode()
	nextURL := ""
	if next != "" {
		q.Set("cursor", next)
		nextURL = "/staff/pushes?" + q.Encode()
	}
	cs := make([]stateCount, 0, len(PushStates))
	var total int64
	for _, s := range PushStates {
		cs = append(cs, stateCount{State: s, Label: pushStateLabel(s), N: counts[s]})
		total += counts[s]
	}
	c.render(w, r, "pushes", map[string]any{
		"F": f, "Counts": cs, "Total": total, "Entries": entries,
		"Next": nextURL, "First": first, "Paged": cursor != "",
	})
}
