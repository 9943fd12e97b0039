package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// pushOverFakeAPI starts the push workers on rdb and the clock now,
// sending through the Telegram adapter to a fake Bot API on loopback, with
// quiet hours away from the real time; it returns the API and a restart
// function (the replica is stopped when the test ends).
func pushOverFakeAPI(t *testing.T, rdb redis.UniversalClient, env map[string]string, now func() time.Time) (*fakeBotAPI, func()) {
	t.Helper()
	api := &fakeBotAPI{got429: make(chan time.Time, 1)}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	log := slog.New(slog.DiscardHandler)
	cfg := serveConfig{telegramToken: "123:abc", secret: "k", telegramOpts: []telegram.Option{telegram.WithServerURL(srv.URL)}}
	a, err := newPushAdapter(cfg, nopConv{}, log)
	if err != nil {
		t.Fatal(err)
	}
	var stop func()
	start := func() {
		t.Helper()
		if stop != nil {
			stop()
		}
		if stop, err = startPushAt(context.Background(), rdb, telegramSender{a: a}, log, awakeEnv(env), nil, now); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if stop != nil {
			stop()
		}
	})
	return api, start
}

// sendsTo waits up to 15 s for n messages to chat starting with prefix,
// then 1 s more for any extra, and returns their texts.
func (f *fakeBotAPI) sendsTo(t *testing.T, chat, prefix string, n int) []string {
	t.Helper()
	var texts []string
	read := func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		texts = texts[:0]
		for _, s := range f.sends {
			if s.Chat == chat && strings.HasPrefix(s.Text, prefix) {
				texts = append(texts, s.Text)
			}
		}
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if read(); len(texts) >= n || time.Now().After(deadline) {
			break
		}
	}
	time.Sleep(time.Second)
	read()
	return slices.Clone(texts)
}

// TestSubscribeRebill: /subscribe with a changed R&D figure gets one
// message, the change alone; saving it again unchanged gets none; the first
// subscription gets none either (the bill is its news).
func TestSubscribeRebill(t *testing.T) {
	rdb := redistest.Real(t)
	api, start := pushOverFakeAPI(t, rdb, nil, time.Now)
	start()
	store := asynqpush.NewStore(rdb)
	sub := pushSubscribeCommand(store, subscribeScheduler(store, awakeEnv(nil)), time.Now)
	changed := strings.Replace(designProfile, `"2026": 9300000`, `"2026": 11500000`, 1)
	if changed == designProfile {
		t.Fatal("the design profile's 2026 R&D figure moved")
	}
	bindChat(t, store, designProfile, 5) // from the roster: binding sends no change
	for _, js := range []string{designProfile, changed, changed} {
		r, err := sub(context.Background(), cmdFor(5, "subscribe", js, false))
		if err != nil || !strings.Contains(r.Text, "已订阅") {
			t.Fatalf("/subscribe: %q, %v", r.Text, err)
		}
	}
	got := api.sendsTo(t, "5", "您的账单有变化", 1)
	want := []string{"您的账单有变化：研发投入增量补助 40万 → 60万（2026年研发投入登记为1150万）；可申请合计 251万 → 271万。"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("change messages (-want +got):\n%s", d)
	}
}

// TestPushTickReminders: the start-up tick enqueues the day's reminders
// (a certification review 90 days ahead), which go out once through the
// Telegram adapter; a restart ticks again and sends nothing new.
// /deleteprofile then removes the chat's ledger entries. The clock is
// injected: 10:00 on a day gone by, so that asynq runs the task at once.
func TestPushTickReminders(t *testing.T) {
	rdb := redistest.Real(t)
	ctx := context.Background()
	store := asynqpush.NewStore(rdb)
	now := func() time.Time { return time.Date(2026, 6, 10, 10, 0, 0, 0, chinaTime) }
	review := beijingDay(now()).AddDate(0, 0, 90)
	p := push.Profile{ID: "T1", ChatID: 9, Tiers: []push.Tier{{Tier: "provincial_sme", Recognized: review.AddDate(-3, 0, 0).Format(time.DateOnly), Kind: "new"}}}
	if err := store.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	api, start := pushOverFakeAPI(t, rdb, map[string]string{"WINDOWS_FILE": "../../push/testdata/windows.yaml"}, now)
	start()
	if got := api.sendsTo(t, "9", "【复核提醒】", 1); len(got) != 1 || !strings.Contains(got[0], "还有90天") {
		t.Fatalf("reminders %q, want one, 还有90天", got)
	}
	start() // a restart: the tick runs again
	if got := api.sendsTo(t, "9", "【复核提醒】", 1); len(got) != 1 {
		t.Errorf("after a restart %d reminders, want still 1", len(got))
	}
	l := asynqpush.NewLedger(rdb, asynqpush.LedgerOptions{})
	e, ok, err := l.GetReminder(ctx, "T1", push.ReminderCertReview, "2026-06-10")
	if err != nil || !ok || e.State != asynqpush.StateSent || e.Chat != 9 {
		t.Errorf("ledger: %+v %v %v", e, ok, err)
	}
	if n, err := deleteChatProfiles(ctx, store, 9); err != nil || n != 1 {
		t.Fatalf("deleteprofile: %d, %v", n, err)
	}
	all, _, err := l.List(ctx, asynqpush.Filter{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Chat == 9 {
			t.Errorf("left in the ledger after /deleteprofile: %+v", e)
		}
	}
}

// TestWindowsFileEnv: a missing or invalid WINDOWS_FILE is a usage error
// (exit 2) before anything starts.
func TestWindowsFileEnv(t *testing.T) {
	bad := writeProfile(t, "windows:\n  - name: x\n") // no clause, opens, closes
	for _, name := range []string{t.TempDir() + "/missing.yaml", bad} {
		_, err := pushReminderOptions(func(k string) string { return map[string]string{"WINDOWS_FILE": name}[k] })
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("WINDOWS_FILE=%s: %v, want a usage error", name, err)
		}
	}
	opts, err := pushReminderOptions(func(k string) string {
		return map[string]string{"WINDOWS_FILE": "../../push/testdata/windows.yaml", "POLICY_ISSUED": "2026-12-01"}[k]
	})
	if err != nil || len(opts) != 2 {
		t.Errorf("good file: %d options, %v", len(opts), err)
	}
}
