// Package redistest gives tests a Redis: miniredis, and the real server CI
// starts, on a database of the test's own that is flushed first. Packages'
// tests run in parallel processes, so each package names its own database
// and never touches 0.
package redistest

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Backend is one Redis a behaviour test runs against.
type Backend struct {
	Name string
	RDB  redis.UniversalClient
	Mini *miniredis.Miniredis // nil for the real Redis
}

// URL is the real Redis for database db: REDIS_URL's server (default
// 127.0.0.1:6379) with the database replaced.
func URL(t testing.TB, db int) string {
	t.Helper()
	return "redis://" + Options(t, db).Addr + "/" + strconv.Itoa(db)
}

// Options are the real Redis's client options for database db.
func Options(t testing.TB, db int) *redis.Options {
	t.Helper()
	if db == 0 {
		t.Fatal("redistest: database 0 is never used by tests")
	}
	u := os.Getenv("REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	opt.DB = db
	return opt
}

var (
	mu    sync.Map // db → *sync.Mutex: one test at a time per database
	pings sync.Map // db → error of the first ping
)

// Real connects to database db of the real Redis and flushes it. When the
// server is unreachable the test fails under CI=true and is skipped
// otherwise. Tests sharing db in one package run one at a time.
func Real(t testing.TB, db int) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(Options(t, db))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	perr, ok := pings.Load(db)
	if !ok {
		var err error = rdb.Ping(ctx).Err()
		perr, _ = pings.LoadOrStore(db, err)
	}
	if err, _ := perr.(error); err != nil {
		rdb.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("integration test needs Redis (REDIS_URL) db %d: %v", db, err)
		}
		t.Skipf("no Redis (REDIS_URL) for db %d (%v); set CI=true to make this fatal", db, err)
	}
	m, _ := mu.LoadOrStore(db, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	t.Cleanup(m.(*sync.Mutex).Unlock)
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("flush db %d: %v", db, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// ForEach runs f against miniredis and against database db of the real
// Redis, each emptied first.
func ForEach(t *testing.T, db int, f func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { rdb.Close() })
		f(t, Backend{Name: "miniredis", RDB: rdb, Mini: m})
	})
	t.Run("redis", func(t *testing.T) {
		f(t, Backend{Name: "redis", RDB: Real(t, db)})
	})
}
