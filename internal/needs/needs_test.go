package needs

import (
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for a test: it records Fatalf and SkipNow instead of
// ending the goroutine.
type recorder struct {
	testing.TB
	fatal   string
	skipped bool
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *recorder) SkipNow()                       { r.skipped = true }

func TestUnavailable(t *testing.T) {
	t.Setenv("CI", "")
	for range 3 {
		r := &recorder{TB: t}
		Unavailable(r, "Redis at redis://x/15", "connection refused")
		if !r.skipped || r.fatal != "" {
			t.Fatalf("outside CI: %+v", r)
		}
	}
	want := "SKIP 3 test(s) needing Redis at redis://x/15: connection refused; set CI=true to make this a failure"
	if got := Summary(); len(got) != 1 || got[0] != want {
		t.Errorf("summary %q, want one line %q", got, want)
	}

	t.Setenv("CI", "true")
	r := &recorder{TB: t}
	Unavailable(r, "Chromium", "not installed")
	if !strings.Contains(r.fatal, "Chromium: not installed") {
		t.Errorf("under CI=true: %+v", r)
	}
	mu.Lock()
	clear(skipped) // this test's skips were not real
	mu.Unlock()
}
