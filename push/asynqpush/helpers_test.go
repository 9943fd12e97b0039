package asynqpush

import (
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/internal/redistest"

	"github.com/cdsme/policybot/push"
)

// backend is a Redis the behaviour tests run against.
type backend = redistest.Backend

// forEachBackend runs f against miniredis and the real Redis (the
// database REDIS_URL names; see internal/redistest).
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	redistest.ForEach(t, f)
}

// realRedis is the real Redis test database, flushed, ours until the test
// ends.
func realRedis(t testing.TB) *redis.Client {
	t.Helper()
	return redistest.Real(t)
}

func designProfile(t testing.TB) push.Profile {
	t.Helper()
	f, err := os.Open("../testdata/design.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := push.ParseProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var billDate = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
