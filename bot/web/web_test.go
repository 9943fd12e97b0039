package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/policies"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

// fakeConv is a bot.Conversation that records what it was given.
type fakeConv struct {
	mu        sync.Mutex
	messages  []bot.Message
	feedbacks []bot.Feedback
	forgotten []bot.Message
	err       error        // returned by Handle
	obs       bot.Observer // reported to as the engine does, if set
}

const goodData = "fb:ok:signed"

func (f *fakeConv) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) {
	f.mu.Lock()
	f.messages = append(f.messages, m)
	f.mu.Unlock()
	if f.err != nil {
		return bot.Reply{}, f.err
	}
	if f.obs != nil {
		f.obs.Answered(m.Channel, true, "offline", time.Millisecond)
	}
	return bot.Reply{
		ExchangeID: "ex-1",
		Text:       "您问的是：" + m.Text + "\n按 policy/4，可获补助 60万元。",
		Answered:   true,
		Citations: []bot.Citation{{
			ID: "policy/4", Score: 0.93, Title: "支持企业加大研发投入",
			Quote: "按年度每增加200万元研发投入给予20万元<b>补助</b>",
		}},
		Calculations: []policies.Calculation{{
			Rule: "rd_increase", Clause: "policy/4", Title: "研发投入增量补助",
			AmountYuan: 600000, Kind: policies.KindComputed,
			Inputs: map[string]any{"increase_yuan": 6500000},
			Steps:  []string{"650万 ÷ 200万 = 3 档", "3 × 20万 = 60万", "未超过年度上限500万"},
		}},
		Buttons: []bot.Button{{Text: "👍 有帮助", Data: goodData}, {Text: "👎 没帮助", Data: goodData + ":down"}},
	}, nil
}

func (f *fakeConv) Feedback(ctx context.Context, fb bot.Feedback) (string, error) {
	f.mu.Lock()
	f.feedbacks = append(f.feedbacks, fb)
	f.mu.Unlock()
	if !strings.HasPrefix(fb.Data, goodData) {
		return "", bot.ErrBadCallback
	}
	if f.obs != nil {
		f.obs.Feedback(map[bool]string{true: "down", false: "up"}[strings.HasSuffix(fb.Data, ":down")])
	}
	return "谢谢反馈！", nil
}

func (f *fakeConv) Forget(ctx context.Context, m bot.Message) error {
	f.mu.Lock()
	f.forgotten = append(f.forgotten, m)
	f.mu.Unlock()
	return nil
}

var fixedNow = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func newTest(t *testing.T, conv bot.Conversation, opts ...Option) (*Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	base := []Option{
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		WithClock(func() time.Time { return fixedNow }),
	}
	return New(conv, append(base, opts...)...), &logs
}

func do(t *testing.T, h http.Handler, method, path, ctype, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want JSON; body %q", ct, rec.Body.String())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

const jsonCT = "application/json"

func TestAskOK(t *testing.T) {
	conv := &fakeConv{}
	s, _ := newTest(t, conv)
	cookie, id := chatCookie(t, s)
	rec := do(t, s, "POST", "/api/ask", "application/json; charset=utf-8", `{"q":"  研发投入比去年多了650万，能拿多少 "}`, "Cookie", cookie)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	got := decodeJSON[map[string]any](t, rec)
	for _, k := range []string{"exchange_id", "answer", "answered", "citations", "calculations", "buttons", "choices"} {
		if _, ok := got[k]; !ok {
			t.Errorf("response lacks %q: %v", k, got)
		}
	}
	resp := decodeJSON[AskResponse](t, rec)
	if resp.ExchangeID != "ex-1" || !resp.Answered || len(resp.Citations) != 1 || resp.Citations[0].ID != "policy/4" {
		t.Errorf("unexpected response %+v", resp)
	}
	if len(resp.Calculations) != 1 || resp.Calculations[0].AmountYuan != 600000 {
		t.Errorf("calculations %+v", resp.Calculations)
	}
	if diff := cmp.Diff([]ButtonJSON{{"👍 有帮助", goodData}, {"👎 没帮助", goodData + ":down"}}, resp.Buttons); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	want := []bot.Message{{Channel: "web", UserID: id, ChatID: id, Text: "研发投入比去年多了650万，能拿多少", Time: fixedNow}}
	if diff := cmp.Diff(want, conv.messages); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestAskEmptySliceFieldsAreArrays(t *testing.T) {
	conv := convFunc(func(ctx context.Context, m bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: "不在文件范围内，请拨打12345。"}, nil
	})
	s, _ := newTest(t, conv)
	rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"北京有什么政策"}`)
	body := rec.Body.String()
	for _, want := range []string{`"citations":[]`, `"calculations":[]`, `"buttons":[]`, `"choices":[]`, `"answered":false`} {
		if !strings.Contains(body, want) {
			t.Errorf("body %s lacks %s", body, want)
		}
	}
}

func TestAskChoices(t *testing.T) {
	conv := convFunc(func(ctx context.Context, m bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: "哪一个是今年的？", Answered: true, Choices: []string{"今年500万", " ", "今年930万"}}, nil
	})
	s, _ := newTest(t, conv)
	resp := decodeJSON[AskResponse](t, do(t, s, "POST", "/api/ask", jsonCT, `{"q":"研发投入500万、930万，能补多少"}`))
	if diff := cmp.Diff([]string{"今年500万", "今年930万"}, resp.Choices); diff != "" {
		t.Errorf("choices (-want +got):\n%s", diff)
	}
}

type convFunc func(ctx context.Context, m bot.Message) (bot.Reply, error)

func (f convFunc) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) { return f(ctx, m) }
func (f convFunc) Feedback(context.Context, bot.Feedback) (string, error)       { return "", nil }
func (f convFunc) Forget(context.Context, bot.Message) error                    { return nil }

func TestAskErrors(t *testing.T) {
	big := `{"q":"` + strings.Repeat("很", 6000) + `"}` // 18 KB
	cases := []struct {
		name, method, ctype, body string
		code                      int
		errPart                   string
	}{
		{"empty", "POST", jsonCT, `{"q":"   "}`, 400, "问题不能为空"},
		{"missing q", "POST", jsonCT, `{}`, 400, "问题不能为空"},
		{"oversize", "POST", jsonCT, big, 413, "请求太大"},
		{"bad json", "POST", jsonCT, `{"q":`, 400, "JSON"},
		{"wrong type", "POST", jsonCT, `{"q":42}`, 400, "JSON"},
		{"two values", "POST", jsonCT, `{"q":"a"}{"q":"b"}`, 400, "JSON"},
		{"form content type", "POST", "application/x-www-form-urlencoded", `q=hi`, 400, "Content-Type"},
		{"no content type", "POST", "", `{"q":"hi"}`, 400, "Content-Type"},
		{"GET", "GET", "", "", 405, "方法"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conv := &fakeConv{}
			s, _ := newTest(t, conv)
			rec := do(t, s, tc.method, "/api/ask", tc.ctype, tc.body)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			e := decodeJSON[ErrorResponse](t, rec)
			if !strings.Contains(e.Error, tc.errPart) {
				t.Errorf("error %q lacks %q", e.Error, tc.errPart)
			}
			if len(conv.messages) != 0 {
				t.Errorf("engine was called: %+v", conv.messages)
			}
			if tc.code == 405 && rec.Header().Get("Allow") != "POST" {
				t.Errorf("Allow = %q", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestAskEngineErrorHidesDetails(t *testing.T) {
	secret := "dial tcp 10.0.0.7:6379: connection refused (password=hunter2)"
	conv := &fakeConv{err: errors.New(secret)}
	s, logs := newTest(t, conv)
	rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励"}`)
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "10.0.0.7") || strings.Contains(rec.Body.String(), "hunter2") {
		t.Errorf("response leaks the error: %s", rec.Body)
	}
	if e := decodeJSON[ErrorResponse](t, rec); !strings.Contains(e.Error, "抱歉") {
		t.Errorf("error = %q", e.Error)
	}
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("error not logged: %s", logs)
	}
}

func TestFeedback(t *testing.T) {
	conv := &fakeConv{}
	s, logs := newTest(t, conv)
	cookie, id := chatCookie(t, s)

	rec := do(t, s, "POST", "/api/feedback", jsonCT, `{"data":"`+goodData+`","reason":"没说申报时间"}`, "Cookie", cookie)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got := decodeJSON[MessageResponse](t, rec); got.Message != "谢谢反馈！" {
		t.Errorf("message %q", got.Message)
	}
	want := []bot.Feedback{{Channel: "web", UserID: id, Data: goodData, Reason: "没说申报时间", Time: fixedNow}}
	if diff := cmp.Diff(want, conv.feedbacks); diff != "" {
		t.Errorf("feedback (-want +got):\n%s", diff)
	}
	if strings.Contains(logs.String(), "没说申报时间") {
		t.Errorf("user text logged unmasked: %s", logs)
	}

	// Tampered data.
	rec = do(t, s, "POST", "/api/feedback", jsonCT, `{"data":"fb:forged"}`)
	if rec.Code != 400 {
		t.Fatalf("tampered: status %d: %s", rec.Code, rec.Body)
	}
	if e := decodeJSON[ErrorResponse](t, rec); !strings.Contains(e.Error, "按钮已失效") {
		t.Errorf("tampered error %q", e.Error)
	}
	// Missing data.
	if rec = do(t, s, "POST", "/api/feedback", jsonCT, `{}`); rec.Code != 400 {
		t.Errorf("missing data: status %d", rec.Code)
	}
}

// TestForget: /api/forget deletes the cookie's session and starts a new
// one; without a session there is nothing to delete.
func TestForget(t *testing.T) {
	conv := &fakeConv{}
	s, _ := newTest(t, conv)
	cookie, id := chatCookie(t, s)
	rec := do(t, s, "POST", "/api/forget", jsonCT, `{}`, "Cookie", cookie)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	want := []bot.Message{{Channel: "web", UserID: id, ChatID: id, Time: fixedNow}}
	if diff := cmp.Diff(want, conv.forgotten); diff != "" {
		t.Errorf("forget (-want +got):\n%s", diff)
	}
	next := sessionCookie(t, rec)
	if next == nil || strings.HasPrefix(next.Value, id+".") {
		t.Errorf("no new session after forget: %+v", next)
	}
	if rec := do(t, s, "POST", "/api/forget", jsonCT, `{}`); rec.Code != 200 || len(conv.forgotten) != 1 {
		t.Errorf("forget without a session: %d, engine calls %d", rec.Code, len(conv.forgotten))
	}
	if rec := do(t, s, "GET", "/api/forget", "", ""); rec.Code != 405 {
		t.Errorf("GET forget: %d", rec.Code)
	}
}

func TestHealthz(t *testing.T) {
	s, _ := newTest(t, &fakeConv{})
	rec := do(t, s, "GET", "/healthz", "", "")
	if rec.Code != 200 || rec.Body.String() != "ok" {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body)
	}
	if rec := do(t, s, "POST", "/healthz", "", ""); rec.Code != 405 {
		t.Errorf("POST healthz: %d", rec.Code)
	}

	var redisErr error
	s, _ = newTest(t, &fakeConv{}, WithHealthCheck(func(ctx context.Context) error { return redisErr }))
	rec = do(t, s, "GET", "/healthz", "", "")
	if got := decodeJSON[map[string]string](t, rec); rec.Code != 200 || got["redis"] != "up" || got["status"] != "ok" {
		t.Errorf("healthz up: %d %v", rec.Code, got)
	}
	redisErr = errors.New("redis down")
	rec = do(t, s, "GET", "/healthz", "", "")
	if got := decodeJSON[map[string]string](t, rec); rec.Code != 200 || got["redis"] != "down" || got["status"] != "ok" {
		t.Errorf("healthz down: %d %v", rec.Code, got)
	}
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := do(t, h, "GET", "/metrics", "", "")
	if rec.Code != 200 {
		t.Fatalf("metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestMetricsAfterAsk(t *testing.T) {
	// Wired as cmd does: the engine reports to the same Metrics the server serves.
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	conv := &fakeConv{obs: m}
	s, _ := newTest(t, conv, WithRegistry(reg), WithMetrics(m))
	m.Fallback("timeout") // as the engine does through bot.Observer
	if rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励"}`); rec.Code != 200 {
		t.Fatalf("ask: %d", rec.Code)
	}
	if rec := do(t, s, "POST", "/api/feedback", jsonCT, `{"data":"`+goodData+`"}`); rec.Code != 200 {
		t.Fatalf("feedback: %d", rec.Code)
	}
	conv.err = errors.New("boom")
	if rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励"}`); rec.Code != 500 {
		t.Fatalf("failing ask: %d", rec.Code)
	}
	got := scrape(t, s)
	for _, want := range []string{
		`policybot_answers_total{answered="true",channel="web",mode="offline"} 1`, // once, not twice
		`policybot_answers_total{answered="error",channel="web",mode="none"} 1`,
		`policybot_answer_seconds_bucket`,
		`policybot_answer_seconds_count 2`,
		`policybot_llm_fallbacks_total{reason="timeout"} 1`,
		`policybot_feedback_taps_total{verdict="up"} 1`,
		`policybot_feedback_taps_total{verdict="down"} 0`,
		`policybot_feedback_total{verdict="up"} 0`, // votes come from the log (Vote), not taps
	} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %q:\n%s", want, got)
		}
	}
}

func TestMetricsDefaults(t *testing.T) {
	conv := &fakeConv{}
	s, _ := newTest(t, conv)
	conv.obs = s.Metrics() // the server's own Metrics, on its own registry
	if rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励"}`); rec.Code != 200 {
		t.Fatalf("ask: %d", rec.Code)
	}
	got := scrape(t, s)
	for _, want := range []string{
		`policybot_answers_total{answered="true",channel="web",mode="offline"} 1`,
		"# TYPE policybot_answer_seconds histogram",
		"go_goroutines", // the default registry has the Go and process collectors
	} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %q:\n%s", want, got)
		}
	}
	if rec := do(t, s, "POST", "/metrics", "", ""); rec.Code != 405 {
		t.Errorf("POST /metrics: %d", rec.Code)
	}
}

func TestAskRateLimited(t *testing.T) {
	conv := &fakeConv{err: fmt.Errorf("%w: retry after 3s", bot.ErrRateLimited)}
	s, _ := newTest(t, conv)
	rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励"}`)
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if e := decodeJSON[ErrorResponse](t, rec); !strings.Contains(e.Error, "太频繁") || strings.Contains(e.Error, "retry") {
		t.Errorf("error %q", e.Error)
	}
}

func TestRetryAfter(t *testing.T) {
	for in, want := range map[string]string{
		"rate limited: retry after 1.2s": "2",
		"rate limited: retry after 45s":  "45",
		"rate limited":                   "10",
		"rate limited: retry after soon": "10",
	} {
		if got := retryAfter(errors.New(in)); got != want {
			t.Errorf("retryAfter(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewMetricsTwiceSharesSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := NewMetrics(reg), NewMetrics(reg)
	a.Answered("telegram", true, ModeLLM, time.Millisecond)
	b.Answered("telegram", true, ModeLLM, time.Millisecond)
	var nilM *Metrics
	nilM.Answered("web", true, ModeOffline, 0) // no panic
	nilM.Fallback("x")
	nilM.Feedback("up")
	nilM.Failed("web", 0)
	s, _ := newTest(t, &fakeConv{}, WithRegistry(reg), WithMetrics(a))
	if m := scrape(t, s); !strings.Contains(m, `policybot_answers_total{answered="true",channel="telegram",mode="llm"} 2`) {
		t.Errorf("shared metrics:\n%s", m)
	}
}

func TestIndexAndStatic(t *testing.T) {
	s, _ := newTest(t, &fakeConv{})
	rec := do(t, s, "GET", "/", "", "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("index: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{"征求意见稿", `src="/static/app.js"`, `href="/static/style.css"`} {
		if !strings.Contains(body, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<style") || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("index has inline script/style or external assets")
	}
	js := do(t, s, "GET", "/static/app.js", "", "")
	if js.Code != 200 || !strings.Contains(js.Header().Get("Content-Type"), "javascript") {
		t.Errorf("app.js: %d %q", js.Code, js.Header().Get("Content-Type"))
	}
	if strings.Contains(js.Body.String(), "innerHTML") {
		t.Errorf("app.js uses innerHTML")
	}
	if rec := do(t, s, "GET", "/static/", "", ""); rec.Code != 404 {
		t.Errorf("/static/ listing: %d", rec.Code)
	}
	if rec := do(t, s, "GET", "/static/style.css", "", ""); rec.Code != 200 {
		t.Errorf("style.css: %d", rec.Code)
	}
	if rec := do(t, s, "POST", "/", "", ""); rec.Code != 405 {
		t.Errorf("POST /: %d", rec.Code)
	}
	if rec := do(t, s, "GET", "/nope", "", ""); rec.Code != 404 {
		t.Errorf("/nope: %d", rec.Code)
	}
}
