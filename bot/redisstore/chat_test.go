package redisstore

import (
	"context"
	"strings"
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

// TestChatMemoryMasks: the stored context holds masked text only, so a
// phone or ID number in the last question never sits in Redis.
func TestChatMemoryMasks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		m := NewChatMemory(b.RDB)
		c := bot.ChatContext{LastQuestion: "我电话13812345678，身份证510104199001011234，研发投入650万",
			Inputs: map[string]string{"increase_yuan": "6500000", "card": "6222021234567890123"}}
		if err := m.Save(ctx, "c1", c, time.Minute); err != nil {
			t.Fatal(err)
		}
		raw := b.RDB.Get(ctx, chatKey("c1")).Val()
		for _, pii := range []string{"13812345678", "510104199001011234", "6222021234567890123"} {
			if strings.Contains(raw, pii) {
				t.Errorf("stored context holds %s: %s", pii, raw)
			}
		}
		got, err := m.Load(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.LastQuestion, "650万") || got.Inputs["increase_yuan"] != "6500000" {
			t.Errorf("masking lost the amounts: %+v", got)
		}
		if c.LastQuestion != "我电话13812345678，身份证510104199001011234，研发投入650万" {
			t.Error("Save changed the caller's context")
		}
	})
}
