package console

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// artifactsDir is where browser tests keep their screenshots: the
// directory TEST_ARTIFACTS names, else os.TempDir(), under
// policybot-screenshots. A directory inside the repository is refused:
// artefacts are never committed by accident.
func artifactsDir(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TEST_ARTIFACTS")
	if base == "" {
		base = os.TempDir()
	}
	dir, err := filepath.Abs(filepath.Join(base, "policybot-screenshots"))
	if err != nil {
		t.Fatal(err)
	}
	if root, err := filepath.Abs("../.."); err == nil {
		if rel, err := filepath.Rel(root, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			t.Fatalf("TEST_ARTIFACTS=%s is inside the repository (%s): screenshots are never written there", base, root)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkCJKFont fails under CI when fontconfig knows no Chinese font:
// the screenshots would show boxes (.ci/run installs fonts-noto-cjk).
func checkCJKFont(t *testing.T) {
	t.Helper()
	out, err := exec.Command("fc-list", ":lang=zh", "family").Output()
	switch {
	case err != nil:
		t.Logf("fc-list: %v; cannot tell whether Chinese renders", err)
	case strings.TrimSpace(string(out)) == "" && os.Getenv("CI") == "true":
		t.Error("no Chinese font installed (fc-list :lang=zh is empty): the screenshots show boxes; .ci/run installs fonts-noto-cjk")
	case strings.TrimSpace(string(out)) == "":
		t.Log("no Chinese font installed: the screenshots show boxes (install fonts-noto-cjk)")
	}
}

// staffServer serves the console h behind the web server's staff login
// (token "t", sessions and the login limiter on rdb) until the test ends.
func staffServer(t *testing.T, rdb redis.UniversalClient, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(web.New(nopConv{}, web.WithLogger(slog.New(slog.DiscardHandler)), web.WithStaffToken("t"),
		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: web.LoginInterval, Burst: web.LoginBurst})),
		web.WithStaffHandler(h)))
	t.Cleanup(srv.Close)
	return srv
}

// staffLogin opens url at desktop width, logs in through the form and
// waits for the overview, where a login lands.
func staffLogin(url string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "t"),
		chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.ID("stat-total")),
	}
}

// TestBrowserScreenshots opens every console page in headless Chromium at
// desktop (1280 px) and phone (390 px) width and keeps a full-page PNG of
// each as a test artefact (artifactsDir), for a person to look at; it
// checks only that each page loaded and that the files were written.
func TestBrowserScreenshots(t *testing.T) {
	bctx := browsertest.Start(t, 3*time.Minute)
	checkCJKFont(t)
	dir := artifactsDir(t)
	now := time.Now()
	quiet := slog.New(slog.DiscardHandler)
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	exlog := redisstore.NewExchangeLog(rdb, redisstore.Options{})
	var es []bot.Exchange
	for i, e := range filterFixture() {
		e.Time = now.Add(-time.Duration(i*7) * time.Hour)
		es = append(es, e)
	}
	if err := exlog.AppendBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	curated := NewRedisCurated(rdb)
	if _, err := curated.Save(context.Background(), Curated{Question: "研发投入补助怎么申请", Answer: "向区（市）县经信部门申报。",
		Clauses: []string{"policy/4"}, Updated: now}); err != nil {
		t.Fatal(err)
	}
	srv := staffServer(t, rdb, New(exlog, WithLogger(quiet), WithPushLedger(ledgerFixture()), WithCorrections(correctionsFixture()),
		WithNotifier(&fakeNotifier{}), WithCurated(curated)))
	if err := chromedp.Do(bctx, staffLogin(srv.URL+"/staff/")...); err != nil {
		t.Fatalf("login: %v", err)
	}
	pages := []struct{ name, path string }{
		{"overview", "/staff/?days=30"},
		{"exchanges", "/staff/exchanges"},
		{"exchanges-filtered", "/staff/exchanges?answered=1&mode=llm&q=" + "SRDI"},
		{"detail", "/staff/exchanges/" + es[1].ID},
		{"clusters", "/staff/clusters?days=30"},
		{"pushes", "/staff/pushes"},
		{"corrections", "/staff/corrections"},
		{"curated", "/staff/curated"},
		{"curated-new", "/staff/curated/new?exchange=" + es[0].ID},
		{"not-found", "/staff/nothing-here"},
	}
	for _, width := range []int64{1280, 390} {
		for _, p := range pages {
			var png []byte
			err := chromedp.Do(bctx,
				chromedp.EmulateViewport(width, 800, chromedp.EmulateMobile),
				chromedp.Navigate(srv.URL+p.path),
				chromedp.WaitVisible(chromedp.CSS("body")),
			)
			if err == nil {
				png, err = chromedp.Run(bctx, chromedp.FullScreenshot(100))
			}
			if err != nil {
				t.Fatalf("%s at %d px: %v", p.name, width, err)
			}
			if len(png) < 8 || string(png[1:4]) != "PNG" {
				t.Fatalf("%s at %d px: not a PNG (%d bytes)", p.name, width, len(png))
			}
			name := filepath.Join(dir, "console-"+p.name+"-"+strconv.FormatInt(width, 10)+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d screenshots in %s", 2*len(pages), dir)
}
