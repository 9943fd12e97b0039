package asynqpush

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// testClock is an injected clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func chinaAt(d time.Time, hh, mm int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, china)
}

// pushServer runs a real asynq server (two workers) on rdb delivering
// through f on clock, stopped when the test ends; it returns the
// scheduler, on the same clock and quiet hours.
func pushServer(t *testing.T, rdb redis.UniversalClient, s *Store, f Sender, clock func() time.Time, q QuietHours) *Scheduler {
	t.Helper()
	srv := NewServer(rdb, ServerOptions{Concurrency: 2, DelayedTaskCheckInterval: 50 * time.Millisecond, Quiet: q, Now: clock})
	if err := srv.Start(Mux(NewWorker(s, rdb, f, WorkerOptions{Quiet: q, Now: clock}))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	client := asynq.NewClientFromRedisClient(rdb)
	t.Cleanup(func() { client.Close() })
	return NewScheduler(s, client, ScheduleOptions{Now: clock, Quiet: q})
}

// waitFor polls cond for up to 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15 s", what)
		}
	}
}

func (f *fakeSender) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.sent) }

// TestRemindersScheduled ticks every day from 100 days before a
// certification's review (2026-08-15) to the day after it, twice a day, on
// an injected clock, against the real asynq server and Redis: the
// reminders 90, 30 and 7 days before arrive once each, none inside quiet
// hours (the 30-day one is ticked at 06:00, inside them, and goes out
// after 08:00), the second tick of a day enqueues nothing new, and each is
// in the ledger as a sent reminder.
func TestRemindersScheduled(t *testing.T) {
	rdb := realRedis(t)
	ctx := context.Background()
	s := NewStore(rdb)
	p := push.Profile{ID: "R1", Name: "成都复核测试有限公司", ChatID: 77,
		Tiers: []push.Tier{{Tier: "innovative_sme", Recognized: "2023-08-15", Kind: "new"}}}
	if err := s.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	q := mustQuiet(t, "21:00-08:00")
	clock := &testClock{}
	f := &fakeSender{at: clock.Now}
	sch := pushServer(t, rdb, s, f, clock.Now, q)
	ins := asynq.NewInspectorFromRedisClient(rdb)

	review := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	quietDay := review.AddDate(0, 0, -30)
	var ticks, entries []string
	for d := review.AddDate(0, 0, -100); !d.After(review.AddDate(0, 0, 1)); d = d.AddDate(0, 0, 1) {
		hour := 8
		if d.Equal(quietDay) {
			hour = 6
		}
		clock.Set(chinaAt(d, hour, 0))
		before := f.count()
		r1, err := sch.ScheduleReminders(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := sch.ScheduleReminders(ctx, d) // a second tick: a restart, another replica
		if err != nil {
			t.Fatal(err)
		}
		if r2.Enqueued != 0 || r2.Duplicates != r1.Enqueued+r1.Duplicates {
			t.Errorf("%s: second tick %+v after %+v: enqueued something again", d.Format(time.DateOnly), r2, r1)
		}
		if r1.Enqueued == 0 {
			continue
		}
		ticks = append(ticks, fmt.Sprintf("%s %d", d.Format(time.DateOnly), r1.Enqueued))
		id := push.ReminderTaskID(p.ID, push.ReminderCertReview, d.Format(time.DateOnly))
		if d.Equal(quietDay) {
			// Deferred by quiet hours: asynq holds it for the retry; at 08:30
			// it comes back (run now rather than in two real hours).
			waitFor(t, "deferral", func() bool {
				e, ok, _ := NewLedger(rdb, LedgerOptions{}).GetReminder(ctx, p.ID, push.ReminderCertReview, d.Format(time.DateOnly))
				return ok && e.State == StateSkippedQuiet
			})
			if f.count() != before {
				t.Fatal("sent inside quiet hours")
			}
			clock.Set(chinaAt(d, 8, 30))
			waitFor(t, "retry scheduled", func() bool { return ins.RunTask(DefaultQueue, id) == nil })
		}
		waitFor(t, "reminder of "+d.Format(time.DateOnly), func() bool { return f.count() == before+1 })
		// The ledger (read now: its 40-day retention drops it later).
		var e Entry
		waitFor(t, "ledger of "+d.Format(time.DateOnly), func() bool {
			e, _, _ = NewLedger(rdb, LedgerOptions{}).GetReminder(ctx, p.ID, push.ReminderCertReview, d.Format(time.DateOnly))
			return e.State == StateSent
		})
		entries = append(entries, fmt.Sprintf("%s %s %s %d %s", e.Kind, e.Detail, e.Date, e.Chat, e.Task()))
	}
	if d := cmp.Diff([]string{"2026-05-17 1", "2026-07-16 1", "2026-08-08 1"}, ticks); d != "" {
		t.Errorf("days a reminder was enqueued (-want +got):\n%s", d)
	}
	time.Sleep(300 * time.Millisecond) // nothing more comes
	f.mu.Lock()
	var got []string
	for i, m := range f.sent {
		got = append(got, fmt.Sprintf("%d %s", m.Chat, f.when[i].In(china).Format("2006-01-02 15:04")))
		if q.Contains(f.when[i]) {
			t.Errorf("sent inside quiet hours at %v", f.when[i])
		}
	}
	texts := []string{}
	for _, m := range f.sent {
		texts = append(texts, m.Text)
	}
	f.mu.Unlock()
	want := []string{"77 2026-05-17 08:00", "77 2026-07-16 08:30", "77 2026-08-08 08:00"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sends (-want +got):\n%s", d)
	}
	for i, n := range []string{"还有90天", "还有30天", "还有7天"} {
		if i < len(texts) && (!strings.Contains(texts[i], n) || !strings.HasPrefix(texts[i], "【复核提醒】")) {
			t.Errorf("reminder %d: %q, want 【复核提醒】…%s", i, texts[i], n)
		}
	}
	wantEntries := []string{
		"reminder cert_review 2026-05-17 77 reminder:cert_review:2026-05-17:R1",
		"reminder cert_review 2026-07-16 77 reminder:cert_review:2026-07-16:R1",
		"reminder cert_review 2026-08-08 77 reminder:cert_review:2026-08-08:R1",
	}
	if d := cmp.Diff(wantEntries, entries); d != "" {
		t.Errorf("ledger (-want +got):\n%s", d)
	}
}

// TestReminderPastNotSent: a reminder task that comes up after its due day
// (a tick late in the evening, deferred to the next morning) is not sent;
// one the profile no longer gives neither. Both are recorded cancelled.
func TestReminderPastNotSent(t *testing.T) {
	_, rdb, s := workerSetup(t)
	ctx := context.Background()
	p := push.Profile{ID: "R2", ChatID: 78, Tiers: []push.Tier{{Tier: "innovative_sme", Recognized: "2023-08-15", Kind: "new"}}}
	if err := s.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{now: time.Date(2026, 8, 9, 8, 10, 0, 0, china)}
	f := &fakeSender{}
	w := NewWorker(s, rdb, f, WorkerOptions{Now: clock.Now})
	task := func(kind, due string) *asynq.Task {
		data, _ := json.Marshal(billPayload{Enterprise: p.ID, Date: due, Kind: kind})
		return asynq.NewTask(TaskReminder, data)
	}
	for _, tk := range []*asynq.Task{task(push.ReminderCertReview, "2026-08-08"), task(push.ReminderCertReview, "2026-08-10")} {
		if err := w.ProcessTask(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.sent) != 0 {
		t.Errorf("sent %v", f.sent)
	}
	l := NewLedger(rdb, LedgerOptions{})
	var got []string
	for _, due := range []string{"2026-08-08", "2026-08-10"} {
		e, _, _ := l.GetReminder(ctx, p.ID, push.ReminderCertReview, due)
		got = append(got, string(e.State)+": "+e.Error)
	}
	want := []string{"cancelled: reminder past: due 2026-08-08", "cancelled: reminder no longer due: the profile or the dates changed"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
