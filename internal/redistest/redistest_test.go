package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/internal/needs"
)

func TestNamesDB(t *testing.T) {
	for u, want := range map[string]bool{
		"redis://127.0.0.1:6379/15": true, "redis://:pw@h:6379/0": true, "redis://h:6379": false,
		"redis://h:6379/": false, "rediss://h/3": true, "unix:///tmp/redis.sock?db=2": true, "unix:///tmp/redis.sock": false,
	} {
		if got := namesDB(u); got != want {
			t.Errorf("namesDB(%q) = %v", u, got)
		}
	}
}

// TestURLNeverGuessesADatabase: a REDIS_URL without a database fails the
// test (run in a child process, since it fails by design); unset means the
// documented default.
func TestURLNeverGuessesADatabase(t *testing.T) {
	if os.Getenv("REDISTEST_CHILD") == "1" {
		URL(t)
		return
	}
	if u := testURL(t, ""); u != DefaultURL {
		t.Errorf("unset: %s", u)
	}
	if u := testURL(t, "redis://127.0.0.1:6390/7"); u != "redis://127.0.0.1:6390/7" {
		t.Errorf("named: %s", u)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestURLNeverGuessesADatabase$")
	cmd.Env = append(os.Environ(), "REDISTEST_CHILD=1", "REDIS_URL=redis://127.0.0.1:6379")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "names no database") {
		t.Errorf("REDIS_URL without a database: err=%v\n%s", err, out)
	}
}

func testURL(t *testing.T, env string) string {
	t.Setenv("REDIS_URL", env)
	return URL(t)
}

// TestRealTakesTurns: tests that share the database take turns, so one's
// flush never lands in the middle of another (the lock is a file lock, so
// this holds across the parallel test processes of several packages too).
func TestRealTakesTurns(t *testing.T) {
	for i := range 3 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			rdb := Real(t)
			ctx := context.Background()
			if err := rdb.Set(ctx, "redistest:turn", i, 0).Err(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			if v, err := rdb.Get(ctx, "redistest:turn").Int(); err != nil || v != i {
				t.Errorf("during my turn the key became %d (%v)", v, err)
			}
		})
	}
}

func TestMain(m *testing.M) { needs.Main(m) }
