package asynqpush

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/policies"
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
	// Nothing more comes: asynq is left with no task to process.
	ins := asynq.NewInspectorFromRedisClient(rdb)
	waitFor(t, "the queue drained", func() bool {
		q, err := ins.GetQueueInfo(DefaultQueue)
		return err == nil && q.Pending+q.Scheduled+q.Retry+q.Active == 0
	})
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

// stubParamChange makes push.ParamChanges report a new value of param on
// day (params.yaml has no dated value yet), until the test ends.
func stubParamChange(t *testing.T, param string, day time.Time) {
	paramChanges = func(from, to time.Time) []string {
		if to.Equal(day) {
			return []string{param}
		}
		return nil
	}
	t.Cleanup(func() { paramChanges = push.ParamChanges })
}

// TestRebillParamsCalendarIsNotAParameter: on the first day of a new
// parameter value, a bill that changes that day for another reason (here
// a standard leaving its 12-month window) gets no re-bill: the new value
// changes none of its amounts, and the calendar's changes are the monthly
// bill's to tell. On a day without a new value nothing is looked at.
func TestRebillParamsCalendarIsNotAParameter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		p := designProfile(t)
		p.ChatID = 42
		if err := s.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
		sch := NewScheduler(s, asynq.NewClientFromRedisClient(b.RDB), ScheduleOptions{Now: func() time.Time { return time.Date(2027, 5, 1, 8, 0, 0, 0, china) }})
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
		stubParamChange(t, "standard_award", day)
		r, err := sch.RebillParams(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(Report{Subscribed: 1, Quiet: 1}, r); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		if n, err := b.RDB.Exists(ctx, asynqScheduledKey(DefaultQueue), asynqPendingKey(DefaultQueue)).Result(); err != nil || n != 0 {
			t.Errorf("asynq holds %d task lists, %v", n, err)
		}
	})
}

// TestRebillParamsDatedValue: the 小巨人 award's value in the parameter
// file (50万) stands as a new dated value taking effect on 2027-01-01 over
// an older 30万 (the file has no dated value yet, so paramBills gives the
// bill with the older value). Every subscribed enterprise whose bill it
// changes gets one re-bill stating that change alone — the award and the
// total, not the bill's other items — due at 09:00 that day, enqueued once
// however often the day is run, and delivered by the worker with that
// text; an enterprise the value does not concern gets nothing.
func TestRebillParamsDatedValue(t *testing.T) {
	rdb, s, p := giantAndOther(t)
	ctx := context.Background()
	day := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	stubParamChange(t, "little_giant_award", day)
	paramBills = func(p push.Profile, day time.Time, opts []push.BillOption) (old, new push.Bill) {
		new = push.ComputeBill(p, day, opts...)
		old = push.ComputeBill(p, day, opts...)
		old.Items = slices.Clone(old.Items)
		for i, it := range old.Items {
			if it.Rule == "little_giant" {
				it.AmountYuan = 300000
				it.Params = []policies.ParamRef{{Name: "little_giant_award", Clause: "policy/1", Quote: "一次性给予30万元奖励", Value: 300000, Unit: policies.UnitYuan}}
				old.Items[i] = it
				old.TotalYuan -= 200000
			}
		}
		return old, new
	}
	t.Cleanup(func() { paramBills = defaultParamBills })

	now := time.Date(2027, 1, 1, 7, 30, 0, 0, china)
	sch := NewScheduler(s, asynq.NewClientFromRedisClient(rdb), ScheduleOptions{Now: func() time.Time { return now }, Quiet: mustQuiet(t, "21:00-08:00")})
	var reports []Report
	for range 2 {
		r, err := sch.RebillParams(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, r)
	}
	if d := cmp.Diff([]Report{{Subscribed: 2, Quiet: 1, Enqueued: 1}, {Subscribed: 2, Quiet: 1, Duplicates: 1}}, reports); d != "" {
		t.Errorf("reports (-want +got):\n%s", d)
	}

	want := "您的账单有变化：新获评国家专精特新“小巨人”企业奖励 30万 → 50万（条文标准调整为“对新获评国家专精特新“小巨人”企业，一次性给予50万元奖励”）；可申请合计 231万 → 251万。"
	tasks, err := asynq.NewInspectorFromRedisClient(rdb).ListScheduledTasks(DefaultQueue)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Type, Text string
		At             time.Time
	}
	var got []row
	var pl billPayload
	for _, ti := range tasks {
		if err := json.Unmarshal(ti.Payload, &pl); err != nil {
			t.Fatal(err)
		}
		got = append(got, row{ti.ID, ti.Type, pl.Text, ti.NextProcessAt.In(china)})
	}
	wantRows := []row{{RebillTaskID(p.ID, changeHashText(want), "2027-01-01"), TaskRebill, want, time.Date(2027, 1, 1, 9, 0, 0, 0, china)}}
	if d := cmp.Diff(wantRows, got); d != "" {
		t.Fatalf("scheduled (-want +got):\n%s", d)
	}

	f := &fakeSender{}
	at9 := func() time.Time { return time.Date(2027, 1, 1, 9, 0, 0, 0, china) }
	w := NewWorker(s, rdb, f, WorkerOptions{Now: at9})
	if err := w.ProcessTask(ctx, asynq.NewTask(TaskRebill, tasks[0].Payload)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]sent{{42, want}}, f.sent); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
	e, ok, err := NewLedger(rdb, LedgerOptions{}).get(ctx, pushRef{KindRebill, p.ID, "2027-01-01", pl.Hash})
	if err != nil || !ok || e.State != StateSent || e.Chat != 42 {
		t.Errorf("ledger: %+v %v %v", e, ok, err)
	}
}

// giantAndOther stores the design profile (a 小巨人 of 2026-07-01, chat 42)
// and an enterprise a 小巨人 value does not concern (NOGIANT, chat 43), both
// subscribed, on the real Redis.
func giantAndOther(t *testing.T) (*redis.Client, *Store, push.Profile) {
	t.Helper()
	rdb := realRedis(t)
	s := NewStore(rdb)
	p := designProfile(t)
	p.ChatID = 42
	other := push.Profile{ID: "NOGIANT", ChatID: 43, Tiers: []push.Tier{{Tier: push.TierProvincial, Recognized: "2026-03-01", Kind: push.KindNew}}}
	for _, x := range []push.Profile{p, other} {
		if err := s.Save(context.Background(), x); err != nil {
			t.Fatal(err)
		}
	}
	return rdb, s, p
}

// changeHashText is changeHash of a change whose text is text.
func changeHashText(text string) string { return changeHash(push.Change{Text: text}) }

// TestRebillParamsRealDatedValue: a parameter table with a real dated value
// (the embedded params.yaml plus a final 小巨人 award of 60万 from
// 2027-01-01, loaded by policies.LoadParams) re-bills, on that day, only
// the enterprise the value changes, with that change alone — no stand-in
// for the parameter's change or the old bill.
func TestRebillParamsRealDatedValue(t *testing.T) {
	raw, err := os.ReadFile("../../policies/rules/params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const old = "    - {value: 500000, written: 50万, status: draft}\n"
	if !strings.Contains(string(raw), old) {
		t.Fatal("params.yaml: the 小巨人 award entry moved; update this test")
	}
	dated := strings.Replace(string(raw), old, old+"    - {value: 600000, written: 60万, status: final, from: 2027-01-01, quote: 对新获评国家专精特新“小巨人”企业，一次性给予60万元奖励}\n", 1)
	ps, err := policies.LoadParams([]byte(dated))
	if err != nil {
		t.Fatal(err)
	}
	rdb, s, _ := giantAndOther(t)
	ctx := context.Background()
	day := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2027, 1, 1, 7, 30, 0, 0, china)
	sch := NewScheduler(s, asynq.NewClientFromRedisClient(rdb), ScheduleOptions{Now: func() time.Time { return now }, Params: ps})
	if r, err := sch.RebillParams(ctx, day.AddDate(0, 0, 1)); err != nil || r != (Report{}) {
		t.Errorf("the day after the new value: %+v %v, want nothing looked at", r, err)
	}
	r, err := sch.RebillParams(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(Report{Subscribed: 2, Quiet: 1, Enqueued: 1}, r); d != "" { // Quiet: NOGIANT, nothing to say
		t.Errorf("report (-want +got):\n%s", d)
	}
	tasks, err := asynq.NewInspectorFromRedisClient(rdb).ListScheduledTasks(DefaultQueue)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("scheduled %d tasks, %v; want 1", len(tasks), err)
	}
	var pl billPayload
	if err := json.Unmarshal(tasks[0].Payload, &pl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pl.Text, "50万 → 60万") || !strings.Contains(pl.Text, "251万 → 261万") || strings.Count(pl.Text, "→") != 2 {
		t.Errorf("re-bill %q: want the 小巨人 line and the total only", pl.Text)
	}
	f := &fakeSender{}
	w := NewWorker(s, rdb, f, WorkerOptions{Now: func() time.Time { return time.Date(2027, 1, 1, 9, 0, 0, 0, china) }, Bill: []push.BillOption{push.WithParams(ps)}})
	if err := w.ProcessTask(ctx, asynq.NewTask(TaskRebill, tasks[0].Payload)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]sent{{42, pl.Text}}, f.sent); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
}
