package knowledge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cdsme/policybot/policies"
)

func newTestIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := New(policies.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestRetrievalAccuracy is the quality bar of issue #2: top-1 ≥ 98 % over the
// in-scope questions, and no scope mistakes at all.
func TestRetrievalAccuracy(t *testing.T) {
	ix := newTestIndex(t)
	ctx := context.Background()
	var inScope, correct, outs int
	var failures []string
	for _, tc := range allCases() {
		res, err := ix.Search(ctx, tc.q, 3)
		if err != nil {
			t.Fatal(err)
		}
		var top []string
		for _, h := range res.Hits {
			top = append(top, fmt.Sprintf("%s(%.2f)", h.ClauseID, h.Score))
		}
		if len(tc.want) == 0 {
			outs++
			if res.InScope {
				failures = append(failures, fmt.Sprintf("OUT %q judged in scope; hits %v", tc.q, top))
			} else if res.Reason == "" {
				failures = append(failures, fmt.Sprintf("OUT %q has no reason", tc.q))
			} else if res.Scope == "" || tc.scope != "" && res.Scope != tc.scope {
				failures = append(failures, fmt.Sprintf("KIND %q scope %q, want %q: %s", tc.q, res.Scope, tc.scope, res.Reason))
			}
			continue
		}
		inScope++
		if !res.InScope || res.Scope != "" {
			failures = append(failures, fmt.Sprintf("SCOPE %q judged out (%s): %s", tc.q, res.Scope, res.Reason))
		}
		if len(res.Hits) > 0 && slices.Contains(tc.want, res.Hits[0].ClauseID) {
			correct++
		} else {
			failures = append(failures, fmt.Sprintf("TOP1 %q want %v got %v", tc.q, tc.want, top))
		}
	}
	acc := float64(correct) / float64(inScope)
	t.Logf("top-1 %d/%d = %.1f%%; out-of-scope cases %d", correct, inScope, 100*acc, outs)
	if len(failures) > 0 {
		t.Logf("failures:\n%s", strings.Join(failures, "\n"))
	}
	if inScope < 80 || outs < 15 {
		t.Errorf("test table too small: %d in scope, %d out", inScope, outs)
	}
	if acc < 0.98 {
		t.Errorf("top-1 accuracy %.1f%% < 98%%", 100*acc)
	}
	for _, f := range failures {
		if !strings.HasPrefix(f, "TOP1") {
			t.Error(f)
		}
	}
}
