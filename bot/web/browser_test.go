package web

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
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
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

// TestBrowserChat drives the real page in headless Chromium: a question that
// is an XSS payload must show as text, and the answer's citation must show.
func TestBrowserChat(t *testing.T) {
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

	conv := &fakeConv{}
	srv := httptest.NewServer(New(conv, WithLogger(slog.New(slog.DiscardHandler))))
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
		mu         sync.Mutex
		dialogs    []string
		exceptions []string
	)
	// Subscribe before navigating. A dialog would mean injected script ran:
	// record it and dismiss it so the page does not block.
	dialogEvents := chromedp.Events(bctx, page.JavascriptDialogOpening)
	exceptionEvents := chromedp.Events(bctx, runtime.ExceptionThrown)
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
	go func() {
		for ev, err := range exceptionEvents {
			if err != nil {
				return
			}
			msg := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			mu.Lock()
			exceptions = append(exceptions, msg)
			mu.Unlock()
		}
	}()

	const question = `研发投入增加650万 <img src=x onerror=alert(1)> 能拿多少`
	err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), question),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.CSS(".msg.bot .bubble.answer")),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	run := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		return v
	}
	count := func(expr string) int {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("browser: %s: %v", expr, err)
		}
		return v
	}
	userText := run(chromedp.TextContent(chromedp.CSS(".msg.user .bubble")))
	answerText := run(chromedp.TextContent(chromedp.CSS(".msg.bot .bubble.answer")))
	citeText := run(chromedp.TextContent(chromedp.CSS(".msg.bot .citation")))
	calcText := run(chromedp.TextContent(chromedp.CSS(".msg.bot details.calc")))
	imgs := count(`document.querySelectorAll('img').length`)
	userChildren := count(`document.querySelector('.msg.user .bubble').childElementCount`)

	if strings.TrimSpace(userText) != question {
		t.Errorf("user bubble text = %q, want %q", userText, question)
	}
	if imgs != 0 || userChildren != 0 {
		t.Errorf("question was parsed as HTML: %d img elements, %d child elements in the bubble", imgs, userChildren)
	}
	if !strings.Contains(answerText, "<img src=x onerror=alert(1)>") {
		t.Errorf("answer bubble should show the echoed payload as text: %q", answerText)
	}
	for _, want := range []string{"policy/4", "支持企业加大研发投入", "<b>补助</b>"} {
		if !strings.Contains(citeText, want) {
			t.Errorf("citation %q lacks %q", citeText, want)
		}
	}
	if !strings.Contains(calcText, "60万元") || !strings.Contains(calcText, "650万 ÷ 200万 = 3 档") {
		t.Errorf("calculation block = %q", calcText)
	}

	// The engine got the question as typed, from the page's session.
	conv.mu.Lock()
	if len(conv.messages) != 1 || conv.messages[0].Text != question || conv.messages[0].Channel != "web" || !validSession(conv.messages[0].UserID) {
		t.Errorf("engine messages %+v", conv.messages)
	}
	conv.mu.Unlock()

	// 👎 asks for a reason, then the acknowledgement shows.
	err = chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(".msg.bot .actions button:nth-of-type(2)")),
		chromedp.WaitVisible(chromedp.CSS(".reason input")),
		chromedp.SendKeys(chromedp.CSS(".reason input"), "没说什么时候申报"),
		chromedp.Click(chromedp.CSS(".reason button[type=submit]")),
	)
	if err != nil {
		t.Fatalf("feedback: %v", err)
	}
	ack := run(chromedp.Poll[string](`(document.querySelector('.ack')||{}).textContent`, chromedp.WithPollingTimeout(10*time.Second)))
	if ack != "谢谢反馈！" {
		t.Errorf("ack = %q", ack)
	}
	conv.mu.Lock()
	if len(conv.feedbacks) != 1 || conv.feedbacks[0].UserID != conv.messages[0].UserID || conv.feedbacks[0].Data != goodData+":down" {
		t.Errorf("feedbacks %+v", conv.feedbacks)
	}
	conv.mu.Unlock()

	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) != 0 {
		t.Errorf("a dialog opened (script ran): %q", dialogs)
	}
	if len(exceptions) != 0 {
		t.Errorf("page exceptions: %q", exceptions)
	}
}
