package redisstore

import (
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/internal/redistest"
)

// testDB is the dedicated database the integration tests flush; never 0.
const testDB = 15

// backend is a Redis the behaviour tests run against.
type backend = redistest.Backend

// forEachBackend runs f against miniredis and the real Redis (db testDB).
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	redistest.ForEach(t, testDB, f)
}

// realRedis is testDB of the real Redis, flushed.
func realRedis(t testing.TB) *redis.Client {
	t.Helper()
	return redistest.Real(t, testDB)
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
