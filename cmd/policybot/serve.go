package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/bot/llm"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/bot/wechat"
	"github.com/cdsme/policybot/push/asynqpush"
)

// DefaultHTTPAddr is where the web chat listens when HTTP_ADDR is unset.
const DefaultHTTPAddr = "127.0.0.1:8080"

// shutdownGrace bounds a graceful shutdown on SIGTERM.
const shutdownGrace = 10 * time.Second

// runServe runs the web chat (and console), the Telegram bot and the push
// workers if configured, until ctx is done; then it shuts down gracefully.
// The environment is read and checked before anything starts: a bad value
// is a usageError (exit status 2), never a panic.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	cfg, err := readServeConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	if cfg.secretRandom {
		log.Warn("BOT_SECRET not set: feedback buttons stop working after a restart and user hashes change")
	}

	rdb, closeRedis, err := openRedis(cfg.redisURL, log)
	if err != nil {
		return err
	}
	defer closeRedis()

	m := newServeMetrics()
	app, err := buildEngine(ctx, cfg, rdb, m, log)
	if err != nil {
		return err
	}
	go trimEvery(ctx, app.exchanges, trimInterval, log)

	var (
		adapter        *telegram.Adapter
		tgPush, wxPush asynqpush.Sender
	)
	if cfg.telegramToken != "" {
		if adapter, err = buildTelegram(cfg, getenv, app, rdb, m, log); err != nil {
			return err
		}
		pushAdapter, err := newPushAdapter(cfg, app.eng, log)
		if err != nil {
			return err
		}
		tgPush = telegramSender{pushAdapter, newCorrections(rdb, cfg.secret)}
	} else {
		log.Info("TELEGRAM_BOT_TOKEN not set: no Telegram")
	}
	wx, wxSender, err := buildWeChat(cfg, getenv, app, rdb, m, log)
	if err != nil {
		return err
	}
	if wx != nil {
		wxPush = wxSender
	}
	var pushSender asynqpush.Sender // nil: no channel to push through
	if tgPush != nil || wxPush != nil {
		pushSender = webPushGuard{next: routeSender{telegram: tgPush, wechat: wxPush}, rec: asynqpush.NewRecipients(rdb)}
		stopPush, err := startPush(ctx, rdb, pushSender, log, getenv, m.reg)
		if err != nil {
			return err
		}
		defer stopPush()
	} else {
		log.Info("push: neither Telegram nor WeChat configured: bills are neither scheduled nor sent")
	}

	handler, err := buildHTTP(cfg, getenv, app, rdb, m, adapter, wx, pushSender, log)
	if err != nil {
		return err
	}
	return serveHTTP(ctx, cfg.httpAddr, handler, adapter, stdout, log)
}

// serveConfig is serve's environment (README, "Configuration").
type serveConfig struct {
	config
	httpAddr      string
	redisURL      string
	secret        string // BOT_SECRET, or a random key (secretRandom)
	secretRandom  bool
	staffToken    string
	telegramToken string
	telegramOpts  []telegram.Option
	proxyHeader   string             // TRUSTED_PROXY_HEADER
	logOpts       redisstore.Options // LOG_MAX_EXCHANGES, LOG_MAX_DAYS
	wechat        *wechat.Config     // WECHAT_*; nil: no WeChat (wechat.go)
	wechatBill    wechatTemplate     // WECHAT_TEMPLATE_BILL; zero: none (wechat_push.go)
}

func readServeConfig(getenv func(string) string) (serveConfig, error) {
	base, err := readConfig(getenv)
	if err != nil {
		return serveConfig{}, err
	}
	c := serveConfig{
		config:        base,
		httpAddr:      getenv("HTTP_ADDR"),
		redisURL:      getenv("REDIS_URL"),
		secret:        getenv("BOT_SECRET"),
		staffToken:    getenv("STAFF_TOKEN"),
		telegramToken: getenv("TELEGRAM_BOT_TOKEN"),
		proxyHeader:   getenv("TRUSTED_PROXY_HEADER"),
	}
	if c.httpAddr == "" {
		c.httpAddr = DefaultHTTPAddr
	}
	if c.secret == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		c.secret, c.secretRandom = hex.EncodeToString(b[:]), true
	}
	if c.logOpts, err = redisstore.OptionsFromEnv(getenv); err != nil {
		return c, usageError{err}
	}
	if c.wechat, err = readWeChatConfig(getenv); err != nil {
		return c, err
	}
	if c.wechat != nil {
		if c.wechatBill, err = readWeChatTemplate(getenv); err != nil {
			return c, err
		}
	}
	if c.telegramToken == "" {
		return c, nil
	}
	if c.telegramOpts, err = telegram.OptionsFromEnv(getenv); err != nil {
		return c, usageError{err}
	}
	if u := getenv("TELEGRAM_WEBHOOK_URL"); u != "" {
		if err := checkWebhookURL(u); err != nil {
			return c, usageError{fmt.Errorf("TELEGRAM_WEBHOOK_URL: %w", err)}
		}
	}
	return c, nil
}

// appRoutes are the paths bot/web serves on the same server (its routes
// method; TestAppRoutesAreServed keeps the two in step). A pattern ending
// in "/" is a subtree.
var appRoutes = []string{"/", "/api/", "/staff/", "/static/", "/healthz", "/metrics"}

// checkWebhookURL refuses a webhook URL whose path is not a plain path of
// its own (telegram.CheckWebhookURL) or that the web chat already serves:
// mounted there, it would panic (a conflicting pattern) or silently take
// the route over.
func checkWebhookURL(raw string) error {
	path, err := telegram.CheckWebhookURL(raw)
	if err != nil {
		return err
	}
	if r := appRouteClash(path); r != "" {
		return fmt.Errorf("path %s clashes with the web chat's %s: choose another, e.g. /telegram/hook", path, r)
	}
	return nil
}

// appRouteClash is the route of appRoutes that path would clash with, or
// "" (the path "/" itself is refused by the callers' own checks).
func appRouteClash(path string) string {
	for _, r := range appRoutes {
		switch {
		case r == "/":
			continue
		case path == r, strings.HasSuffix(r, "/") && (strings.HasPrefix(path, r) || path == strings.TrimSuffix(r, "/")):
			return r
		}
	}
	return ""
}

// serveMetrics are the counters /metrics shows: the web chat's and the
// Telegram adapter's lost replies.
type serveMetrics struct {
	reg  *prometheus.Registry
	web  *web.Metrics
	lost *prometheus.CounterVec
}

func newServeMetrics() serveMetrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	lost := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "policybot_telegram_replies_lost_total",
		Help: "Telegram replies given up on, by reason (retries_exhausted, rejected, queue_full, not_redelivered).",
	}, []string{"reason"})
	for _, r := range []string{telegram.LostRetriesExhausted, telegram.LostRejected, telegram.LostQueueFull, telegram.LostNotRedelivered} {
		lost.WithLabelValues(r) // shown as 0 from the start
	}
	reg.MustRegister(lost)
	return serveMetrics{reg: reg, web: web.NewMetrics(reg), lost: lost}
}

// serveApp is the channel-free part: the engine and its conversation log.
type serveApp struct {
	eng       *bot.Engine
	exchanges *redisstore.ExchangeLog
}

func buildEngine(ctx context.Context, cfg serveConfig, rdb redis.UniversalClient, m serveMetrics, log *slog.Logger) (serveApp, error) {
	corpus, ix, err := newIndex(ctx, cfg.config)
	if err != nil {
		return serveApp{}, err
	}
	logOpts := cfg.logOpts
	logOpts.OnFeedback = m.web.Vote // one vote per exchange in policybot_feedback_total
	exchanges := redisstore.NewExchangeLog(rdb, logOpts)
	opts := []bot.Option{
		bot.WithLogger(log),
		bot.WithExchangeLog(exchanges),
		bot.WithChatMemory(redisstore.NewChatMemory(rdb)),
		bot.WithRateLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{})),
		bot.WithObserver(m.web),
		bot.WithSecret(cfg.secret),
		bot.WithCuratedAnswers(curatedAnswers{store: console.NewRedisCurated(rdb), log: log}),
	}
	if !cfg.issued.IsZero() {
		opts = append(opts, bot.WithIssued(cfg.issued))
	}
	if lc := (llm.Config{BaseURL: cfg.openAIBase, APIKey: cfg.openAIKey, Model: cfg.openAIModel}); lc.Configured() {
		opts = append(opts, bot.WithPhraser(phraser{llm.New(lc, llm.WithLogger(log))}), bot.WithFallbackReason(llm.FallbackReason))
		log.Info("LLM mode", "model", lc.Model)
	} else {
		log.Info("offline mode: answers are extractive, amounts from the calculators (set OPENAI_API_KEY and OPENAI_MODEL for LLM phrasing)")
	}
	return serveApp{eng: bot.NewEngine(corpus, ix, opts...), exchanges: exchanges}, nil
}

// buildTelegram builds the adapter with the push and staff commands; its
// lost replies are counted in /metrics.
func buildTelegram(cfg serveConfig, getenv func(string) string, app serveApp, rdb redis.UniversalClient, m serveMetrics, log *slog.Logger) (*telegram.Adapter, error) {
	pushStore := asynqpush.NewStore(rdb)
	opts := append(cfg.telegramOpts[:len(cfg.telegramOpts):len(cfg.telegramOpts)],
		telegram.WithLogger(log), telegram.WithUserHashSalt(cfg.secret),
		telegram.WithLostReplyObserver(func(reason string) { m.lost.WithLabelValues(reason).Inc() }),
		telegram.WithStaffCommandHandler("stats", staffStats(app.exchanges, time.Now)))
	corr := newCorrections(rdb, cfg.secret)
	opts = append(opts, pushCommandOptions(pushStore, corr, getenv, time.Now)...)
	adapter, err := telegram.New(cfg.telegramToken, profileConversation{correctingConversation{forgetAll{app.eng, pushStore}, corr}, newProfileEditor(pushStore, rdb, subscribeScheduler(pushStore, getenv), time.Now)}, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return adapter, nil
}

// buildHTTP is the one HTTP server's handler: the web chat, console,
// /healthz and /metrics, and the Telegram webhook when configured. pushSender
// (nil: no channel) carries staff replies to corrections and notices, to
// Telegram and WeChat users alike. The web chat answers the bill words
// too (webConversation).
func buildHTTP(cfg serveConfig, getenv func(string) string, app serveApp, rdb redis.UniversalClient, m serveMetrics, adapter *telegram.Adapter, wx *wechat.Adapter, pushSender asynqpush.Sender, log *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	pushStore := asynqpush.NewStore(rdb)
	webConv := webConversation{app.eng, newWebBills(pushStore, rdb, subscribeScheduler(pushStore, getenv), cfg.secret, getenv, time.Now)}
	mux.Handle("/", web.New(webConv,
		web.WithLogger(log),
		web.WithRegistry(m.reg),
		web.WithMetrics(m.web),
		web.WithStaffToken(cfg.staffToken),
		web.WithStaffHandler(console.New(app.exchanges, append(consoleOptions(rdb, pushSender, log), noticeOptions(rdb, pushSender != nil, cfg.issued)...)...)),
		// issue 8: signed sessions, per-address limits, staff sessions in Redis
		web.WithSecret(cfg.secret),
		web.WithTrustedProxyHeader(cfg.proxyHeader),
		web.WithAddressLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: web.AddressRate, Burst: web.AddressBurst})),
		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: web.LoginInterval, Burst: web.LoginBurst})),
		web.WithHealthCheck(func(ctx context.Context) error { return rdb.Ping(ctx).Err() }),
	))
	if err := mountWeChat(mux, wx, log); err != nil {
		return nil, err
	}
	if adapter != nil {
		if p := adapter.WebhookPath(); p != "" {
			if err := mount(mux, p, adapter.WebhookHandler()); err != nil {
				return nil, usageError{fmt.Errorf("TELEGRAM_WEBHOOK_URL: %w", err)}
			}
		}
	}
	return mux, nil
}

// mount is mux.Handle returning the panic of a conflicting pattern as an
// error (checkWebhookURL should have caught it first).
func mount(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cannot serve %s: %v", pattern, p)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// serveHTTP listens on addr and serves handler, with the Telegram adapter
// (if any) running beside it, until ctx is done or either fails; then it
// shuts the server down gracefully.
func serveHTTP(ctx context.Context, addr string, handler http.Handler, adapter *telegram.Adapter, stdout io.Writer, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", addr, err)
	}
	errc := make(chan error, 2)
	if adapter != nil {
		go func() { errc <- adapter.Run(ctx) }()
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "policybot: web chat on http://%s\n", ln.Addr())
	log.Info("serving", "addr", ln.Addr().String())

	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = srv.Close()
			return err
		}
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// trimInterval is how often the conversation log is trimmed to its
// retention bounds when traffic is too quiet for Append to do it.
const trimInterval = time.Hour

func trimEvery(ctx context.Context, l *redisstore.ExchangeLog, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := l.Trim(ctx); err != nil {
				log.Warn("conversation log trim failed", "err", err)
			} else if n > 0 {
				log.Info("conversation log trimmed", "removed", n)
			}
		}
	}
}

// openRedis connects to REDIS_URL, or starts the embedded in-process Redis.
func openRedis(url string, log *slog.Logger) (redis.UniversalClient, func(), error) {
	if url == "" {
		rdb, stop, err := redisstore.Embedded()
		if err != nil {
			return nil, nil, fmt.Errorf("embedded redis: %w", err)
		}
		log.Warn("REDIS_URL not set: using an embedded in-process Redis; conversation logs, chat context and rate limits are NOT persisted and are lost on exit")
		return rdb, stop, nil
	}
	rdb, err := redisstore.Open(url)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("REDIS_URL: %w", err)}
	}
	pctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		// Questions are still answered; logging degrades with warnings.
		log.Warn("redis unreachable at start; answering anyway, conversation log degraded", "err", err)
	}
	return rdb, func() { _ = rdb.Close() }, nil
}

// phraser adapts llm.Phraser to the engine's seam.
type phraser struct{ p *llm.Phraser }

func (p phraser) Phrase(ctx context.Context, req bot.PhraseRequest) (bot.PhraseResult, error) {
	res, err := p.p.Phrase(ctx, llm.Request{Question: req.Question, History: req.History, Clauses: req.Clauses, Calculations: req.Calculations, Offline: req.Offline})
	if err != nil {
		return bot.PhraseResult{}, err
	}
	// Result.Calculations repeats the request's receipts first.
	extra := res.Calculations[min(len(req.Calculations), len(res.Calculations)):]
	return bot.PhraseResult{Text: res.Text, Calculations: extra}, nil
}

// forgetAll makes /forget delete the chat's enterprise profiles as well as
// its conversation log and context: "delete my data" means all of it.
type forgetAll struct {
	*bot.Engine
	store *asynqpush.Store
}

func (f forgetAll) Forget(ctx context.Context, m bot.Message) error {
	errs := []error{f.Engine.Forget(ctx, m)}
	if chat, err := strconv.ParseInt(m.ChatID, 10, 64); err == nil {
		_, err := deleteChatProfiles(ctx, f.store, chat)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
