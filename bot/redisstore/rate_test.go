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
		// A refund gives one request back, never more than Burst.
		if err := r.Refund(ctx, "user-a"); err != nil {
			t.Fatal(err)
		}
		if ok, _, err := r.Allow(ctx, "user-a"); err != nil || !ok {
			t.Errorf("after Refund: ok=%v err=%v, want allowed", ok, err)
		}
		if ok, _, _ := r.Allow(ctx, "user-a"); ok {
			t.Error("second request after one Refund: allowed")
		}
		for i := 0; i < 5; i++ {
			if err := r.Refund(ctx, "user-c"); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for i := 0; i < 10; i++ {
			if ok, _, _ := r.Allow(ctx, "user-c"); ok {
				n++
			}
		}
		if n != 3 {
			t.Errorf("after refunds on a full bucket: %d allowed, want Burst (3)", n)
		}

		// Taking and refunding from a full bucket leaves it full.
		for i := 0; i < 10; i++ {
			if ok, _, err := r.Allow(ctx, "user-d"); err != nil || !ok {
				t.Fatalf("take %d: ok=%v err=%v", i, ok, err)
			}
			if err := r.Refund(ctx, "user-d"); err != nil {
				t.Fatal(err)
			}
		}
		n = 0
		for i := 0; i < 10; i++ {
			if ok, _, _ := r.Allow(ctx, "user-d"); ok {
				n++
			}
		}
		if n != 3 {
			t.Errorf("after 10 take+refund: %d allowed, want Burst (3)", n)
		}
	})
}
