package main

import (
	"context"
	"log/slog"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/console"
)

// curatedAnswers lets the engine serve the answers staff curate in the
// console. A store error is logged and treated as no curated answer: the
// engine then answers as it would without one.
type curatedAnswers struct {
	store interface {
		Match(ctx context.Context, q string) (console.Curated, bool, error)
	}
	log *slog.Logger
}

func (c curatedAnswers) Match(ctx context.Context, q string) (bot.Curated, bool) {
	cur, ok, err := c.store.Match(ctx, q)
	if err != nil {
		c.log.Warn("curated answers unavailable", "err", err)
		return bot.Curated{}, false
	}
	if !ok {
		return bot.Curated{}, false
	}
	return bot.Curated{Answer: cur.Answer, Clauses: cur.Clauses}, true
}
