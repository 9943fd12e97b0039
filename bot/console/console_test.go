package console

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/policies"
)

var testNow = time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)

func ex(id string, ago time.Duration, q string, answered bool, fb string, clauses ...string) bot.Exchange {
	e := bot.Exchange{ID: id, Time: testNow.Add(-ago), Channel: "web", UserHash: "u-" + id, ChatHash: "c-" + id,
		Question: q, Answer: "答：" + q, Answered: answered, Mode: bot.ModeOffline, Feedback: fb}
	for _, c := range clauses {
		e.Citations = append(e.Citations, bot.Citation{ID: c, Score: 0.9, Quote: "引文"})
	}
	return e
}

func seed(t testing.TB, exs ...bot.Exchange) *bot.MemoryLog {
	t.Helper()
	l := bot.NewMemoryLog()
	l.Now = func() time.Time { return testNow }
	for _, e := range exs {
		if err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// seedRedis stores the exchanges in a redisstore log on miniredis, which
// keeps the daily counters the overview reads.
func seedRedis(t testing.TB, exs ...bot.Exchange) *redisstore.ExchangeLog {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	t.Cleanup(func() { rdb.Close() })
	l := redisstore.NewExchangeLog(rdb, redisstore.Options{Now: func() time.Time { return testNow }})
	for _, e := range exs {
		if err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func newConsole(l bot.ExchangeLog, opts ...Option) http.Handler {
	return New(l, append([]Option{WithClock(func() time.Time { return testNow }), WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func standard() []bot.Exchange {
	calc := ex("e05", 5*time.Hour, "研发投入比去年多了650万，能拿多少", true, "")
	calc.Calculations = []policies.Calculation{{Rule: "rd_increase", Clause: "policy/4", AmountYuan: 600000}}
	return []bot.Exchange{
		ex("e01", 1*time.Hour, "北京的企业可以申请吗", false, ""),
		ex("e02", 2*time.Hour, "<script>alert(1)</script>小巨人奖励多少", true, bot.VerdictDown, "policy/2"),
		ex("e03", 3*time.Hour, "研发投入补助怎么申请", true, bot.VerdictDown, "policy/4"),
		ex("e04", 4*time.Hour, "=HYPERLINK(\"http://x\")", false, bot.VerdictDown),
		calc,
		ex("e06", 6*time.Hour, "专精特新认定条件是什么", true, bot.VerdictUp, "plan/5"),
		ex("e07", 10*24*time.Hour, "很久以前的问题", false, ""),
	}
}

func TestOverviewCounts(t *testing.T) {
	h := newConsole(seedRedis(t, standard()...))
	rec := get(t, h, "/staff/")
	if rec.Code != 200 {
		t.Fatalf("code %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, want := range []string{`id="stat-total">6<`, `id="stat-unanswered">2<`, `id="stat-disliked">3<`, `id="stat-liked">1<`,
		`id="stat-rate">66.7%<`, "<svg", `class="bar-answered"`, `class="bar-unanswered"`, `class="line-down"`} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("question not escaped")
	}
	if !strings.Contains(get(t, h, "/staff/?days=30").Body.String(), `id="stat-total">7<`) {
		t.Error("days=30 should count the old exchange")
	}
	for path, total := range map[string]string{
		"/staff/?days=1":                        "6",
		"/staff/?from=2026-11-10&to=2026-11-10": "1",
		"/staff/?from=2026-11-10&to=2026-11-20": "7",
		"/staff/?from=2026-11-11":               "6",
		"/staff/?to=2026-11-19":                 "0",
		"/staff/?days=9999":                     "6", // not a preset: the default 7 days
	} {
		rec := get(t, h, path)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="stat-total">`+total+`<`) {
			t.Errorf("%s: %d, want total %s", path, rec.Code, total)
		}
	}
	for _, path := range []string{"/staff/?from=yesterday", "/staff/?from=2026-11-20&to=2026-11-01", "/staff/?from=2020-01-01&to=2026-11-20"} {
		if rec := get(t, h, path); rec.Code != 400 {
			t.Errorf("%s: %d, want 400", path, rec.Code)
		}
	}
	// A log without daily counters: the overview says so, nothing is scanned.
	if body := get(t, newConsole(seed(t, standard()...)), "/staff/").Body.String(); !strings.Contains(body, "没有每日计数") {
		t.Error("a log without counters should be said so")
	}
}

// TestDayChart checks the SVG geometry of the day chart: one stacked bar
// pair per day in proportion, and 👍/👎 lines with a dot per day.
func TestDayChart(t *testing.T) {
	days := []redisstore.DayCounts{{Day: "2026-11-19", Answered: 6, Unanswered: 4, Up: 2, Down: 1}, {Day: "2026-11-20", Answered: 0, Unanswered: 5}}
	c := dayChart(days)
	if c.Empty || len(c.Rects) != 3 || len(c.Lines) != 2 || len(c.Lines[0].Dots) != 2 {
		t.Fatalf("chart: %+v", c)
	}
	h := func(r Rect) float64 { f, _ := strconv.ParseFloat(r.H, 64); return f }
	if a, u := h(c.Rects[0]), h(c.Rects[1]); math.Abs(a/u-1.5) > 0.01 {
		t.Errorf("answered/unanswered heights %v/%v, want 6:4", a, u)
	}
	if !dayChart([]redisstore.DayCounts{{Day: "2026-11-19"}}).Empty {
		t.Error("a chart of zeros should say it is empty")
	}
	for _, m := range []struct{ in, want int }{{0, 1}, {1, 1}, {3, 5}, {7, 10}, {11, 20}, {130, 200}} {
		if got := niceMax(m.in); got != m.want {
			t.Errorf("niceMax(%d) = %d, want %d", m.in, got, m.want)
		}
	}
}

// TestClauseTablePrimaryOnly: the clause table credits only the answer's
// primary clause (its first citation), from the counters and from the
// exchanges alike, and shows the answered column and rule titles, never
// internal rule ids.
func TestClauseTablePrimaryOnly(t *testing.T) {
	a := ex("p1", time.Hour, "小巨人奖励多少", true, bot.VerdictDown, "policy/1", "policy/scope", "plan/5")
	a.Calculations = []policies.Calculation{{Rule: "little_giant", Clause: "policy/1", AmountYuan: 500000}}
	b := ex("p2", 2*time.Hour, "小巨人申报时间", false, bot.VerdictDown, "policy/1", "policy/scope")
	b.Need, b.Unstated = "deadline", "deadline"
	c := ex("p3", 3*time.Hour, "有效期多久", true, "", "policy/scope", "policy/1")
	exs := []bot.Exchange{a, b, c}
	want := []ClauseRank{{Clause: "policy/1", Exchanges: 2, Answered: 1, Disliked: 2, DislikeRate: 1, Score: 2}}
	if d := cmp.Diff(want, RankClauses(exs, 0)); d != "" {
		t.Errorf("RankClauses (-want +got):\n%s", d)
	}
	l := seedRedis(t, exs...)
	days, err := l.Days(context.Background(), "2026-11-20", "2026-11-20")
	if err != nil {
		t.Fatal(err)
	}
	want = []ClauseRank{{Clause: "policy/1", Exchanges: 2, Answered: 1, Disliked: 2, DislikeRate: 1, Score: 3,
		Unstated: []NeedCount{{Need: "deadline", Label: "申报时间", N: 1}}}}
	if d := cmp.Diff(want, ClauseCountRanks(days, 0)); d != "" {
		t.Errorf("ClauseCountRanks (-want +got):\n%s", d)
	}
	wantTop := []ClauseVolume{{Clause: "policy/1", Total: 2, Answered: 1, Unanswered: 1, Disliked: 2}, {Clause: "policy/scope", Total: 1, Answered: 1}}
	if d := cmp.Diff(wantTop, TopClauses(days, 0)); d != "" {
		t.Errorf("TopClauses (-want +got):\n%s", d)
	}
	h := newConsole(l)
	body := get(t, h, "/staff/").Body.String()
	table := body[strings.Index(body, `id="clauses"`):]
	table = table[:strings.Index(table, "</table>")]
	if strings.Contains(table, "plan/5") || strings.Contains(table, ">policy/scope<") {
		t.Errorf("a secondary citation is credited in the clause table:\n%s", table)
	}
	for _, w := range []string{"<th class=\"num\">已回答</th>", "申报时间 ×1"} {
		if !strings.Contains(table, w) {
			t.Errorf("clause table lacks %q:\n%s", w, table)
		}
	}
	if !strings.Contains(body, `id="unstated"`) || !strings.Contains(body, "申报时间</a> ×1") {
		t.Error("overview lacks the unstated needs")
	}
	rec := get(t, h, "/staff/export.csv")
	if b := rec.Body.String(); strings.Contains(b, "little_giant") || !strings.Contains(b, "新获评国家专精特新“小巨人”企业奖励（policy/1）：50万元") {
		t.Errorf("CSV calculations should name the rule in Chinese:\n%s", b)
	}
	if b := get(t, h, "/staff/exchanges/p2").Body.String(); !strings.Contains(b, `id="unstated">申报时间<`) {
		t.Error("detail lacks the unstated need")
	}
	for _, page := range []string{"/staff/exchanges", "/staff/exchanges/p1"} {
		body := get(t, h, page).Body.String()
		if strings.Contains(body, "little_giant") || !strings.Contains(body, "新获评国家专精特新“小巨人”企业奖励") {
			t.Errorf("%s: the rule should show by its Chinese title only", page)
		}
	}
}

func TestComputeStats(t *testing.T) {
	e := standard()
	e[0].Mode = bot.ModeLLMFallback
	got := ComputeStats(e)
	want := Stats{Total: 7, Answered: 4, Unanswered: 3, Disliked: 3, Liked: 1, Fallbacks: 1, AnsweredRate: 4.0 / 7}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

func TestRankClauses(t *testing.T) {
	var exs []bot.Exchange
	// policy/4: 3 of 4 disliked; policy/2: 1 of 5; plan/1: 0 disliked but a follow-up.
	for i := range 4 {
		fb := bot.VerdictDown
		if i == 0 {
			fb = ""
		}
		exs = append(exs, ex(fmt.Sprintf("a%d", i), time.Duration(i+1)*time.Hour, "研发", true, fb, "policy/4"))
	}
	for i := range 5 {
		fb := ""
		if i == 0 {
			fb = bot.VerdictDown
		}
		exs = append(exs, ex(fmt.Sprintf("b%d", i), time.Duration(i+10)*time.Hour, "小巨人", true, fb, "policy/2", "policy/scope"))
	}
	f1 := ex("f1", 30*time.Hour, "梯度培育", true, "", "plan/1")
	f2 := ex("f2", 30*time.Hour-2*time.Minute, "那具体呢", true, "", "plan/1")
	f2.ChatHash = f1.ChatHash
	exs = append(exs, f1, f2, ex("z", 40*time.Hour, "无关", true, "", "plan/2"))
	got := RankClauses(exs, 0)
	want := []ClauseRank{
		{Clause: "policy/4", Exchanges: 4, Answered: 4, Disliked: 3, DislikeRate: 0.75, Score: 3},
		{Clause: "policy/2", Exchanges: 5, Answered: 5, Disliked: 1, DislikeRate: 0.2, Score: 1},
		{Clause: "plan/1", Exchanges: 2, Answered: 2, FollowUps: 1, Score: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RankClauses (-want +got):\n%s", d)
	}
	body := get(t, newConsole(seedRedis(t, exs...)), "/staff/?days=7").Body.String()
	i4, i2 := strings.Index(body, `">policy/4</a>`), strings.Index(body, `">policy/2</a>`)
	if i4 < 0 || i2 < 0 || i4 > i2 {
		t.Errorf("policy/4 should rank before policy/2 (%d, %d)", i4, i2)
	}
	cl, _ := policies.MustDefault().Clause("policy/4")
	if len(cl.Departments) > 0 && !strings.Contains(body, cl.Departments[0]) {
		t.Errorf("overview lacks 责任单位 %q", cl.Departments[0])
	}
}

func TestListFilters(t *testing.T) {
	h := newConsole(seed(t, standard()...))
	cases := []struct {
		path string
		want []string
	}{
		{"/staff/exchanges", []string{"e01", "e02", "e03", "e04", "e05", "e06", "e07"}},
		{"/staff/exchanges?unanswered=1", []string{"e01", "e04", "e07"}},
		{"/staff/exchanges?disliked=1", []string{"e02", "e03", "e04"}},
		{"/staff/exchanges?clause=policy/4", []string{"e03", "e05"}},
		{"/staff/exchanges?since=2026-11-19&until=2026-11-20", []string{"e01", "e02", "e03", "e04", "e05", "e06"}},
		{"/staff/exchanges?until=2026-11-15", []string{"e07"}},
	}
	for _, c := range cases {
		rec := get(t, h, c.path)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", c.path, rec.Code)
		}
		if d := cmp.Diff(c.want, listedIDs(rec.Body.String())); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.path, d)
		}
	}
	body := get(t, h, "/staff/exchanges").Body.String()
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("question not escaped in list")
	}
	if !strings.Contains(body, "60万元") {
		t.Error("calculation amount missing")
	}
	if rec := get(t, h, "/staff/exchanges?since=yesterday"); rec.Code != 400 {
		t.Errorf("bad date: %d", rec.Code)
	}
}

func TestListPaging(t *testing.T) {
	var exs []bot.Exchange
	for i := range 7 {
		exs = append(exs, ex(fmt.Sprintf("p%d", i), time.Duration(i+1)*time.Minute, "问题", true, ""))
	}
	h := newConsole(seed(t, exs...))
	var seen []string
	path := "/staff/exchanges?limit=3"
	for path != "" && len(seen) < 20 {
		body := get(t, h, path).Body.String()
		seen = append(seen, listedIDs(body)...)
		path = strings.Replace(nextLink(body), "?", "?limit=3&", 1)
	}
	if d := cmp.Diff([]string{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}, seen); d != "" {
		t.Errorf("paging (-want +got):\n%s", d)
	}
}

func TestDetail(t *testing.T) {
	h := newConsole(seed(t, standard()...))
	rec := get(t, h, "/staff/exchanges/e02")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "&lt;script&gt;") || strings.Contains(rec.Body.String(), "<script>alert") {
		t.Errorf("detail: %d %s", rec.Code, rec.Body)
	}
	if rec := get(t, h, "/staff/exchanges/nope"); rec.Code != 404 {
		t.Errorf("missing: %d", rec.Code)
	}
}

func TestExportCSV(t *testing.T) {
	h := newConsole(seed(t, standard()...))
	rec := get(t, h, "/staff/export.csv?disliked=1")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", rec.Code, rec.Header())
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Error("no BOM")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(CSVHeader, rows[0]); d != "" {
		t.Error(d)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[0]+"|"+r[4])
	}
	want := []string{"e02|<script>alert(1)</script>小巨人奖励多少", "e03|研发投入补助怎么申请", `e04|'=HYPERLINK("http://x")`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+86": "'+86", "-2": "'-2", "@SUM": "'@SUM", "研发": "研发", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportJSONLBound(t *testing.T) {
	h := newConsole(seed(t, standard()...), WithMaxExport(2))
	rec := get(t, h, "/staff/export.jsonl")
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if len(lines) != 2 || rec.Header().Get("X-Export-Truncated") != "2" {
		t.Fatalf("%d lines, header %q", len(lines), rec.Header().Get("X-Export-Truncated"))
	}
	var e bot.Exchange
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil || e.ID != "e01" {
		t.Errorf("first line %q: %v", lines[0], err)
	}
}

func TestMethodsAndAssets(t *testing.T) {
	h := newConsole(seed(t))
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(m, "/staff/", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d", m, rec.Code)
		}
	}
	for _, p := range []string{"/staff/assets/console.css", "/staff/assets/console.js"} {
		if rec := get(t, h, p); rec.Code != 200 || rec.Body.Len() == 0 {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	if rec := get(t, h, "/staff/nothing"); rec.Code != 404 {
		t.Errorf("unknown: %d", rec.Code)
	}
}

type brokenLog struct{ bot.ExchangeLog }

func (brokenLog) List(context.Context, bot.ExchangeQuery) ([]bot.Exchange, string, error) {
	return nil, "", errors.New("redis: connection refused at 10.0.0.1")
}
func (brokenLog) Get(context.Context, string) (bot.Exchange, error) {
	return bot.Exchange{}, errors.New("redis: connection refused at 10.0.0.1")
}

type brokenDays struct{}

func (brokenDays) Days(context.Context, string, string) ([]redisstore.DayCounts, error) {
	return nil, errors.New("redis: connection refused at 10.0.0.1")
}

func TestStorageError(t *testing.T) {
	var logged strings.Builder
	h := New(brokenLog{}, WithClock(func() time.Time { return testNow }), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))),
		WithDayCounter(brokenDays{}))
	for _, p := range []string{"/staff/", "/staff/exchanges", "/staff/exchanges/x1", "/staff/export.csv", "/staff/clusters", "/staff/clusters.csv"} {
		rec := get(t, h, p)
		b, _ := io.ReadAll(rec.Body)
		if rec.Code != 500 || strings.Contains(string(b), "10.0.0.1") || strings.Contains(string(b), "goroutine") {
			t.Errorf("%s: %d %s", p, rec.Code, b)
		}
	}
	if !strings.Contains(logged.String(), "connection refused") {
		t.Error("error not logged")
	}
}

// TestListBadCursor: a cursor no List returned is the staff member's bad
// input (400 with a plain message), not a server failure (500), on both
// conversation logs.
func TestListBadCursor(t *testing.T) {
	check := func(t *testing.T, l bot.ExchangeLog) {
		var logged strings.Builder
		h := New(l, WithClock(func() time.Time { return testNow }), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
		for _, cur := range []string{"garbage", "12:", ":x", "abc:def"} {
			rec := get(t, h, "/staff/exchanges?cursor="+url.QueryEscape(cur))
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "翻页参数") {
				t.Errorf("cursor %q: %d %s", cur, rec.Code, rec.Body)
			}
		}
		if logged.Len() != 0 {
			t.Errorf("bad input logged as an error: %s", logged.String())
		}
		if rec := get(t, h, "/staff/exchanges?cursor="); rec.Code != 200 {
			t.Errorf("empty cursor: %d", rec.Code)
		}
	}
	t.Run("memory", func(t *testing.T) { check(t, seed(t, standard()...)) })
	t.Run("redis", func(t *testing.T) {
		l := redisstore.NewExchangeLog(redistest.Real(t), redisstore.Options{Now: func() time.Time { return testNow }})
		for _, e := range standard() {
			if err := l.Append(context.Background(), e); err != nil {
				t.Fatal(err)
			}
		}
		check(t, l)
	})
}
