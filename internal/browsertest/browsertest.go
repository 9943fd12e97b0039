// Package browsertest starts headless Chromium (Debian's chromium package)
// for the project's browser tests, with the flags this closed network needs.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/cdsme/policybot/internal/needs"
)

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

// Start returns a browser context bounded by timeout, closed when the test
// ends. Without Chromium the test fails when CI=true (CI installs it) and is
// skipped otherwise, counted in needs.Main's summary line; it is also
// skipped under -short outside CI.
func Start(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if testing.Short() && !needs.CI() {
		needs.Unavailable(t, "Chromium", "skipped in -short mode")
	}
	chromium := findChromium()
	if chromium == "" {
		needs.Unavailable(t, "Chromium", "not installed; run `apt-get update && apt-get install -y chromium`")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Without these Chromium keeps calling out to a network it cannot reach.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	return bctx
}

// RecordDialogs dismisses every JavaScript dialog the page opens and returns
// a function listing their messages: any dialog means injected script ran.
// Call it before navigating.
func RecordDialogs(bctx context.Context) func() []string {
	var (
		mu      sync.Mutex
		dialogs []string
	)
	events := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), dialogs...)
	}
}
