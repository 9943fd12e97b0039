package asynqpush

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/push"
)

// TestLedgerForgetChat: /forget and /deleteprofile delete a chat's ledger
// entries (bills, reminders, re-bills) with their places in the indexes
// and their sent markers; other chats' entries stay.
func TestLedgerForgetChat(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		importChats(t, s, "F", []int64{100, 101})
		now := time.Date(2026, 11, 30, 10, 0, 0, 0, china)
		l := NewLedger(b.RDB, LedgerOptions{})
		sch := NewScheduler(s, asynq.NewClientFromRedisClient(b.RDB), ScheduleOptions{Now: func() time.Time { return now }, Ledger: l})
		if r, err := sch.ScheduleBills(ctx, billDate); err != nil || r.Enqueued != 2 {
			t.Fatalf("%+v, %v", r, err)
		}
		rem := change{kind: KindReminder, detail: push.ReminderCertReview, enterprise: "F0", date: "2026-11-30",
			state: StateSent, at: now, chat: 100, attempt: true, sentTTL: time.Hour}
		if _, err := l.record(ctx, rem); err != nil {
			t.Fatal(err)
		}
		n, err := s.ForgetChatPushes(ctx, 100)
		if err != nil || n != 2 {
			t.Fatalf("forgot %d, %v; want 2", n, err)
		}
		all, _, err := l.List(ctx, Filter{}, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var left []string
		for _, e := range all {
			left = append(left, e.Task())
		}
		counts, _ := l.Counts(ctx)
		got := []any{left, counts[StatePlanned], counts[StateSent]}
		want := []any{[]string{BillTaskID("F1", "2026-11-30")}, int64(1), int64(0)}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("left, planned, sent (-want +got):\n%s", d)
		}
		if n, _ := b.RDB.Exists(ctx, sentKey(rem.ref().taskID()), ledgerChatKey(100)).Result(); n != 0 {
			t.Error("the reminder's sent marker or the chat's index is still there")
		}
	})
}
