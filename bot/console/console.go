// Package console is the staff console of policybot: an overview drawn
// from daily counters (questions per day, top clauses, what the documents
// leave unstated, the clauses that need explaining) as server-side SVG, the
// confusion clusters (/staff/clusters, and as CSV), a filterable list of
// exchanges, exchange details and exports (CSV, JSONL). It is mounted under
// /staff/ by web.WithStaffHandler, behind the web server's STAFF_TOKEN
// auth; it serves no script beyond its own file and nothing from another
// origin.
package console

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
)

//go:embed assets templates
var files embed.FS

// Limits and defaults.
const (
	DefaultMaxExport   = 10000 // rows an export holds at most
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

// WithMaxExport bounds the rows of an export (DefaultMaxExport by default).
func WithMaxExport(n int) Option { return func(c *Console) { c.maxExport = n } }

// Console is the staff console handler.
type Console struct {
	store     bot.ExchangeLog
	log       *slog.Logger
	now       func() time.Time
	maxExport int
	loc       *time.Location // times are shown in Asia/Shanghai (UTC+8 without the zone database)
	tmpl      *template.Template
	assets    http.Handler
	days      DayCounter       // the overview's daily counters; nil: none kept
	ix        *knowledge.Index // places questions without citations (clusters)
	ixOnce    sync.Once
}

// New returns the console serving paths under /staff/.
func New(log bot.ExchangeLog, opts ...Option) http.Handler {
	c := &Console{store: log, log: slog.Default(), now: time.Now, maxExport: DefaultMaxExport}
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
	if c.maxExport <= 0 {
		c.maxExport = DefaultMaxExport
	}
	c.tmpl = template.Must(template.New("").Funcs(c.funcs()).ParseFS(files, "templates/*.html"))
	sub, _ := fs.Sub(files, "assets")
	c.assets = http.StripPrefix("/staff/assets/", http.FileServer(http.FS(sub)))
	return c
}

// ServeHTTP routes the console's pages.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/staff/" || p == "/staff":
		c.overview(w, r)
	case p == "/staff/exchanges":
		c.list(w, r)
	case p == "/staff/clusters":
		c.clusters(w, r)
	case p == "/staff/clusters.csv":
		c.clustersCSV(w, r)
	case strings.HasPrefix(p, "/staff/exchanges/"):
		c.detail(w, r, strings.TrimPrefix(p, "/staff/exchanges/"))
	case p == "/staff/export.csv":
		c.export(w, r, "csv")
	case p == "/staff/export.jsonl":
		c.export(w, r, "jsonl")
	case strings.HasPrefix(p, "/staff/assets/"):
		w.Header().Set("Cache-Control", "no-cache")
		c.assets.ServeHTTP(w, r)
	default:
		c.fail(w, r, http.StatusNotFound, "页面不存在。", nil)
	}
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
	Unanswered, Disliked bool
	Clause               string
	Since, Until         string // YYYY-MM-DD as typed
	Cursor               string
	Query                bot.ExchangeQuery
}

var errBadFilter = errors.New("bad filter")

func (c *Console) parseFilter(r *http.Request) (filter, error) {
	v := r.URL.Query()
	f := filter{
		Unanswered: v.Get("unanswered") != "",
		Disliked:   v.Get("disliked") != "",
		Clause:     strings.TrimSpace(v.Get("clause")),
		Since:      strings.TrimSpace(v.Get("since")),
		Until:      strings.TrimSpace(v.Get("until")),
		Cursor:     v.Get("cursor"),
	}
	f.Query = bot.ExchangeQuery{Unanswered: f.Unanswered, Disliked: f.Disliked, Clause: f.Clause, Cursor: f.Cursor}
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

// encode returns the filter as URL query (without cursor).
func (f filter) encode() string {
	q := make([]string, 0, 5)
	if f.Unanswered {
		q = append(q, "unanswered=1")
	}
	if f.Disliked {
		q = append(q, "disliked=1")
	}
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+url.QueryEscape(v))
		}
	}
	add("clause", f.Clause)
	add("since", f.Since)
	add("until", f.Until)
	return strings.Join(q, "&")
}
