package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	tgbot "github.com/go-telegram/bot"
	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push/asynqpush"
)

func TestPushImportSchedule(t *testing.T) {
	m := miniredis.RunT(t)
	env := map[string]string{"REDIS_URL": "redis://" + m.Addr()}
	getenv := func(k string) string { return env[k] }
	roster := filepath.Join(t.TempDir(), "roster.jsonl")
	other := `{"id": "OTHER", "tiers": [{"tier": "little_giant", "recognized": "2026-07-01", "kind": "new"}]}`
	if err := os.WriteFile(roster, []byte(strings.ReplaceAll(designProfile, "\n", " ")+"\n"+other+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := runPush(ctx, []string{"import", roster}, getenv, nil, &out, &errb); err != nil {
		t.Fatalf("import: %v (%s)", err, errb.String())
	}
	var reports []string
	for range 2 {
		out.Reset()
		if err := runPush(ctx, []string{"schedule", "--date", "2026-11-30"}, getenv, nil, &out, &errb); err != nil {
			t.Fatalf("schedule: %v (%s)", err, errb.String())
		}
		reports = append(reports, strings.Join(strings.Fields(out.String()), ""))
	}
	want := []string{
		`{"subscribed":1,"quiet":0,"enqueued":1,"duplicates":0}`,
		`{"subscribed":1,"quiet":0,"enqueued":0,"duplicates":1}`,
	}
	if d := cmp.Diff(want, reports); d != "" {
		t.Errorf("schedule reports (-want +got):\n%s", d)
	}
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	info, err := asynq.NewInspectorFromRedisClient(rdb).GetTaskInfo(asynqpush.DefaultQueue, "bill:91510100MA6XXXXXXX:2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if at := info.NextProcessAt.UTC(); !at.Equal(time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)) && at.After(time.Now().Add(time.Minute)) {
		t.Errorf("task at %v, want 09:00 Beijing on 2026-11-30 (or now)", at)
	}

	if err := runPush(ctx, []string{"schedule"}, func(string) string { return "" }, nil, &out, &errb); err == nil {
		t.Error("schedule without REDIS_URL succeeded")
	}
}

func cmdFor(chat int64, name, args string, staff bool) telegram.Command {
	return telegram.Command{Name: name, Args: args, Staff: staff,
		Message: bot.Message{Channel: "telegram", ChatID: fmt.Sprint(chat), UserID: fmt.Sprint(chat), Text: "/" + name + " " + args}}
}

func TestPushCommands(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	store := asynqpush.NewStore(rdb)
	now := func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, chinaTime) }
	getenv := func(string) string { return "" }
	sub, bill, unsub, forget := pushSubscribeCommand(store), pushBillCommand(store, newCorrections(rdb, "k"), getenv, now), pushUnsubscribeCommand(store), pushForgetCommand(store)
	ctx := context.Background()
	say := func(h telegram.CommandHandler, c telegram.Command) string {
		t.Helper()
		r, err := h(ctx, c)
		if err != nil {
			t.Fatalf("/%s: %v", c.Name, err)
		}
		return r.Text
	}
	type step struct{ Got, Want string }
	var steps []step
	check := func(got, want string) { steps = append(steps, step{got, want}) }
	has := func(s, sub string) string {
		if strings.Contains(s, sub) {
			return sub
		}
		return s
	}
	check(has(say(sub, cmdFor(5, "subscribe", "", false)), "用法"), "用法")
	check(has(say(sub, cmdFor(5, "subscribe", `{"id": "X", "bogus": 1}`, false)), "bogus"), "bogus")
	check(has(say(sub, cmdFor(5, "subscribe", designProfile, false)), "已订阅"), "已订阅")
	check(has(say(sub, cmdFor(6, "subscribe", designProfile, false)), "另一个会话"), "另一个会话")
	check(has(say(bill, cmdFor(5, "bill", "", false)), "可申请合计：251万"), "可申请合计：251万")
	check(has(say(bill, cmdFor(6, "bill", "", false)), "尚未订阅"), "尚未订阅")
	check(has(say(unsub, cmdFor(5, "unsubscribe", "", false)), "已退订（1"), "已退订（1")
	check(has(say(bill, cmdFor(5, "bill", "", false)), "尚未订阅"), "尚未订阅")
	check(has(say(sub, cmdFor(6, "subscribe", designProfile, false)), "已订阅"), "已订阅")
	check(has(say(forget, cmdFor(6, "deleteprofile", "", false)), "删除本会话订阅的 1 家"), "删除本会话订阅的 1 家")
	var got, want []string
	for _, s := range steps {
		got, want = append(got, s.Got), append(want, s.Want)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("replies (-want +got):\n%s", d)
	}
	if _, err := store.Get(ctx, "91510100MA6XXXXXXX"); !errors.Is(err, asynqpush.ErrNotFound) {
		t.Errorf("after /deleteprofile: %v", err)
	}
}

func TestMapSendError(t *testing.T) {
	blocked := mapSendError(fmt.Errorf("sendMessage: %w: forbidden", telegram.ErrBlocked))
	var ra *asynqpush.RetryAfterError
	tooMany := mapSendError(fmt.Errorf("sendMessage: giving up: %w", &tgbot.TooManyRequestsError{Message: "Too Many Requests", RetryAfter: 17}))
	got := []any{errors.Is(blocked, asynqpush.ErrBlocked), errors.As(tooMany, &ra), mapSendError(nil)}
	if d := cmp.Diff([]any{true, true, nil}, got, cmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if ra != nil && asynqpush.RetryDelay(0, tooMany, nil) != 18*time.Second {
		t.Errorf("retry delay %v, want 18s (retry_after + 1 s)", asynqpush.RetryDelay(0, tooMany, nil))
	}
}

func TestPushRate(t *testing.T) {
	for _, c := range []struct {
		env  string
		want int
		ok   bool
	}{{"", 25, true}, {"10", 10, true}, {"0", 0, false}, {"x", 0, false}} {
		n, err := pushRate(func(string) string { return c.env })
		if n != c.want || (err == nil) != c.ok {
			t.Errorf("PUSH_RATE=%q: %d, %v", c.env, n, err)
		}
	}
}

type chanSender chan string

func (c chanSender) Send(_ context.Context, _ int64, text string) error { c <- text; return nil }

func TestStartPushDelivers(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	if err := runPush(ctx, []string{"import", writeProfile(t, strings.ReplaceAll(designProfile, "\n", " "))}, func(k string) string {
		if k == "REDIS_URL" {
			return "redis://" + m.Addr()
		}
		return ""
	}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	sent := make(chanSender, 4)
	stop, err := startPush(ctx, rdb, sent, slog.New(slog.DiscardHandler), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// A bill date in the past goes out now.
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	if _, err := asynqpush.NewScheduler(asynqpush.NewStore(rdb), client, asynqpush.ScheduleOptions{}).ScheduleBills(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	select {
	case text := <-sent:
		if !strings.Contains(text, "【红利账单】") {
			t.Errorf("sent %q", text)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("nothing sent in 15 s")
	}
}
