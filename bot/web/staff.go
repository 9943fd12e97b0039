package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// StaffCookie holds the staff token after a successful POST /staff/login.
const StaffCookie = "staff_token"

const staffCookieMaxAge = 12 * time.Hour

var staffLoginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>工作人员登录 · 政策助手</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body class="staff-login"><main class="login-card">
<h1>工作人员控制台</h1>
{{if .Error}}<p class="login-error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/staff/login">
<label for="token">访问令牌 (STAFF_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">登录</button>
</form></main></body></html>
`))

// staffRoutes is everything under /staff/: login/logout, then the console
// behind the auth middleware.
func (s *Server) staffRoutes() http.Handler {
	console := s.staff
	if console == nil {
		console = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("工作人员控制台尚未启用 (staff console not mounted)\n"))
		})
	}
	authed := s.requireStaff(console)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.staffToken == "" {
			http.Error(w, "staff console disabled: STAFF_TOKEN is not set", http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case "/staff/login":
			s.handleStaffLogin(w, r)
		case "/staff/logout":
			s.handleStaffLogout(w, r)
		default:
			authed.ServeHTTP(w, r)
		}
	})
}

// requireStaff lets a request through when it carries the staff token as
// "Authorization: Bearer <token>" or in the staff_token cookie. No token
// configured: 403 for everything. Missing or wrong token: 401 (browsers
// asking for HTML are redirected to the login form instead).
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.staffToken == "" {
			http.Error(w, "staff console disabled: STAFF_TOKEN is not set", http.StatusForbidden)
			return
		}
		token, fromHeader := staffCredential(r)
		if token != "" && ((fromHeader && s.staffTokenOK(token)) || (!fromHeader && s.staffCookieOK(token))) {
			next.ServeHTTP(w, r)
			return
		}
		if token != "" {
			s.log.WarnContext(r.Context(), "staff auth failed", "path", r.URL.Path, "remote", r.RemoteAddr)
		}
		if !fromHeader && r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="policybot staff"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	})
}

// staffCredential returns the token the request presents and whether it came
// from the Authorization header.
func staffCredential(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), true
		}
		return "", true
	}
	if c, err := r.Cookie(StaffCookie); err == nil {
		return c.Value, false
	}
	return "", false
}

// staffTokenOK compares in constant time; hashing first hides the length too.
func (s *Server) staffTokenOK(got string) bool {
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(s.staffToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// staffCookieValue is what the login cookie holds: a MAC derived from the
// token, so the token itself never sits in a browser, and changing
// STAFF_TOKEN logs every session out.
func (s *Server) staffCookieValue() string {
	m := hmac.New(sha256.New, []byte(s.staffToken))
	m.Write([]byte("policybot staff session v1"))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Server) staffCookieOK(got string) bool {
	return hmac.Equal([]byte(got), []byte(s.staffCookieValue()))
}

// Login attempts per remote address: a burst, then one per interval.
const (
	loginBurst    = 5
	loginInterval = 12 * time.Second
)

// loginAllowed limits password guessing per remote address (no sleeping:
// a wrong guess is answered at once, the next ones are refused).
func (s *Server) loginAllowed(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	if s.logins == nil {
		s.logins = map[string]*rate.Limiter{}
	}
	if len(s.logins) > 10000 { // bounded memory under a spray of addresses
		clear(s.logins)
	}
	l, ok := s.logins[host]
	if !ok {
		l = rate.NewLimiter(rate.Every(loginInterval), loginBurst)
		s.logins[host] = l
	}
	return l.AllowN(s.now(), 1)
}

func (s *Server) handleStaffLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		renderLogin(w, http.StatusOK, "")
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		if err := r.ParseForm(); err != nil {
			renderLogin(w, http.StatusBadRequest, "请求无效。")
			return
		}
		if !s.loginAllowed(r) {
			s.log.WarnContext(r.Context(), "staff login rate limited", "remote", r.RemoteAddr)
			renderLogin(w, http.StatusTooManyRequests, "尝试次数过多，请稍后再试。")
			return
		}
		token := r.PostForm.Get("token")
		if token == "" || !s.staffTokenOK(token) {
			s.log.WarnContext(r.Context(), "staff login failed", "remote", r.RemoteAddr)
			renderLogin(w, http.StatusUnauthorized, "令牌不正确。")
			return
		}
		http.SetCookie(w, &http.Cookie{
			Name:     StaffCookie,
			Value:    s.staffCookieValue(),
			Path:     "/staff/",
			MaxAge:   int(staffCookieMaxAge / time.Second),
			HttpOnly: true,
			Secure:   isHTTPS(r),
			SameSite: http.SameSiteStrictMode,
		})
		s.log.InfoContext(r.Context(), "staff login", "remote", r.RemoteAddr)
		http.Redirect(w, r, "/staff/", http.StatusSeeOther)
	default:
		allowMethod(w, r, http.MethodGet, http.MethodHead, http.MethodPost)
	}
}

func (s *Server) handleStaffLogout(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r, http.MethodPost) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: StaffCookie, Value: "", Path: "/staff/", MaxAge: -1, HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}

func renderLogin(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	staffLoginPage.Execute(w, struct{ Error string }{msg})
}

// newSessionID returns 128 random bits, base64url (22 characters).
func newSessionID() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
