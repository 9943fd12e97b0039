package console

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot"
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
	if r, ok := policies.RuleByName(name); ok && r.Title != "" {
		return r.Title
	}
	return "计算"
}

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

func (c *Console) list(w http.ResponseWriter, r *http.Request) {
	f, err := c.parseFilter(r)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD。", nil)
		return
	}
	ex, next, err := c.store.List(r.Context(), f.Query)
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
	c.render(w, r, "list", map[string]any{
		"F":         f,
		"Exchanges": ex,
		"Next":      nextURL,
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
		calcs = append(calcs, fmt.Sprintf("%s（%s）：%s", ruleTitle(k.Rule), k.Clause, formatYuan(k.AmountYuan)))
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

func (c *Console) export(w http.ResponseWriter, r *http.Request, format string) {
	f, err := c.parseFilter(r)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD。", nil)
		return
	}
	q := f.Query
	q.Cursor = ""
	ex, truncated, err := readAll(r, c.store, q, c.maxExport)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "导出失败，请稍后再试。", err)
		return
	}
	stamp := c.now().In(c.loc).Format("20060102-1504")
	if truncated {
		w.Header().Set("X-Export-Truncated", strconv.Itoa(c.maxExport))
	}
	bw := bufio.NewWriter(w)
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="exchanges-`+stamp+`.csv"`)
		bw.WriteString("\ufeff")
		cw := csv.NewWriter(bw)
		cw.Write(CSVHeader)
		for _, e := range ex {
			cw.Write(csvRow(e, c.loc))
		}
		cw.Flush()
	default:
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="exchanges-`+stamp+`.jsonl"`)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		for _, e := range ex {
			if err := enc.Encode(e); err != nil {
				c.log.ErrorContext(r.Context(), "staff export", "err", err)
				break
			}
		}
	}
	if err := bw.Flush(); err != nil {
		c.log.WarnContext(r.Context(), "staff export write", "err", err)
	}
}
