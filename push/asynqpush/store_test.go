package asynqpush

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/push"
)

func ids(ps []push.Profile) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestStoreRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		p := designProfile(t)
		if err := s.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(p, got); d != "" {
			t.Errorf("Get (-want +got):\n%s", d)
		}
		bad := p
		bad.ID = ""
		if err := s.Save(ctx, bad); !errors.Is(err, push.ErrInvalidProfile) {
			t.Errorf("Save(no id) = %v, want ErrInvalidProfile", err)
		}

		// A roster: 5 enterprises, odd ones subscribed; chat 7 has two.
		var roster []push.Profile
		for i := range 5 {
			q := push.Profile{ID: fmt.Sprintf("E%d", i)}
			if i%2 == 1 {
				q.ChatID = 7
			}
			roster = append(roster, q)
		}
		roster[4].ChatID = 9
		added, err := s.Import(ctx, roster)
		if err != nil {
			t.Fatal(err)
		}
		if added != 5 {
			t.Errorf("Import added %d, want 5", added)
		}
		if added, _ := s.Import(ctx, roster); added != 0 {
			t.Errorf("second Import added %d, want 0", added)
		}
		var all []string
		for after := ""; ; {
			ps, next, err := s.List(ctx, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ids(ps)...)
			if next == "" {
				break
			}
			after = next
		}
		if d := cmp.Diff([]string{p.ID, "E0", "E1", "E2", "E3", "E4"}, all); d != "" {
			t.Errorf("List (-want +got):\n%s", d)
		}
		sub, _, _ := s.Subscribed(ctx, "", 100)
		if d := cmp.Diff([]string{p.ID, "E1", "E3", "E4"}, ids(sub)); d != "" {
			t.Errorf("Subscribed (-want +got):\n%s", d)
		}
		chat7, _ := s.ByChat(ctx, 7)
		if d := cmp.Diff([]string{"E1", "E3"}, ids(chat7)); d != "" {
			t.Errorf("ByChat(7) (-want +got):\n%s", d)
		}

		// Moving E3 to chat 9 leaves chat 7 with E1.
		if err := s.Save(ctx, push.Profile{ID: "E3", ChatID: 9}); err != nil {
			t.Fatal(err)
		}
		chat7, _ = s.ByChat(ctx, 7)
		if d := cmp.Diff([]string{"E1"}, ids(chat7)); d != "" {
			t.Errorf("ByChat(7) after move (-want +got):\n%s", d)
		}

		n, err := s.Unsubscribe(ctx, 9)
		if err != nil || n != 2 {
			t.Errorf("Unsubscribe(9) = %d, %v; want 2", n, err)
		}
		e4, _ := s.Get(ctx, "E4")
		if e4.ChatID != 0 {
			t.Errorf("E4 chat after unsubscribe = %d", e4.ChatID)
		}
		sub, _, _ = s.Subscribed(ctx, "", 100)
		if d := cmp.Diff([]string{p.ID, "E1"}, ids(sub)); d != "" {
			t.Errorf("Subscribed after unsubscribe (-want +got):\n%s", d)
		}

		ok, err := s.Delete(ctx, "E1")
		if err != nil || !ok {
			t.Errorf("Delete(E1) = %v, %v", ok, err)
		}
		if ok, _ := s.Delete(ctx, "E1"); ok {
			t.Error("second Delete(E1) reported a deletion")
		}
		if _, err := s.Get(ctx, "E1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(deleted) = %v, want ErrNotFound", err)
		}
		if chat7, _ := s.ByChat(ctx, 7); len(chat7) != 0 {
			t.Errorf("ByChat(7) after delete = %v", ids(chat7))
		}
	})
}
