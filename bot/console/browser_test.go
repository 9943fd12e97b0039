package console

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/internal/browsertest"
)

// nopConv is a bot.Conversation the browser test never talks to.
type nopConv struct{}

func (nopConv) Handle(context.Context, bot.Message) (bot.Reply, error) { return bot.Reply{}, nil }
func (nopConv) Feedback(context.Context, bot.Feedback) (string, error) { return "", nil }
func (nopConv) Forget(context.Context, bot.Message) error              { return nil }

// TestBrowserConsole logs in through the real login form in headless
// Chromium, opens the overview at desktop and phone width and finds its SVG
// charts inside the page's width, follows the 👎 link and checks the seeded
// questions show as text, never as markup, then opens the clusters page.
func TestBrowserConsole(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)

	const (
		disliked = "研发投入补助为什么没有算上去年的投入"
		payload  = `小巨人奖励 <img src=x onerror=alert(1)> 多少`
	)
	now := time.Now()
	quiet := slog.New(slog.DiscardHandler)
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	exlog := redisstore.NewExchangeLog(rdb, redisstore.Options{})
	for _, e := range []bot.Exchange{
		{ID: "b1", Time: now.Add(-time.Minute), Channel: "web", UserHash: "u1", Question: disliked, Answer: "按 policy/4…", Answered: true,
			Mode: bot.ModeOffline, Feedback: bot.VerdictDown, FeedbackReason: "没说申报时间", Citations: []bot.Citation{{ID: "policy/4", Score: 0.9}}},
		{ID: "b2", Time: now.Add(-2 * time.Minute), Channel: "telegram", UserHash: "u2", Question: payload, Answer: "…", Answered: true,
			Mode: bot.ModeLLM, Feedback: bot.VerdictDown, Citations: []bot.Citation{{ID: "policy/2", Score: 0.8}}},
		{ID: "b3", Time: now.Add(-3 * time.Minute), Channel: "web", UserHash: "u3", Question: "专精特新认定条件", Answer: "…", Answered: true,
			Mode: bot.ModeOffline, Feedback: bot.VerdictUp},
		{ID: "b4", Time: now.Add(-3 * 24 * time.Hour), Channel: "web", UserHash: "u4", Question: "申报截止时间是哪天", Answer: "…", Answered: false,
			Mode: bot.ModeOffline, Need: "deadline", Unstated: "deadline", Citations: []bot.Citation{{ID: "policy/4", Score: 0.7}}},
	} {
		if err := exlog.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	srv := staffServer(t, rdb, New(exlog, WithLogger(quiet)))

	dialogs := browsertest.RecordDialogs(bctx)
	err := chromedp.Do(bctx, staffLogin(srv.URL+"/staff/")...)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	run := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		return v
	}
	if got := strings.TrimSpace(run(chromedp.TextContent(chromedp.ID("stat-disliked")))); got != "2" {
		t.Errorf("overview 👎 count = %q, want 2", got)
	}
	if got := strings.TrimSpace(run(chromedp.TextContent(chromedp.ID("stat-total")))); got != "4" {
		t.Errorf("overview total = %q, want 4", got)
	}
	// The charts at desktop and phone width: drawn, with bars, and inside
	// the page (no sideways scrolling).
	type layout struct {
		Charts, DayBars, ClauseBars int
		ChartWidth, ViewWidth       float64
		PageWidth                   float64
		LabelFont                   float64
	}
	for _, width := range []int64{1280, 390} {
		err := chromedp.Do(bctx,
			chromedp.EmulateViewport(width, 800, chromedp.EmulateMobile),
			chromedp.Navigate(srv.URL+"/staff/?days=7"),
			chromedp.WaitVisible(chromedp.CSS("#chart-days svg")),
		)
		if err != nil {
			t.Fatalf("overview at %d px: %v", width, err)
		}
		got, err := chromedp.Run(bctx, chromedp.Evaluate[layout](`(() => {
			const svg = document.querySelector('#chart-days svg');
			const label = svg.querySelector('text');
			return {
				Charts: document.querySelectorAll('svg.chart').length,
				DayBars: document.querySelectorAll('#chart-days rect.bar-answered, #chart-days rect.bar-unanswered').length,
				ClauseBars: document.querySelectorAll('#chart-clauses rect').length,
				ChartWidth: svg.getBoundingClientRect().right,
				ViewWidth: document.documentElement.clientWidth,
				PageWidth: document.documentElement.scrollWidth,
				LabelFont: label ? label.getBoundingClientRect().height : 0,
			};
		})()`))
		if err != nil {
			t.Fatalf("layout at %d px: %v", width, err)
		}
		if got.Charts != 2 || got.DayBars != 2 || got.ClauseBars != 3 {
			t.Errorf("at %d px: %+v, want 2 charts, 2 day bars (today, 3 days ago) and 3 clause bars", width, got)
		}
		if got.ChartWidth > got.ViewWidth || got.PageWidth > got.ViewWidth {
			t.Errorf("at %d px the page is wider than the screen: %+v", width, got)
		}
		if got.LabelFont < 7 {
			t.Errorf("at %d px the chart labels are %.1f px high, too small to read", width, got.LabelFont)
		}
	}
	err = chromedp.Do(bctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(srv.URL+"/staff/"),
		chromedp.WaitVisible(chromedp.ID("card-disliked")),
		chromedp.Click(chromedp.ID("card-disliked")),
		chromedp.WaitVisible(chromedp.ID("exchanges")),
	)
	if err != nil {
		t.Fatalf("disliked filter: %v", err)
	}
	table := run(chromedp.TextContent(chromedp.ID("exchanges")))
	for _, want := range []string{disliked, payload, "没说申报时间"} {
		if !strings.Contains(table, want) {
			t.Errorf("disliked list lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "专精特新认定条件") {
		t.Error("a liked exchange shows under the 👎 filter")
	}
	err = chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/staff/clusters?days=7"),
		chromedp.WaitVisible(chromedp.ID("clusters")),
	)
	if err != nil {
		t.Fatalf("clusters: %v", err)
	}
	clusters := run(chromedp.TextContent(chromedp.ID("clusters")))
	for _, want := range []string{disliked, payload, "申报时间 ×1"} {
		if !strings.Contains(clusters, want) {
			t.Errorf("clusters page lacks %q:\n%s", want, clusters)
		}
	}
	imgs, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('img').length`))
	if err != nil {
		t.Fatal(err)
	}
	if imgs != 0 {
		t.Errorf("the question was parsed as HTML: %d img elements", imgs)
	}
	if d := dialogs(); len(d) != 0 {
		t.Errorf("a dialog opened (script ran): %q", d)
	}
}

// TestBrowserPushesAndCorrections logs in in headless Chromium, opens the
// push ledger and filters it by state, then opens the corrections, replies
// to one through its form (a same-origin POST the CSRF check lets through)
// and finds it marked as answered, its hostile text shown as text.
func TestBrowserPushesAndCorrections(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)
	quiet := slog.New(slog.DiscardHandler)
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	corr := correctionsFixture()
	notifier := &fakeNotifier{}
	srv := staffServer(t, rdb, New(redisstore.NewExchangeLog(rdb, redisstore.Options{}), WithLogger(quiet),
		WithPushLedger(ledgerFixture()), WithCorrections(corr), WithNotifier(notifier)))

	dialogs := browsertest.RecordDialogs(bctx)
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	err := chromedp.Do(bctx, append(staffLogin(srv.URL+"/staff/pushes"),
		chromedp.Click(chromedp.ID("nav-pushes")),
		chromedp.WaitVisible(chromedp.ID("pushes")),
	)...)
	if err != nil {
		t.Fatalf("pushes: %v", err)
	}
	if got := text("#count-all"); got != "9" {
		t.Errorf("all pushes = %q, want 9", got)
	}
	if got := text("#count-failed"); got != "1" {
		t.Errorf("failed pushes = %q, want 1", got)
	}
	err = chromedp.Do(bctx,
		chromedp.SetValue(chromedp.CSS(`select[name=state]`), "failed"),
		chromedp.Submit(chromedp.CSS(`select[name=state]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#pushes tr.state-sent`)),
		chromedp.WaitVisible(chromedp.CSS(`#pushes tr.state-failed`)),
	)
	if err != nil {
		t.Fatalf("state filter: %v", err)
	}
	if rows := text("#pushes"); !strings.Contains(rows, "E2") || !strings.Contains(rows, "<b>502</b> bad gateway") || strings.Contains(rows, "E3") {
		t.Errorf("failed pushes table:\n%s", rows)
	}

	err = chromedp.Do(bctx,
		chromedp.Click(chromedp.ID("nav-corrections")),
		chromedp.WaitVisible(chromedp.ID("corrections")),
	)
	if err != nil {
		t.Fatalf("corrections: %v", err)
	}
	if got := text("#c-3-0 pre.text"); got != "研发投入应为600万<script>alert(1)</script>" {
		t.Errorf("correction text = %q", got)
	}
	const reply = "已核对：请重新发送 /subscribe 附上正确资料"
	err = chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS(`#c-3-0 textarea`), reply),
		chromedp.Click(chromedp.CSS(`#c-3-0 button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("reply-status")),
		chromedp.WaitVisible(chromedp.CSS(`#c-3-0.answered .reply`)),
	)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	if got := text("#reply-status"); !strings.Contains(got, "已保存并发送") {
		t.Errorf("status = %q", got)
	}
	if got := text("#c-3-0 .reply"); !strings.Contains(got, "已回复") || !strings.Contains(got, reply) || !strings.Contains(got, "已发送") {
		t.Errorf("reply shown as %q", got)
	}
	if got := text("#c-2-0 h3"); strings.Contains(text("#c-2-0"), "已回复") {
		t.Errorf("another correction shows as answered: %q", got)
	}
	if len(notifier.sent) != 1 || notifier.sent[0].enterprise != "E2" || !strings.Contains(notifier.sent[0].text, reply) {
		t.Errorf("sent %+v", notifier.sent)
	}
	if d := dialogs(); len(d) != 0 {
		t.Errorf("a dialog opened (script ran): %q", d)
	}
}
