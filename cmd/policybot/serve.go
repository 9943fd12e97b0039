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
	"github.com/cdsme/policybot/push/asynqpush"
)

// DefaultHTTPAddr is where the web chat listens when HTTP_ADDR is unset.
const DefaultHTTPAddr = "127.0.0.1:8080"

// shutdownGrace bounds a graceful shutdown on SIGTERM.
const shutdownGrace = 10 * time.Second

// runServe runs the web chat (and console), the Telegram bot if configured,
// until ctx is done; then it shuts down gracefully.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	cfg, err := readConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))

	rdb, closeRedis, err := openRedis(getenv("REDIS_URL"), log)
	if err != nil {
		return err
	}
	defer closeRedis()

	corpus, ix, err := newIndex(ctx, cfg)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := web.NewMetrics(reg)

	secret := getenv("BOT_SECRET")
	if secret == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		secret = hex.EncodeToString(b[:])
		log.Warn("BOT_SECRET not set: feedback buttons stop working after a restart and user hashes change")
	}
	exchanges := redisstore.NewExchangeLog(rdb, redisstore.Options{})
	go trimEvery(ctx, exchanges, trimInterval, log)
	opts := []bot.Option{
		bot.WithLogger(log),
		bot.WithExchangeLog(exchanges),
		bot.WithChatMemory(redisstore.NewChatMemory(rdb)),
		bot.WithRateLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{})),
		bot.WithObserver(metrics),
		bot.WithSecret(secret),
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
	eng := bot.NewEngine(corpus, ix, opts...)

	mux := http.NewServeMux()
	mux.Handle("/", web.New(eng,
		web.WithLogger(log),
		web.WithRegistry(reg),
		web.WithMetrics(metrics),
		web.WithStaffToken(getenv("STAFF_TOKEN")),
		web.WithStaffHandler(console.New(exchanges, console.WithLogger(log))),
		web.WithHealthCheck(func(ctx context.Context) error { return rdb.Ping(ctx).Err() }),
	))

	errc := make(chan error, 2)
	if token := getenv("TELEGRAM_BOT_TOKEN"); token != "" {
		tgOpts, err := telegram.OptionsFromEnv(getenv)
		if err != nil {
			return usageError{err}
		}
		pushStore := asynqpush.NewStore(rdb)
		tgOpts = append(tgOpts, telegram.WithLogger(log), telegram.WithUserHashSalt(secret),
			telegram.WithStaffCommandHandler("stats", staffStats(exchanges, time.Now)),
			telegram.WithMenuCommand("subscribe", "订阅红利账单（附企业资料 JSON）", pushSubscribeCommand(pushStore)),
			telegram.WithMenuCommand("bill", "查看我的红利账单", pushBillCommand(pushStore, getenv, time.Now)),
			telegram.WithMenuCommand("unsubscribe", "退订账单推送", pushUnsubscribeCommand(pushStore)),
			telegram.WithMenuCommand("deleteprofile", "删除我的企业资料", pushForgetCommand(pushStore)))
		adapter, err := telegram.New(token, forgetAll{eng, pushStore}, tgOpts...)
		if err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		stopPush, err := startPush(ctx, rdb, telegramSender{adapter}, log, getenv)
		if err != nil {
			return err
		}
		defer stopPush()
		if p := adapter.WebhookPath(); p != "" {
			mux.Handle(p, adapter.WebhookHandler())
		}
		go func() { errc <- adapter.Run(ctx) }()
	} else {
		log.Info("TELEGRAM_BOT_TOKEN not set: web chat only")
	}

	addr := getenv("HTTP_ADDR")
	if addr == "" {
		addr = DefaultHTTPAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
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
	res, err := p.p.Phrase(ctx, llm.Request{Question: req.Question, Clauses: req.Clauses, Calculations: req.Calculations, Offline: req.Offline})
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
