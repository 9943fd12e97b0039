package asynqpush

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// testDB is the database the real-Redis tests flush: other packages flush
// 15 concurrently; never 0.
const testDB = 13

type backend struct {
	name string
	rdb  redis.UniversalClient
	mini *miniredis.Miniredis // nil for the real Redis
}

// forEachBackend runs f against miniredis and against the real Redis
// (REDIS_URL_PUSH, default redis://127.0.0.1:6379/13), each emptied first.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { rdb.Close() })
		f(t, backend{name: "miniredis", rdb: rdb, mini: m})
	})
	t.Run("redis", func(t *testing.T) {
		f(t, backend{name: "redis", rdb: realRedis(t)})
	})
}

var realMu sync.Mutex // the real database is shared: one test at a time

func redisURL() string {
	if u := os.Getenv("REDIS_URL_PUSH"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/13"
}

func redisOptions(t testing.TB) *redis.Options {
	opt, err := redis.ParseURL(redisURL())
	if err != nil {
		t.Fatalf("REDIS_URL_PUSH: %v", err)
	}
	opt.DB = testDB // never flush anything else
	return opt
}

// realRedis connects to the test database and flushes it. Unreachable:
// fail under CI=true, skip otherwise.
func realRedis(t testing.TB) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(redisOptions(t))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis at %s unreachable: %v", redisURL(), err)
		}
		t.Skipf("redis at %s unreachable: %v", redisURL(), err)
	}
	realMu.Lock()
	t.Cleanup(realMu.Unlock)
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
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
