// Package redistest gives tests a Redis: miniredis, and the real server at
// REDIS_URL.
//
// The rule, chosen to surprise nobody: the integration tests use exactly
// one database of the real server — the one REDIS_URL names — and flush
// it before every test that asks for it (Real, ForEach). REDIS_URL unset
// means redis://127.0.0.1:6379/15, the database .ci/run provides. A
// REDIS_URL without a database number (/N) is refused rather than taken
// to mean database 0: the tests never flush a database nobody named.
//
// Packages' test binaries run in parallel and share that one database, so
// they take turns: a test holds an exclusive lock (flock on a file in the
// temporary directory named after server and database) from its flush to
// its end. No other Redis database is touched, and no package needs one of
// its own.
//
// When the server is unreachable, the tests that need it fail under
// CI=true and are skipped otherwise, summed up in one line by needs.Main.
package redistest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/internal/needs"
)

// DefaultURL is the test database when REDIS_URL is unset.
const DefaultURL = "redis://127.0.0.1:6379/15"

// Backend is one Redis a behaviour test runs against.
type Backend struct {
	Name string
	RDB  redis.UniversalClient
	Mini *miniredis.Miniredis // nil for the real Redis
}

var explicitDB = regexp.MustCompile(`^/\d+$`)

// URL is the real Redis test database: REDIS_URL, or DefaultURL. A URL
// that does not name its database fails the test (even outside CI: it is
// a mistake, not a missing service).
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		return DefaultURL
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	if !namesDB(u) {
		t.Fatalf("REDIS_URL %s names no database; the tests flush the one it names: add one, e.g. /15", redactURL(opt))
	}
	return u
}

// namesDB reports whether a Redis URL names its database: a path /N, or
// db=N in the query (unix sockets).
func namesDB(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (explicitDB.MatchString(u.Path) || u.Query().Has("db"))
}

func redactURL(opt *redis.Options) string { return fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB) }

var (
	pingMu sync.Mutex
	pinged = map[string]error{} // URL → the first ping's error
)

// Real connects to the test database, waits for its turn (see the package
// comment), flushes it, and returns the client; turn and client end with
// the test. Without a reachable server the test fails under CI=true and is
// skipped otherwise.
func Real(t testing.TB) *redis.Client {
	t.Helper()
	u := URL(t)
	opt, _ := redis.ParseURL(u)
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	pingMu.Lock()
	perr, ok := pinged[u]
	if !ok {
		perr = rdb.Ping(ctx).Err()
		pinged[u] = perr
	}
	pingMu.Unlock()
	if perr != nil {
		rdb.Close()
		needs.Unavailable(t, "Redis at "+redactURL(opt), fmt.Sprintf("%v (start one, or point REDIS_URL at one)", perr))
	}
	unlock, err := lock(opt)
	if err != nil {
		rdb.Close()
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(unlock)
	fctx, fcancel := context.WithTimeout(context.Background(), 10*time.Second) // the turn may have taken a while
	defer fcancel()
	if err := rdb.FlushDB(fctx).Err(); err != nil {
		t.Fatalf("flush %s: %v", redactURL(opt), err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// lock takes the test database's turn: an exclusive flock, shared by
// every process (and every test of this one) using that database.
func lock(opt *redis.Options) (unlock func(), err error) {
	name := regexp.MustCompile(`[^A-Za-z0-9.-]+`).ReplaceAllString(fmt.Sprintf("%s-db%d", opt.Addr, opt.DB), "_")
	path := filepath.Join(os.TempDir(), "policybot-redistest-"+name+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

// ForEach runs f against miniredis and against the real test database,
// each emptied first.
func ForEach(t *testing.T, f func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { rdb.Close() })
		f(t, Backend{Name: "miniredis", RDB: rdb, Mini: m})
	})
	t.Run("redis", func(t *testing.T) {
		f(t, Backend{Name: "redis", RDB: Real(t)})
	})
}
