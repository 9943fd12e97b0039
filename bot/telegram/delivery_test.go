package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
)

const (
	tooMany7   = `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`
	badRequest = `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`
)

// failFirst makes the first n calls of method fail with status.
func failFirst(f *fakeAPI, method string, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = func(m string, _ map[string]string) int {
		if m != method || n == 0 {
			return 0
		}
		n--
		return status
	}
}

// TestRetryPolicy: 429 waits retry_after, 5xx backs off 0.25 s doubling to
// 8 s, both bounded by attempts and by the waiting budget; 4xx is never
// retried; what is given up on is counted lost, once.
func TestRetryPolicy(t *testing.T) {
	lost := &lostCounter{}
	h := newHarness(t, WithLostReplyObserver(lost.observe))

	// 429 then 5xx then success: the reply arrives.
	h.api.queue("sendMessage", tooMany7)
	failFirst(h.api, "sendMessage", 2, http.StatusBadGateway)
	h.a.HandleUpdate(ctx, textUpdate("研发奖励"))
	if diff := cmp.Diff([]string{"答：研发奖励"}, h.api.delivered()); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	// The two 502s come first (the fake fails before reading its queue).
	if diff := cmp.Diff([]time.Duration{250 * time.Millisecond, 500 * time.Millisecond, 7 * time.Second}, h.clock.sleeps); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}

	// Attempts are bounded: DefaultMaxAttempts tries, then ErrUndelivered.
	h.api.reset()
	h.clock.sleeps = nil
	failFirst(h.api, "sendMessage", 100, http.StatusServiceUnavailable)
	err := h.a.Send(ctx, chatID, bot.Reply{Text: "推送"})
	if !errors.Is(err, ErrUndelivered) || len(h.api.callsOf("sendMessage")) != DefaultMaxAttempts {
		t.Errorf("err=%v calls=%d, want ErrUndelivered after %d", err, len(h.api.callsOf("sendMessage")), DefaultMaxAttempts)
	}
	var total time.Duration
	for _, d := range h.clock.sleeps {
		total += d
	}
	if total > DefaultRetryBudget || h.clock.sleeps[len(h.clock.sleeps)-1] != 8*time.Second {
		t.Errorf("waits %v (total %s)", h.clock.sleeps, total)
	}

	// The waiting budget is bounded: a retry_after beyond it is not waited for.
	h.api.reset()
	h.clock.sleeps = nil
	failFirst(h.api, "sendMessage", 0, 0)
	h.api.queue("sendMessage", `{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3600}}`)
	if err := h.a.Send(ctx, chatID, bot.Reply{Text: "推送"}); !errors.Is(err, ErrUndelivered) || len(h.clock.sleeps) != 0 {
		t.Errorf("long retry_after: err=%v sleeps=%v", err, h.clock.sleeps)
	}
	// Several 429s within the budget are all waited for (the old adapter
	// gave up after 3).
	h.api.reset()
	h.clock.sleeps = nil
	for range 5 {
		h.api.queue("sendMessage", `{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":2}}`)
	}
	if err := h.a.Send(ctx, chatID, bot.Reply{Text: "推送"}); err != nil || len(h.clock.sleeps) != 5 {
		t.Errorf("five 429s: err=%v sleeps=%v", err, h.clock.sleeps)
	}

	// A 400 is not retried; in the answer path it is counted lost.
	h.api.reset()
	h.clock.sleeps = nil
	h.api.queue("sendMessage", badRequest)
	h.a.HandleUpdate(ctx, textUpdate("问题"))
	if n := len(h.api.callsOf("sendMessage")); n != 1 || len(h.clock.sleeps) != 0 {
		t.Errorf("400: %d calls, sleeps %v", n, h.clock.sleeps)
	}
	// Exhausted retries in the answer path are counted lost too; Send's
	// failures above are the caller's to count.
	failFirst(h.api, "sendMessage", 100, http.StatusBadGateway)
	h.a.HandleUpdate(ctx, textUpdate("问题二"))
	if diff := cmp.Diff([]string{LostRejected, LostRetriesExhausted}, lost.got()); diff != "" {
		t.Errorf("lost (-want +got):\n%s", diff)
	}

	// Bounds are configurable.
	h2 := newHarness(t, WithRetry(2, time.Second))
	failFirst(h2.api, "sendMessage", 100, http.StatusBadGateway)
	if err := h2.a.Send(ctx, chatID, bot.Reply{Text: "x"}); !errors.Is(err, ErrUndelivered) || len(h2.api.callsOf("sendMessage")) != 2 {
		t.Errorf("WithRetry(2): err=%v calls=%d", err, len(h2.api.callsOf("sendMessage")))
	}
}

// TestPollingLosesNoReplyAt30PercentServerErrors: 100 questions in 10
// chats arrive by long polling while the Bot API answers 30 % of
// sendMessage calls with 502; every question is answered exactly once and
// nothing is counted lost. (Before: 5xx were not retried, about a third of
// the replies were lost.)
func TestPollingLosesNoReplyAt30PercentServerErrors(t *testing.T) {
	lost := &lostCounter{}
	h := newHarness(t, WithLostReplyObserver(lost.observe))
	h.api.failRandomly("sendMessage", 0.3)
	var upds []*models.Update
	var want []string
	for i := range 100 {
		u := textUpdate(fmt.Sprintf("问题%03d", i))
		u.Message.Chat.ID = int64(9000 + i%10)
		upds = append(upds, u)
		want = append(want, fmt.Sprintf("答：问题%03d", i))
	}
	raw, _ := json.Marshal(upds)
	h.api.updates <- raw
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.a.Run(ctx) }()
	for i := range 100 {
		select {
		case <-h.api.sent:
		case <-time.After(20 * time.Second):
			t.Fatalf("only %d replies delivered; lost %v", i, lost.got())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := h.api.delivered()
	for i, g := range got {
		got[i], _, _ = strings.Cut(g, "\n") // drop the fake engine's context line
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	if failed := len(h.api.callsOf("sendMessage")) - len(got); failed < 20 {
		t.Errorf("only %d sendMessage calls failed: the fake did not inject 30 %%", failed)
	}
	if l := lost.got(); len(l) != 0 {
		t.Errorf("lost %v", l)
	}
	if len(h.clock.sleeps) == 0 || slices.Max(h.clock.sleeps) > maxBackoff {
		t.Errorf("retry waits %v", h.clock.sleeps)
	}
}

// TestWebhookRedeliveryAt30PercentServerErrors: in webhook mode a reply
// that cannot be delivered makes the update answer 503, Telegram (played
// by the test) redelivers, and the redelivery sends the reply without
// asking the engine again; an answered update is acknowledged without a
// second reply. 100 questions at 30 % 502: all answered once, none lost.
func TestWebhookRedeliveryAt30PercentServerErrors(t *testing.T) {
	lost := &lostCounter{}
	// One try per call, so that failures reach Telegram's redelivery.
	h := newHarness(t, WithWebhook("https://bot.example.org/tg", "s3cret"), WithRetry(1, 0), WithLostReplyObserver(lost.observe))
	srv := httptest.NewServer(h.a.WebhookHandler())
	defer srv.Close()
	post := func(u *models.Update) int {
		b, _ := json.Marshal(u)
		return webhookPost(t, srv.URL, "POST", "s3cret", string(b))
	}
	h.api.failRandomly("sendMessage", 0.3)
	var want []string
	redeliveries := 0
	for i := range 100 {
		u := textUpdate(fmt.Sprintf("网页钩子%03d", i))
		u.Message.Chat.ID = int64(7000 + i%10)
		want = append(want, fmt.Sprintf("答：网页钩子%03d", i))
		status := post(u)
		for try := 0; status != http.StatusOK; try++ {
			if status != http.StatusServiceUnavailable || try == 20 {
				t.Fatalf("update %d: status %d after %d redeliveries", i, status, try)
			}
			redeliveries++
			status = post(u)
		}
		if status := post(u); status != http.StatusOK { // a late duplicate
			t.Fatalf("duplicate of update %d: status %d", i, status)
		}
	}
	got := h.api.delivered()
	for i, g := range got {
		got[i], _, _ = strings.Cut(g, "\n")
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	if n := len(h.conv.messages()); n != 100 {
		t.Errorf("engine asked %d times for 100 updates", n)
	}
	if redeliveries < 10 {
		t.Errorf("only %d redeliveries: the failure path was hardly exercised", redeliveries)
	}
	if l := lost.got(); len(l) != 0 {
		t.Errorf("lost %v", l)
	}
}

// TestWebhookLongReplyResumes: a reply of several parts whose second part
// fails is resumed at that part on redelivery, not repeated from the start.
func TestWebhookLongReplyResumes(t *testing.T) {
	h := newHarness(t, WithWebhook("https://bot.example.org/tg", "s3cret"), WithRetry(1, 0))
	long := strings.Repeat("第一段内容。\n\n", 400) + strings.Repeat("第二段内容。\n\n", 400)
	h.conv.handle = func(bot.Message) (bot.Reply, error) { return bot.Reply{Text: long}, nil }
	n := 0
	h.api.mu.Lock()
	h.api.fail = func(m string, _ map[string]string) int {
		if m == "sendMessage" {
			n++
			if n == 2 {
				return http.StatusInternalServerError
			}
		}
		return 0
	}
	h.api.mu.Unlock()
	u := textUpdate("长问题")
	if owed := h.a.handle(ctx, u); len(owed) != 1 || owed[0].replyTo != 0 {
		t.Fatalf("owed %+v", owed)
	}
	if owed := h.a.handle(ctx, u); len(owed) != 0 {
		t.Fatalf("still owed after redelivery: %d", len(owed))
	}
	parts := renderParts(long, MaxMessageLen)
	var want []string
	for _, p := range parts {
		want = append(want, p.HTML)
	}
	if diff := cmp.Diff(want, h.api.delivered()); diff != "" {
		t.Errorf("parts delivered (-want +got):\n%s", diff)
	}
}

// TestUndeliveredForgottenIsCounted: an owed reply whose update Telegram
// never redelivers is counted lost when the adapter forgets the update.
func TestUndeliveredForgottenIsCounted(t *testing.T) {
	var lost []string
	l := newUpdateLog(2, func(owed []*outgoing) {
		for range owed {
			lost = append(lost, LostNotRedelivered)
		}
	})
	l.record(1, []*outgoing{{chatID: 1}})
	l.record(2, nil)
	l.record(2, nil)
	if seen, owed := l.lookup(1); !seen || len(owed) != 1 || len(lost) != 0 {
		t.Fatalf("seen=%v owed=%v lost=%v", seen, owed, lost)
	}
	l.record(3, nil) // forgets 1
	if seen, _ := l.lookup(1); seen || len(lost) != 1 {
		t.Errorf("after eviction: seen=%v lost=%v", seen, lost)
	}
	if seen, _ := l.lookup(0); seen {
		t.Error("id 0 seen")
	}
}

// TestQueueFullCounted: a chat that floods the long-polling queue has the
// extra updates dropped, and each is counted lost.
func TestQueueFullCounted(t *testing.T) {
	lost := &lostCounter{}
	h := newHarness(t, WithLostReplyObserver(lost.observe))
	block := make(chan struct{})
	h.conv.handle = func(m bot.Message) (bot.Reply, error) {
		<-block
		return bot.Reply{Text: "答"}, nil
	}
	for range DefaultChatQueue + 3 {
		h.a.onPolledUpdate(ctx, nil, textUpdate("刷屏"))
	}
	close(block)
	h.a.disp.wait()
	// One runs, DefaultChatQueue wait: two are dropped (or three, if the
	// first had not started yet).
	if n := len(lost.got()); n < 2 || n > 3 || !slices.Contains(lost.got(), LostQueueFull) {
		t.Errorf("lost %v", lost.got())
	}
}
