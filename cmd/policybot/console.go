package main

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/push/asynqpush"
)

// consoleOptions give the staff console what it reads beside the
// conversation log: the push ledger, the corrections (with replies sent
// through send, the push sender of either channel, when one is configured:
// send non-nil) and the curated answers.
func consoleOptions(rdb redis.UniversalClient, send asynqpush.Sender, log *slog.Logger) []console.Option {
	opts := []console.Option{
		console.WithLogger(log),
		console.WithPushLedger(consoleLedger{asynqpush.NewLedger(rdb, asynqpush.LedgerOptions{})}),
		console.WithCorrections(newRedisCorrections(rdb)),
		console.WithCurated(console.NewRedisCurated(rdb)),
	}
	if send != nil {
		opts = append(opts, console.WithNotifier(correctionNotifier{asynqpush.NewStore(rdb), send}))
	}
	return opts
}

// consoleLedger is asynqpush.Ledger as console.PushLedger.
type consoleLedger struct{ l *asynqpush.Ledger }

// ledgerCursor is the form of a ledger cursor: the last entry's member,
// "YYYY-MM-DD:enterprise" (and, for a reminder or re-bill, its kind and
// detail).
var ledgerCursor = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}:.+$`)

func (c consoleLedger) List(ctx context.Context, f console.PushFilter, cursor string, limit int) ([]console.PushEntry, string, error) {
	if cursor != "" && (!ledgerCursor.MatchString(cursor) || f.Date != "" && !strings.HasPrefix(cursor, f.Date+":")) {
		return nil, "", console.ErrBadCursor
	}
	es, next, err := c.l.List(ctx, asynqpush.Filter{State: asynqpush.State(f.State), Date: f.Date}, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]console.PushEntry, len(es))
	for i, e := range es {
		out[i] = console.PushEntry{Kind: e.Kind, Detail: e.Detail, Enterprise: e.Enterprise, Date: e.Date, State: string(e.State), Attempts: e.Attempts,
			Updated: e.Updated, Next: e.Next, Error: e.Error}
	}
	return out, next, nil
}

func (c consoleLedger) Counts(ctx context.Context) (map[string]int64, error) {
	counts, err := c.l.Counts(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(counts))
	for s, n := range counts {
		out[string(s)] = n
	}
	return out, nil
}

// correctionNotifier sends staff's reply to a correction to the chat the
// enterprise is subscribed from, through the sender bills go out by.
type correctionNotifier struct {
	profiles *asynqpush.Store
	send     asynqpush.Sender
}

func (n correctionNotifier) Notify(ctx context.Context, enterprise, text string) error {
	p, err := n.profiles.Get(ctx, enterprise)
	switch {
	case errors.Is(err, asynqpush.ErrNotFound):
		return console.ErrNoChat
	case err != nil:
		return err
	case p.ChatID == 0:
		return console.ErrNoChat
	}
	return n.send.Send(ctx, p.ChatID, text)
}
