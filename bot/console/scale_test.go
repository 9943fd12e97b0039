package console

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
)

// listedIDs are the exchange ids a list page links to, in order.
func listedIDs(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<a href="/staff/exchanges/`)[1:] {
		out = append(out, part[:strings.Index(part, `"`)])
	}
	return out
}

// nextLink is a list page's next-page link, unescaped; "" when none.
func nextLink(body string) string {
	i := strings.Index(body, `id="next" href="`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`id="next" href="`):]
	return strings.ReplaceAll(rest[:strings.Index(rest, `"`)], "&amp;", "&")
}

// filterFixture has every kind of exchange the list's filters tell apart.
func filterFixture() []bot.Exchange {
	llm := func(e bot.Exchange) bot.Exchange { e.Mode = bot.ModeLLM; return e }
	return []bot.Exchange{
		ex("x1", 1*time.Hour, "研发投入补助怎么算", true, bot.VerdictUp, "policy/4"),
		llm(ex("x2", 2*time.Hour, "小巨人奖励多少", true, bot.VerdictDown, "policy/2")),
		ex("x3", 3*time.Hour, "申报截止时间", false, ""),
		llm(ex("x4", 26*time.Hour, "SRDI award for a Little Giant", true, bot.VerdictUp, "policy/2")),
		ex("x5", 50*time.Hour, "研发费用加计扣除", false, bot.VerdictDown),
		llm(ex("x6", 9*24*time.Hour, "专精特新认定条件", true, "", "plan/3")),
	}
}

// TestListEveryFilter checks each filter the list page shows — text,
// 👍, 👎, mode, answered, unanswered, date range, clause — alone and
// combined, on the Redis log (which serves them) and on the memory log
// (which the console pages through and filters itself).
func TestListEveryFilter(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"x1", "x2", "x3", "x4", "x5", "x6"}},
		{"q=研发", []string{"x1", "x5"}},
		{"q=little+GIANT", []string{"x4"}},
		{"q=" + "答：小巨人", []string{"x2"}}, // the answer is searched too
		{"liked=1", []string{"x1", "x4"}},
		{"disliked=1", []string{"x2", "x5"}},
		{"mode=llm", []string{"x2", "x4", "x6"}},
		{"mode=offline", []string{"x1", "x3", "x5"}},
		{"answered=1", []string{"x1", "x2", "x4", "x6"}},
		{"unanswered=1", []string{"x3", "x5"}},
		{"since=2026-11-19&until=2026-11-19", []string{"x4"}},
		{"since=2026-11-20", []string{"x1", "x2", "x3"}},
		{"clause=policy/2", []string{"x2", "x4"}},
		{"clause=policy/2&liked=1&mode=llm&q=award", []string{"x4"}},
		{"disliked=1&unanswered=1", []string{"x5"}},
		{"answered=1&unanswered=1", nil},
	}
	for name, store := range map[string]bot.ExchangeLog{
		"redis":  seedRedis(t, filterFixture()...),
		"memory": seed(t, filterFixture()...),
	} {
		h := newConsole(store)
		for _, c := range cases {
			path := "/staff/exchanges?" + c.query
			rec := get(t, h, path)
			if rec.Code != 200 {
				t.Fatalf("%s %s: %d", name, path, rec.Code)
			}
			if d := cmp.Diff(c.want, listedIDs(rec.Body.String())); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", name, path, d)
			}
			// The export follows the same filter.
			rec = get(t, h, "/staff/export.jsonl?"+c.query)
			if n := strings.Count(rec.Body.String(), "\n"); n != len(c.want) {
				t.Errorf("%s export %s: %d rows, want %d", name, c.query, n, len(c.want))
			}
		}
		body := get(t, h, "/staff/exchanges?q=研发&liked=1&mode=llm").Body.String()
		for _, want := range []string{`value="研发"`, `name="liked" value="1" checked`, `<option value="llm" selected>大模型</option>`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the form does not keep the filter: no %s", name, want)
			}
		}
	}
	if rec := get(t, newConsole(seed(t)), "/staff/exchanges?mode=gpt"); rec.Code != 400 {
		t.Errorf("unknown mode: %d", rec.Code)
	}
}

// TestFilterPagingKeepsFilters: the next-page link carries every filter.
func TestFilterPagingKeepsFilters(t *testing.T) {
	h := newConsole(seedRedis(t, filterFixture()...))
	var seen []string
	path := "/staff/exchanges?answered=1&mode=llm&limit=1"
	for path != "" && len(seen) < 10 {
		body := get(t, h, path).Body.String()
		seen = append(seen, listedIDs(body)...)
		if path = nextLink(body); path != "" {
			path += "&limit=1"
		}
	}
	if d := cmp.Diff([]string{"x2", "x4", "x6"}, seen); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// flushCounter is a ResponseWriter that counts flushes.
type flushCounter struct {
	*httptest.ResponseRecorder
	flushes int
}

func (f *flushCounter) Flush() { f.flushes++; f.ResponseRecorder.Flush() }

// TestExportStreamsEverything: an export holds every matching exchange
// (no row cap: more than the old 10,000), in order, written a page at a
// time with a flush after each.
func TestExportStreamsEverything(t *testing.T) {
	const n = 12345
	l := bot.NewMemoryLog()
	l.Now = func() time.Time { return testNow }
	for i := range n {
		e := ex(fmt.Sprintf("r%05d", i), time.Duration(i)*time.Second, "问题", i%7 != 0, "")
		if err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	h := newConsole(l)
	for _, c := range []struct {
		path string
		rows int
	}{{"/staff/export.csv", n}, {"/staff/export.jsonl", n}, {"/staff/export.csv?unanswered=1", (n + 6) / 7}} {
		w := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, c.path, nil))
		if w.Code != 200 || w.Header().Get("X-Export-Truncated") != "" {
			t.Fatalf("%s: %d, truncated %q", c.path, w.Code, w.Header().Get("X-Export-Truncated"))
		}
		sc := bufio.NewScanner(w.Body)
		sc.Buffer(nil, 1<<20)
		lines, prev := 0, ""
		for sc.Scan() {
			lines++
			id, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(sc.Text(), "\ufeff"), `{"id":"`), `"`)
			id, _, _ = strings.Cut(id, ",")
			if lines > 1 && id <= prev && !strings.HasPrefix(id, "id") {
				t.Fatalf("%s: %s after %s: not newest first", c.path, id, prev)
			}
			prev = id
		}
		if strings.Contains(c.path, ".csv") {
			lines-- // header
		}
		if lines != c.rows {
			t.Errorf("%s: %d rows, want %d", c.path, lines, c.rows)
		}
		if pages := (c.rows + bot.MaxListLimit - 1) / bot.MaxListLimit; w.flushes < pages {
			t.Errorf("%s: %d flushes for %d pages", c.path, w.flushes, pages)
		}
	}
}

// TestListScanNote: a text search that finds nothing in the newest
// MaxScan exchanges says the page is short and why, and its next link
// goes on to the match.
func TestListScanNote(t *testing.T) {
	var es []bot.Exchange
	for i := range 5100 {
		q := "问题"
		if i == 5099 {
			q = "唯一的针"
		}
		es = append(es, ex(fmt.Sprintf("n%04d", i), time.Duration(i)*time.Second, q, true, ""))
	}
	h := newConsole(seed(t, es...)) // the Redis log's own bound: redisstore.TestListQueryScanBound
	body := get(t, h, "/staff/exchanges?q=唯一的针").Body.String()
	if !strings.Contains(body, `id="scan-note"`) || strings.Contains(body, `<a href="/staff/exchanges/n`) {
		t.Fatalf("first page: no note, or rows:\n%s", body)
	}
	next := nextLink(body)
	if next == "" {
		t.Fatal("no next link")
	}
	body = get(t, h, next).Body.String()
	if !strings.Contains(body, `<a href="/staff/exchanges/n5099"`) || strings.Contains(body, `id="next"`) {
		t.Errorf("second page lacks the match or has a next link:\n%s", body)
	}
}
