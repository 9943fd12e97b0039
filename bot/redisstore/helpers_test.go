package redisstore

import (
	"sync"
	"testing"
	"time"

	"github.com/cdsme/policybot/internal/needs"
	"github.com/cdsme/policybot/internal/redistest"
)

// backend is a Redis the behaviour tests run against.
type backend = redistest.Backend

// forEachBackend runs f against miniredis and the real Redis (the
// database REDIS_URL names; see internal/redistest).
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	redistest.ForEach(t, f)
}

// TestMain sums up the tests skipped for want of Redis in one line.
func TestMain(m *testing.M) { needs.Main(m) }

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
