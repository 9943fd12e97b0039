// Package needs is where tests that need a service from outside the
// process — the real Redis, Chromium — say that it is missing. Without the
// service such a test fails when CI=true (CI provides every service) and
// is skipped otherwise; the skips are summed up in one line per service by
// Main, the package's TestMain, instead of one line per test.
//
// `go test ./...` hides the output of passing packages, so the summary
// shows with -v or when the package's directory is tested alone; in CI,
// where a missing service is a failure, it never has to be looked for.
package needs

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
)

var (
	mu      sync.Mutex
	skipped = map[string]int{}    // service → tests skipped
	why     = map[string]string{} // service → the first reason
)

// CI reports whether the tests run under CI=true.
func CI() bool { return os.Getenv("CI") == "true" }

// Unavailable fails t under CI=true and skips it otherwise, counting the
// skip against service ("Redis at redis://127.0.0.1:6379/15"); reason says
// why it is missing and how to provide it.
func Unavailable(t testing.TB, service, reason string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s: %s (CI=true: every service is required)", service, reason)
	}
	mu.Lock()
	skipped[service]++
	if _, ok := why[service]; !ok {
		why[service] = reason
	}
	mu.Unlock()
	t.SkipNow()
}

// Main runs the package's tests and then prints one line for each service
// that was missing: how many tests it skipped, and why. Use it as
// `func TestMain(m *testing.M) { needs.Main(m) }`.
func Main(m *testing.M) {
	code := m.Run()
	for _, line := range Summary() {
		fmt.Println(line)
	}
	os.Exit(code)
}

// Summary is Main's lines, by service.
func Summary() []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	for s, n := range skipped {
		out = append(out, fmt.Sprintf("SKIP %d test(s) needing %s: %s; set CI=true to make this a failure", n, s, why[s]))
	}
	sort.Strings(out)
	return out
}
