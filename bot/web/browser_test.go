package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/internal/browsertest"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// TestBrowserChat drives the real page in headless Chromium: a question that
// is an XSS payload must show as text, and the answer's citation must show.
func TestBrowserChat(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)

	conv := &fakeConv{}
	srv := httptest.NewServer(New(conv, WithLogger(slog.New(slog.DiscardHandler))))
	defer srv.Close()

	// Subscribe before navigating: a dialog or an exception would mean
	// injected script ran or the page broke.
	dialogs := browsertest.RecordDialogs(bctx)
	exceptions := recordExceptions(bctx)

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
	if e := exceptions(); len(e) != 0 {
		t.Errorf("page exceptions: %q", e)
	}
}

// recordExceptions returns a function listing the exceptions the page has
// thrown. Call it before navigating.
func recordExceptions(bctx context.Context) func() []string {
	var (
		mu         sync.Mutex
		exceptions []string
	)
	events := chromedp.Events(bctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range events {
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
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), exceptions...)
	}
}

// TestBrowserChoices drives the page with the real engine: an ambiguous
// question shows the replies that settle it as buttons, and clicking
// "今年930万" sends it as the next question, which is answered with 40万.
func TestBrowserChoices(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)
	indexOnce.Do(func() { testIndex, indexErr = knowledge.New(policies.MustDefault()) })
	if indexErr != nil {
		t.Fatal(indexErr)
	}
	eng := bot.NewEngine(policies.MustDefault(), testIndex,
		bot.WithChatMemory(bot.NewMemoryChat()), bot.WithExchangeLog(bot.NewMemoryLog()), bot.WithSecret(testSecret))
	srv := httptest.NewServer(New(eng, WithLogger(slog.New(slog.DiscardHandler)), WithSecret(testSecret)))
	defer srv.Close()
	dialogs := browsertest.RecordDialogs(bctx)
	exceptions := recordExceptions(bctx)

	err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "研发投入500万、930万，能补多少"),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.CSS(".msg.bot .choices button")),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	labels, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.msg.bot .choices button'), b => b.textContent)`))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if len(labels) != 2 || labels[0] != "今年500万" || labels[1] != "今年930万" {
		t.Fatalf("choice buttons = %q", labels)
	}
	err = chromedp.Do(bctx, chromedp.Click(chromedp.CSS(".msg.bot .choices button:nth-of-type(2)")))
	if err != nil {
		t.Fatalf("click: %v", err)
	}
	answer, err := chromedp.Run(bctx, chromedp.Poll[string](
		`(() => { const a = document.querySelectorAll('.msg.bot .bubble.answer'); return a.length === 2 ? a[1].textContent : null; })()`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("second answer: %v", err)
	}
	if !strings.Contains(answer, "40万") {
		t.Errorf("answer to 今年930万 = %q", answer)
	}
	asked, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.msg.user .bubble'), b => b.textContent)`))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if len(asked) != 2 || asked[1] != "今年930万" {
		t.Errorf("questions shown = %q", asked)
	}
	if d := dialogs(); len(d) != 0 {
		t.Errorf("dialogs: %q", d)
	}
	if e := exceptions(); len(e) != 0 {
		t.Errorf("page exceptions: %q", e)
	}
}
