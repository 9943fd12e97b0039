package policies

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/yuan"
)

// TestParamQuotes: every quote is verbatim text of its clause, every value's
// written form is how the value reads (50万 = 500000) and appears in the quote.
func TestParamQuotes(t *testing.T) {
	ps := mustParams()
	corpus := MustDefault()
	if len(ps.All()) < 30 {
		t.Fatalf("only %d parameters loaded", len(ps.All()))
	}
	for _, p := range ps.All() {
		cl, err := corpus.Clause(p.Clause)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if !strings.Contains(cl.Text, p.Quote) {
			t.Errorf("%s: quote is not text of %s:\n%s", p.Name, p.Clause, p.Quote)
		}
		for i, v := range p.Values {
			if !strings.Contains(cl.Text, v.Quote) {
				t.Errorf("%s value %d: quote is not text of %s: %s", p.Name, i, p.Clause, v.Quote)
			}
			if !strings.Contains(v.Quote, v.Written) {
				t.Errorf("%s value %d: %q does not appear in its quote %q", p.Name, i, v.Written, v.Quote)
			}
			var want string
			switch p.Unit {
			case UnitYuan:
				want = yuan.Format(v.Value)
			case UnitPercent:
				want = fmt.Sprintf("%d%%", v.Value)
				if v.Value > 100 {
					t.Errorf("%s: rate %d%% over 100", p.Name, v.Value)
				}
			case UnitYear:
				want = fmt.Sprintf("%d年", v.Value)
			case UnitWorkingDay:
				want = fmt.Sprintf("%d个工作日", v.Value)
			}
			if v.Written != want {
				t.Errorf("%s value %d: written %q but value %d reads %q", p.Name, i, v.Written, v.Value, want)
			}
		}
	}
}

func TestLoadParamsRejects(t *testing.T) {
	for name, src := range map[string]string{
		"no clause":     "a:\n  quote: x\n  unit: yuan\n  values: [{value: 1, written: 1元}]\n",
		"no quote":      "a:\n  clause: policy/1\n  unit: yuan\n  values: [{value: 1, written: 1元}]\n",
		"unknown unit":  "a:\n  clause: policy/1\n  quote: x\n  unit: usd\n  values: [{value: 1, written: 1}]\n",
		"no values":     "a:\n  clause: policy/1\n  quote: x\n  unit: yuan\n",
		"no written":    "a:\n  clause: policy/1\n  quote: x\n  unit: yuan\n  values: [{value: 1}]\n",
		"unknown field": "a:\n  clause: policy/1\n  quote: x\n  unit: yuan\n  cap: 3\n  values: [{value: 1, written: 1元}]\n",
		"bad date":      "a:\n  clause: policy/1\n  quote: x\n  unit: yuan\n  values: [{value: 1, written: 1元, from: 2026-13-01}]\n",
		"inverted":      "a:\n  clause: policy/1\n  quote: x\n  unit: yuan\n  values: [{value: 1, written: 1元, from: 2026-02-01, to: 2026-01-01}]\n",
		"negative":      "a:\n  clause: policy/1\n  quote: x\n  unit: yuan\n  values: [{value: -1, written: -1元}]\n",
	} {
		if _, err := LoadParams([]byte(src)); err == nil {
			t.Errorf("%s: loaded without error", name)
		} else if name == "no quote" && !strings.Contains(err.Error(), "quote") {
			t.Errorf("%s: error does not say what is missing: %v", name, err)
		}
	}
}

// TestParamDatedValue: a final value added as a dated entry supersedes the
// open draft value from its date on, with no code change.
func TestParamDatedValue(t *testing.T) {
	src := `little_giant_award:
  clause: policy/1
  quote: 对新获评国家专精特新“小巨人”企业，一次性给予50万元奖励
  unit: yuan
  values:
    - {value: 500000, written: 50万, status: draft}
    - {value: 800000, written: 80万, status: final, from: 2027-01-01, quote: 一次性给予80万元奖励}
`
	ps, err := LoadParams([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   string
		want int64
	}{{"2026-12-31", 500000}, {"2027-01-01", 800000}, {"2030-06-01", 800000}} {
		at, _ := time.Parse(time.DateOnly, c.at)
		v, _, err := ps.At("little_giant_award", at)
		if err != nil || v.Value != c.want {
			t.Errorf("%s: got %d, %v; want %d", c.at, v.Value, err, c.want)
		}
	}
	if _, _, err := ps.At("nope", time.Now()); !errors.Is(err, ErrNoValue) {
		t.Errorf("unknown parameter: %v", err)
	}
}

// TestEveryParamUsed: every parameter is declared by some rule, and every
// declared parameter exists.
func TestEveryParamUsed(t *testing.T) {
	ps := mustParams()
	used := map[string]string{}
	for _, r := range Rules() {
		for _, name := range r.Params {
			p, ok := ps.Get(name)
			if !ok {
				t.Errorf("rule %s declares unknown parameter %s", r.Name, name)
				continue
			}
			if p.Clause != r.Clause {
				t.Errorf("rule %s (%s) cites %s from %s", r.Name, r.Clause, name, p.Clause)
			}
			used[name] = r.Name
		}
	}
	for _, p := range ps.All() {
		if _, ok := used[p.Name]; !ok && p.Name != "no_double_dipping" {
			t.Errorf("parameter %s is used by no rule", p.Name)
		}
	}
}

func TestLookupParam(t *testing.T) {
	ref, err := LookupParam("little_giant_award", time.Time{})
	if err != nil || ref.Value != 500000 || ref.Clause != "policy/1" || !strings.Contains(ref.Quote, "50万元") {
		t.Errorf("got %+v, %v", ref, err)
	}
	if _, err := LookupParam("nope", time.Time{}); !errors.Is(err, ErrNoValue) {
		t.Errorf("unknown: %v", err)
	}
}
