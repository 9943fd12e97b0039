package asynqpush

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestRecipients(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		r := NewRecipients(b.RDB)
		a, err := r.ChatID(ctx, "wechat", "oA")
		if err != nil {
			t.Fatal(err)
		}
		if a != ExternalChatBase || !IsExternalChat(a) {
			t.Errorf("first id %d, want %d", a, ExternalChatBase)
		}
		if again, _ := r.ChatID(ctx, "wechat", "oA"); again != a {
			t.Errorf("second ChatID %d, want the same %d", again, a)
		}
		bID, _ := r.ChatID(ctx, "wechat", "oB")
		if bID != a+1 {
			t.Errorf("next user's id %d, want %d", bID, a+1)
		}
		if id, ok, err := r.Lookup(ctx, "wechat", "oB"); err != nil || !ok || id != bID {
			t.Errorf("Lookup oB: %d %v %v", id, ok, err)
		}
		if _, ok, err := r.Lookup(ctx, "wechat", "nobody"); err != nil || ok {
			t.Errorf("Lookup of an unknown user: %v %v", ok, err)
		}
		if ch, u, err := r.User(ctx, bID); err != nil || ch != "wechat" || u != "oB" {
			t.Errorf("User(%d) = %q %q %v", bID, ch, u, err)
		}
		for _, id := range []int64{123456789, -1001234567890, bID + 5} {
			if _, _, err := r.User(ctx, id); !errors.Is(err, ErrUnknownRecipient) {
				t.Errorf("User(%d): %v, want ErrUnknownRecipient", id, err)
			}
		}
		if IsExternalChat(1<<52) || IsExternalChat(-(1 << 62)) {
			t.Error("a Telegram-sized id is taken for an external one")
		}
		// Replicas asking at once for one user agree.
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], _ = r.ChatID(ctx, "wechat", "oC")
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] || id != bID+1 {
				t.Fatalf("concurrent ids %v, want all %d", ids, bID+1)
			}
		}
	})
}
