package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/cdsme/policybot/bot"
)

const testToken = "123456:TEST-token"

// apiCall is one recorded Bot API request.
type apiCall struct {
	Method string
	Fields map[string]string
	Failed bool // answered with an injected HTTP error or a queued error
}

// fakeAPI is a Bot API server on loopback: it records every call and
// answers with queued responses or sensible defaults.
type fakeAPI struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	calls   []apiCall
	queued  map[string][]string // method → raw JSON responses, used first
	updates chan []byte         // raw JSON arrays served by getUpdates
	sent    chan struct{}       // signalled on each sendMessage
	nextMsg int
	// fail, when set, is asked about every call: a non-zero status is
	// answered as an HTTP error with a proxy's HTML page, as a failing
	// Bot API front end does.
	fail func(method string, fields map[string]string) (status int)
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, queued: map[string][]string{}, updates: make(chan []byte, 16), sent: make(chan struct{}, 100)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + testToken + "/"
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, prefix) {
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	fields := map[string]string{}
	if err := r.ParseMultipartForm(1 << 20); err == nil && r.MultipartForm != nil {
		for k, v := range r.MultipartForm.Value {
			fields[k] = v[0]
		}
	}
	f.mu.Lock()
	if f.fail != nil {
		if status := f.fail(method, fields); status != 0 {
			f.calls = append(f.calls, apiCall{Method: method, Fields: fields, Failed: true})
			f.mu.Unlock()
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
			return
		}
	}
	f.calls = append(f.calls, apiCall{Method: method, Fields: fields})
	var resp string
	if q := f.queued[method]; len(q) > 0 {
		resp, f.queued[method] = q[0], q[1:]
		f.calls[len(f.calls)-1].Failed = strings.Contains(resp, `"ok":false`)
	}
	f.nextMsg++
	msgID := f.nextMsg
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if resp != "" {
		fmt.Fprint(w, resp)
		if method == "sendMessage" {
			f.sent <- struct{}{}
		}
		return
	}
	switch method {
	case "getMe":
		fmt.Fprint(w, `{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"policybot","username":"policybot"}}`)
	case "sendMessage":
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1,"chat":{"id":%s,"type":"private"}}}`, msgID, fields["chat_id"])
		f.sent <- struct{}{}
	case "getUpdates":
		select {
		case u := <-f.updates:
			fmt.Fprintf(w, `{"ok":true,"result":%s}`, u)
		case <-r.Context().Done():
		case <-time.After(200 * time.Millisecond):
			fmt.Fprint(w, `{"ok":true,"result":[]}`)
		}
	default:
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}
}

// queue makes the next call of method answer resp.
func (f *fakeAPI) queue(method, resp string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued[method] = append(f.queued[method], resp)
}

// callsOf returns the recorded calls of method (all when method is "").
func (f *fakeAPI) callsOf(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// texts returns the text of every sendMessage call.
func (f *fakeAPI) texts() []string {
	var out []string
	for _, c := range f.callsOf("sendMessage") {
		out = append(out, c.Fields["text"])
	}
	return out
}

// delivered returns the text of every sendMessage call that succeeded.
func (f *fakeAPI) delivered() []string {
	var out []string
	for _, c := range f.callsOf("sendMessage") {
		if !c.Failed {
			out = append(out, c.Fields["text"])
		}
	}
	return out
}

// failRandomly makes share of the calls of method fail with HTTP 502, the
// draws seeded per chat so that a chat's sequence of outcomes does not
// depend on how chats interleave.
func (f *fakeAPI) failRandomly(method string, share float64) {
	rngs := map[string]*rand.Rand{}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = func(m string, fields map[string]string) int {
		if m != method {
			return 0
		}
		chat := fields["chat_id"]
		if rngs[chat] == nil {
			seed, _ := strconv.ParseUint(chat, 10, 64)
			rngs[chat] = rand.New(rand.NewPCG(seed, 30))
		}
		if rngs[chat].Float64() < share {
			return http.StatusBadGateway
		}
		return 0
	}
}

// webhookPost sends payload to a webhook handler as Telegram would and
// returns the status.
func webhookPost(t *testing.T, url, method, secret, payload string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(payload))
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// lostCounter records WithLostReplyObserver calls.
type lostCounter struct {
	mu      sync.Mutex
	reasons []string
}

func (l *lostCounter) observe(reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reasons = append(l.reasons, reason)
}

func (l *lostCounter) got() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reasons...)
}

func (f *fakeAPI) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// fakeConv is a bot.Conversation that echoes and records.
type fakeConv struct {
	mu       sync.Mutex
	msgs     []bot.Message
	feedback []bot.Feedback
	forgot   []bot.Message
	last     map[string]string // chat → last question, to show context
	handle   func(bot.Message) (bot.Reply, error)
	forget   error
}

func newFakeConv() *fakeConv { return &fakeConv{last: map[string]string{}} }

func (c *fakeConv) Handle(_ context.Context, m bot.Message) (bot.Reply, error) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	prev := c.last[m.ChatID]
	c.last[m.ChatID] = m.Text
	h := c.handle
	c.mu.Unlock()
	if h != nil {
		return h(m)
	}
	text := "答：" + m.Text
	if prev != "" {
		text += "\n（接上一问：" + prev + "）"
	}
	return bot.Reply{
		ExchangeID: "ex1", Text: text, Answered: true,
		Buttons: []bot.Button{{Text: "👍 有帮助", Data: "fb:up:ex1:good"}, {Text: "👎 没帮助", Data: "fb:down:ex1:good"}},
	}, nil
}

func (c *fakeConv) Feedback(_ context.Context, f bot.Feedback) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.feedback = append(c.feedback, f)
	if !strings.HasSuffix(f.Data, ":good") {
		return "", bot.ErrBadCallback
	}
	return "感谢反馈！", nil
}

func (c *fakeConv) Forget(_ context.Context, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgot = append(c.forgot, m)
	return c.forget
}

func (c *fakeConv) messages() []bot.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Message(nil), c.msgs...)
}

// fakeClock never sleeps: it records the waits and advances.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness bundles an adapter with its fakes and a log buffer.
type harness struct {
	a     *Adapter
	api   *fakeAPI
	conv  *fakeConv
	clock *fakeClock
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	h := &harness{api: newFakeAPI(t), conv: newFakeConv(), clock: &fakeClock{now: t0}, logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := []Option{WithServerURL(h.api.srv.URL), WithClock(h.clock), WithLogger(log)}
	a, err := New(testToken, h.conv, append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.a = a
	h.api.reset() // drop getMe
	return h
}

var nextUpdateID atomic.Int64

func newID() int64 { return nextUpdateID.Add(1) + 1000 }

const (
	userID = int64(424242)
	chatID = int64(424242)
)

func textUpdate(text string) *models.Update {
	id := newID()
	return &models.Update{ID: id, Message: &models.Message{
		ID: int(id), Date: int(t0.Unix()), Text: text,
		From: &models.User{ID: userID, FirstName: "张"},
		Chat: models.Chat{ID: chatID, Type: models.ChatTypePrivate},
	}}
}

func callbackUpdate(data string) *models.Update {
	id := newID()
	return &models.Update{ID: id, CallbackQuery: &models.CallbackQuery{
		ID: fmt.Sprintf("cb%d", id), From: models.User{ID: userID}, Data: data,
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: 7, Date: 1, Chat: models.Chat{ID: chatID, Type: models.ChatTypePrivate}}},
	}}
}

var (
	entityRe = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)
	tagRe    = regexp.MustCompile(`^<(/?)(b|i|code|a)(\s+href="[^"<>]*")?>`)
)

// validTelegramHTML checks s uses only <b>, <i>, <code>, <a href> tags,
// balanced, and only well-formed entities; no raw < > & elsewhere.
func validTelegramHTML(s string) error {
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			m := tagRe.FindStringSubmatch(s[i:])
			if m == nil {
				return fmt.Errorf("bad tag at %d: %.20q", i, s[i:])
			}
			if m[1] == "/" {
				if len(stack) == 0 || stack[len(stack)-1] != m[2] {
					return fmt.Errorf("unbalanced </%s> at %d", m[2], i)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, m[2])
			}
			i += len(m[0])
		case '>':
			return fmt.Errorf("raw > at %d", i)
		case '&':
			m := entityRe.FindString(s[i:])
			if m == "" {
				return fmt.Errorf("bad entity at %d: %.10q", i, s[i:])
			}
			i += len(m)
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed tags %v", stack)
	}
	return nil
}

func keyboardOf(t *testing.T, c apiCall) *inlineKeyboard {
	t.Helper()
	raw, ok := c.Fields["reply_markup"]
	if !ok {
		return nil
	}
	var kb inlineKeyboard
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		t.Fatalf("reply_markup %q: %v", raw, err)
	}
	return &kb
}

var errEngine = errors.New("redis: connection refused at 10.0.0.3:6379 goroutine 1 [running]")
