package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/wechat"
	"github.com/cdsme/policybot/push/asynqpush"
)

// readWeChatConfig reads WECHAT_* for serve: nil when WECHAT_APPID is
// unset (no WeChat). A malformed value, or a WECHAT_PATH the web chat
// already serves, is a usageError (exit status 2) before anything starts.
func readWeChatConfig(getenv func(string) string) (*wechat.Config, error) {
	c, ok, err := wechat.ConfigFromEnv(getenv)
	switch {
	case err != nil:
		return nil, usageError{err}
	case !ok:
		return nil, nil
	}
	if r := appRouteClash(c.Path); r != "" {
		return nil, usagef("WECHAT_PATH: path %s clashes with the web chat's %s: choose another, e.g. /wechat", c.Path, r)
	}
	return &c, nil
}

// buildWeChat builds the WeChat adapter in front of the engine (nil when
// not configured) with the bill words (wechatCommandOptions), and the
// sender pushes to WeChat users go out by. The access token is kept in
// Redis, shared by the replicas, and a callback WeChat retries is answered
// once across them. Replies given up on are counted in /metrics
// (policybot_wechat_replies_lost_total{reason}).
func buildWeChat(cfg serveConfig, getenv func(string) string, app serveApp, rdb redis.UniversalClient, m serveMetrics, log *slog.Logger) (*wechat.Adapter, wechatSender, error) {
	if cfg.wechat == nil {
		return nil, wechatSender{}, nil
	}
	lost := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "policybot_wechat_replies_lost_total",
		Help: "WeChat replies given up on, by reason (rejected, failed).",
	}, []string{"reason"})
	for _, r := range []string{wechat.LostRejected, wechat.LostFailed} {
		lost.WithLabelValues(r)
	}
	if err := m.reg.Register(lost); err != nil {
		log.Warn("wechat: lost-reply metric not registered", "err", err)
	}
	store := asynqpush.NewStore(rdb)
	corr := newCorrections(rdb, cfg.secret)
	chats := wechatChats{asynqpush.NewRecipients(rdb)}
	edit := newProfileEditor(store, rdb, subscribeScheduler(store, getenv), time.Now)
	edit.chatOf, edit.numbered = chats.chatOf, true
	conv := wechatConversation{Conversation: app.eng, store: store, corr: corr, edit: edit}
	opts := append([]wechat.Option{
		wechat.WithLogger(log), wechat.WithUserHashSalt(cfg.secret),
		wechat.WithCache(redisTokenCache{rdb}), wechat.WithClaimer(redisClaimer{rdb}),
		wechat.WithLostReplyObserver(func(reason string) { lost.WithLabelValues(reason).Inc() }),
	}, wechatCommandOptions(store, corr, chats, edit, conv, getenv, time.Now)...)
	a, err := wechat.New(*cfg.wechat, conv, opts...)
	if err != nil {
		return nil, wechatSender{}, usageError{err}
	}
	if cfg.wechatBill.id == "" {
		log.Info("WECHAT_TEMPLATE_BILL not set: bills and reminders reach WeChat users only as customer-service messages, that is within 48 hours of their last message; outside it they fail (retried, then shown as failed in the push ledger)")
	} else {
		log.Info("WeChat bills: customer-service message, or the template message when outside the 48-hour window", "template", cfg.wechatBill.id)
	}
	return a, wechatSender{a: a, chats: chats, tmpl: cfg.wechatBill, corr: corr, now: time.Now}, nil
}

// mountWeChat serves the adapter's callback (if any) on mux at WECHAT_PATH.
func mountWeChat(mux *http.ServeMux, a *wechat.Adapter, log *slog.Logger) error {
	if a == nil {
		return nil
	}
	if err := mount(mux, a.Path(), a.Handler()); err != nil {
		return usageError{fmt.Errorf("WECHAT_PATH: %w", err)}
	}
	mode := "plain mode"
	if a.Encrypted() {
		mode = "safe mode"
	}
	log.Info("WeChat callback", "path", a.Path(), "mode", mode)
	return nil
}

// runWeChat is `policybot wechat menu [--install]`: print the custom menu
// (the menu/create JSON), or install it on the account (WECHAT_APPID,
// WECHAT_SECRET, WECHAT_TOKEN; WECHAT_API_URL; the access token is shared
// with serve through REDIS_URL when set).
func runWeChat(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "usage: policybot wechat menu [--install]"
	if len(args) == 0 || args[0] != "menu" {
		return usagef("wechat: %s", usage)
	}
	fs := flag.NewFlagSet("wechat menu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	install := fs.Bool("install", false, "install the menu on the account (menu/create) instead of printing it")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{fmt.Errorf("wechat menu: %w", err)}
	}
	if fs.NArg() > 0 {
		return usagef("wechat menu: unexpected argument %q (%s)", fs.Arg(0), usage)
	}
	if !*install {
		js, err := wechat.MenuJSON()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", js)
		return err
	}
	cfg, ok, err := wechat.ConfigFromEnv(getenv)
	switch {
	case err != nil:
		return usageError{fmt.Errorf("wechat menu --install: %w", err)}
	case !ok:
		return usagef("wechat menu --install: WECHAT_APPID is not set")
	}
	opts := []wechat.Option{wechat.WithLogger(slog.New(slog.NewJSONHandler(stderr, nil)))}
	if url := getenv("REDIS_URL"); url != "" {
		rdb, err := redisstore.Open(url)
		if err != nil {
			return usageError{fmt.Errorf("REDIS_URL: %w", err)}
		}
		defer rdb.Close()
		opts = append(opts, wechat.WithCache(redisTokenCache{rdb}))
	}
	if err := wechat.InstallMenu(ctx, cfg, opts...); err != nil {
		return fmt.Errorf("wechat menu --install: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "menu installed on %s\n", cfg.AppID)
	return err
}

// redisKeyPrefix prefixes the WeChat keys in Redis.
const redisKeyPrefix = "policybot:wechat:"

// redisTokenCache keeps the SDK's access token in Redis (its cache.Cache):
// every replica uses one token, instead of each fetch invalidating the
// others' after 5 minutes. Values are strings (the SDK stores only the
// token); failures read as a miss.
type redisTokenCache struct{ rdb redis.UniversalClient }

func redisCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Second)
}

func (c redisTokenCache) Get(key string) any {
	ctx, cancel := redisCtx()
	defer cancel()
	v, err := c.rdb.Get(ctx, redisKeyPrefix+key).Result()
	if err != nil {
		return nil
	}
	return v
}

func (c redisTokenCache) Set(key string, val any, timeout time.Duration) error {
	s, ok := val.(string)
	if !ok {
		return errors.New("wechat token cache: only strings are kept")
	}
	ctx, cancel := redisCtx()
	defer cancel()
	return c.rdb.Set(ctx, redisKeyPrefix+key, s, max(timeout, time.Second)).Err()
}

func (c redisTokenCache) IsExist(key string) bool {
	ctx, cancel := redisCtx()
	defer cancel()
	n, err := c.rdb.Exists(ctx, redisKeyPrefix+key).Result()
	return err == nil && n > 0
}

func (c redisTokenCache) Delete(key string) error {
	ctx, cancel := redisCtx()
	defer cancel()
	return c.rdb.Del(ctx, redisKeyPrefix+key).Err()
}

// redisClaimer is wechat.Claimer on Redis (SET NX with a TTL).
type redisClaimer struct{ rdb redis.UniversalClient }

func (c redisClaimer) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return c.rdb.SetNX(ctx, redisKeyPrefix+"claim:"+key, 1, ttl).Result()
}
