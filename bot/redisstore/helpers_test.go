package redisstore

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// testDB is the dedicated database the integration tests flush; never 0.
const testDB = 15

// backend is a Redis the behaviour tests run against: miniredis always,
// the real Redis at REDIS_URL (default redis://127.0.0.1:6379/15) too.
type backend struct {
	name string
	rdb  redis.UniversalClient
	mini *miniredis.Miniredis // nil for the real Redis
}

// forEachBackend runs f against miniredis and against the real Redis, each
// emptied first. When the real Redis is unreachable the test fails under
// CI=true and is skipped otherwise.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { rdb.Close() })
		f(t, backend{name: "miniredis", rdb: rdb, mini: m})
	})
	t.Run("redis", func(t *testing.T) {
		rdb := realRedis(t)
		f(t, backend{name: "redis", rdb: rdb})
	})
}

var (
	realMu   sync.Mutex // the real database is shared: one test at a time
	pingOnce sync.Once
	pingErr  error
)

// realRedis connects to REDIS_URL, switched to the dedicated test
// database, and flushes it.
func realRedis(t *testing.T) *redis.Client {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/15"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	opt.DB = testDB // never flush anything else
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	pingOnce.Do(func() { pingErr = rdb.Ping(ctx).Err() }) // dial once, not per test
	if err := pingErr; err != nil {
		rdb.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("integration test needs Redis at %s: %v", u, err)
		}
		t.Skipf("no Redis at %s (%v); set CI=true to make this fatal", u, err)
	}
	realMu.Lock()
	t.Cleanup(realMu.Unlock)
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("flush db %d: %v", testDB, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// clock is an injected clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
