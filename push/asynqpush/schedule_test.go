package asynqpush

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/push"
)

func TestScheduleBillsDedup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		base := designProfile(t)
		var roster []push.Profile
		for i := range 3 {
			p := base
			p.ID = fmt.Sprintf("E%d", i)
			p.ChatID = int64(100 + i)
			roster = append(roster, p)
		}
		roster = append(roster,
			push.Profile{ID: "QUIET", ChatID: 200}, // nothing to say: no task
			func() push.Profile { p := base; p.ID = "NOSUB"; p.ChatID = 0; return p }())
		if _, err := s.Import(ctx, roster); err != nil {
			t.Fatal(err)
		}
		client := asynq.NewClientFromRedisClient(b.RDB)
		now := time.Date(2026, 11, 30, 8, 0, 0, 0, china)
		sch := NewScheduler(s, client, ScheduleOptions{Now: func() time.Time { return now }})
		r1, err := sch.ScheduleBills(ctx, billDate)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(Report{Subscribed: 4, Quiet: 1, Enqueued: 3}, r1); d != "" {
			t.Errorf("first run (-want +got):\n%s", d)
		}
		// A second run, and a second replica at the same time.
		sch2 := NewScheduler(s, asynq.NewClientFromRedisClient(b.RDB), ScheduleOptions{Now: func() time.Time { return now }})
		r2, err := sch.ScheduleBills(ctx, billDate)
		if err != nil {
			t.Fatal(err)
		}
		r3, err := sch2.ScheduleBills(ctx, billDate)
		if err != nil {
			t.Fatal(err)
		}
		want := Report{Subscribed: 4, Quiet: 1, Duplicates: 3}
		if d := cmp.Diff([]Report{want, want}, []Report{r2, r3}); d != "" {
			t.Errorf("re-runs (-want +got):\n%s", d)
		}
		ins := asynq.NewInspectorFromRedisClient(b.RDB)
		tasks, err := ins.ListScheduledTasks(DefaultQueue, asynq.PageSize(100))
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			ID string
			At time.Time
		}
		var got []row
		for _, ti := range tasks {
			got = append(got, row{ti.ID, ti.NextProcessAt.UTC()})
		}
		slices.SortFunc(got, func(a, b row) int { return strings.Compare(a.ID, b.ID) })
		at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) // 09:00 Asia/Shanghai
		wantRows := []row{{"bill:E0:2026-11-30", at}, {"bill:E1:2026-11-30", at}, {"bill:E2:2026-11-30", at}}
		if d := cmp.Diff(wantRows, got); d != "" {
			t.Errorf("scheduled tasks (-want +got):\n%s", d)
		}
	})
}

func TestSendAtPast(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 30, 0, 0, china)
	sch := NewScheduler(nil, nil, ScheduleOptions{Now: func() time.Time { return now }})
	if got := sch.SendAt(billDate, "x"); !got.Equal(now) {
		t.Errorf("SendAt after 09:00 = %v, want now %v", got, now)
	}
	if got, want := sch.SendAt(billDate.AddDate(0, 0, 1), "x"), time.Date(2026, 12, 1, 9, 0, 0, 0, china); !got.Equal(want) {
		t.Errorf("SendAt tomorrow = %v, want %v", got, want)
	}
}
