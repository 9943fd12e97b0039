package console

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/web"
)

// nopConv is a bot.Conversation the browser test never talks to.
type nopConv struct{}

func (nopConv) Handle(context.Context, bot.Message) (bot.Reply, error) { return bot.Reply{}, nil }
func (nopConv) Feedback(context.Context, bot.Feedback) (string, error) { return "", nil }
func (nopConv) Forget(context.Context, bot.Message) error              { return nil }

// findChromium returns the browser to drive ($CHROMIUM, /usr/bin/chromium or
// one on $PATH), or "".
func findChromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowserConsole logs in through the real login form in headless
// Chromium, opens the overview, follows the 👎 link and checks the seeded
// questions show as text, never as markup.
func TestBrowserConsole(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium()
	if chromium == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (CI=true): install it with `apt-get install -y chromium`")
		}
		t.Skip("chromium not installed; run `apt-get update && apt-get install -y chromium`")
	}

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
	srv := httptest.NewServer(web.New(nopConv{}, web.WithLogger(quiet), web.WithStaffToken("t"),
		web.WithStaffHandler(New(memlog, WithLogger(quiet)))))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

	var (
		mu      sync.Mutex
		dialogs []string
	)
	dialogEvents := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogEvents {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()

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
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) != 0 {
		t.Errorf("a dialog opened (script ran): %q", dialogs)
	}
}
