package asynqpush

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/push"
)

// TestRebillOnSave, against the real asynq server and Redis: a profile
// saved with a changed R&D figure gets one message, the change alone; the
// same change found again that day is not enqueued again; a save that
// changes nothing enqueues nothing.
func TestRebillOnSave(t *testing.T) {
	rdb := realRedis(t)
	ctx := context.Background()
	s := NewStore(rdb)
	old := designProfile(t)
	old.ChatID = 42
	if err := s.Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{now: time.Date(2026, 11, 20, 10, 0, 0, 0, china)}
	f := &fakeSender{at: clock.Now}
	sch := pushServer(t, rdb, s, f, clock.Now, mustQuiet(t, "21:00-08:00"))
	day := chinaDay(clock.Now())

	changed := designProfile(t)
	changed.ChatID = 42
	changed.RDSpendYuan = map[string]int64{"2025": 5000000, "2026": 11500000}
	if err := s.Save(ctx, changed); err != nil {
		t.Fatal(err)
	}
	ch, isNew, err := sch.Rebill(ctx, old, changed, day)
	if err != nil || !isNew {
		t.Fatalf("rebill: new %v, %v", isNew, err)
	}
	if _, again, err := sch.Rebill(ctx, old, changed, day); err != nil || again {
		t.Errorf("the same change again: new %v, %v", again, err)
	}
	if err := s.Save(ctx, changed); err != nil { // saved again unchanged
		t.Fatal(err)
	}
	if none, isNew, err := sch.Rebill(ctx, changed, changed, day); err != nil || isNew || none.Text != "" {
		t.Errorf("unchanged save: new %v, %q, %v", isNew, none.Text, err)
	}
	waitFor(t, "the change", func() bool { return f.count() == 1 })
	time.Sleep(300 * time.Millisecond) // nothing more comes
	f.mu.Lock()
	got := append([]sent(nil), f.sent...)
	f.mu.Unlock()
	if d := cmp.Diff([]sent{{42, ch.Text}}, got); d != "" {
		t.Errorf("sends (-want +got):\n%s", d)
	}
	if !strings.HasPrefix(ch.Text, "您的账单有变化：") || !strings.Contains(ch.Text, "研发投入") || strings.Contains(ch.Text, "【红利账单】") {
		t.Errorf("change text %q", ch.Text)
	}
	var e Entry
	waitFor(t, "ledger", func() bool {
		es, _, _ := NewLedger(rdb, LedgerOptions{}).List(ctx, Filter{State: StateSent}, "", 10)
		if len(es) == 1 {
			e = es[0]
		}
		return e.State == StateSent
	})
	want := Entry{Kind: KindRebill, Detail: changeHash(ch), Enterprise: old.ID, Date: "2026-11-20", State: StateSent, Chat: 42, Attempts: 1}
	e.Updated = time.Time{}
	if d := cmp.Diff(want, e); d != "" {
		t.Errorf("ledger entry (-want +got):\n%s", d)
	}
	if got, want := e.Task(), RebillTaskID(old.ID, changeHash(ch), "2026-11-20"); got != want {
		t.Errorf("task %q, want %q", got, want)
	}
}

// TestRebillSuperseded: a re-bill whose profile was saved again before it
// went out (its bill is no longer the one the change led to) is not sent.
func TestRebillSuperseded(t *testing.T) {
	_, rdb, s := workerSetup(t)
	ctx := context.Background()
	f := &fakeSender{}
	w := NewWorker(s, rdb, f, WorkerOptions{Now: func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, china) }})
	data, _ := json.Marshal(billPayload{Enterprise: designProfile(t).ID, Date: "2026-11-20", Hash: "h", Text: "您的账单有变化：…", Bill: "stale"})
	if err := w.ProcessTask(ctx, asynq.NewTask(TaskRebill, data)); err != nil || len(f.sent) != 0 {
		t.Errorf("err %v, sent %v", err, f.sent)
	}
}

// TestRebillParams: on the first day of a new parameter value every
// subscribed enterprise whose bill changes from the day before gets a
// re-bill, once; on other days nothing is looked at. (params.yaml has no
// dated value yet, so the change is injected, and the bill's own change
// between the two days — a standard leaving its 12-month window — stands
// for the new value's.)
func TestRebillParams(t *testing.T) {
	_, rdb, s := workerSetup(t) // the design profile, chat 42
	ctx := context.Background()
	sch := NewScheduler(s, asynq.NewClientFromRedisClient(rdb), ScheduleOptions{Now: func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, china) }})
	p := designProfile(t)
	var day time.Time
	for d := time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if _, ok := push.BillChanges(push.ComputeBill(p, d.AddDate(0, 0, -1)), push.ComputeBill(p, d)); ok {
			day = d
			break
		}
	}
	if day.IsZero() {
		t.Fatal("no day in May 2027 where the design bill changes")
	}
	if r, err := sch.RebillParams(ctx, day); err != nil || r != (Report{}) {
		t.Errorf("no parameter change: %+v, %v", r, err)
	}
	paramChanges = func(from, to time.Time) []string {
		if to.Equal(day) {
			return []string{"standard_award"}
		}
		return nil
	}
	defer func() { paramChanges = push.ParamChanges }()
	var got []Report
	for range 2 {
		r, err := sch.RebillParams(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []Report{{Subscribed: 1, Enqueued: 1}, {Subscribed: 1, Duplicates: 1}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
