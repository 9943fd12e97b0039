package web

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/cdsme/policybot/internal/browsertest"
)

// TestBrowserChat drives the real page in headless Chromium: a question that
// is an XSS payload must show as text, and the answer's citation must show.
func TestBrowserChat(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)

	conv := &fakeConv{}
	srv := httptest.NewServer(New(conv, WithLogger(slog.New(slog.DiscardHandler))))
	defer srv.Close()

	var (
		mu         sync.Mutex
		exceptions []string
	)
	// Subscribe before navigating: a dialog or an exception would mean
	// injected script ran or the page broke.
	dialogs := browsertest.RecordDialogs(bctx)
	exceptionEvents := chromedp.Events(bctx, runtime.ExceptionThrown)
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
	if len(conv.messages) != 1 || conv.messages[0].Text != question || conv.messages[0].Channel != "web" || conv.messages[0].UserID == "" {
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

	if d := dialogs(); len(d) != 0 {
		t.Errorf("a dialog opened (script ran): %q", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(exceptions) != 0 {
		t.Errorf("page exceptions: %q", exceptions)
	}
}
