package telegram_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
)

// Wiring in cmd/policybot: options from the environment, the engine as
// the conversation, extra commands from other packages, then Run next to
// the HTTP server (which mounts WebhookHandler in webhook mode).
func Example() {
	var engine bot.Conversation // *bot.Engine
	getenv := os.Getenv
	ctx := context.Background()
	log := slog.Default()

	token := getenv("TELEGRAM_BOT_TOKEN")
	if token == "" {
		return // web chat only
	}
	opts, err := telegram.OptionsFromEnv(getenv)
	if err != nil {
		log.Error("telegram config", "err", err)
		return
	}
	opts = append(opts,
		telegram.WithLogger(log),
		telegram.WithMenuCommand("bill", "我的红利账单", func(ctx context.Context, c telegram.Command) (bot.Reply, error) {
			return bot.Reply{Text: "…"}, nil // e.g. push.Bill(ctx, c.Message.UserID)
		}),
	)
	tgAdapter, err := telegram.New(token, engine, opts...)
	if err != nil {
		log.Error("telegram disabled", "err", err)
		return
	}
	mux := http.NewServeMux()
	if p := tgAdapter.WebhookPath(); p != "" {
		mux.Handle(p, tgAdapter.WebhookHandler())
	}
	go func() {
		if err := tgAdapter.Run(ctx); err != nil {
			log.Error("telegram stopped", "err", err)
		}
	}()
}
