package console

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/internal/browsertest"
)

// nopConv is a bot.Conversation the browser test never talks to.
type nopConv struct{}

func (nopConv) Handle(context.Context, bot.Message) (bot.Reply, error) { return bot.Reply{}, nil }
func (nopConv) Feedback(context.Context, bot.Feedback) (string, error) { return "", nil }
func (nopConv) Forget(context.Context, bot.Message) error              { return nil }

// TestBrowserConsole logs in through the real login form in headless
// Chromium, opens the overview, follows the 👎 link and checks the seeded
// questions show as text, never as markup.
func TestBrowserConsole(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)

	const (
		disliked = "研发投入补助为什么没有算上去年的投入"
		payload  = `小巨人奖励 <img src=x onerror=alert(1)> 多少`
	)
	now := time.Now()
	memlog := bot.NewMemoryLog()
	for _, e := range []bot.Exchange{
		{ID: "b1", Time: now.Add(-time.Hour), Channel: "web", UserHash: "u1", Question: disliked, Answer: "按 policy/4…", Answered: true,
			Mode: bot.ModeOffline, Feedback: bot.VerdictDown, FeedbackReason: "没说申报时间", Citations: []bot.Citation{{ID: "policy/4", Score: 0.9}}},
		{ID: "b2", Time: now.Add(-2 * time.Hour), Channel: "telegram", UserHash: "u2", Question: payload, Answer: "…", Answered: true,
			Mode: bot.ModeLLM, Feedback: bot.VerdictDown, Citations: []bot.Citation{{ID: "policy/2", Score: 0.8}}},
		{ID: "b3", Time: now.Add(-3 * time.Hour), Channel: "web", UserHash: "u3", Question: "专精特新认定条件", Answer: "…", Answered: true,
			Mode: bot.ModeOffline, Feedback: bot.VerdictUp},
	} {
		if err := memlog.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	quiet := slog.New(slog.DiscardHandler)
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	srv := httptest.NewServer(web.New(nopConv{}, web.WithLogger(quiet), web.WithStaffToken("t"),
		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: web.LoginInterval, Burst: web.LoginBurst})),
		web.WithStaffHandler(New(memlog, WithLogger(quiet)))))
	defer srv.Close()

	dialogs := browsertest.RecordDialogs(bctx)
	err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/staff/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "t"),
		chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.ID("stat-total")),
	)
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
	if got := strings.TrimSpace(run(chromedp.TextContent(chromedp.ID("stat-total")))); got != "3" {
		t.Errorf("overview total = %q, want 3", got)
	}
	err = chromedp.Do(bctx,
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
