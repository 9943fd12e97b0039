package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

const testSecret = "test-bot-secret"

var (
	indexOnce sync.Once
	testIndex *knowledge.Index
	indexErr  error
)

// realStack is the server as cmd wires it: the real engine, the Redis
// stores on rdb, the console, all logging into one buffer.
func realStack(t *testing.T, rdb redis.UniversalClient, sessionRate redisstore.RateOptions, addrRate redisstore.RateOptions) (*Server, *bytes.Buffer) {
	t.Helper()
	indexOnce.Do(func() { testIndex, indexErr = knowledge.New(policies.MustDefault()) })
	if indexErr != nil {
		t.Fatal(indexErr)
	}
	logs := &bytes.Buffer{} // the requests run one at a time
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	exchanges := redisstore.NewExchangeLog(rdb, redisstore.Options{OnFeedback: m.Vote})
	eng := bot.NewEngine(policies.MustDefault(), testIndex,
		bot.WithObserver(m),
		bot.WithLogger(log),
		bot.WithExchangeLog(exchanges),
		bot.WithChatMemory(redisstore.NewChatMemory(rdb)),
		bot.WithRateLimiter(redisstore.NewRateLimiter(rdb, sessionRate)),
		bot.WithSecret(testSecret))
	s := New(eng,
		WithLogger(log),
		WithRegistry(reg),
		WithMetrics(m),
		WithSecret(testSecret),
		WithAddressLimiter(redisstore.NewRateLimiter(rdb, addrRate)),
		WithStaffToken(staffToken),
		WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: LoginInterval, Burst: LoginBurst})),
		WithStaffHandler(console.New(exchanges, console.WithLogger(log))))
	return s, logs
}

// dumpRedis returns every key of the database and its value, as text.
func dumpRedis(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	n := 0
	for iter.Next(ctx) {
		k := iter.Val()
		n++
		fmt.Fprintf(&out, "KEY %s\n", k)
		var v any
		var err error
		switch typ := rdb.Type(ctx, k).Val(); typ {
		case "string":
			v, err = rdb.Get(ctx, k).Result()
		case "hash":
			v, err = rdb.HGetAll(ctx, k).Result()
		case "zset":
			v, err = rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		case "set":
			v, err = rdb.SMembers(ctx, k).Result()
		case "list":
			v, err = rdb.LRange(ctx, k, 0, -1).Result()
		case "none":
			continue // expired since SCAN saw it
		default:
			t.Fatalf("key %s: type %s not dumped", k, typ)
		}
		if err != nil && err != redis.Nil {
			t.Fatalf("read %s: %v", k, err)
		}
		fmt.Fprintf(&out, "VAL %v\n", v)
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("Redis holds no keys: the test stored nothing")
	}
	return out.String()
}

// TestNoRawPersonalData (issue 8, finding 1): questions full of personal
// data go through the web API, the real engine and the real Redis; then no
// Redis key or value and no log line holds any of the raw values, nor a
// raw session id (which is enough to call /api/forget).
func TestNoRawPersonalData(t *testing.T) {
	rdb := redistest.Real(t)
	s, logs := realStack(t, rdb, redisstore.RateOptions{}, redisstore.RateOptions{Rate: 1000})
	pii := []string{
		"13812345678",          // mobile
		"510104199001011234",   // ID card
		"91510100MA6C8Y2Q3B",   // 统一社会信用代码
		"zhangsan@example.com", // e-mail
		"6222021234567890123",  // bank card
	}
	questions := []string{
		"我手机13812345678，研发投入比去年多了650万，能拿多少",
		"身份证510104199001011234，小巨人奖励多少",
		"那这个呢？我的电话是13812345678",
		"公司统一社会信用代码91510100MA6C8Y2Q3B，能申请专精特新奖励吗",
		"请发到邮箱zhangsan@example.com，数字化改造投入260万补多少",
		"银行卡6222021234567890123，新易贷贴息怎么算",
		"贷款利息用银行卡 6222 0212 3456 7890 123 付的，壮大贷贴息多少",
	}
	cookie, session := chatCookie(t, s)
	var sessions = []string{session}
	// check scans every key and value and every log line so far: a value
	// kept only for a while (the chat context) is caught too.
	check := func(stage string) {
		t.Helper()
		dump, logged := dumpRedis(t, rdb), logs.String()
		for _, v := range append(pii, sessions...) {
			if strings.Contains(dump, v) {
				t.Errorf("after %s: Redis holds %s:\n%s", stage, v, excerpt(dump, v))
			}
			if strings.Contains(logged, v) {
				t.Errorf("after %s: logs hold %s:\n%s", stage, v, excerpt(logged, v))
			}
		}
	}
	var exchangeIDs []string
	for _, q := range questions {
		rec := do(t, s, "POST", "/api/ask", jsonCT, fmt.Sprintf(`{"q":%q}`, q), "Cookie", cookie)
		if rec.Code != 200 {
			t.Fatalf("ask %q: %d %s", q, rec.Code, rec.Body)
		}
		r := decodeJSON[AskResponse](t, rec)
		exchangeIDs = append(exchangeIDs, r.ExchangeID)
		if len(r.Buttons) > 1 {
			rec := do(t, s, "POST", "/api/feedback", jsonCT,
				fmt.Sprintf(`{"data":%q,"reason":"联系我13812345678或zhangsan@example.com"}`, r.Buttons[1].Data), "Cookie", cookie)
			if rec.Code != 200 {
				t.Fatalf("feedback: %d %s", rec.Code, rec.Body)
			}
		}
		check(q)
	}
	// A second session, and a cookieless request that gets one issued.
	cookie2, session2 := chatCookie(t, s)
	sessions = append(sessions, session2)
	do(t, s, "POST", "/api/ask", jsonCT, `{"q":"身份证 510104 19900101 1234 能办吗"}`, "Cookie", cookie2)
	rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"13812345678 小巨人"}`)
	if c := sessionCookie(t, rec); c != nil {
		id, _, _ := strings.Cut(c.Value, ".")
		sessions = append(sessions, id)
	}
	// Staff read the log and export it; then a session is forgotten.
	staff := staffCookie(t, login(t, s, addrA, staffToken))
	for _, p := range []string{"/staff/", "/staff/exchanges", "/staff/export.jsonl", "/staff/exchanges/" + exchangeIDs[0]} {
		if rec := staffDo(t, s, "GET", p, addrA, "", "Cookie", staff); rec.Code != 200 {
			t.Fatalf("%s: %d", p, rec.Code)
		}
	}
	do(t, s, "POST", "/api/forget", jsonCT, `{}`, "Cookie", cookie2)

	check("the end")
	if dump := dumpRedis(t, rdb); !strings.Contains(dump, "138****5678") {
		t.Errorf("the masked question is not stored; did the test store anything?\n%s", dump)
	}
}

// excerpt is the line of s around the first v.
func excerpt(s, v string) string {
	i := strings.Index(s, v)
	a := strings.LastIndexByte(s[:i], '\n') + 1
	b := strings.IndexByte(s[i:], '\n')
	if b < 0 {
		b = len(s) - i
	}
	return s[a : i+b]
}

// TestNewSessionEveryRequestIsLimited (issue 8, finding 2): a client that
// sends a fresh session id with every request (in the body, in a cookie
// of its own, or by dropping the cookie) is held to the per-address limit;
// the real engine's per-session limit still holds a well-behaved session.
func TestNewSessionEveryRequestIsLimited(t *testing.T) {
	rdb := redistest.Real(t)
	s, _ := realStack(t, rdb, redisstore.RateOptions{Rate: 3, Burst: 3}, redisstore.RateOptions{Rate: 10, Burst: 10})
	codes := map[int]int{}
	for i := range 30 {
		hdr := []string{}
		switch i % 3 {
		case 1:
			hdr = []string{"Cookie", fmt.Sprintf("%s=attacker-%06d", SessionCookie, i)}
		case 2:
			hdr = []string{"Cookie", fmt.Sprintf("%s=attacker-%06d.AAAAAAAAAAAAAAAAAAAAAA", SessionCookie, i)}
		}
		req := httptest.NewRequest("POST", "/api/ask", strings.NewReader(fmt.Sprintf(`{"q":"小巨人奖励多少","session":"attacker-%06d"}`, i)))
		req.Header.Set("Content-Type", jsonCT)
		req.RemoteAddr = "203.0.113.9:5555"
		for j := 0; j+1 < len(hdr); j += 2 {
			req.Header.Set(hdr[j], hdr[j+1])
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		codes[rec.Code]++
	}
	if codes[200] != 10 || codes[429] != 20 {
		t.Errorf("30 asks, each with a new session, from one address: %v, want 10 answered", codes)
	}

	// One session from another address: the engine's per-session limit.
	cookie, _ := chatCookie(t, s)
	codes = map[int]int{}
	for range 5 {
		codes[do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励多少"}`, "Cookie", cookie).Code]++
	}
	if codes[200] != 3 || codes[429] != 2 {
		t.Errorf("5 asks in one session: %v, want 3 answered", codes)
	}
}

// TestFeedbackOneVotePerExchange (issue 8, finding 5): through the real
// engine and Redis, replayed taps change nothing and are not counted in
// policybot_feedback_total; another session's tap is not counted and does
// not change the vote; the asker's change of mind replaces the vote.
func TestFeedbackOneVotePerExchange(t *testing.T) {
	rdb := redistest.Real(t)
	s, _ := realStack(t, rdb, redisstore.RateOptions{}, redisstore.RateOptions{Rate: 1000})
	cookie, _ := chatCookie(t, s)
	rec := do(t, s, "POST", "/api/ask", jsonCT, `{"q":"小巨人奖励多少"}`, "Cookie", cookie)
	r := decodeJSON[AskResponse](t, rec)
	if len(r.Buttons) < 2 {
		t.Fatalf("no feedback buttons: %+v", r)
	}
	up, down := r.Buttons[0].Data, r.Buttons[1].Data
	tap := func(cookie, data string) string {
		t.Helper()
		rec := do(t, s, "POST", "/api/feedback", jsonCT, fmt.Sprintf(`{"data":%q}`, data), "Cookie", cookie)
		if rec.Code != 200 {
			t.Fatalf("feedback: %d %s", rec.Code, rec.Body)
		}
		return decodeJSON[MessageResponse](t, rec).Message
	}
	votes := func() string {
		t.Helper()
		m := scrape(t, s)
		var got []string
		for _, l := range strings.Split(m, "\n") {
			if strings.HasPrefix(l, MetricFeedback+"{") {
				got = append(got, l)
			}
		}
		return strings.Join(got, "; ")
	}
	stored := func() string {
		t.Helper()
		return rdb.HGet(context.Background(), "policybot:{ex}:e:"+r.ExchangeID, "fb").Val()
	}

	for range 4 { // the first tap and three replays
		if msg := tap(cookie, down); msg == "" || strings.Contains(msg, "未能保存") {
			t.Errorf("tap: message %q", msg)
		}
	}
	const oneDown = `policybot_feedback_total{verdict="down"} 1; policybot_feedback_total{verdict="up"} 0`
	if got := votes(); got != oneDown {
		t.Errorf("after a tap and three replays: %s, want %s", got, oneDown)
	}
	other, _ := chatCookie(t, s)
	tap(other, up)
	if got := votes(); got != oneDown || stored() != "down" {
		t.Errorf("after another session's tap: %s, vote %q; want %s, down", got, stored(), oneDown)
	}
	tap(cookie, up) // the asker changes their mind
	if got, want := votes(), `policybot_feedback_total{verdict="down"} 1; policybot_feedback_total{verdict="up"} 1`; got != want || stored() != "up" {
		t.Errorf("after the change of vote: %s, vote %q; want %s, up", got, stored(), want)
	}
}
