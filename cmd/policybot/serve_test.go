package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/internal/redistest"
)

// lineWriter hands each written line to a channel, so a test can wait for
// the server's "listening" line without polling.
type lineWriter struct{ lines chan string }

func (w lineWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		select {
		case w.lines <- l:
		default:
		}
	}
	return len(p), nil
}

// fakeTelegram is a Bot API server on loopback: it hands out one update and
// records sendMessage calls.
type fakeTelegram struct {
	mu      sync.Mutex
	reject  bool // answer sendMessage with 400
	served  bool
	sent    chan map[string]string
	methods []string
}

func (f *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	f.mu.Lock()
	f.methods = append(f.methods, method)
	f.mu.Unlock()
	_ = r.ParseMultipartForm(1 << 20)
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"policybot","username":"policybot"}}`)
	case "getUpdates":
		f.mu.Lock()
		first := !f.served
		f.served = true
		f.mu.Unlock()
		if first {
			io.WriteString(w, `{"ok":true,"result":[{"update_id":7,"message":{"message_id":3,"date":1764000000,"chat":{"id":555,"type":"private"},"from":{"id":555,"is_bot":false,"first_name":"A"},"text":"新获评小巨人奖励多少"}}]}`)
			return
		}
		select { // long poll: hold until the client gives up
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		io.WriteString(w, `{"ok":true,"result":[]}`)
	case "sendMessage":
		fields := map[string]string{}
		for k, v := range r.MultipartForm.Value {
			fields[k] = v[0]
		}
		select {
		case f.sent <- fields:
		default:
		}
		if f.reject {
			io.WriteString(w, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`)
			return
		}
		io.WriteString(w, `{"ok":true,"result":{"message_id":9,"date":1764000000,"chat":{"id":555,"type":"private"}}}`)
	default:
		io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

func TestServeWebAndTelegram(t *testing.T) {
	tg := &fakeTelegram{sent: make(chan map[string]string, 4)}
	tgSrv := httptest.NewServer(tg)
	defer tgSrv.Close()
	envs := map[string]string{
		"HTTP_ADDR":          "127.0.0.1:0",
		"TELEGRAM_BOT_TOKEN": "123:abc",
		"TELEGRAM_API_URL":   tgSrv.URL,
		"STAFF_TOKEN":        "s3cret",
		"BOT_SECRET":         "k",
		"REDIS_URL":          serveTestRedis(t),
	}
	base, stop := startServe(t, envs)

	resp, err := http.Post(base+"/api/ask", "application/json", bytes.NewReader([]byte(`{"q":"研发投入比去年多了650万，能拿多少","session":"session-0001"}`)))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Answer       string `json:"answer"`
		Calculations []struct {
			AmountYuan int64 `json:"amount_yuan"`
		} `json:"calculations"`
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("web ask %d: %v: %s", resp.StatusCode, err, body)
	}
	if len(a.Calculations) != 1 || a.Calculations[0].AmountYuan != 600000 {
		t.Errorf("web ask %d: %s", resp.StatusCode, body)
	}
	for path, want := range map[string]int{"/healthz": 200, "/metrics": 200, "/staff/": 401} {
		r, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, r.StatusCode, want)
		}
		if path == "/metrics" && !strings.Contains(string(body), "policybot_answers_total") {
			t.Errorf("/metrics lacks policybot_answers_total")
		}
	}

	req, _ := http.NewRequest("GET", base+"/staff/exchanges", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(page), "研发投入比去年多了650万") {
		t.Errorf("staff console %d does not list the question:\n%.300s", r.StatusCode, page)
	}

	select {
	case m := <-tg.sent:
		if m["chat_id"] != "555" || !strings.Contains(m["text"], "50万") || m["parse_mode"] != "HTML" {
			t.Errorf("telegram reply: %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no telegram reply")
	}

	stop() // graceful shutdown returns nil
}

func TestServeBadConfig(t *testing.T) {
	for name, envs := range map[string]map[string]string{
		"bad addr":      {"HTTP_ADDR": "not-an-address"},
		"bad redis url": {"REDIS_URL": "mysql://x", "HTTP_ADDR": "127.0.0.1:0"},
		"secret only":   {"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_SECRET": "x", "HTTP_ADDR": "127.0.0.1:0"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := run(ctx, []string{"serve"}, env(envs), strings.NewReader(""), io.Discard, io.Discard)
		cancel()
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// startServe runs `policybot serve` with envs and returns its base URL and a
// stop function that waits for a clean shutdown.
func startServe(t *testing.T, envs map[string]string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := lineWriter{lines: make(chan string, 16)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(envs), strings.NewReader(""), out, io.Discard) }()
	select {
	case l := <-out.lines:
		return l[strings.Index(l, "http://"):], func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	case err := <-done:
		cancel()
		t.Fatalf("serve exited: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil
}

// LLM mode end to end: the model's reply invents a figure, the guard
// rejects it, the user gets the offline answer and /metrics counts the
// fallback.
func TestServeLLMFallback(t *testing.T) {
	var calls int
	var mu sync.Mutex
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"根据第4条，您可获得80万元补助。"}}]}`)
	}))
	defer fake.Close()
	base, stop := startServe(t, map[string]string{
		"HTTP_ADDR": "127.0.0.1:0", "OPENAI_BASE_URL": fake.URL + "/v1", "OPENAI_API_KEY": "k", "OPENAI_MODEL": "m",
	})
	defer stop()
	resp, err := http.Post(base+"/api/ask", "application/json", strings.NewReader(`{"q":"研发投入比去年多了650万，能拿多少","session":"session-0002"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var a struct{ Answer string }
	json.Unmarshal(body, &a)
	if !strings.Contains(a.Answer, "60万") || strings.Contains(a.Answer, "80万") {
		t.Errorf("answer after a rejected model reply: %s", a.Answer)
	}
	mu.Lock()
	if calls == 0 {
		t.Error("the model was never called")
	}
	mu.Unlock()
	r, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(m), `policybot_llm_fallbacks_total{reason="invented_number"} 1`) {
		t.Errorf("fallback not counted:\n%s", grepLines(string(m), "policybot_"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// serveTestRedis is the real Redis test database when REDIS_URL is set
// (CI), flushed and this test's until it ends (internal/redistest); unset,
// serve uses its embedded Redis.
func serveTestRedis(t *testing.T) string {
	if os.Getenv("REDIS_URL") == "" {
		return ""
	}
	redistest.Real(t)
	return redistest.URL(t)
}

// TestServeWebhookPathErrors: a webhook URL without a path of its own, or
// on a path the web chat serves, is a configuration error (exit status 2)
// found before anything starts — not a panic ("pattern / conflicts"), and
// not a webhook silently taking over /api/ask.
func TestServeWebhookPathErrors(t *testing.T) {
	for _, u := range []string{
		"https://bot.example.org", "https://bot.example.org/", "https://bot.example.org/api/ask",
		"https://bot.example.org/api", "https://bot.example.org/staff/", "https://bot.example.org/staff",
		"https://bot.example.org/staff/exchanges", "https://bot.example.org/healthz", "https://bot.example.org/metrics",
		"https://bot.example.org/static/app.js", "https://bot.example.org/tg/{id}",
	} {
		envs := map[string]string{
			"HTTP_ADDR": "127.0.0.1:0", "TELEGRAM_BOT_TOKEN": "1:a",
			"TELEGRAM_API_URL":     "http://127.0.0.1:1", // never reached
			"TELEGRAM_WEBHOOK_URL": u, "TELEGRAM_WEBHOOK_SECRET": "s3cret",
		}
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic %v", u, p)
				}
			}()
			err = run(context.Background(), []string{"serve"}, env(envs), strings.NewReader(""), io.Discard, io.Discard)
		}()
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "TELEGRAM_WEBHOOK_URL") {
			t.Errorf("%s: err = %v, want a usage error naming TELEGRAM_WEBHOOK_URL", u, err)
		}
	}
	if err := checkWebhookURL("https://bot.example.org/telegram/hook-1"); err != nil {
		t.Errorf("a path of its own: %v", err)
	}
}

// TestAppRoutesAreServed keeps appRoutes in step with bot/web: each is
// answered by the web handler (not 404), and a path outside them is not.
func TestAppRoutesAreServed(t *testing.T) {
	eng, err := newEngine(context.Background(), env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(eng)
	probe := map[string]string{ // a path each route serves
		"/": "/", "/api/": "/api/ask", "/staff/": "/staff/", "/static/": "/static/app.js", "/healthz": "/healthz", "/metrics": "/metrics",
	}
	for _, r := range appRoutes {
		p, ok := probe[r]
		if !ok {
			t.Errorf("no probe for %s", r)
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code == http.StatusNotFound {
			t.Errorf("GET %s: 404, but appRoutes lists %s", p, r)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/telegram/hook", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /telegram/hook: %d, want 404 (a route appRoutes does not know)", rec.Code)
	}
}

// TestServeCountsLostReplies: a reply Telegram refuses is counted in
// /metrics (policybot_telegram_replies_lost_total), through the adapter's
// observer.
func TestServeCountsLostReplies(t *testing.T) {
	tg := &fakeTelegram{sent: make(chan map[string]string, 4), reject: true}
	tgSrv := httptest.NewServer(tg)
	defer tgSrv.Close()
	base, stop := startServe(t, map[string]string{
		"HTTP_ADDR": "127.0.0.1:0", "TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_URL": tgSrv.URL,
	})
	defer stop()
	select {
	case <-tg.sent:
	case <-time.After(30 * time.Second):
		t.Fatal("no telegram reply attempted")
	}
	want := `policybot_telegram_replies_lost_total{reason="rejected"} 1`
	var m []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		m, _ = io.ReadAll(r.Body)
		r.Body.Close()
		if strings.Contains(string(m), want) {
			return
		}
	}
	t.Errorf("lost reply not counted:\n%s", grepLines(string(m), "policybot_telegram"))
}
