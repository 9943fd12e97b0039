package asynqpush

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/push"
)

// A chat owns what it bound or subscribed until the enterprise moves or is
// deleted; unsubscribing keeps it (so /profile, /bill and /deleteprofile
// still find it).
func TestOwned(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		now := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
		if err := s.Save(ctx, push.Profile{ID: "A", Name: "甲", ChatID: 7}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, []push.Profile{{ID: "B", Name: "乙"}, {ID: "C", Name: "丙"}}); err != nil {
			t.Fatal(err)
		}
		codes, _, err := s.IssueCodes(ctx, []string{"B", "C"}, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			code string
			chat int64
		}{{codes[0].Code, 7}, {codes[1].Code, 8}} {
			if _, err := s.Redeem(ctx, c.code, c.chat, "", now); err != nil {
				t.Fatal(err)
			}
		}
		owned := func(chat int64) []string {
			rs, err := s.Owned(ctx, chat)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.Profile.ID)
			}
			return ids
		}
		if d := cmp.Diff([]string{"A", "B"}, owned(7)); d != "" {
			t.Errorf("owned by 7 (-want +got):\n%s", d)
		}
		if n, err := s.Unsubscribe(ctx, 7); n != 2 || err != nil {
			t.Fatalf("Unsubscribe = %d, %v", n, err)
		}
		if d := cmp.Diff([]string{"A", "B"}, owned(7)); d != "" {
			t.Errorf("owned by 7 after unsubscribing (-want +got):\n%s", d)
		}
		// B moves to chat 8 with a new code; A is deleted.
		again, _, _ := s.IssueCodes(ctx, []string{"B"}, now, 0)
		if _, err := s.Redeem(ctx, again[0].Code, 8, "", now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Delete(ctx, "A"); err != nil {
			t.Fatal(err)
		}
		if got := owned(7); len(got) != 0 {
			t.Errorf("owned by 7 after the move and the delete: %v", got)
		}
		if d := cmp.Diff([]string{"B", "C"}, owned(8)); d != "" {
			t.Errorf("owned by 8 (-want +got):\n%s", d)
		}
	})
}
