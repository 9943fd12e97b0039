package asynqpush

import (
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/internal/redistest"

	"github.com/cdsme/policybot/push"
)

// testDB is the database the real-Redis tests flush: other packages flush
// 15 concurrently; never 0.
const testDB = 13

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

// redisOptions and redisURL name the real test database, for the worker
// subprocess of the kill test.
func redisOptions(t testing.TB) *redis.Options { return redistest.Options(t, testDB) }

func redisURL(t testing.TB) string { return redistest.URL(t, testDB) }

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
