package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/web"
)

// cx builds a confused exchange: the question, whether answered, its
// verdict, need and unstated need, and its citations as id/score pairs.
func cx(id string, ago time.Duration, q string, answered bool, fb, need, unstated string, cites ...any) bot.Exchange {
	e := ex(id, ago, q, answered, fb)
	e.Need, e.Unstated = need, unstated
	for i := 0; i+1 < len(cites); i += 2 {
		e.Citations = append(e.Citations, bot.Citation{ID: cites[i].(string), Score: cites[i+1].(float64)})
	}
	return e
}

// meaningSet is a week of confused questions (and a few that are not),
// with citations, needs and scores as the engine gives them, plus one from
// the week before.
func meaningSet() []bot.Exchange {
	h := time.Hour
	tax1 := cx("t1", 1*h, "有没有税收优惠", true, bot.VerdictDown, "eligibility", "", "policy/12", 0.93, "plan/14", 0.24)
	tax1.FeedbackReason = "没说怎么减税"
	rephrase1 := cx("r1", 30*h, "数字化转型补助怎么算", true, "", "amount", "", "policy/2", 0.97)
	rephrase2 := cx("r2", 30*h-2*time.Minute, "数字化改造补贴怎么计算", true, "", "amount", "", "policy/2", 0.95)
	rephrase2.ChatHash = rephrase1.ChatHash
	up1 := cx("s1", 5*h, "上市有什么奖励", true, bot.VerdictDown, "other", "", "policy/7", 0.96, "plan/8", 0.6)
	up1.FeedbackReason = "没说具体金额"
	return []bot.Exchange{
		tax1,
		cx("t2", 2*h, "企业所得税能减免吗", false, "", "other", "other_level"), // out of scope: no citations
		cx("t3", 3*h, "交税能少交一点不", false, "", "other", "other_level", "policy/12", 0.86),
		cx("t0", 8*24*h, "税费能不能减免", false, "", "other", "other_level"), // the week before
		up1,
		cx("s2", 6*h, "企业IPO能拿多少钱", false, "", "amount", "breakdown", "policy/7", 0.91, "plan/8", 0.54),
		cx("s3", 7*h, "准备去北交所上市奖励多少", false, "", "amount", "breakdown", "policy/7", 0.99),
		cx("b1", 8*h, "北京的公司可以申请吗", false, "", "eligibility", ""),
		cx("l1", 9*h, "研发投入增加能拿多少补助", true, bot.VerdictDown, "amount", "", "policy/4", 1.0),
		cx("w1", 10*h, "那个东西怎么搞", true, "", "procedure", "", "plan/3", 0.2), // low confidence
		rephrase1, rephrase2,
		cx("ok", 11*h, "上市奖励有多少", true, bot.VerdictUp, "amount", "", "policy/7", 0.99), // no sign of confusion
	}
}

func clusterOf(cl []Cluster, id string) (Cluster, bool) {
	for _, c := range cl {
		if slices.Contains(c.IDs, id) {
			return c, true
		}
	}
	return Cluster{}, false
}

// TestClustersByMeaning: three differently worded tax questions (one
// without citations, placed by the index) land in one cluster, three 上市
// questions in another; each cluster carries its signals, unstated needs,
// 👎 reasons, examples and its trend against the week before.
func TestClustersByMeaning(t *testing.T) {
	c := newConsole(seed(t)).(*Console)
	split := testNow.Add(-7 * 24 * time.Hour)
	exs := meaningSet()
	got := Clusters(exs, split, c.anchor(context.Background()), DefaultClusterThreshold, 0)

	tax, ok := clusterOf(got, "t1")
	if !ok {
		t.Fatal("no tax cluster")
	}
	wantTax := Cluster{ID: "t0", Size: 3, Previous: 1, Clause: "policy/12", Need: "other", Unanswered: 2, Disliked: 1,
		Unstated: []NeedCount{{Need: "other_level", Label: "国家/省/区县政策", N: 2}},
		Reasons:  []ReasonCount{{Reason: "没说怎么减税", N: 1}},
		Examples: []Example{{ID: "t1", Question: "有没有税收优惠", Time: testNow.Add(-time.Hour)},
			{ID: "t2", Question: "企业所得税能减免吗", Time: testNow.Add(-2 * time.Hour)},
			{ID: "t3", Question: "交税能少交一点不", Time: testNow.Add(-3 * time.Hour)}},
		IDs: []string{"t1", "t2", "t3"}}
	if d := cmp.Diff(wantTax, tax); d != "" {
		t.Errorf("tax cluster (-want +got):\n%s", d)
	}
	listing, ok := clusterOf(got, "s1")
	if !ok {
		t.Fatal("no 上市 cluster")
	}
	if d := cmp.Diff([]string{"s1", "s2", "s3"}, listing.IDs); d != "" {
		t.Errorf("上市 cluster (-want +got):\n%s", d)
	}
	if listing.Clause != "policy/7" || listing.Need != "amount" || listing.Previous != 0 || listing.Trend() != 3 ||
		!cmp.Equal(listing.Unstated, []NeedCount{{Need: "breakdown", Label: "分档金额", N: 2}}) {
		t.Errorf("上市 cluster: %+v", listing)
	}
	for _, id := range []string{"b1", "l1", "w1", "r1"} {
		c, ok := clusterOf(got, id)
		if !ok || c.Size != 1 {
			t.Errorf("%s should stand alone: %+v", id, c)
		}
	}
	if c, _ := clusterOf(got, "w1"); c.LowConfidence != 1 {
		t.Errorf("low confidence not counted: %+v", c)
	}
	if c, _ := clusterOf(got, "r1"); c.Rephrased != 1 {
		t.Errorf("rephrase not counted: %+v", c)
	}
	for _, id := range []string{"r2", "ok"} {
		if _, ok := clusterOf(got, id); ok {
			t.Errorf("%s shows no confusion and should be in no cluster", id)
		}
	}
	if len(got) != 6 {
		t.Errorf("%d clusters, want 6", len(got))
	}
	rev := slices.Clone(exs)
	slices.Reverse(rev)
	if d := cmp.Diff(got, Clusters(rev, split, c.anchor(context.Background()), DefaultClusterThreshold, 0)); d != "" {
		t.Errorf("clusters depend on input order:\n%s", d)
	}
}

// TestConfusionSignals: each signal on its own.
func TestConfusionSignals(t *testing.T) {
	a := cx("a", time.Hour, "小巨人奖励怎么申请", true, "", "procedure", "", "policy/1", 0.9)
	b := cx("b", time.Hour-4*time.Minute, "小巨人的奖励如何申请", true, "", "procedure", "", "policy/1", 0.9)
	b.ChatHash = a.ChatHash
	late := cx("c", time.Hour-20*time.Minute, "小巨人奖励怎么申请呢", true, "", "procedure", "", "policy/1", 0.9)
	late.ChatHash = a.ChatHash // past the window after b
	other := cx("d", 3*time.Hour, "那具体呢", true, "", "other", "", "policy/1", 0.9)
	other2 := cx("e", 3*time.Hour-time.Minute, "研发投入补助多少", true, "", "amount", "", "policy/4", 0.3)
	other2.ChatHash = other.ChatHash // follow-up, not a rephrase
	un := cx("f", 4*time.Hour, "申报截止时间", false, bot.VerdictDown, "deadline", "deadline", "policy/1", 0.5)
	got := ConfusionSignals([]bot.Exchange{a, b, late, other, other2, un})
	want := map[string]Signals{
		"a": {Rephrased: true}, "b": {}, "c": {}, "d": {}, "e": {LowConfidence: true},
		"f": {Unanswered: true, Disliked: true, Unstated: "deadline"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("signals (-want +got):\n%s", d)
	}
}

func TestClustersPageAndCSV(t *testing.T) {
	exs := append(meaningSet(), cx("x1", 30*time.Minute, `<script>alert(1)</script>上市`, false, "", "other", "", "policy/7", 0.9),
		cx("x2", 13*time.Hour, `=HYPERLINK("http://x")`, false, "", "other", ""))
	h := newConsole(seed(t, exs...))
	rec := get(t, h, "/staff/clusters?days=7")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, body)
	}
	for _, w := range []string{"有没有税收优惠", "交税能少交一点不", "国家/省/区县政策 ×2", "没说怎么减税", "↑2（上期 1）", "policy/12", "&lt;script&gt;"} {
		if !strings.Contains(body, w) {
			t.Errorf("clusters page lacks %q", w)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("question not escaped")
	}
	rec = get(t, h, "/staff/clusters.csv?from=2026-11-14&to=2026-11-20")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(ClusterCSVHeader, rows[0]); d != "" {
		t.Error(d)
	}
	var tax, formula []string
	for _, r := range rows[1:] {
		if strings.Contains(r[13], "有没有税收优惠") {
			tax = r
		}
		if strings.Contains(r[13], "HYPERLINK") {
			formula = r
		}
	}
	if tax == nil || tax[1] != "3" || tax[2] != "1" || tax[3] != "2" || tax[4] != "policy/12" || tax[11] != "国家/省/区县政策×2" {
		t.Errorf("tax row: %q", tax)
	}
	if formula == nil || !strings.HasPrefix(formula[13], "'=") {
		t.Errorf("formula not guarded: %q", formula)
	}
	if rec := get(t, h, "/staff/clusters?from=bad"); rec.Code != 400 {
		t.Errorf("bad date: %d", rec.Code)
	}
}

// TestRoutesNeedLogin: every console route, old and new, is behind the
// staff login: 401 for a client, a redirect to the login form for a
// browser, 401 for a wrong token.
func TestRoutesNeedLogin(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	quiet := slog.New(slog.DiscardHandler)
	srv := web.New(nopConv{}, web.WithLogger(quiet), web.WithStaffToken("t"),
		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 100, Period: time.Second, Burst: 100})),
		web.WithStaffHandler(newConsole(seed(t, standard()...))))
	for _, p := range []string{"/staff/", "/staff/?days=30", "/staff/?from=2026-11-01&to=2026-11-20", "/staff/clusters", "/staff/clusters.csv",
		"/staff/exchanges", "/staff/exchanges/e01", "/staff/export.csv", "/staff/export.jsonl", "/staff/assets/console.css"} {
		do := func(header, value string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			if header != "" {
				req.Header.Set(header, value)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			return rec
		}
		if rec := do("", ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s without login: %d", p, rec.Code)
		}
		if rec := do("Accept", "text/html"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/login" {
			t.Errorf("%s from a browser without login: %d %q", p, rec.Code, rec.Header().Get("Location"))
		}
		if rec := do("Authorization", "Bearer wrong"); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s with a wrong token: %d", p, rec.Code)
		}
		if rec := do("Authorization", "Bearer t"); rec.Code != http.StatusOK {
			t.Errorf("%s with the token: %d", p, rec.Code)
		}
	}
}

// BenchmarkClusters: a busy week (5,000 exchanges, most of them confused,
// many on the same clauses) clustered as the clusters page does.
func BenchmarkClusters(b *testing.B) {
	set := meaningSet()
	var exs []bot.Exchange
	for i := range 5000 {
		e := set[i%len(set)]
		e.ID = fmt.Sprintf("%s-%d", e.ID, i)
		e.ChatHash = fmt.Sprintf("c%d", i%700)
		e.Time = testNow.Add(-time.Duration(i) * time.Minute)
		e.Question += strconv.Itoa(i % 50)
		exs = append(exs, e)
	}
	c := newConsole(seed(b)).(*Console)
	anchor := c.anchor(context.Background())
	b.ResetTimer()
	for b.Loop() {
		Clusters(exs, testNow.Add(-48*time.Hour), anchor, DefaultClusterThreshold, 0)
	}
}
