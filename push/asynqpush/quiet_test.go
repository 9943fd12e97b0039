package asynqpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
)

func mustQuiet(t testing.TB, s string) QuietHours {
	t.Helper()
	q, err := ParseQuietHours(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestParseQuietHours(t *testing.T) {
	type row struct {
		In, Out string
		OK      bool
	}
	var got []row
	want := []row{
		{"21:00-08:00", "21:00-08:00", true},
		{"12:30-13:45", "12:30-13:45", true},
		{"00:00-23:59", "00:00-23:59", true},
		{"08:00-08:00", "", false}, {"21:00", "", false}, {"9:00-10:00", "", false},
		{"24:00-08:00", "", false}, {"21:60-08:00", "", false}, {" 21:00-08:00", "", false},
		{"21:00–08:00", "", false}, {"", "", false},
	}
	for _, c := range want {
		q, err := ParseQuietHours(c.In)
		out := ""
		if err == nil {
			out = q.String()
		}
		got = append(got, row{c.In, out, err == nil})
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if s := (QuietHours{}).String(); s != "none" {
		t.Errorf("zero QuietHours = %q", s)
	}
}

func at(day, hh, mm, ss int) time.Time { return time.Date(2026, 12, day, hh, mm, ss, 0, china) }

func TestQuietNext(t *testing.T) {
	q := mustQuiet(t, "21:00-08:00")
	type row struct {
		T         time.Time
		Contains  bool
		NextNoKey time.Time
	}
	var got, want []row
	for _, c := range []struct {
		t    time.Time
		in   bool
		next time.Time
	}{
		{at(1, 20, 59, 59), false, at(1, 20, 59, 59)},
		{at(1, 21, 0, 0), true, at(2, 8, 0, 0)},
		{at(1, 23, 59, 59), true, at(2, 8, 0, 0)},
		{at(2, 0, 0, 0), true, at(2, 8, 0, 0)},
		{at(2, 6, 24, 0), true, at(2, 8, 0, 0)},
		{at(2, 7, 59, 59), true, at(2, 8, 0, 0)},
		{at(2, 8, 0, 0), false, at(2, 8, 0, 0)},
		{at(2, 9, 0, 0).UTC(), false, at(2, 9, 0, 0)}, // any location
	} {
		want = append(want, row{c.t, c.in, c.next})
		got = append(got, row{c.t, q.Contains(c.t), q.Next(c.t, "")})
	}
	if d := cmp.Diff(want, got, cmp.Comparer(time.Time.Equal)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}

	// Keys spread the deferred pushes over the first hour, in whole seconds.
	seen := map[time.Time]bool{}
	for i := range 200 {
		n := q.Next(at(2, 3, 0, 0), fmt.Sprintf("bill:E%d:2026-12-01", i))
		if n.Before(at(2, 8, 0, 0)) || !n.Before(at(2, 9, 0, 0)) || n.Nanosecond() != 0 {
			t.Errorf("key %d: %v, want in [08:00, 09:00) on whole seconds", i, n)
		}
		seen[n] = true
	}
	if len(seen) < 150 {
		t.Errorf("200 keys at %d distinct times: not spread", len(seen))
	}
	// A short allowed window: the spread stays inside it.
	short := mustQuiet(t, "08:20-08:00")
	for i := range 100 {
		n := short.Next(at(2, 7, 0, 0), fmt.Sprint(i))
		if n.Before(at(2, 8, 0, 0)) || !n.Before(at(2, 8, 20, 0)) {
			t.Errorf("short window, key %d: %v", i, n)
		}
	}
	// A window inside the day.
	noon := mustQuiet(t, "12:00-13:30")
	if got, want := noon.Next(at(2, 12, 10, 0), ""), at(2, 13, 30, 0); !got.Equal(want) {
		t.Errorf("12:10 in 12:00-13:30: %v, want %v", got, want)
	}
	if (QuietHours{}).Contains(at(2, 3, 0, 0)) {
		t.Error("the zero QuietHours holds pushes back")
	}
}

// TestSendAtQuiet: a planned 09:00 already past at 06:24 (inside quiet
// hours) goes out at the next allowed time, spread by task id — not now.
func TestSendAtQuiet(t *testing.T) {
	now := time.Date(2026, 12, 1, 6, 24, 0, 0, china)
	q := mustQuiet(t, "21:00-08:00")
	sch := NewScheduler(nil, nil, ScheduleOptions{Now: func() time.Time { return now }, Quiet: q})
	seen := map[time.Time]bool{}
	for i := range 50 {
		id := BillTaskID(fmt.Sprintf("E%d", i), "2026-11-30")
		got := sch.SendAt(billDate, id)
		if got.Before(at(1, 8, 0, 0)) || !got.Before(at(1, 9, 0, 0)) {
			t.Errorf("%s at %v, want in [08:00, 09:00) on 2026-12-01", id, got)
		}
		seen[got] = true
	}
	if len(seen) < 40 {
		t.Errorf("50 tasks at %d distinct times", len(seen))
	}
	// Outside the window a past plan is now, a future one is its hour.
	now = time.Date(2026, 12, 1, 10, 0, 0, 0, china)
	if got := sch.SendAt(billDate, "x"); !got.Equal(now) {
		t.Errorf("at 10:00: %v, want now", got)
	}
	if got := sch.SendAt(billDate.AddDate(0, 0, 2), "x"); !got.Equal(at(2, 9, 0, 0)) {
		t.Errorf("tomorrow: %v, want 09:00", got)
	}
	// A send hour inside the window is moved out of it.
	late := NewScheduler(nil, nil, ScheduleOptions{Now: func() time.Time { return now }, Quiet: q, SendHour: 22})
	if got := late.SendAt(billDate.AddDate(0, 0, 2), ""); !got.Equal(at(3, 8, 0, 0)) {
		t.Errorf("22:00 planned: %v, want 08:00 the next morning", got)
	}
}

// fakeClock is the test's time: Sleep moves it (and miniredis' TIME, which
// the rate limiters and the pause read) instead of waiting.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	m   *miniredis.Miniredis
}

func newFakeClock(m *miniredis.Miniredis, start time.Time) *fakeClock {
	c := &fakeClock{now: start, m: m}
	m.SetTime(start)
	return c
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
		c.m.SetTime(t)
	}
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.m.SetTime(c.now)
	return nil
}

// scriptedSender answers each chat's sends from a script (nil: accepted)
// and records the time of every accepted send.
type scriptedSender struct {
	mu     sync.Mutex
	clock  func() time.Time
	script map[int64][]error
	sent   map[int64][]time.Time
	tries  int
}

func (s *scriptedSender) Send(_ context.Context, chat int64, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries++
	if q := s.script[chat]; len(q) > 0 {
		s.script[chat] = q[1:]
		if q[0] != nil {
			return q[0]
		}
	}
	if s.sent == nil {
		s.sent = map[int64][]time.Time{}
	}
	s.sent[chat] = append(s.sent[chat], s.clock())
	return nil
}

// simulate plays asynq on the fake clock: each task runs at its due time;
// an error brings it back after the server's retry delay (skip-retry
// errors and exhausted retries drop it). It returns when no task is left.
func simulate(t *testing.T, clock *fakeClock, w *Worker, q QuietHours, due map[string]time.Time, maxRetry int) (dropped []string) {
	t.Helper()
	delay := retryDelayFunc(q, clock.Now)
	retried := map[string]int{}
	tasks := map[string]*asynq.Task{}
	for id := range due {
		e := strings.TrimPrefix(id, "bill:")
		data, _ := json.Marshal(billPayload{Enterprise: e[:len(e)-11], Date: e[len(e)-10:]})
		tasks[id] = asynq.NewTask(TaskBill, data)
	}
	for steps := 0; len(due) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("simulation does not end")
		}
		var id string
		for k, at := range due {
			if id == "" || at.Before(due[id]) || at.Equal(due[id]) && k < id {
				id = k
			}
		}
		clock.Set(due[id])
		err := w.ProcessTask(context.Background(), tasks[id])
		switch {
		case err == nil:
			delete(due, id)
		case errors.Is(err, asynq.SkipRetry), isFailure(err) && retried[id] >= maxRetry:
			delete(due, id)
			dropped = append(dropped, id)
		default:
			due[id] = clock.Now().Add(delay(retried[id], err, tasks[id]))
			if isFailure(err) {
				retried[id]++
			}
		}
	}
	return dropped
}

// TestQuietHoursNoSendInside: bills planned at 20:59:58 whose sends fail
// (a network error, then a 429 of 30 s, then 5xx) would be retried inside
// 21:00-08:00; a task recovered at 23:30 would run at once. None is sent
// inside the window: all go out the next morning, spread, once each.
func TestQuietHoursNoSendInside(t *testing.T) {
	m, rdb, s := workerSetup(t)
	ctx := context.Background()
	roster := importChats(t, s, "Q", []int64{300, 301, 302, 303, 304, 305})
	q := mustQuiet(t, "21:00-08:00")
	clock := newFakeClock(m, time.Date(2026, 11, 30, 20, 59, 58, 0, china))
	sch := NewScheduler(s, asynq.NewClientFromRedisClient(rdb), ScheduleOptions{Now: clock.Now, Quiet: q, SendHour: 20})
	if r, err := sch.ScheduleBills(ctx, billDate); err != nil || r.Enqueued != len(roster)+1 { // + design's own chat 42
		t.Fatalf("%+v, %v", r, err)
	}
	due := map[string]time.Time{}
	ins := asynq.NewInspectorFromRedisClient(rdb)
	pending, err := ins.ListPendingTasks(DefaultQueue, asynq.PageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	scheduled, err := ins.ListScheduledTasks(DefaultQueue, asynq.PageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range append(pending, scheduled...) { // all planned for now, 20:59:58
		due[ti.ID] = clock.Now()
	}
	if len(due) != len(roster)+1 {
		t.Fatalf("%d tasks in the queue", len(due))
	}
	// A task a dead worker left, recovered in the middle of the night.
	due[BillTaskID("Q5", "2026-11-30")] = time.Date(2026, 11, 30, 23, 30, 0, 0, china)
	boom := errors.New("connection reset")
	f := &scriptedSender{clock: clock.Now, script: map[int64][]error{
		300: {boom},
		301: {&RetryAfterError{After: 30 * time.Second, Err: errors.New("Too Many Requests")}},
		302: {boom, boom, errors.New("bot api: HTTP 502")},
		303: {nil},
	}}
	w := NewWorker(s, rdb, f, WorkerOptions{Quiet: q, Now: clock.Now, Sleep: clock.Sleep})
	if dropped := simulate(t, clock, w, q, due, 12); len(dropped) > 0 {
		t.Errorf("dropped %v", dropped)
	}
	var inside []string
	var times []time.Time
	counts := map[int64]int{}
	for chat, ts := range f.sent {
		counts[chat] = len(ts)
		for _, ts := range ts {
			times = append(times, ts)
			if q.Contains(ts) {
				inside = append(inside, fmt.Sprintf("chat %d at %v", chat, ts))
			}
		}
	}
	if len(inside) > 0 {
		t.Errorf("%d sends inside quiet hours: %v", len(inside), inside)
	}
	wantCounts := map[int64]int{42: 1, 300: 1, 301: 1, 302: 1, 303: 1, 304: 1, 305: 1}
	if d := cmp.Diff(wantCounts, counts); d != "" {
		t.Errorf("sends per chat (-want +got):\n%s", d)
	}
	// 303 (accepted at once) and those with no script went out before 21:00;
	// the retried ones and the recovered Q5 the next morning, spread.
	var morning []time.Time
	for _, ts := range times {
		if ts.After(at(1, 0, 0, 0)) {
			morning = append(morning, ts)
			if ts.Before(at(1, 8, 0, 0)) || !ts.Before(at(1, 9, 0, 0)) {
				t.Errorf("deferred send at %v, want in [08:00, 09:00)", ts)
			}
		}
	}
	slices.SortFunc(morning, time.Time.Compare)
	if len(morning) < 4 || morning[0].Equal(morning[len(morning)-1]) {
		t.Errorf("morning sends %v: want the 3 retried and Q5, spread", morning)
	}
	t.Logf("%d sends, %d tries, morning: %v", len(times), f.tries, morning)
}
