// Package console is the staff console of policybot: an overview drawn
// from daily counters (questions per day, top clauses, what the documents
// leave unstated, the clauses that need explaining) as server-side SVG, the
// confusion clusters (/staff/clusters, and as CSV), a filterable list of
// exchanges, exchange details and exports (CSV, JSONL); with the options
// that give it their stores, the push ledger (/staff/pushes), the
// enterprises' objections to their bills with staff's replies
// (/staff/corrections) and curated answers (/staff/curated, exported as
// evaluation cases at /staff/curated.jsonl). It is mounted under /staff/
// by web.WithStaffHandler, behind the web server's STAFF_TOKEN auth; its
// forms refuse a POST from another origin; it serves no script beyond its
// own file and nothing from another origin.
package console

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/push"
)

//go:embed assets templates
var files embed.FS

// Limits and defaults.
const (
	DefaultMaxOverview = 20000 // exchanges the clusters page reads at most
	DefaultPeriodDays  = 7
	// DefaultClusterThreshold is the similarity (see Clusters) at which two
	// confused questions are taken to mean the same.
	DefaultClusterThreshold = 0.4
)

// Option configures the console.
type Option func(*Console)

// WithLogger sets the logger (slog.Default() by default).
func WithLogger(l *slog.Logger) Option { return func(c *Console) { c.log = l } }

// WithClock sets the clock (time.Now by default).
func WithClock(now func() time.Time) Option { return func(c *Console) { c.now = now } }

// WithMaxExport bounds the rows of an export (no bound by default); a
// bounded export that stopped short says so in the trailer
// X-Export-Truncated.
func WithMaxExport(n int) Option { return func(c *Console) { c.maxExport = n } }

// Console is the staff console handler.
type Console struct {
	store     bot.ExchangeLog
	log       *slog.Logger
	now       func() time.Time
	maxExport int            // rows an export holds at most; 0: all
	loc       *time.Location // times are shown in Asia/Shanghai (UTC+8 without the zone database)
	tmpl      *template.Template
	assets    http.Handler
	days      DayCounter       // the overview's daily counters; nil: none kept
	ix        *knowledge.Index // places questions without citations (clusters)
	ixOnce    sync.Once

	pushes      PushLedger   // /staff/pushes; nil: not shown
	corrections Corrections  // /staff/corrections; nil: not shown
	notifier    Notifier     // sends replies to corrections; nil: stored only
	curated     CuratedStore // /staff/curated; nil: not shown
	notices     Notices      // /staff/notices; nil: not shown
	csrf        *http.CrossOriginProtection
}

// New returns the console serving paths under /staff/.
func New(log bot.ExchangeLog, opts ...Option) http.Handler {
	c := &Console{store: log, log: slog.Default(), now: time.Now}
	if d, ok := log.(DayCounter); ok {
		c.days = d
	}
	for _, o := range opts {
		o(c)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	c.loc = loc
	c.csrf = http.NewCrossOriginProtection()
	c.tmpl = template.Must(template.New("").Funcs(c.funcs()).ParseFS(files, "templates/*.html"))
	sub, _ := fs.Sub(files, "assets")
	c.assets = http.StripPrefix("/staff/assets/", http.FileServer(http.FS(sub)))
	return c
}

// handlerFunc is a console page.
type handlerFunc = func(*Console, http.ResponseWriter, *http.Request)

// getRoutes are the console's pages by exact path (GET, HEAD).
var getRoutes = map[string]handlerFunc{
	"/staff/":              (*Console).overview,
	"/staff":               (*Console).overview,
	"/staff/exchanges":     (*Console).list,
	"/staff/clusters":      (*Console).clusters,
	"/staff/clusters.csv":  (*Console).clustersCSV,
	"/staff/export.csv":    func(c *Console, w http.ResponseWriter, r *http.Request) { c.export(w, r, "csv") },
	"/staff/export.jsonl":  func(c *Console, w http.ResponseWriter, r *http.Request) { c.export(w, r, "jsonl") },
	"/staff/pushes":        (*Console).pushList,
	"/staff/corrections":   (*Console).correctionList,
	"/staff/curated":       (*Console).curatedList,
	"/staff/curated/new":   (*Console).curatedForm,
	"/staff/curated.jsonl": (*Console).curatedExport,
	"/staff/notices":       (*Console).noticeList,
}

// postRoutes are the console's forms that change something.
var postRoutes = map[string]handlerFunc{
	"/staff/corrections/reply": (*Console).correctionReply,
	"/staff/curated":           (*Console).curatedSave,
	"/staff/curated/delete":    (*Console).curatedDelete,
	"/staff/notices/preview":   (*Console).noticePreview,
	"/staff/notices/send":      (*Console).noticeSend,
}

// ServeHTTP routes the console's pages. A POST is refused (403) when the
// browser says it comes from another origin (Sec-Fetch-Site, else Origin
// against Host: http.CrossOriginProtection), on top of the staff cookie's
// SameSite=Strict, which is all that guards the web server's logout.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	post, isPost := postRoutes[p]
	getToo := p == "/staff/curated" // the list, and the form's target
	switch {
	case isPost && r.Method == http.MethodPost:
		if err := c.csrf.Check(r); err != nil {
			c.log.WarnContext(r.Context(), "staff console: cross-origin POST refused", "path", p, "origin", r.Header.Get("Origin"))
			c.fail(w, r, http.StatusForbidden, "请求来自其他网站，已拒绝。", nil)
			return
		}
		post(c, w, r)
		return
	case isPost && !getToo:
		methodNotAllowed(w, "POST")
		return
	case getToo && r.Method != http.MethodGet && r.Method != http.MethodHead:
		methodNotAllowed(w, "GET, HEAD, POST")
		return
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	if page, ok := getRoutes[p]; ok {
		page(c, w, r)
		return
	}
	switch {
	case strings.HasPrefix(p, "/staff/exchanges/"):
		c.detail(w, r, strings.TrimPrefix(p, "/staff/exchanges/"))
	case strings.HasPrefix(p, "/staff/assets/"):
		w.Header().Set("Cache-Control", "no-cache")
		c.assets.ServeHTTP(w, r)
	default:
		c.fail(w, r, http.StatusNotFound, "页面不存在。", nil)
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

// failRead answers a failed read of a paged list: 400 for a cursor the
// store did not give, else 500 saying what could not be read.
func (c *Console) failRead(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, ErrBadCursor) || errors.Is(err, bot.ErrBadCursor) || errors.Is(err, push.ErrBadCorrectionCursor) {
		c.fail(w, r, http.StatusBadRequest, "翻页参数（cursor）无效，请从第一页重新浏览。", nil)
		return
	}
	c.fail(w, r, http.StatusInternalServerError, "读取"+what+"失败，请稍后再试。", err)
}

// fail writes a plain error page and logs err (if any); never a trace.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, code int, msg string, err error) {
	if err != nil {
		c.log.ErrorContext(r.Context(), "staff console", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = c.tmpl.ExecuteTemplate(w, "error", map[string]any{"Code": code, "Message": msg})
}

// render executes a page into a buffer first so a template error is a 500.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	var b strings.Builder
	if err := c.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		c.fail(w, r, http.StatusInternalServerError, "页面生成失败。", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// filter is the list/export query as read from the URL.
type filter struct {
	Unanswered, Answered bool
	Disliked, Liked      bool
	Clause, Text, Mode   string
	Since, Until         string // YYYY-MM-DD as typed
	Cursor               string
	Query                redisstore.Query
}

var (
	errBadFilter = errors.New("bad filter")
	errBadMode   = errors.New("bad mode")
)

// filterModes are the answer modes the list can be filtered by.
var filterModes = []string{bot.ModeOffline, bot.ModeLLM, bot.ModeLLMFallback, bot.ModeCurated}

func (c *Console) parseFilter(r *http.Request) (filter, error) {
	v := r.URL.Query()
	f := filter{
		Unanswered: v.Get("unanswered") != "",
		Answered:   v.Get("answered") != "",
		Disliked:   v.Get("disliked") != "",
		Liked:      v.Get("liked") != "",
		Clause:     strings.TrimSpace(v.Get("clause")),
		Text:       strings.TrimSpace(v.Get("q")),
		Mode:       strings.TrimSpace(v.Get("mode")),
		Since:      strings.TrimSpace(v.Get("since")),
		Until:      strings.TrimSpace(v.Get("until")),
		Cursor:     v.Get("cursor"),
	}
	if f.Mode != "" && !slices.Contains(filterModes, f.Mode) {
		return f, errBadMode
	}
	f.Query = redisstore.Query{
		ExchangeQuery: bot.ExchangeQuery{Unanswered: f.Unanswered, Disliked: f.Disliked, Clause: f.Clause, Cursor: f.Cursor},
		Text:          f.Text, Liked: f.Liked, Answered: f.Answered, Mode: f.Mode,
	}
	if f.Since != "" {
		t, err := time.ParseInLocation("2006-01-02", f.Since, c.loc)
		if err != nil {
			return f, errBadFilter
		}
		f.Query.Since = t
	}
	if f.Until != "" {
		t, err := time.ParseInLocation("2006-01-02", f.Until, c.loc)
		if err != nil {
			return f, errBadFilter
		}
		f.Query.Until = t.AddDate(0, 0, 1) // inclusive day
	}
	if n, err := strconv.Atoi(v.Get("limit")); err == nil && n > 0 {
		f.Query.Limit = min(n, bot.MaxListLimit)
	}
	return f, nil
}

// filterMessage is the 400 page's text for a filter parseFilter refused.
func filterMessage(err error) string {
	if errors.Is(err, errBadMode) {
		return "回答方式（mode）应为 offline、llm、llm_fallback 或 curated。"
	}
	return "日期格式应为 YYYY-MM-DD。"
}

// encode returns the filter as URL query (without cursor).
func (f filter) encode() string {
	q := make([]string, 0, 9)
	flag := func(k string, on bool) {
		if on {
			q = append(q, k+"=1")
		}
	}
	flag("unanswered", f.Unanswered)
	flag("answered", f.Answered)
	flag("disliked", f.Disliked)
	flag("liked", f.Liked)
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+url.QueryEscape(v))
		}
	}
	add("q", f.Text)
	add("mode", f.Mode)
	add("clause", f.Clause)
	add("since", f.Since)
	add("until", f.Until)
	return strings.Join(q, "&")
}
