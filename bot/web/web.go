// Package web is policybot's one HTTP server: the local web chat (/ and
// /api/*), health and metrics, and a mount point for the staff console
// (/staff/, behind STAFF_TOKEN). It holds no policy logic: every question goes
// to a bot.Conversation.
//
// Routes:
//
//	GET  /               chat page (embedded HTML; JS and CSS under /static/)
//	GET  /static/...     embedded assets
//	POST /api/ask        {"q"} -> {"exchange_id","answer","answered","citations","calculations","buttons","choices"}
//	POST /api/feedback   {"data"[,"reason"]} -> {"message"}
//	POST /api/forget     {} -> {"message"} (and a new session)
//	GET  /healthz        200 "ok" (or JSON with the Redis state, see WithHealthCheck)
//	GET  /metrics        Prometheus text format
//	     /staff/...      WithStaffHandler, behind staff auth; GET/POST /staff/login, POST /staff/logout
//
// Every /api/ask message goes to the conversation, commands included: the
// one cmd/policybot wires answers the bill words (订阅 绑定码, 资料, 账单,
// 退订) for the session before its engine, and offers the profile's fields
// as choices.
//
// The chat session is the server's: a random id in a signed, HttpOnly,
// SameSite cookie (policybot_session), issued to any request without a
// valid one. The /api/* requests are limited per client address as well
// (WithAddressLimiter), so dropping the cookie does not lift the engine's
// per-session limit. Logs name sessions by their hash only.
//
// Wiring (cmd/policybot):
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
//	m := web.NewMetrics(reg)                       // a bot.Observer
//	eng := bot.NewEngine(corpus, ix, bot.WithObserver(m), ...)
//	h := web.New(eng,
//		web.WithLogger(log), web.WithRegistry(reg), web.WithMetrics(m),
//		web.WithSecret(getenv("BOT_SECRET")),
//		web.WithTrustedProxyHeader(getenv("TRUSTED_PROXY_HEADER")),
//		web.WithAddressLimiter(redisstore.NewRateLimiter(rdb, ...)),
//		web.WithStaffToken(getenv("STAFF_TOKEN")),
//		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
//		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, web.LoginRate)),
//		web.WithStaffHandler(console),            // when the console exists
//		web.WithHealthCheck(func(ctx context.Context) error { return rdb.Ping(ctx).Err() }))
//	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
//
// Graceful shutdown belongs to the caller (http.Server.Shutdown).
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/policies"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Channel is the bot.Message.Channel of web chat messages.
const Channel = "web"

// Limits.
const (
	MaxBody             = 16 << 10         // bytes of a JSON request body (larger: 413)
	MaxQuestion         = 2000             // runes of a question
	HealthTimeout       = 2 * time.Second  // per health check
	AskTimeout          = 60 * time.Second // per engine call (LLM answers can be slow)
	SessionCookie       = "policybot_session"
	sessionCookieMaxAge = 365 * 24 * 60 * 60 // seconds
	maxSessionLen       = 64
)

//go:embed static
var staticFS embed.FS

// Server is the web chat handler. Create it with New; it is an http.Handler.
type Server struct {
	conv       bot.Conversation
	log        *slog.Logger
	reg        *prometheus.Registry
	metrics    *Metrics
	staffToken string
	staff      http.Handler
	now        func() time.Time
	health     func(context.Context) error
	mux        *http.ServeMux

	secret        []byte // signs chat sessions, keys the hashes in logs
	proxyHeader   string // TRUSTED_PROXY_HEADER
	addrLimiter   bot.RateLimiter
	staffSessions StaffSessions
	loginLimiter  LoginLimiter
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithRegistry sets the registry /metrics serves. Without WithMetrics the
// server registers its own Metrics on it (NewMetrics tolerates a second
// registration, so cmd may call NewMetrics(reg) for other channels as well).
// Default: a private registry with the Go and process collectors.
func WithRegistry(r *prometheus.Registry) Option { return func(s *Server) { s.reg = r } }

// WithMetrics sets the Metrics the server counts into (default: NewMetrics on
// the registry). Pass the registry m is registered on with WithRegistry too,
// or /metrics will not show m. Share one value with the engine (bot.WithObserver) and the
// Telegram adapter.
//
// The engine reports answers, fallbacks and feedback itself (bot.Observer),
// so the server counts only what the engine cannot see: messages the engine
// failed to answer (answered="error").
func WithMetrics(m *Metrics) Option { return func(s *Server) { s.metrics = m } }

// WithStaffToken sets STAFF_TOKEN. Empty (the default) makes /staff/ refuse
// every request with 403.
func WithStaffToken(token string) Option { return func(s *Server) { s.staffToken = token } }

// WithStaffHandler mounts the staff console under /staff/, behind the staff
// auth middleware. The handler sees the full path (/staff/...), not stripped.
// /staff/login and /staff/logout are served by this package.
// Without it an authenticated /staff/ shows a placeholder page.
func WithStaffHandler(h http.Handler) Option { return func(s *Server) { s.staff = h } }

// WithSecret sets BOT_SECRET: it signs the chat session cookies and keys
// the hashes that stand for sessions and addresses in logs and limiter keys
// (a session's hash is the engine's user hash when the engine has the same
// secret). Default: a random key per process, so sessions end on restart.
func WithSecret(secret string) Option {
	return func(s *Server) {
		if secret != "" {
			s.secret = []byte(secret)
		}
	}
}

// WithTrustedProxyHeader names the header a trusted reverse proxy puts the
// client address in (TRUSTED_PROXY_HEADER, e.g. X-Forwarded-For or
// X-Real-IP). Its last entry, the one the proxy added, is the address the
// chat and the staff login are limited by; without the header (or the
// option) the socket address is. Set it only behind a proxy that sets the
// header, or clients can claim any address.
func WithTrustedProxyHeader(name string) Option {
	return func(s *Server) { s.proxyHeader = http.CanonicalHeaderKey(strings.TrimSpace(name)) }
}

// WithAddressLimiter limits the /api/* requests per client address, beside
// the engine's limit per session: a client that drops its session cookie
// gets a new session, not a new allowance. Without it only the engine
// limits.
func WithAddressLimiter(l bot.RateLimiter) Option { return func(s *Server) { s.addrLimiter = l } }

// WithClock sets the clock used for message times and latencies (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithHealthCheck adds a dependency check to /healthz, typically Redis PING.
// /healthz then answers JSON {"status":"ok","redis":"up"|"down"}, always with
// 200: the chat still answers when Redis is down (degraded).
func WithHealthCheck(check func(ctx context.Context) error) Option {
	return func(s *Server) { s.health = check }
}

// New returns the web server for conv.
func New(conv bot.Conversation, opts ...Option) *Server {
	s := &Server{conv: conv, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if len(s.secret) == 0 {
		s.secret = randomSecret()
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if s.metrics == nil {
		s.metrics = NewMetrics(s.reg)
	}
	s.routes()
	return s
}

// Metrics returns the metrics the server counts into, to share with other channels.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Registry returns the registry /metrics serves.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

func (s *Server) routes() {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.HandleFunc("/static/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		if !allowMethod(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
	mux.HandleFunc("/{$}", s.handleIndex)
	mux.HandleFunc("/api/ask", s.handleAsk)
	mux.HandleFunc("/api/feedback", s.handleFeedback)
	mux.HandleFunc("/api/forget", s.handleForget)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "接口不存在 (unknown API endpoint)")
	})
	mux.HandleFunc("/healthz", s.handleHealth)
	mux.Handle("/metrics", onlyGet(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelError)})))
	mux.Handle("/staff", http.RedirectHandler("/staff/", http.StatusMovedPermanently))
	mux.Handle("/staff/", s.staffRoutes())
	s.mux = mux
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

func onlyGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowMethod(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

// allowMethod answers 405 with an Allow header unless r uses one of methods.
func allowMethod(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeError(w, http.StatusMethodNotAllowed, "请求方法不允许 (method not allowed)")
	} else {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
	return false
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	b, err := staticFS.ReadFile("static/index.html")
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	s.chatSession(w, r)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b)
}

// ---- JSON API ----

// AskRequest is the body of POST /api/ask. The session comes from the
// cookie; a "session" field is ignored.
type AskRequest struct {
	Q string `json:"q"`
}

// AskResponse is the body answered by POST /api/ask: the bot.Reply fields.
type AskResponse struct {
	ExchangeID   string                 `json:"exchange_id"`
	Answer       string                 `json:"answer"`
	Answered     bool                   `json:"answered"`
	Citations    []bot.Citation         `json:"citations"`
	Calculations []policies.Calculation `json:"calculations"`
	Buttons      []ButtonJSON           `json:"buttons"`
	// Choices are replies that settle an ambiguous question ("今年930万"):
	// the page shows them as buttons that send the text as the next
	// question. Always an array.
	Choices []string `json:"choices"`
}

// ButtonJSON is a bot.Button in JSON.
type ButtonJSON struct {
	Text string `json:"text"`
	Data string `json:"data"`
}

// FeedbackRequest is the body of POST /api/feedback: the button's data and
// the optional reason typed after 👎 (stored masked with the exchange).
type FeedbackRequest struct {
	Data   string `json:"data"`
	Reason string `json:"reason,omitempty"`
}

// MessageResponse is {"message": "..."}.
type MessageResponse struct {
	Message string `json:"message"`
}

// ErrorResponse is the body of every API error.
type ErrorResponse struct {
	Error string `json:"error"`
}

func replyJSON(r bot.Reply) AskResponse {
	out := AskResponse{
		ExchangeID:   r.ExchangeID,
		Answer:       r.Text,
		Answered:     r.Answered,
		Citations:    r.Citations,
		Calculations: r.Calculations,
		Buttons:      make([]ButtonJSON, 0, len(r.Buttons)),
		Choices:      make([]string, 0, len(r.Choices)),
	}
	if out.Citations == nil {
		out.Citations = []bot.Citation{}
	}
	if out.Calculations == nil {
		out.Calculations = []policies.Calculation{}
	}
	for _, b := range r.Buttons {
		out.Buttons = append(out.Buttons, ButtonJSON{Text: b.Text, Data: b.Data})
	}
	for _, c := range r.Choices {
		if c = strings.TrimSpace(c); c != "" {
			out.Choices = append(out.Choices, c)
		}
	}
	return out
}

func (s *Server) handleAsk(w http.ResponseWriter, r *http.Request) {
	req, session, ok := readPost[AskRequest](s, w, r)
	if !ok {
		return
	}
	q := strings.TrimSpace(req.Q)
	if q == "" {
		writeError(w, http.StatusBadRequest, "问题不能为空，请输入您想咨询的问题。(empty question)")
		return
	}
	if utf8.RuneCountInString(q) > MaxQuestion {
		writeError(w, http.StatusBadRequest, "问题太长，请精简到2000字以内。(question too long)")
		return
	}
	start := s.now()
	ctx, cancel := context.WithTimeout(r.Context(), AskTimeout)
	defer cancel()
	reply, err := s.conv.Handle(ctx, bot.Message{
		Channel: Channel,
		UserID:  session,
		ChatID:  session,
		Text:    q,
		Time:    start,
	})
	elapsed := s.now().Sub(start)
	if errors.Is(err, bot.ErrRateLimited) {
		s.log.InfoContext(r.Context(), "web ask rate limited", "user", s.userRef(session))
		w.Header().Set("Retry-After", retryAfter(err))
		writeError(w, http.StatusTooManyRequests, "提问太频繁了，请稍等片刻再问。")
		return
	}
	if err != nil {
		s.metrics.Failed(Channel, elapsed)
		s.log.ErrorContext(r.Context(), "web ask failed", "err", err, "user", s.userRef(session), "elapsed", elapsed)
		writeError(w, http.StatusInternalServerError, "抱歉，暂时无法回答，请稍后再试或拨打12345热线咨询。")
		return
	}
	writeJSON(w, http.StatusOK, replyJSON(reply))
}

func (s *Server) handleFeedback(w http.ResponseWriter, r *http.Request) {
	req, session, ok := readPost[FeedbackRequest](s, w, r)
	if !ok {
		return
	}
	if req.Data == "" {
		writeError(w, http.StatusBadRequest, "缺少按钮数据 (missing data)")
		return
	}
	reason := strings.TrimSpace(req.Reason)
	if utf8.RuneCountInString(reason) > bot.MaxFeedbackReason {
		reason = string([]rune(reason)[:bot.MaxFeedbackReason])
	}
	ack, err := s.conv.Feedback(r.Context(), bot.Feedback{Channel: Channel, UserID: session, Data: req.Data, Reason: reason, Time: s.now()})
	if errors.Is(err, bot.ErrBadCallback) {
		s.log.WarnContext(r.Context(), "web feedback rejected", "user", s.userRef(session))
		writeError(w, http.StatusBadRequest, "按钮已失效或数据无效，请重新提问后再反馈。(invalid or expired button)")
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "web feedback failed", "err", err, "user", s.userRef(session))
		writeError(w, http.StatusInternalServerError, "抱歉，反馈暂时无法记录，请稍后再试。")
		return
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: ack})
}

// handleForget deletes what the session left (exchanges, chat context) and
// starts a new session, so later questions are not tied to the old one.
func (s *Server) handleForget(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r, http.MethodPost) || !s.addressAllowed(w, r) || !s.decode(w, r, &struct{}{}) {
		return
	}
	if session, ok := s.sessionFromCookie(r); ok {
		if err := s.conv.Forget(r.Context(), bot.Message{Channel: Channel, UserID: session, ChatID: session, Time: s.now()}); err != nil {
			s.log.ErrorContext(r.Context(), "web forget failed", "err", err, "user", s.userRef(session))
			writeError(w, http.StatusInternalServerError, "抱歉，暂时无法删除记录，请稍后再试。")
			return
		}
		s.log.InfoContext(r.Context(), "web session forgotten", "user", s.userRef(session))
	}
	s.newChatSession(w, r)
	writeJSON(w, http.StatusOK, MessageResponse{Message: "已删除与本会话有关的全部记录。"})
}

// readPost takes a POST with a JSON body within the client address's
// allowance, and returns it with the session (from the cookie, or newly
// issued); any failure is answered here.
func readPost[T any](s *Server, w http.ResponseWriter, r *http.Request) (req T, session string, ok bool) {
	if !allowMethod(w, r, http.MethodPost) || !s.addressAllowed(w, r) || !s.decode(w, r, &req) {
		return req, "", false
	}
	return req, s.chatSession(w, r), true
}

// decode reads a JSON body into v, answering 400/413 itself when it cannot.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusBadRequest, "请求须为 JSON (Content-Type: application/json)")
		return false
	}
	body := http.MaxBytesReader(w, r.Body, MaxBody)
	dec := json.NewDecoder(body)
	err = dec.Decode(v)
	if err == nil {
		// Exactly one JSON value.
		if _, e := dec.Token(); e != io.EOF {
			err = errors.New("trailing data after JSON value")
			var mbe *http.MaxBytesError
			if errors.As(e, &mbe) {
				err = e
			}
		}
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "请求太大，问题请控制在2000字以内。(request body too large)")
			return false
		}
		writeError(w, http.StatusBadRequest, "请求不是有效的 JSON (invalid JSON body)")
		return false
	}
	return true
}

// retryAfter reads the wait from the engine's "…: retry after 3s" error, in
// whole seconds (at least 1); 10 when it says none.
func retryAfter(err error) string {
	_, after, ok := strings.Cut(err.Error(), "retry after ")
	if ok {
		if d, perr := time.ParseDuration(strings.Fields(after + " x")[0]); perr == nil && d > 0 {
			return seconds(d)
		}
	}
	return "10"
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, ErrorResponse{Error: msg})
}

// ---- health ----

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if s.health == nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), HealthTimeout)
	defer cancel()
	state := "up"
	if err := s.health(ctx); err != nil {
		state = "down"
		s.log.WarnContext(r.Context(), "health check failed: running degraded", "err", err)
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "redis": state})
}
