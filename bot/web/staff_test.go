package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/cdsme/policybot/bot/redisstore"
)

const staffToken = "s3cret-token"

var fakeConsole = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "console:"+r.URL.Path)
})

// newStaffTest is a server with the staff console on a miniredis whose
// clock is fixed (the limiter reads Redis TIME): move it with SetTime, and
// expire sessions with FastForward.
func newStaffTest(t *testing.T, opts ...Option) (*Server, *miniredis.Miniredis) {
	t.Helper()
	m, rdb := miniRDB(t)
	m.SetTime(fixedNow)
	s, _ := newTest(t, &fakeConv{}, append([]Option{
		WithStaffToken(staffToken), WithStaffHandler(fakeConsole),
		WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: LoginInterval, Burst: LoginBurst})),
	}, opts...)...)
	return s, m
}

// staffDo sends a request from a client address.
func staffDo(t *testing.T, h http.Handler, method, path, remote, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = remote
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func login(t *testing.T, h http.Handler, remote, token string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	return staffDo(t, h, "POST", "/staff/login", remote, "token="+url.QueryEscape(token), hdr...)
}

// staffCookie is the staff cookie a successful login set, as a Cookie header.
func staffCookie(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == StaffCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/staff/" || strings.Contains(c.Value, staffToken) {
				t.Errorf("staff cookie %+v", c)
			}
			return StaffCookie + "=" + c.Value
		}
	}
	t.Fatal("login set no staff cookie")
	return ""
}

const addrA, addrB = "198.51.100.1:1000", "198.51.100.2:1000"

func TestStaffAuth(t *testing.T) {
	t.Run("no token configured", func(t *testing.T) {
		s, _ := newTest(t, &fakeConv{}, WithStaffHandler(fakeConsole))
		for _, path := range []string{"/staff/", "/staff/logs", "/staff/login"} {
			if rec := do(t, s, "GET", path, "", "", "Authorization", "Bearer "); rec.Code != 403 {
				t.Errorf("%s: %d, want 403", path, rec.Code)
			}
		}
		if rec := do(t, s, "POST", "/staff/login", "application/x-www-form-urlencoded", "token="); rec.Code != 403 {
			t.Errorf("login: %d, want 403", rec.Code)
		}
	})
	t.Run("no session store", func(t *testing.T) {
		s, _ := newTest(t, &fakeConv{}, WithStaffToken(staffToken), WithStaffHandler(fakeConsole))
		if rec := do(t, s, "GET", "/staff/", "", "", "Authorization", "Bearer "+staffToken); rec.Code != 503 {
			t.Errorf("%d, want 503", rec.Code)
		}
	})

	s, _ := newStaffTest(t)
	t.Run("wrong token", func(t *testing.T) {
		for i, hdr := range [][]string{
			{"Authorization", "Bearer wrong"},
			{"Authorization", "Basic czNjcmV0LXRva2Vu"},
			{"Cookie", StaffCookie + "=wrong"},
			{},
		} {
			remote := fmt.Sprintf("192.0.2.%d:1", i+1)
			if rec := staffDo(t, s, "GET", "/staff/logs", remote, "", hdr...); rec.Code != 401 {
				t.Errorf("%v: %d, want 401", hdr, rec.Code)
			}
		}
		// A browser without a session is sent to the login form.
		rec := do(t, s, "GET", "/staff/", "", "", "Accept", "text/html")
		if rec.Code != 303 || rec.Header().Get("Location") != "/staff/login" {
			t.Errorf("browser: %d %q", rec.Code, rec.Header().Get("Location"))
		}
	})
	t.Run("right token", func(t *testing.T) {
		rec := staffDo(t, s, "GET", "/staff/logs", addrA, "", "Authorization", "Bearer "+staffToken)
		if rec.Code != 200 || rec.Body.String() != "console:/staff/logs" {
			t.Errorf("bearer: %d %q", rec.Code, rec.Body)
		}
		// The cookie holds a session id, never the token.
		if rec := staffDo(t, s, "GET", "/staff/", addrA, "", "Cookie", StaffCookie+"="+staffToken); rec.Code != 401 {
			t.Errorf("raw token as cookie: %d, want 401", rec.Code)
		}
	})
	t.Run("login form", func(t *testing.T) {
		rec := do(t, s, "GET", "/staff/login", "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `action="/staff/login"`) {
			t.Errorf("login page: %d", rec.Code)
		}
		rec = login(t, s, addrB, "nope")
		if rec.Code != 401 || len(rec.Result().Cookies()) != 0 {
			t.Errorf("bad login: %d %v", rec.Code, rec.Result().Cookies())
		}
		rec = login(t, s, addrB, staffToken)
		if rec.Header().Get("Location") != "/staff/" {
			t.Errorf("login redirect %q", rec.Header().Get("Location"))
		}
		cookie := staffCookie(t, rec)
		if again := staffCookie(t, login(t, s, addrB, staffToken)); again == cookie {
			t.Error("two logins got the same session id")
		}
		rec = staffDo(t, s, "GET", "/staff/", addrB, "", "Cookie", cookie)
		if rec.Code != 200 || rec.Body.String() != "console:/staff/" {
			t.Errorf("after login: %d %q", rec.Code, rec.Body)
		}
	})
	t.Run("no console mounted", func(t *testing.T) {
		m, rdb := miniRDB(t)
		m.SetTime(fixedNow)
		s, _ := newTest(t, &fakeConv{}, WithStaffToken(staffToken), WithStaffSessions(redisstore.NewStaffSessions(rdb)),
			WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: LoginInterval, Burst: LoginBurst})))
		if rec := do(t, s, "GET", "/staff/", "", "", "Authorization", "Bearer "+staffToken); rec.Code != 200 {
			t.Errorf("placeholder: %d", rec.Code)
		}
	})
}

// TestStaffLoginLimit: wrong tokens are limited per client address in
// Redis; the right token is never charged and is locked out at most
// LoginInterval after the last wrong guess; other addresses (and, behind
// a proxy, other clients) are not affected; a spray of addresses does not
// reset anything.
func TestStaffLoginLimit(t *testing.T) {
	t.Run("form", func(t *testing.T) {
		s, m := newStaffTest(t)
		codes := map[int]int{}
		for range 20 {
			codes[login(t, s, addrA, "guess").Code]++
		}
		if codes[401] != LoginBurst || codes[429] != 20-LoginBurst {
			t.Errorf("20 guesses at one instant: %v", codes)
		}
		rec := login(t, s, addrA, staffToken)
		if rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("right token while the address is locked: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		staffCookie(t, login(t, s, addrB, staffToken)) // another address is not locked

		// A spray of addresses does not reset the locked one.
		for i := range 10001 {
			login(t, s, fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255), "guess")
		}
		if rec := login(t, s, addrA, staffToken); rec.Code != 429 {
			t.Errorf("after 10001 other addresses: %d, want 429", rec.Code)
		}

		// The bound: LoginInterval after the last wrong guess, the right token passes.
		m.SetTime(fixedNow.Add(LoginInterval))
		staffCookie(t, login(t, s, addrA, staffToken))
		// ... and was not charged: the next wrong guess is still answered.
		if rec := login(t, s, addrA, "guess"); rec.Code != 401 {
			t.Errorf("wrong guess after the right token: %d, want 401", rec.Code)
		}
	})
	t.Run("right token is never charged", func(t *testing.T) {
		s, _ := newStaffTest(t)
		for i := range 3 * LoginBurst {
			if rec := login(t, s, addrA, staffToken); rec.Code != 303 {
				t.Fatalf("login %d: %d", i+1, rec.Code)
			}
			if rec := staffDo(t, s, "GET", "/staff/", addrA, "", "Authorization", "Bearer "+staffToken); rec.Code != 200 {
				t.Fatalf("bearer %d: %d", i+1, rec.Code)
			}
		}
		for i := range LoginBurst {
			if rec := login(t, s, addrA, "guess"); rec.Code != 401 {
				t.Errorf("wrong guess %d: %d, want 401", i+1, rec.Code)
			}
		}
	})
	t.Run("bearer guesses count", func(t *testing.T) {
		s, m := newStaffTest(t)
		codes := map[int]int{}
		for range LoginBurst + 3 {
			codes[staffDo(t, s, "GET", "/staff/", addrA, "", "Authorization", "Bearer guess").Code]++
		}
		if codes[401] != LoginBurst || codes[429] != 3 {
			t.Errorf("bearer guesses: %v", codes)
		}
		if rec := staffDo(t, s, "GET", "/staff/", addrA, "", "Authorization", "Bearer "+staffToken); rec.Code != 429 {
			t.Errorf("right bearer while locked: %d, want 429", rec.Code)
		}
		m.SetTime(fixedNow.Add(LoginInterval))
		if rec := staffDo(t, s, "GET", "/staff/", addrA, "", "Authorization", "Bearer "+staffToken); rec.Code != 200 {
			t.Errorf("right bearer after the interval: %d", rec.Code)
		}
	})
	t.Run("behind a proxy", func(t *testing.T) {
		s, _ := newStaffTest(t, WithTrustedProxyHeader("X-Real-IP"))
		const proxy = "10.0.0.2:8080"
		for range 2 * LoginBurst {
			login(t, s, proxy, "guess", "X-Real-IP", "203.0.113.66")
		}
		if rec := login(t, s, proxy, staffToken, "X-Real-IP", "203.0.113.66"); rec.Code != 429 {
			t.Errorf("attacker's address: %d, want 429", rec.Code)
		}
		staffCookie(t, login(t, s, proxy, staffToken, "X-Real-IP", "203.0.113.10"))
	})
	t.Run("limiter down", func(t *testing.T) {
		s, m := newStaffTest(t)
		m.Close()
		if rec := login(t, s, addrA, staffToken); rec.Code != 503 {
			t.Errorf("login with Redis down: %d, want 503", rec.Code)
		}
		if rec := staffDo(t, s, "GET", "/staff/", addrA, "", "Authorization", "Bearer "+staffToken); rec.Code != 503 {
			t.Errorf("bearer with Redis down: %d, want 503", rec.Code)
		}
	})
}

// TestStaffSessionServerSide: a staff session lives in Redis; a copy of its
// cookie stops working at logout, at expiry, and when STAFF_TOKEN changes.
func TestStaffSessionServerSide(t *testing.T) {
	s, m := newStaffTest(t)
	get := func(s http.Handler, cookie string) int {
		t.Helper()
		return staffDo(t, s, "GET", "/staff/", addrA, "", "Cookie", cookie).Code
	}

	t.Run("logout", func(t *testing.T) {
		cookie := staffCookie(t, login(t, s, addrA, staffToken))
		copied := cookie
		if got := get(s, copied); got != 200 {
			t.Fatalf("before logout: %d", got)
		}
		rec := staffDo(t, s, "POST", "/staff/logout", addrA, "", "Cookie", cookie)
		if rec.Code != 303 || len(rec.Result().Cookies()) != 1 || rec.Result().Cookies()[0].MaxAge >= 0 {
			t.Errorf("logout: %d %v", rec.Code, rec.Result().Cookies())
		}
		if got := get(s, copied); got != 401 {
			t.Errorf("copied cookie after logout: %d, want 401", got)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		cookie := staffCookie(t, login(t, s, addrA, staffToken))
		m.FastForward(StaffSessionTTL - time.Minute)
		if got := get(s, cookie); got != 200 {
			t.Fatalf("a minute before expiry: %d", got)
		}
		m.FastForward(time.Minute)
		if got := get(s, cookie); got != 401 {
			t.Errorf("after %v: %d, want 401", StaffSessionTTL, got)
		}
	})
	t.Run("token changed", func(t *testing.T) {
		cookie := staffCookie(t, login(t, s, addrA, staffToken))
		// Same store, new STAFF_TOKEN.
		s2, _ := newTest(t, &fakeConv{}, WithStaffToken("new-token"), WithStaffHandler(fakeConsole),
			WithStaffSessions(s.staffSessions), WithLoginLimiter(s.loginLimiter))
		if got := get(s2, cookie); got != 401 {
			t.Errorf("old session under a new token: %d, want 401", got)
		}
	})
	t.Run("store down", func(t *testing.T) {
		cookie := staffCookie(t, login(t, s, addrA, staffToken))
		m.Close()
		if got := get(s, cookie); got != 503 {
			t.Errorf("session check with Redis down: %d, want 503", got)
		}
		if rec := staffDo(t, s, "POST", "/staff/logout", addrA, "", "Cookie", cookie); rec.Code != 503 {
			t.Errorf("logout with Redis down: %d, want 503 (the session could not be ended)", rec.Code)
		}
	})
}
