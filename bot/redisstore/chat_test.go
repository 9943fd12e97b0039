package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
)

func TestChatMemory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		m := NewChatMemory(b.RDB)

		got, err := m.Load(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(bot.ChatContext{}, got); d != "" {
			t.Errorf("Load of nothing (-want +got):\n%s", d)
		}

		want := bot.ChatContext{
			LastClause: "policy/4", LastRule: "rd_increase",
			Inputs:  map[string]string{"increase_yuan": "6500000"},
			Pending: "increase_yuan", LastQuestion: "研发投入能补多少",
			Updated: t0,
		}
		if err := m.Save(ctx, "c1", want, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		got, err = m.Load(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Load (-want +got):\n%s", d)
		}
		if ttl := b.RDB.TTL(ctx, chatKey("c1")).Val(); ttl <= 9*time.Minute || ttl > 10*time.Minute {
			t.Errorf("TTL = %v, want about 10m", ttl)
		}

		// ttl <= 0 takes the default
		if err := m.Save(ctx, "c2", want, 0); err != nil {
			t.Fatal(err)
		}
		if ttl := b.RDB.TTL(ctx, chatKey("c2")).Val(); ttl <= bot.DefaultChatTTL-time.Minute || ttl > bot.DefaultChatTTL {
			t.Errorf("default TTL = %v, want about %v", ttl, bot.DefaultChatTTL)
		}

		if b.Mini != nil {
			b.Mini.FastForward(11 * time.Minute)
			got, err := m.Load(ctx, "c1")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(bot.ChatContext{}, got); d != "" {
				t.Errorf("Load after expiry (-want +got):\n%s", d)
			}
		}

		if err := m.Delete(ctx, "c2"); err != nil {
			t.Fatal(err)
		}
		if got, _ := m.Load(ctx, "c2"); got.LastClause != "" {
			t.Errorf("Load after Delete: %+v", got)
		}
	})
}
