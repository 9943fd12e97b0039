package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	tgbot "github.com/go-telegram/bot"
	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
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
	sub, bill, unsub, forget := pushSubscribeCommand(store, nil, now), pushBillCommand(store, newCorrections(rdb, "k"), getenv, now), pushUnsubscribeCommand(store), pushForgetCommand(store)
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
	bindChat(t, store, designProfile, 5)
	check(has(say(sub, cmdFor(5, "subscribe", designProfile, false)), "已订阅"), "已订阅")
	check(has(say(sub, cmdFor(6, "subscribe", designProfile, false)), "绑定码"), "绑定码")
	check(has(say(bill, cmdFor(5, "bill", "", false)), "可申请合计：251万"), "可申请合计：251万")
	check(has(say(bill, cmdFor(6, "bill", "", false)), "尚未订阅"), "尚未订阅")
	check(has(say(unsub, cmdFor(5, "unsubscribe", "", false)), "已退订（1"), "已退订（1")
	// An owner that unsubscribed still sees its bill, and can delete its data.
	check(has(say(bill, cmdFor(5, "bill", "", false)), "已退订账单推送"), "已退订账单推送")
	check(has(say(sub, cmdFor(6, "subscribe", designProfile, false)), "绑定码"), "绑定码")
	bindChat(t, store, designProfile, 6)
	check(has(say(bill, cmdFor(5, "bill", "", false)), "尚未订阅"), "尚未订阅")
	check(has(say(unsub, cmdFor(6, "unsubscribe", "", false)), "已退订（1"), "已退订（1")
	check(has(say(forget, cmdFor(6, "deleteprofile", "", false)), "删除本会话绑定的 1 家"), "删除本会话绑定的 1 家")
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
	reg := prometheus.NewRegistry()
	stop, err := startPush(ctx, rdb, sent, slog.New(slog.DiscardHandler), awakeEnv(nil), reg)
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
	// The ledger in /metrics: this replica recorded the send (just after
	// it); the planning was another process's (the scheduler above). The
	// shared ledger holds one push, sent.
	want := map[string]float64{"planned": 0, "sent": 1, "failed": 0, "blocked": 0, "skipped_quiet": 0, "cancelled": 0}
	var got map[string]float64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got = ledgerMetric(t, reg, "policybot_push_ledger_total"); cmp.Equal(want, got) {
			break
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("policybot_push_ledger_total (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, ledgerMetric(t, reg, "policybot_push_ledger_pushes")); d != "" {
		t.Errorf("policybot_push_ledger_pushes (-want +got):\n%s", d)
	}
}

// ledgerMetric reads a metric by its state label from reg.
func ledgerMetric(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			v := m.GetCounter().GetValue() + m.GetGauge().GetValue()
			out[m.GetLabel()[0].GetValue()] = v
		}
	}
	return out
}

// awakeEnv is env with QUIET_HOURS set to an hour that starts two hours
// from now: the real clock is never inside it while a test runs.
func awakeEnv(env map[string]string) func(string) string {
	c := time.Now().In(chinaTime)
	q := c.Add(2*time.Hour).Format("15:04") + "-" + c.Add(3*time.Hour).Format("15:04")
	return func(k string) string {
		if k == "QUIET_HOURS" {
			return q
		}
		return env[k]
	}
}

func TestPushQuietHoursEnv(t *testing.T) {
	type row struct {
		Env, Got string
		Usage    bool
	}
	var got, want []row
	for _, c := range []row{{"", "21:00-08:00", false}, {"22:30-07:15", "22:30-07:15", false},
		{"21:00", "", true}, {"08:00-08:00", "", true}, {"9pm-8am", "", true}} {
		q, err := pushQuietHours(func(string) string { return c.Env })
		var ue usageError
		r := row{Env: c.Env, Usage: errors.As(err, &ue)}
		if err == nil {
			r.Got = q.String()
		}
		got, want = append(got, r), append(want, c)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// startPush refuses it before starting anything, with or without a sender.
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	bad := func(k string) string { return map[string]string{"QUIET_HOURS": "25:00-08:00"}[k] }
	for _, s := range []asynqpush.Sender{nil, make(chanSender, 1)} {
		var ue usageError
		if _, err := startPush(context.Background(), rdb, s, slog.New(slog.DiscardHandler), bad, nil); !errors.As(err, &ue) {
			t.Errorf("startPush with QUIET_HOURS=25:00-08:00: %v, want a usage error", err)
		}
	}
}

// fakeBotAPI is the Bot API for push tests: it records every sendMessage
// (chat, time) and answers the first one to chat429 with a 429, retry_after 2.
type fakeBotAPI struct {
	mu      sync.Mutex
	sends   []botSend
	chat429 string
	got429  chan time.Time
}

type botSend struct {
	Chat string
	At   time.Time
	Text string
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	_ = r.ParseMultipartForm(1 << 20)
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"policybot","username":"policybot"}}`)
	case "sendMessage":
		chat := r.FormValue("chat_id")
		f.mu.Lock()
		defer f.mu.Unlock()
		if chat == f.chat429 {
			f.chat429 = ""
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}}`)
			f.got429 <- time.Now()
			return
		}
		f.sends = append(f.sends, botSend{chat, time.Now(), r.FormValue("text")})
		io.WriteString(w, `{"ok":true,"result":{"message_id":9,"date":1764000000,"chat":{"id":1,"type":"private"}}}`)
	default:
		io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

// TestPushPacingTelegram runs the real client path (telegramSender over
// the push adapter, against a fake Bot API) on two replicas sharing Redis:
// a 429 on replica 1 pauses replica 2 for its retry_after, and three bills
// to one chat reach it at least 1 s apart.
func TestPushPacingTelegram(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	api := &fakeBotAPI{chat429: "8", got429: make(chan time.Time, 1)}
	srv := httptest.NewServer(api)
	defer srv.Close()
	log := slog.New(slog.DiscardHandler)
	replica := func() func() {
		t.Helper()
		cfg := serveConfig{telegramToken: "123:abc", secret: "k", telegramOpts: []telegram.Option{telegram.WithServerURL(srv.URL)}}
		a, err := newPushAdapter(cfg, nopConv{}, log)
		if err != nil {
			t.Fatal(err)
		}
		stop, err := startPush(ctx, rdb, telegramSender{a: a}, log, awakeEnv(nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		return stop
	}
	store := asynqpush.NewStore(rdb)
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	schedule := func(ids []string, chat int64) {
		t.Helper()
		for _, id := range ids {
			p, err := push.ParseProfile(strings.NewReader(designProfile))
			if err != nil {
				t.Fatal(err)
			}
			p.ID, p.ChatID = id, chat
			if err := store.Save(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		// A bill date in the past goes out now.
		if _, err := asynqpush.NewScheduler(store, client, asynqpush.ScheduleOptions{}).ScheduleBills(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}

	stop1 := replica()
	schedule([]string{"B"}, 8)
	var t429 time.Time
	select {
	case t429 = <-api.got429:
	case <-time.After(15 * time.Second):
		t.Fatal("no send to chat 8 in 15 s")
	}
	stop1() // replica 1 is gone; its pause is in Redis
	stop2 := replica()
	defer stop2()
	schedule([]string{"A1", "A2", "A3"}, 7)
	var sends []botSend
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		api.mu.Lock()
		sends = slices.Clone(api.sends)
		api.mu.Unlock()
		if len(sends) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sends after 20 s: %v", sends)
		}
	}
	var to7 []time.Time
	for _, s := range sends {
		if d := s.At.Sub(t429); d < 2*time.Second {
			t.Errorf("chat %s sent %v after the 429 (retry_after 2 s): not paused", s.Chat, d)
		}
		if s.Chat == "7" {
			to7 = append(to7, s.At)
		}
	}
	if len(to7) != 3 {
		t.Fatalf("chat 7 got %d bills", len(to7))
	}
	for i := 1; i < len(to7); i++ {
		if gap := to7[i].Sub(to7[i-1]); gap < time.Second {
			t.Errorf("chat 7: bills %d and %d %v apart", i, i+1, gap)
		}
	}
	t.Logf("after the 429: %v", func() (ds []time.Duration) {
		for _, s := range sends {
			ds = append(ds, s.At.Sub(t429).Round(time.Millisecond))
		}
		return
	}())
}

// nopConv is a Conversation for an adapter that only sends.
type nopConv struct{}

func (nopConv) Handle(context.Context, bot.Message) (bot.Reply, error) { return bot.Reply{}, nil }
func (nopConv) Feedback(context.Context, bot.Feedback) (string, error) { return "", nil }
func (nopConv) Forget(context.Context, bot.Message) error              { return nil }
