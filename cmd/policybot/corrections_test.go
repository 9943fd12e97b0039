package main

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/push"
)

func TestRedisCorrections(t *testing.T) {
	redistest.ForEach(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		s := newRedisCorrections(b.RDB)
		at := time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC)
		if _, _, err := s.Add(ctx, push.Correction{Enterprise: "E1"}); err == nil {
			t.Error("a correction without bill date was stored")
		}
		// Text is masked and cut; ids order by arrival.
		var ids []string
		for i := range 5 {
			id, added, err := s.Add(ctx, push.Correction{Enterprise: "E1", BillDate: "2026-12-01", Source: push.CorrectionCommand,
				Text: fmt.Sprintf("第%d条：联系人电话13812345678", i), At: at})
			if err != nil || !added || id == "" {
				t.Fatalf("Add %d: %q %v %v", i, id, added, err)
			}
			ids = append(ids, id)
		}
		long := make([]rune, push.MaxCorrectionText+10)
		for i := range long {
			long[i] = '错'
		}
		if _, _, err := s.Add(ctx, push.Correction{Enterprise: "E2", BillDate: "2026-12-01", Source: push.CorrectionCommand, Text: string(long) + "\xff"}); err != nil {
			t.Fatal(err)
		}
		// A button correction is recorded once per enterprise and bill date.
		for i, want := range []bool{true, false} {
			if _, added, err := s.Add(ctx, push.Correction{Enterprise: "E1", BillDate: "2026-11-01", Source: push.CorrectionButton, At: at}); err != nil || added != want {
				t.Errorf("tap %d: added %v, %v", i, added, err)
			}
		}
		if _, added, _ := s.Add(ctx, push.Correction{Enterprise: "E1", BillDate: "2026-12-01", Source: push.CorrectionButton, At: at}); !added {
			t.Error("a tap on another bill was not recorded")
		}

		var all []push.Correction
		cursor, pages := "", 0
		for {
			page, next, err := s.List(ctx, cursor, 3)
			if err != nil {
				t.Fatal(err)
			}
			all, pages = append(all, page...), pages+1
			if next == "" {
				break
			}
			cursor = next
		}
		if len(all) != 8 || pages != 3 {
			t.Fatalf("listed %d corrections in %d pages, want 8 in 3", len(all), pages)
		}
		if all[0].Source != push.CorrectionButton || all[0].BillDate != "2026-12-01" || all[1].BillDate != "2026-11-01" {
			t.Errorf("not newest first: %+v", all[:2])
		}
		if got := []rune(all[2].Text); all[2].Enterprise != "E2" || len(got) != push.MaxCorrectionText || got[0] != '错' {
			t.Errorf("long text stored as %d characters", len(got))
		}
		want := push.Correction{ID: ids[4], Enterprise: "E1", BillDate: "2026-12-01", Text: "第4条：联系人电话138****5678", Source: push.CorrectionCommand, At: at}
		if d := cmp.Diff(want, all[3]); d != "" {
			t.Errorf("stored correction (-want +got):\n%s", d)
		}
		if all[2].At.IsZero() {
			t.Error("At not set")
		}
		if _, _, err := s.List(ctx, "nonsense", 3); !errors.Is(err, ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
		if _, _, err := s.List(ctx, "", 0); err == nil {
			t.Error("limit 0 accepted")
		}

		// The last bill each chat received.
		if d, err := s.LastBill(ctx, 7, "E1"); d != "" || err != nil {
			t.Errorf("LastBill before any: %q %v", d, err)
		}
		for _, d := range []string{"2026-11-01", "2026-12-01"} {
			if err := s.SeenBill(ctx, 7, "E1", d); err != nil {
				t.Fatal(err)
			}
		}
		if d, err := s.LastBill(ctx, 7, "E1"); d != "2026-12-01" || err != nil {
			t.Errorf("LastBill = %q %v", d, err)
		}
		// /correct texts per chat and day.
		for i := range maxCorrectionsPerDay + 1 {
			ok, err := s.Allow(ctx, 7, "2026-12-02")
			if err != nil || ok != (i < maxCorrectionsPerDay) {
				t.Errorf("Allow #%d = %v, %v", i+1, ok, err)
			}
		}
		if ok, _ := s.Allow(ctx, 7, "2026-12-03"); !ok {
			t.Error("the next day refused")
		}
		if err := s.ForgetChat(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if d, _ := s.LastBill(ctx, 7, "E1"); d != "" {
			t.Errorf("LastBill after ForgetChat = %q", d)
		}
		if ok, _ := s.Allow(ctx, 7, "2026-12-02"); !ok {
			t.Error("the count outlived ForgetChat")
		}
	})
}

func TestRedisCorrectionsReply(t *testing.T) {
	redistest.ForEach(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		s := newRedisCorrections(b.RDB)
		at := time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC)
		id, _, err := s.Add(ctx, push.Correction{Enterprise: "E1", BillDate: "2026-12-01", Source: push.CorrectionCommand, Text: "研发投入填错了", At: at})
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := s.Add(ctx, push.Correction{Enterprise: "E2", BillDate: "2026-12-01", Source: push.CorrectionButton, At: at})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"", "nonsense", "0-1"} {
			if _, err := s.Reply(ctx, bad, push.CorrectionReply{Text: "x"}); !errors.Is(err, push.ErrNoCorrection) {
				t.Errorf("Reply(%q) = %v, want ErrNoCorrection", bad, err)
			}
		}
		c, err := s.Reply(ctx, id, push.CorrectionReply{Text: "已核对，请重新发送 /subscribe", At: at.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if c.Enterprise != "E1" || c.BillDate != "2026-12-01" || c.Reply == nil || c.Reply.Sent {
			t.Errorf("Reply returned %+v", c)
		}
		// A second write (the send's outcome) replaces the first.
		if _, err := s.Reply(ctx, id, push.CorrectionReply{Text: "已核对，请重新发送 /subscribe", At: at.Add(time.Hour), Sent: true}); err != nil {
			t.Fatal(err)
		}
		cs, _, err := s.List(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]*push.CorrectionReply{id: {Text: "已核对，请重新发送 /subscribe", At: at.Add(time.Hour), Sent: true}, other: nil}
		for _, c := range cs {
			if diff := cmp.Diff(want[c.ID], c.Reply); diff != "" {
				t.Errorf("reply of %s (-want +got):\n%s", c.ID, diff)
			}
		}
		if len(cs) != 2 {
			t.Errorf("List = %d corrections, want 2", len(cs))
		}
	})
}
