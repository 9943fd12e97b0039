package asynqpush

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/push"
)

// TestLedger follows six pushes through every state, on a flushed
// database, and reads them back with List and Counts.
func TestLedger(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		importChats(t, s, "E", []int64{100, 101, 102, 103, 104, 105})
		var mu sync.Mutex
		recorded := map[State]int{}
		ledger := NewLedger(b.RDB, LedgerOptions{OnRecord: func(st State) { mu.Lock(); recorded[st]++; mu.Unlock() }})
		now := time.Date(2026, 11, 30, 10, 0, 0, 0, china)
		clock := func() time.Time { return now }
		q := mustQuiet(t, "21:00-08:00")
		sch := NewScheduler(s, asynq.NewClientFromRedisClient(b.RDB), ScheduleOptions{Now: clock, Quiet: q, Ledger: ledger})
		if r, err := sch.ScheduleBills(ctx, billDate); err != nil || r.Enqueued != 6 {
			t.Fatalf("%+v, %v", r, err)
		}
		if _, err := sch.ScheduleBills(ctx, billDate); err != nil { // duplicates: nothing recorded
			t.Fatal(err)
		}
		counts, err := ledger.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[State]int64{StatePlanned: 6, StateSent: 0, StateFailed: 0, StateBlocked: 0, StateSkippedQuiet: 0, StateCancelled: 0}
		if d := cmp.Diff(want, counts); d != "" {
			t.Errorf("counts after scheduling (-want +got):\n%s", d)
		}

		boom := errors.New("connection reset")
		f := &scriptedSender{clock: clock, script: map[int64][]error{
			101: {fmt.Errorf("sendMessage: %w", ErrBlocked)},
			102: {boom},
			103: {&RetryAfterError{After: 2 * time.Second, Err: errors.New("Too Many Requests")}},
		}}
		w := NewWorker(s, b.RDB, f, WorkerOptions{Rate: 1000, Quiet: q, Now: clock, Ledger: ledger})
		run := func(e string) error { return w.ProcessTask(ctx, billTask(t, e)) }
		t0 := now
		_ = run("E0") // sent
		_ = run("E1") // blocked
		_ = run("E2") // failed
		now = now.Add(time.Minute)
		t1 := now
		_ = run("E2") // sent on the retry
		if _, err := s.Delete(ctx, "E4"); err != nil {
			t.Fatal(err)
		}
		_ = run("E4") // cancelled
		now = time.Date(2026, 11, 30, 23, 0, 0, 0, china)
		_ = run("E5") // skipped_quiet
		now = t1
		_ = run("E3") // 429: failed, back after retry_after
		_ = run("E0") // a redelivery: already sent, nothing recorded

		u := func(t time.Time) time.Time { return t.UTC() }
		at23 := time.Date(2026, 11, 30, 23, 0, 0, 0, china)
		wantEntries := []Entry{
			{Kind: KindBill, Enterprise: "E0", Date: "2026-11-30", State: StateSent, Chat: 100, Attempts: 1, Updated: u(t0)},
			{Kind: KindBill, Enterprise: "E1", Date: "2026-11-30", State: StateBlocked, Chat: 101, Attempts: 1, Updated: u(t0), Error: "sendMessage: " + ErrBlocked.Error()},
			{Kind: KindBill, Enterprise: "E2", Date: "2026-11-30", State: StateSent, Chat: 102, Attempts: 2, Updated: u(t1)},
			// back after retry_after + 1 s (RetryDelay)
			{Kind: KindBill, Enterprise: "E3", Date: "2026-11-30", State: StateFailed, Chat: 103, Attempts: 1, Updated: u(t1), Next: u(t1.Add(3 * time.Second)),
				Error: "rate limited, retry after 2s: Too Many Requests"},
			{Kind: KindBill, Enterprise: "E4", Date: "2026-11-30", State: StateCancelled, Chat: 104, Updated: u(t1)}, // the chat it was planned for
			{Kind: KindBill, Enterprise: "E5", Date: "2026-11-30", State: StateSkippedQuiet, Chat: 105, Updated: u(at23), Next: u(q.Next(at23, BillTaskID("E5", "2026-11-30")))},
		}
		all, next, err := ledger.List(ctx, Filter{}, "", 0)
		if err != nil || next != "" {
			t.Fatalf("List: next %q, %v", next, err)
		}
		if d := cmp.Diff(wantEntries, all); d != "" {
			t.Errorf("List (-want +got):\n%s", d)
		}
		// Pages of 4, a state, a date.
		p1, c1, err1 := ledger.List(ctx, Filter{}, "", 4)
		p2, c2, err2 := ledger.List(ctx, Filter{}, c1, 4)
		sent, _, err3 := ledger.List(ctx, Filter{State: StateSent}, "", 10)
		byDate, _, err4 := ledger.List(ctx, Filter{Date: "2026-11-30"}, "", 10)
		other, _, err5 := ledger.List(ctx, Filter{Date: "2026-12-01"}, "", 10)
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			t.Fatal(err)
		}
		type pages struct {
			Page1, Page2, Sent, ByDate, Other []Entry
			Cursor1, Cursor2                  string
		}
		wantPages := pages{wantEntries[:4], wantEntries[4:], []Entry{wantEntries[0], wantEntries[2]}, wantEntries, []Entry{}, "2026-11-30:E3", ""}
		if d := cmp.Diff(wantPages, pages{p1, p2, sent, byDate, other, c1, c2}); d != "" {
			t.Errorf("filtered pages (-want +got):\n%s", d)
		}
		if e, ok, err := ledger.Get(ctx, "E3", "2026-11-30"); err != nil || !ok || e.Task() != "bill:E3:2026-11-30" {
			t.Errorf("Get E3: %+v %v %v", e, ok, err)
		}

		counts, err = ledger.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want = map[State]int64{StatePlanned: 0, StateSent: 2, StateFailed: 1, StateBlocked: 1, StateSkippedQuiet: 1, StateCancelled: 1}
		if d := cmp.Diff(want, counts); d != "" {
			t.Errorf("counts (-want +got):\n%s", d)
		}
		wantRecorded := map[State]int{StatePlanned: 6, StateSent: 2, StateFailed: 2, StateBlocked: 1, StateSkippedQuiet: 1, StateCancelled: 1}
		mu.Lock()
		if d := cmp.Diff(wantRecorded, recorded); d != "" {
			t.Errorf("OnRecord calls (-want +got):\n%s", d)
		}
		mu.Unlock()
		if n, _ := b.RDB.Exists(ctx, sentKey(BillTaskID("E2", "2026-11-30"))).Result(); n != 1 {
			t.Error("no sent marker for E2")
		}
	})
}

// TestLedgerServerGivesUp runs a real asynq server: a push whose send
// fails with no retry left is failed with no next time, and says so.
func TestLedgerServerGivesUp(t *testing.T) {
	_, rdb, s := workerSetup(t)
	f := &scriptedSender{clock: time.Now, script: map[int64][]error{42: {errors.New("bot api: HTTP 502")}}}
	serveDesignBill(t, rdb, s, f, asynq.MaxRetry(0))
	id := designProfile(t).ID
	l := NewLedger(rdb, LedgerOptions{})
	var e Entry
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got, ok, _ := l.Get(context.Background(), id, "2026-11-30"); ok && got.State == StateFailed {
			e = got
			break
		}
	}
	type row struct {
		State    State
		Attempts int
		Next     time.Time
		Error    string
	}
	want := row{StateFailed, 1, time.Time{}, "no retry left: bot api: HTTP 502"}
	if d := cmp.Diff(want, row{e.State, e.Attempts, e.Next, e.Error}); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestLedgerRetention: an entry not updated for Retention is dropped, with
// its place in the indexes, when a later change is recorded.
func TestLedgerRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		l := NewLedger(b.RDB, LedgerOptions{Retention: 24 * time.Hour})
		day := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
		for _, c := range []change{
			{enterprise: "OLD", date: "2026-11-01", state: StatePlanned, at: day},
			{enterprise: "OLD", date: "2026-11-01", state: StateFailed, at: day.Add(time.Hour), attempt: true, err: "x"},
			{enterprise: "NEW", date: "2026-11-03", state: StatePlanned, at: day.Add(50 * time.Hour)},
		} {
			if _, err := l.record(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		all, _, err := l.List(ctx, Filter{}, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		counts, _ := l.Counts(ctx)
		want := []Entry{{Kind: KindBill, Enterprise: "NEW", Date: "2026-11-03", State: StatePlanned, Updated: day.Add(50 * time.Hour)}}
		if d := cmp.Diff(want, all); d != "" {
			t.Errorf("after retention (-want +got):\n%s", d)
		}
		if counts[StateFailed] != 0 || counts[StatePlanned] != 1 {
			t.Errorf("counts %v", counts)
		}
		if n, _ := b.RDB.Exists(ctx, ledgerKey(ledgerMember("OLD", "2026-11-01"))).Result(); n != 0 {
			t.Error("the old entry's hash is still there")
		}
	})
}

// importChats stores the design profile as enterprises prefix0, prefix1 …
// subscribed from chats[0], chats[1] …
func importChats(t testing.TB, s *Store, prefix string, chats []int64) []push.Profile {
	t.Helper()
	var roster []push.Profile
	for i, c := range chats {
		p := designProfile(t)
		p.ID, p.ChatID = fmt.Sprintf("%s%d", prefix, i), c
		roster = append(roster, p)
	}
	if _, err := s.Import(context.Background(), roster); err != nil {
		t.Fatal(err)
	}
	return roster
}
