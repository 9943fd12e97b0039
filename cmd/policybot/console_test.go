package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// TestConsoleLedger reads a real ledger through the console's interface:
// pages by cursor, the state and date filters, counts by state, and a
// cursor it did not give is console.ErrBadCursor.
func TestConsoleLedger(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	store := asynqpush.NewStore(rdb)
	p, err := push.ParseProfile(strings.NewReader(designProfile))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"E1", "E2", "E3"} {
		p.ID, p.ChatID = id, int64(100+i)
		if err := store.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	if _, err := asynqpush.NewScheduler(store, client, asynqpush.ScheduleOptions{}).ScheduleBills(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	l := consoleLedger{asynqpush.NewLedger(rdb, asynqpush.LedgerOptions{})}
	counts, err := l.Counts(ctx)
	if err != nil || len(counts) != len(console.PushStates) || counts["planned"] != 3 {
		t.Fatalf("Counts = %v, %v", counts, err)
	}
	for _, s := range console.PushStates {
		if _, ok := counts[s]; !ok {
			t.Errorf("Counts lacks %s", s)
		}
	}
	var ids []string
	cursor := ""
	for range 3 {
		es, next, err := l.List(ctx, console.PushFilter{State: "planned", Date: "2026-11-01"}, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.State != "planned" || e.Kind != "bill" || e.Date != "2026-11-01" || e.Updated.IsZero() {
				t.Errorf("entry %+v", e)
			}
			ids = append(ids, e.Enterprise)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if strings.Join(ids, " ") != "E1 E2 E3" {
		t.Errorf("pages gave %v", ids)
	}
	if es, _, err := l.List(ctx, console.PushFilter{State: "sent"}, "", 10); err != nil || len(es) != 0 {
		t.Errorf("sent: %v %v", es, err)
	}
	for _, bad := range []string{"nonsense", "E1", "2026-12-01:E1"} {
		if _, _, err := l.List(ctx, console.PushFilter{Date: "2026-11-01"}, bad, 10); !errors.Is(err, console.ErrBadCursor) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

// TestCorrectionNotifier: a reply goes to the chat the enterprise is
// subscribed from, through the push sender; an enterprise without one is
// console.ErrNoChat.
func TestCorrectionNotifier(t *testing.T) {
	ctx := context.Background()
	rdb, tg, a := fakeTelegramAdapter(t, nil)
	store := asynqpush.NewStore(rdb)
	if err := store.Save(ctx, push.Profile{ID: "E1", ChatID: 555}); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(ctx, push.Profile{ID: "E2"}); err != nil {
		t.Fatal(err)
	}
	n := correctionNotifier{store, telegramSender{a: a}}
	if err := n.Notify(ctx, "E1", "工作人员回复：已核对"); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-tg.sent:
		if m["chat_id"] != "555" || !strings.Contains(m["text"], "已核对") {
			t.Errorf("sent %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing sent")
	}
	for _, id := range []string{"E2", "E9"} {
		if err := n.Notify(ctx, id, "x"); !errors.Is(err, console.ErrNoChat) {
			t.Errorf("Notify(%s) = %v, want ErrNoChat", id, err)
		}
	}
}

// A curated answer written in the console is what the serving engine says
// to the next user who asks that question.
func TestCuratedAnswerReachesTheEngine(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	store := console.NewRedisCurated(rdb)
	ctx := context.Background()
	if _, err := store.Save(ctx, console.Curated{Question: "小巨人奖励什么时候申报", Answer: "以市经信局每年发布的申报通知为准。", Clauses: []string{"policy/1"}}); err != nil {
		t.Fatal(err)
	}
	corpus, ix, err := newIndex(ctx, config{})
	if err != nil {
		t.Fatal(err)
	}
	eng := bot.NewEngine(corpus, ix, bot.WithCuratedAnswers(curatedAnswers{store: store, log: slog.New(slog.DiscardHandler)}))
	a := eng.Ask(ctx, "小巨人奖励什么时候申报？")
	if a.Mode != bot.ModeCurated || !strings.Contains(a.Answer, "申报通知") {
		t.Errorf("mode %s: %s", a.Mode, a.Answer)
	}
}
