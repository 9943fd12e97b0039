package console

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/policies"
)

func (c *Console) funcs() map[string]any {
	return map[string]any{
		"when": func(t time.Time) string { return t.In(c.loc).Format("2006-01-02 15:04") },
		"excerpt": func(s string, n int) string {
			r := []rune(s)
			if len(r) <= n {
				return s
			}
			return string(r[:n]) + "…"
		},
		"yuan":     formatYuan,
		"pct":      func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" },
		"clause":   clauseInfo,
		"feedback": feedbackLabel,
		"mode":     modeLabel,
		"join":     strings.Join,
		"rule":     ruleTitle,
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"need":      NeedLabel,
		"pushstate": pushStateLabel,
		"pushkind":  pushKindLabel,
		"source":    sourceLabel,
		"notsent":   notSentLabel,
		"zero":      func(t time.Time) bool { return t.IsZero() },
		"trend": func(n int) string {
			switch {
			case n > 0:
				return "↑" + strconv.Itoa(n)
			case n < 0:
				return "↓" + strconv.Itoa(-n)
			}
			return "持平"
		},
	}
}

func formatYuan(n int64) string {
	if n != 0 && n%10000 == 0 {
		return strconv.FormatInt(n/10000, 10) + "万元"
	}
	return strconv.FormatInt(n, 10) + "元"
}

// ClauseInfo is what the console shows of a clause.
type ClauseInfo struct {
	ID, Title   string
	Departments []string
}

func clauseInfo(id string) ClauseInfo {
	ci := ClauseInfo{ID: id}
	if cl, err := policies.MustDefault().Clause(id); err == nil {
		ci.Title, ci.Departments = cl.Title, cl.Departments
	}
	return ci
}

// ruleTitle is a calculator's title in Chinese (policies.RuleByName), never
// its internal name; an unknown rule shows as "计算".
func ruleTitle(name string) string {
	if t, ok := ruleTitles.Load(name); ok {
		return t.(string)
	}
	t := "计算"
	if r, ok := policies.RuleByName(name); ok && r.Title != "" {
		t = r.Title
	}
	ruleTitles.Store(name, t)
	return t
}

// ruleTitles caches ruleTitle: policies.RuleByName builds the rule list
// on every call, which an export of a million rows cannot afford. The
// rules are compiled in, so a title never changes.
var ruleTitles sync.Map // rule name -> title

func feedbackLabel(v string) string {
	switch v {
	case bot.VerdictUp:
		return "👍"
	case bot.VerdictDown:
		return "👎"
	}
	return ""
}

func modeLabel(m string) string {
	switch m {
	case bot.ModeOffline:
		return "离线"
	case bot.ModeLLM:
		return "大模型"
	case bot.ModeLLMFallback:
		return "大模型失败→离线"
	case bot.ModeCurated:
		return "人工审定"
	}
	return m
}

// readAll lists every exchange matching q, up to max, following cursors.
// truncated reports that more matched.
func readAll(r *http.Request, log bot.ExchangeLog, q bot.ExchangeQuery, limit int) (out []bot.Exchange, truncated bool, err error) {
	q.Limit = bot.MaxListLimit
	for {
		if rest := limit - len(out); rest < q.Limit {
			q.Limit = max(rest, 1)
		}
		page, next, err := log.List(r.Context(), q)
		if err != nil {
			return nil, false, err
		}
		out = append(out, page...)
		if len(out) >= limit {
			return out[:limit], next != "" || len(out) > limit, nil
		}
		if next == "" {
			return out, false, nil
		}
		q.Cursor = next
	}
}

// queryLister is a log that serves the console's filters itself
// (redisstore.ExchangeLog).
type queryLister interface {
	ListQuery(ctx context.Context, q redisstore.Query) ([]bot.Exchange, string, error)
}

// listPage reads one page of q. A log that serves only bot.ExchangeQuery
// (bot.MemoryLog) is paged through and filtered here, reading at most
// redisstore.MaxScan exchanges a call, as redisstore does.
func (c *Console) listPage(ctx context.Context, q redisstore.Query) ([]bot.Exchange, string, error) {
	if ql, ok := c.store.(queryLister); ok {
		return ql.ListQuery(ctx, q)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = bot.DefaultListLimit
	}
	limit = min(limit, bot.MaxListLimit)
	base := q.ExchangeQuery
	base.Limit = bot.MaxListLimit
	out := []bot.Exchange{}
	scanned := 0
	for {
		page, next, err := c.store.List(ctx, base)
		if err != nil {
			return nil, "", err
		}
		for i, e := range page {
			scanned++
			last := i == len(page)-1 && next == ""
			if q.Matches(e) {
				out = append(out, e)
				if len(out) == limit {
					if last {
						return out, "", nil
					}
					return out, redisstore.FormatCursor(e), nil
				}
			}
			if scanned >= redisstore.MaxScan && !last {
				return out, redisstore.FormatCursor(e), nil
			}
		}
		if next == "" {
			return out, "", nil
		}
		base.Cursor = next
	}
}

func (c *Console) list(w http.ResponseWriter, r *http.Request) {
	f, err := c.parseFilter(r)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, filterMessage(err), nil)
		return
	}
	ex, next, err := c.listPage(r.Context(), f.Query)
	if err != nil {
		c.failRead(w, r, "对话记录", err)
		return
	}
	enc := f.encode()
	sep := func(s string) string {
		if s == "" {
			return ""
		}
		return s + "&"
	}
	nextURL := ""
	if next != "" {
		nextURL = "/staff/exchanges?" + sep(enc) + "cursor=" + url.QueryEscape(next)
	}
	limit := f.Query.Limit
	if limit <= 0 {
		limit = bot.DefaultListLimit
	}
	c.render(w, r, "list", map[string]any{
		"F":         f,
		"Modes":     filterModes,
		"Exchanges": ex,
		"Next":      nextURL,
		"Short":     next != "" && len(ex) < limit, // a scan stopped at MaxScan
		"MaxScan":   redisstore.MaxScan,
		"First":     "/staff/exchanges?" + enc,
		"CSV":       "/staff/export.csv?" + enc,
		"JSONL":     "/staff/export.jsonl?" + enc,
		"Paged":     f.Cursor != "",
	})
}

func (c *Console) detail(w http.ResponseWriter, r *http.Request, id string) {
	if id == "" || strings.ContainsAny(id, "/ :") {
		c.fail(w, r, http.StatusNotFound, "记录不存在。", nil)
		return
	}
	if e, ok := c.exchange(w, r, id); ok {
		c.render(w, r, "detail", map[string]any{"E": e})
	}
}

// exchange reads one exchange; when it cannot, it answers (404, 500) and
// ok is false.
func (c *Console) exchange(w http.ResponseWriter, r *http.Request, id string) (e bot.Exchange, ok bool) {
	e, err := c.store.Get(r.Context(), id)
	if errors.Is(err, bot.ErrNotFound) {
		c.fail(w, r, http.StatusNotFound, "记录不存在（可能已过保存期或已被用户删除）。", nil)
		return e, false
	}
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "读取对话记录失败，请稍后再试。", err)
		return e, false
	}
	return e, true
}

// csvSafe guards a cell against formula injection in spreadsheets.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVHeader is the header row of the CSV export.
// Calculations are written by rule title (Chinese), clause and amount;
// need and unstated are the engine's need ids.
var CSVHeader = []string{"id", "time", "channel", "user", "question", "answered", "answer", "citations", "calculations", "amount_yuan", "mode", "feedback", "feedback_reason", "latency_ms", "need", "unstated"}

func csvRow(e bot.Exchange, loc *time.Location) []string {
	var amount int64
	calcs := make([]string, 0, len(e.Calculations))
	for _, k := range e.Calculations {
		amount += k.AmountYuan
		calcs = append(calcs, ruleTitle(k.Rule)+"（"+k.Clause+"）："+formatYuan(k.AmountYuan))
	}
	cites := make([]string, 0, len(e.Citations))
	for _, ci := range e.Citations {
		cites = append(cites, ci.ID)
	}
	row := []string{e.ID, e.Time.In(loc).Format(time.RFC3339), e.Channel, e.UserHash, e.Question,
		strconv.FormatBool(e.Answered), e.Answer, strings.Join(cites, " "), strings.Join(calcs, "；"),
		strconv.FormatInt(amount, 10), e.Mode, e.Feedback, e.FeedbackReason, strconv.FormatInt(e.Latency.Milliseconds(), 10),
		e.Need, e.Unstated}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// export streams every exchange the filter matches, newest first, as CSV
// or JSONL: pages of bot.MaxListLimit are read one ahead (the next page is
// read from Redis while this one is written) and each is written and
// flushed as it comes, so memory stays flat at any size. A failure before
// the first row is a 500; one mid-stream aborts the response, so the
// download is seen to be broken rather than silently short.
func (c *Console) export(w http.ResponseWriter, r *http.Request, format string) {
	f, err := c.parseFilter(r)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, filterMessage(err), nil)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	q := f.Query
	q.Cursor, q.Limit = "", bot.MaxListLimit
	pages := c.readAhead(ctx, q)
	first := <-pages
	if first.err != nil {
		c.fail(w, r, http.StatusInternalServerError, "导出失败，请稍后再试。", first.err)
		return
	}
	stamp := c.now().In(c.loc).Format("20060102-1504")
	h := w.Header()
	if c.maxExport > 0 {
		h.Set("Trailer", "X-Export-Truncated")
	}
	var write func(bot.Exchange) error
	bw := bufio.NewWriterSize(w, 64<<10)
	flush := func() error { return bw.Flush() }
	switch format {
	case "csv":
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="exchanges-`+stamp+`.csv"`)
		bw.WriteString("\ufeff")
		cw := csv.NewWriter(bw)
		cw.Write(CSVHeader)
		write = func(e bot.Exchange) error { return cw.Write(csvRow(e, c.loc)) }
		flush = func() error {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			return bw.Flush()
		}
	default:
		h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="exchanges-`+stamp+`.jsonl"`)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(e bot.Exchange) error { return enc.Encode(e) }
	}
	rc := http.NewResponseController(w)
	rows := 0
	for p, ok := first, true; ok; p, ok = <-pages {
		if p.err != nil {
			c.abortExport(r, rows, p.err)
		}
		for _, e := range p.ex {
			if c.maxExport > 0 && rows == c.maxExport {
				h.Set("X-Export-Truncated", strconv.Itoa(c.maxExport))
				_ = flush()
				return
			}
			if err := write(e); err != nil {
				c.abortExport(r, rows, err)
			}
			rows++
		}
		if err := flush(); err != nil {
			c.abortExport(r, rows, err)
		}
		_ = rc.Flush() // a writer that cannot flush gets the rows as its buffer fills
	}
}

// page is one page of a read-ahead list.
type page struct {
	ex  []bot.Exchange
	err error
}

// readAhead reads q's pages in order, one ahead of the reader, until the
// last, an error (sent, then the channel closes) or ctx ends.
func (c *Console) readAhead(ctx context.Context, q redisstore.Query) <-chan page {
	out := make(chan page, 1)
	go func() {
		defer close(out)
		for {
			ex, next, err := c.listPage(ctx, q)
			select {
			case out <- page{ex, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || next == "" {
				return
			}
			q.Cursor = next
		}
	}()
	return out
}

// abortExport ends an export that failed after its first bytes: the
// status is sent, so the connection is cut (http.ErrAbortHandler) and the
// client sees an incomplete download.
func (c *Console) abortExport(r *http.Request, rows int, err error) {
	if r.Context().Err() == nil {
		c.log.ErrorContext(r.Context(), "staff export stopped", "rows", rows, "err", err)
	}
	panic(http.ErrAbortHandler)
}
