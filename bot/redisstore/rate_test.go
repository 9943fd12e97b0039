package redisstore

import (
	"context"
	"testing"
)

func TestRateLimiter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		r := NewRateLimiter(b.RDB, RateOptions{Rate: 3, Burst: 3})
		for i := 0; i < 3; i++ {
			ok, retry, err := r.Allow(ctx, "user-a")
			if err != nil {
				t.Fatal(err)
			}
			if !ok || retry != 0 {
				t.Fatalf("request %d: ok=%v retry=%v, want allowed", i+1, ok, retry)
			}
		}
		ok, retry, err := r.Allow(ctx, "user-a")
		if err != nil {
			t.Fatal(err)
		}
		if ok || retry <= 0 {
			t.Errorf("request 4: ok=%v retry=%v, want blocked with retryAfter > 0", ok, retry)
		}
		if ok, _, err := r.Allow(ctx, "user-b"); err != nil || !ok {
			t.Errorf("another key: ok=%v err=%v, want allowed", ok, err)
		}
		if err := r.Reset(ctx, "user-a"); err != nil {
			t.Fatal(err)
		}
		if ok, _, err := r.Allow(ctx, "user-a"); err != nil || !ok {
			t.Errorf("after Reset: ok=%v err=%v, want allowed", ok, err)
		}
	})
}
