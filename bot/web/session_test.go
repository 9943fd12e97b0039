package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/redisstore"
)

// chatCookie gets a chat session from the server as the page does (GET /)
// and returns the Cookie header value and the session id.
func chatCookie(t *testing.T, h http.Handler) (cookie, id string) {
	t.Helper()
	c := sessionCookie(t, do(t, h, "GET", "/", "", ""))
	if c == nil {
		t.Fatal("GET / set no session cookie")
	}
	id, _, _ = strings.Cut(c.Value, ".")
	return SessionCookie + "=" + c.Value, id
}

// sessionCookie is the session cookie a response sets, or nil.
func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	return nil
}

// miniRDB is a client on a fresh miniredis.
func miniRDB(t *testing.T) (*miniredis.Miniredis, *redis.Client) {
	t.Helper()
	m := miniredis.RunT(t)
	// No retries: the tests that close the server want the error at once.
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	return m, rdb
}

// TestSessionIssuedByServer: the session is a signed HttpOnly SameSite
// cookie the server issues; an id in the body or a cookie the server did
// not sign is never used.
func TestSessionIssuedByServer(t *testing.T) {
	conv := &fakeConv{}
	s, _ := newTest(t, conv, WithSecret("secret-one"))
	ask := func(body string, hdr ...string) (*httptest.ResponseRecorder, string) {
		t.Helper()
		rec := do(t, s, "POST", "/api/ask", jsonCT, body, hdr...)
		if rec.Code != 200 {
			t.Fatalf("ask: %d %s", rec.Code, rec.Body)
		}
		return rec, conv.messages[len(conv.messages)-1].UserID
	}

	rec, user := ask(`{"q":"小巨人奖励多少","session":"attacker-chosen-1"}`)
	c := sessionCookie(t, rec)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Fatalf("session cookie %+v", c)
	}
	if user == "attacker-chosen-1" || !strings.HasPrefix(c.Value, user+".") {
		t.Errorf("engine user %q, cookie %q: want the issued session", user, c.Value)
	}

	// The issued cookie is kept, and no new one is set.
	rec, again := ask(`{"q":"再问一次"}`, "Cookie", c.String())
	if again != user || sessionCookie(t, rec) != nil {
		t.Errorf("second ask: user %q (want %q), cookie %v", again, user, sessionCookie(t, rec))
	}

	// Cookies the server did not sign are replaced by a new session.
	other, _ := newTest(t, &fakeConv{}, WithSecret("secret-two"))
	foreign, _ := chatCookie(t, other)
	for _, forged := range []string{
		SessionCookie + "=attacker-chosen-1",
		SessionCookie + "=attacker-chosen-1.AAAAAAAAAAAAAAAAAAAAAA",
		SessionCookie + "=" + strings.Replace(c.Value, user, "attacker-chosen-1", 1),
		foreign, // signed with another secret
	} {
		rec, got := ask(`{"q":"小巨人奖励多少"}`, "Cookie", forged)
		if got == user || strings.Contains(forged, "="+got+".") || got == "attacker-chosen-1" || sessionCookie(t, rec) == nil {
			t.Errorf("cookie %q: engine user %q, new cookie %v", forged, got, sessionCookie(t, rec))
		}
	}

	// The page gets its session on load, once.
	page := do(t, s, "GET", "/", "", "")
	pc := sessionCookie(t, page)
	if pc == nil || !pc.HttpOnly {
		t.Fatalf("GET / cookie %+v", pc)
	}
	if rec := do(t, s, "GET", "/", "", "", "Cookie", pc.String()); sessionCookie(t, rec) != nil {
		t.Error("GET / with a valid session issued another")
	}
}

// TestAddressLimit: requests are limited per client address too, so a
// client that drops its session (getting a new one each time) does not get
// a new allowance.
func TestAddressLimit(t *testing.T) {
	_, rdb := miniRDB(t)
	limiter := redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 3, Burst: 3})
	askFrom := func(s http.Handler, remote string, hdr ...string) int {
		t.Helper()
		req := httptest.NewRequest("POST", "/api/ask", strings.NewReader(`{"q":"小巨人奖励多少"}`))
		req.Header.Set("Content-Type", jsonCT)
		req.RemoteAddr = remote
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Add(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code == 429 && rec.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		return rec.Code
	}

	t.Run("socket address", func(t *testing.T) {
		rdb.FlushAll(t.Context())
		conv := &fakeConv{}
		s, logs := newTest(t, conv, WithAddressLimiter(limiter))
		codes := map[int]int{}
		for range 6 {
			codes[askFrom(s, "198.51.100.7:4000")]++ // no cookie: a new session every time
		}
		if codes[200] != 3 || codes[429] != 3 {
			t.Errorf("6 cookieless asks from one address: %v, want 3 answered", codes)
		}
		if got := askFrom(s, "198.51.100.8:4000"); got != 200 {
			t.Errorf("another address: %d", got)
		}
		// IPv6 counts by /64.
		for range 3 {
			askFrom(s, "[2001:db8:1:2::1]:5000")
		}
		if got := askFrom(s, "[2001:db8:1:2:ffff::9]:5000"); got != 429 {
			t.Errorf("same /64: %d, want 429", got)
		}
		if strings.Contains(logs.String(), "198.51.100.7") {
			t.Errorf("raw client address logged: %s", logs)
		}
	})

	t.Run("trusted proxy header", func(t *testing.T) {
		rdb.FlushAll(t.Context())
		s, _ := newTest(t, &fakeConv{}, WithAddressLimiter(limiter), WithTrustedProxyHeader("x-forwarded-for"))
		const proxy = "10.0.0.2:8080" // every request comes through the proxy
		for range 3 {
			if got := askFrom(s, proxy, "X-Forwarded-For", "203.0.113.5"); got != 200 {
				t.Fatalf("first asks: %d", got)
			}
		}
		// The client cannot pick its address: entries before the proxy's own are ignored.
		if got := askFrom(s, proxy, "X-Forwarded-For", "192.0.2.1, 203.0.113.5"); got != 429 {
			t.Errorf("spoofed leading entry: %d, want 429", got)
		}
		// Another client behind the same proxy is not limited with the first.
		if got := askFrom(s, proxy, "X-Forwarded-For", "203.0.113.6"); got != 200 {
			t.Errorf("another client behind the proxy: %d", got)
		}
		// No header: the socket address.
		if got := askFrom(s, proxy); got != 200 {
			t.Errorf("no header: %d", got)
		}
	})
}
