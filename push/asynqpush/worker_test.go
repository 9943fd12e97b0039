package asynqpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

type sent struct {
	Chat int64
	Text string
}

// fakeSender records sends and answers with err (nil: accepted).
type fakeSender struct {
	mu   sync.Mutex
	sent []sent
	err  error
	at   func() time.Time // when set, the time of each send is recorded
	when []time.Time
}

func (f *fakeSender) Send(_ context.Context, chat int64, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, sent{chat, text})
	if f.at != nil {
		f.when = append(f.when, f.at())
	}
	return nil
}

func billTask(t *testing.T, enterprise string) *asynq.Task {
	t.Helper()
	data, _ := json.Marshal(billPayload{Enterprise: enterprise, Date: "2026-11-30"})
	return asynq.NewTask(TaskBill, data)
}

func workerSetup(t *testing.T) (*miniredis.Miniredis, redis.UniversalClient, *Store) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	s := NewStore(rdb)
	p := designProfile(t)
	p.ChatID = 42
	if err := s.Save(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return m, rdb, s
}

func TestWorkerSendsOnce(t *testing.T) {
	_, rdb, s := workerSetup(t)
	f := &fakeSender{}
	w := NewWorker(s, rdb, f, WorkerOptions{})
	task := billTask(t, designProfile(t).ID)
	for range 2 { // a redelivery after the send finds the marker
		if err := w.ProcessTask(context.Background(), task); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(f.sent))
	}
	if f.sent[0].Chat != 42 || !strings.Contains(f.sent[0].Text, "【红利账单】") || !strings.Contains(f.sent[0].Text, "251万") {
		t.Errorf("sent %+v", f.sent[0])
	}
}

func TestWorker429RetriesAfterRetryAfter(t *testing.T) {
	_, rdb, s := workerSetup(t)
	f := &fakeSender{err: &RetryAfterError{After: 7 * time.Second, Err: errors.New("Too Many Requests")}}
	w := NewWorker(s, rdb, f, WorkerOptions{})
	task := billTask(t, designProfile(t).ID)
	err := w.ProcessTask(context.Background(), task)
	if err == nil {
		t.Fatal("no error on 429")
	}
	got := []any{RetryDelay(0, err, task), RetryDelay(5, err, task), isFailure(err), errors.Is(err, asynq.SkipRetry)}
	if d := cmp.Diff([]any{8 * time.Second, 8 * time.Second, false, false}, got); d != "" {
		t.Errorf("retry delay, isFailure, skip (-want +got):\n%s", d)
	}
	if n, _ := rdb.Exists(context.Background(), sentKey(BillTaskID(designProfile(t).ID, "2026-11-30"))).Result(); n != 0 {
		t.Error("sent marker written after 429")
	}
	// other errors: counted failures, exponential, capped
	other := errors.New("boom")
	got = []any{RetryDelay(0, other, task), RetryDelay(3, other, task), RetryDelay(20, other, task), isFailure(other)}
	if d := cmp.Diff([]any{2 * time.Second, 16 * time.Second, 10 * time.Minute, true}, got); d != "" {
		t.Errorf("other errors (-want +got):\n%s", d)
	}
}

func TestWorker403Unsubscribes(t *testing.T) {
	_, rdb, s := workerSetup(t)
	f := &fakeSender{err: fmt.Errorf("sendMessage: %w", ErrBlocked)}
	w := NewWorker(s, rdb, f, WorkerOptions{})
	id := designProfile(t).ID
	err := w.ProcessTask(context.Background(), billTask(t, id))
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("err = %v, want SkipRetry", err)
	}
	p, _ := s.Get(context.Background(), id)
	sub, _, _ := s.Subscribed(context.Background(), "", 10)
	if d := cmp.Diff([]any{int64(0), 0}, []any{p.ChatID, len(sub)}); d != "" {
		t.Errorf("chat, subscribed after 403 (-want +got):\n%s", d)
	}
	// a later task for it is acknowledged without sending
	f.err = nil
	if err := w.ProcessTask(context.Background(), billTask(t, id)); err != nil || len(f.sent) != 0 {
		t.Errorf("after unsubscribe: err %v, sent %d", err, len(f.sent))
	}
}

// TestWorkerRate drives the shared limiter on a fake clock: miniredis'
// TIME (which redis_rate's script reads) moves only when the worker sleeps.
func TestWorkerRate(t *testing.T) {
	m, rdb, s := workerSetup(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	m.SetTime(now)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sleep := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
		m.SetTime(now)
		return nil
	}
	const rate, n = 5, 40
	f := &fakeSender{at: clock}
	var ws []*Worker
	for range 2 { // two replicas share the limit
		ws = append(ws, NewWorker(s, rdb, f, WorkerOptions{Rate: rate, Sleep: sleep}))
	}
	// n enterprises in n chats: the per-chat limit plays no part
	chats := make([]int64, n)
	for i := range chats {
		chats[i] = int64(500 + i)
	}
	roster := importChats(t, s, "R", chats)
	start := clock()
	for i := range n {
		data, _ := json.Marshal(billPayload{Enterprise: roster[i].ID, Date: "2026-11-30"})
		if err := ws[i%2].ProcessTask(context.Background(), asynq.NewTask(TaskBill, data)); err != nil {
			t.Fatal(err)
		}
	}
	// Burst 2: no three sends within one emission interval, whichever
	// replica sends (at most rate + 1 in any second); n sends take about
	// (n-2) intervals.
	interval := time.Second / rate
	for i := 2; i < n; i++ {
		if d := f.when[i].Sub(f.when[i-2]); d < interval-time.Millisecond {
			t.Errorf("sends %d and %d %v apart: over %d/s", i-2, i, d, rate)
		}
	}
	elapsed := f.when[n-1].Sub(start)
	want := time.Duration(n-2) * interval
	if elapsed < want-interval || elapsed > want+interval {
		t.Errorf("%d sends at %d/s took %v on the fake clock, want ≈ %v", n, rate, elapsed, want)
	}
	t.Logf("%d sends at %d/s: %v of fake time", n, rate, elapsed)
}

// pacingSetup is two replicas' workers on one miniredis and a fake clock,
// and enterprises P0..P(n-1) whose chats are chats[i].
func pacingSetup(t *testing.T, chats []int64, send Sender) (*fakeClock, []*Worker, *Store) {
	t.Helper()
	m, rdb, s := workerSetup(t)
	clock := newFakeClock(m, time.Date(2026, 11, 30, 10, 0, 0, 0, china))
	importChats(t, s, "P", chats)
	var ws []*Worker
	for range 2 {
		ws = append(ws, NewWorker(s, rdb, send, WorkerOptions{Now: clock.Now, Sleep: clock.Sleep}))
	}
	return clock, ws, s
}

// TestWorkerChatInterval: three bills to one chat, taken by two replicas
// in turn between bills to other chats, reach it ≥ 1 s apart; the other
// chats are not held back by it.
func TestWorkerChatInterval(t *testing.T) {
	chats := []int64{7, 8, 7, 9, 7}
	f := &scriptedSender{}
	clock, ws, _ := pacingSetup(t, chats, f)
	f.clock = clock.Now
	start := clock.Now()
	for i := range chats {
		if err := ws[i%2].ProcessTask(context.Background(), billTask(t, fmt.Sprintf("P%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	got := map[int64][]time.Duration{}
	for c, ts := range f.sent {
		for _, at := range ts {
			got[c] = append(got[c], at.Sub(start).Round(10*time.Millisecond))
		}
	}
	// 25/s globally with a burst of 2 (chat 8's send may follow chat 7's
	// at once); chat 7 every 1.1 s. (One worker at a time here: chat 9
	// waits for the third task's turn.)
	want := map[int64][]time.Duration{7: {0, 1100 * time.Millisecond, 2200 * time.Millisecond}, 8: {0}, 9: {1100 * time.Millisecond}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("send times after the start (-want +got):\n%s", d)
	}
	for i := 1; i < len(f.sent[7]); i++ {
		if gap := f.sent[7][i].Sub(f.sent[7][i-1]); gap < time.Second {
			t.Errorf("chat 7: sends %d and %d %v apart", i-1, i, gap)
		}
	}
}

// TestWorkerPauseShared: a 429 on one replica's worker pauses the other
// for retry_after; a pause longer than MaxPauseWait sends the task back to
// asynq (not a failure) without sending.
func TestWorkerPauseShared(t *testing.T) {
	f := &scriptedSender{script: map[int64][]error{
		1: {&RetryAfterError{After: 3 * time.Second, Err: errors.New("Too Many Requests: retry after 3")}},
		3: {&RetryAfterError{After: 60 * time.Second, Err: errors.New("Too Many Requests: retry after 60")}},
	}}
	clock, ws, _ := pacingSetup(t, []int64{1, 2, 3, 4}, f)
	f.clock = clock.Now
	ctx := context.Background()
	t429 := clock.Now()
	err := ws[0].ProcessTask(ctx, billTask(t, "P0"))
	var ra *RetryAfterError
	if !errors.As(err, &ra) {
		t.Fatalf("429: %v", err)
	}
	if err := ws[1].ProcessTask(ctx, billTask(t, "P1")); err != nil {
		t.Fatal(err)
	}
	if got := f.sent[2][0].Sub(t429); got < 3*time.Second {
		t.Errorf("the other replica sent %v after the 429 (retry_after 3 s)", got)
	}
	// retry_after 60 s: the other replica gives the task back for 60 s.
	if err := ws[1].ProcessTask(ctx, billTask(t, "P2")); !errors.As(err, &ra) {
		t.Fatalf("429: %v", err)
	}
	t429 = clock.Now()
	err = ws[0].ProcessTask(ctx, billTask(t, "P3"))
	if !errors.As(err, &ra) || !errors.Is(err, errPaused) || isFailure(err) {
		t.Fatalf("paused worker: %v", err)
	}
	if d := RetryDelay(0, err, nil); d < 60*time.Second || d > 62*time.Second {
		t.Errorf("paused task back in %v, want ≈ 61 s", d)
	}
	if len(f.sent[4]) != 0 || clock.Now().Sub(t429) > time.Second {
		t.Errorf("paused worker sent %v, waited %v", f.sent[4], clock.Now().Sub(t429))
	}
}

// TestWorkerPauseIsPerChannel: a 429 from Telegram does not hold a WeChat
// push (an external chat id), nor WeChat's "busy" a Telegram one.
func TestWorkerPauseIsPerChannel(t *testing.T) {
	wx := ExternalChatBase + 1
	f := &scriptedSender{script: map[int64][]error{
		1:  {&RetryAfterError{After: 60 * time.Second, Err: errors.New("Too Many Requests: retry after 60")}},
		wx: {&RetryAfterError{After: 60 * time.Second, Err: errors.New("wechat: busy")}},
	}}
	clock, ws, _ := pacingSetup(t, []int64{1, wx + 1, wx, 2}, f)
	f.clock = clock.Now
	ctx := context.Background()
	var ra *RetryAfterError
	if err := ws[0].ProcessTask(ctx, billTask(t, "P0")); !errors.As(err, &ra) {
		t.Fatalf("Telegram 429: %v", err)
	}
	start := clock.Now()
	if err := ws[1].ProcessTask(ctx, billTask(t, "P1")); err != nil {
		t.Fatalf("WeChat push during Telegram's pause: %v", err)
	}
	if got := clock.Now().Sub(start); got > 2*time.Second {
		t.Errorf("the WeChat push waited %v for Telegram's pause", got)
	}
	if err := ws[0].ProcessTask(ctx, billTask(t, "P2")); !errors.As(err, &ra) {
		t.Fatalf("WeChat busy: %v", err)
	}
	// Telegram is still paused (60 s) and WeChat now too: each on its own.
	if err := ws[1].ProcessTask(ctx, billTask(t, "P3")); !errors.Is(err, errPaused) {
		t.Errorf("Telegram push during its own pause: %v, want errPaused", err)
	}
}
