package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestStaffSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStaffSessions(b.RDB)
		id, err := s.Create(ctx, "v1", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		id2, _ := s.Create(ctx, "v1", time.Hour)
		if len(id) < 40 || id == id2 {
			t.Errorf("ids %q, %q: want long and distinct", id, id2)
		}
		if v, ok, err := s.Get(ctx, id); err != nil || !ok || v != "v1" {
			t.Errorf("Get = %q, %v, %v", v, ok, err)
		}
		if _, ok, _ := s.Get(ctx, "never-issued"); ok {
			t.Error("unknown id accepted")
		}
		for _, k := range b.RDB.Keys(ctx, "*").Val() {
			if strings.Contains(k, id) {
				t.Errorf("key %q holds the raw session id", k)
			}
		}
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Get(ctx, id); ok {
			t.Error("deleted session still valid")
		}
		if _, ok, _ := s.Get(ctx, id2); !ok {
			t.Error("Delete ended another session")
		}
		if b.Mini != nil {
			b.Mini.FastForward(time.Hour)
			if _, ok, _ := s.Get(ctx, id2); ok {
				t.Error("session valid past its TTL")
			}
		}
		if _, err := s.Create(ctx, "v", 0); err == nil {
			t.Error("Create with no ttl: no error")
		}
	})
}
