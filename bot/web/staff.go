package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// StaffCookie holds the id of a staff session after a successful POST
// /staff/login; the session itself is kept server-side (WithStaffSessions),
// so logging out or its expiry ends it even for a copied cookie.
const StaffCookie = "policybot_staff"

// StaffSessionTTL is how long a staff login lasts.
const StaffSessionTTL = 12 * time.Hour

// The staff token limit per client address, for the login form and Bearer
// headers alike: LoginBurst wrong tokens, then one more per LoginInterval.
// A right token is never charged (its attempt is refunded), so it is
// refused only while its address has spent its wrong guesses, and never
// for longer than LoginInterval after the last of them. Build the limiter
// with these (redisstore.RateOptions{Rate: 1, Period: LoginInterval,
// Burst: LoginBurst}).
const (
	LoginBurst    = 5
	LoginInterval = time.Minute
)

// WithStaffSessions sets the server-side store of staff logins. Without it
// (or without WithLoginLimiter) the staff routes answer 503.
func WithStaffSessions(st StaffSessions) Option { return func(s *Server) { s.staffSessions = st } }

// WithLoginLimiter sets the limiter of staff token guesses per client
// address (see LoginBurst). Without it the staff routes answer 503.
func WithLoginLimiter(l LoginLimiter) Option { return func(s *Server) { s.loginLimiter = l } }

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
		switch {
		case s.staffToken == "":
			http.Error(w, "staff console disabled: STAFF_TOKEN is not set", http.StatusForbidden)
			return
		case s.staffSessions == nil || s.loginLimiter == nil:
			http.Error(w, "工作人员控制台暂不可用 (no staff session store or login limiter configured)", http.StatusServiceUnavailable)
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
// "Authorization: Bearer <token>" (checked under the login limit) or the
// cookie of a live staff session. Wrong or missing credentials: 401
// (browsers asking for HTML are redirected to the login form instead);
// too many wrong tokens from the address: 429; store down: 503.
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			ok    bool
			retry time.Duration
			err   error
		)
		h := r.Header.Get("Authorization")
		c, cerr := r.Cookie(StaffCookie)
		switch {
		case h != "":
			ok, retry, err = s.checkStaffToken(r, bearerToken(h))
		case cerr == nil:
			ok, err = s.staffSessionOK(r.Context(), c.Value)
		}
		switch {
		case err != nil:
			s.log.ErrorContext(r.Context(), "staff auth unavailable", "err", err)
			http.Error(w, "暂时无法验证身份，请稍后再试。", http.StatusServiceUnavailable)
			return
		case ok:
			next.ServeHTTP(w, r)
			return
		case retry > 0:
			w.Header().Set("Retry-After", seconds(retry))
			http.Error(w, "尝试次数过多，请稍后再试。", http.StatusTooManyRequests)
			return
		}
		if h != "" || cerr == nil {
			s.log.WarnContext(r.Context(), "staff auth failed", "path", r.URL.Path, "remote", s.clientAddr(r))
		}
		if h == "" && r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="policybot staff"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	})
}

// bearerToken is the token of an "Authorization: Bearer …" header; any
// other scheme gives "", which is checked (and charged) as a wrong token.
func bearerToken(h string) string {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// checkStaffToken checks a presented token under the login limit: the
// attempt is charged to the client address first, so a spent allowance
// refuses without looking at the token (retry says for how long), and it
// is refunded when the token is right, so only wrong tokens use it up.
func (s *Server) checkStaffToken(r *http.Request, token string) (ok bool, retry time.Duration, err error) {
	ctx := r.Context()
	key := "staff-login:" + s.addrRef(s.clientAddr(r))
	allowed, retry, err := s.loginLimiter.Allow(ctx, key)
	if err != nil {
		return false, 0, fmt.Errorf("staff login limit: %w", err)
	}
	if !allowed {
		return false, max(retry, time.Second), nil
	}
	if !s.staffTokenOK(token) {
		return false, 0, nil
	}
	if err := s.loginLimiter.Refund(ctx, key); err != nil {
		s.log.WarnContext(ctx, "staff login limit: refund failed", "err", err)
	}
	return true, 0, nil
}

// staffTokenOK compares in constant time; hashing first hides the length too.
func (s *Server) staffTokenOK(got string) bool {
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(s.staffToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// staffFingerprint is what a staff session holds: a MAC derived from the
// token, so that changing STAFF_TOKEN ends every session.
func (s *Server) staffFingerprint() string {
	m := hmac.New(sha256.New, []byte(s.staffToken))
	m.Write([]byte("policybot staff session v2"))
	return hex.EncodeToString(m.Sum(nil))
}

// staffSessionOK reports whether id names a live session made with the
// current token.
func (s *Server) staffSessionOK(ctx context.Context, id string) (bool, error) {
	if id == "" || len(id) > 128 {
		return false, nil
	}
	v, ok, err := s.staffSessions.Get(ctx, id)
	if err != nil {
		return false, fmt.Errorf("staff session: %w", err)
	}
	return ok && hmac.Equal([]byte(v), []byte(s.staffFingerprint())), nil
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
		ok, retry, err := s.checkStaffToken(r, r.PostForm.Get("token"))
		switch {
		case err != nil:
			s.log.ErrorContext(r.Context(), "staff login unavailable", "err", err)
			renderLogin(w, http.StatusServiceUnavailable, "暂时无法登录，请稍后再试。")
			return
		case retry > 0:
			s.log.WarnContext(r.Context(), "staff login rate limited", "remote", s.clientAddr(r))
			w.Header().Set("Retry-After", seconds(retry))
			renderLogin(w, http.StatusTooManyRequests, "错误次数过多，请 "+seconds(retry)+" 秒后再试。")
			return
		case !ok:
			s.log.WarnContext(r.Context(), "staff login failed", "remote", s.clientAddr(r))
			renderLogin(w, http.StatusUnauthorized, "令牌不正确。")
			return
		}
		id, err := s.staffSessions.Create(r.Context(), s.staffFingerprint(), StaffSessionTTL)
		if err != nil {
			s.log.ErrorContext(r.Context(), "staff login: session not stored", "err", err)
			renderLogin(w, http.StatusServiceUnavailable, "暂时无法登录，请稍后再试。")
			return
		}
		s.setStaffCookie(w, r, id, int(StaffSessionTTL/time.Second))
		s.log.InfoContext(r.Context(), "staff login", "remote", s.clientAddr(r))
		http.Redirect(w, r, "/staff/", http.StatusSeeOther)
	default:
		allowMethod(w, r, http.MethodGet, http.MethodHead, http.MethodPost)
	}
}

// handleStaffLogout ends the session on the server, so a copy of the
// cookie stops working too, then clears the cookie.
func (s *Server) handleStaffLogout(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r, http.MethodPost) {
		return
	}
	if c, err := r.Cookie(StaffCookie); err == nil && c.Value != "" {
		if err := s.staffSessions.Delete(r.Context(), c.Value); err != nil {
			s.log.ErrorContext(r.Context(), "staff logout: session not ended", "err", err)
			http.Error(w, "暂时无法退出登录，请稍后再试。", http.StatusServiceUnavailable)
			return
		}
	}
	s.setStaffCookie(w, r, "", -1)
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}

func (s *Server) setStaffCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: StaffCookie, Value: value, Path: "/staff/", MaxAge: maxAge,
		HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteStrictMode})
}

func renderLogin(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	staffLoginPage.Execute(w, struct{ Error string }{msg})
}
