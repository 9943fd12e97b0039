package policies

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

type ruleCase struct {
	Name       string            `yaml:"name"`
	Rule       string            `yaml:"rule"`
	Inputs     map[string]string `yaml:"inputs"`
	At         string            `yaml:"at"`
	AmountYuan *int64            `yaml:"amount_yuan"`
	Kind       string            `yaml:"kind"`
	Error      string            `yaml:"error"`
	ErrorInput string            `yaml:"error_input"`
	Steps      []string          `yaml:"steps"`
	NearMiss   *struct {
		GapYuan  int64 `yaml:"gap_yuan"`
		GainYuan int64 `yaml:"gain_yuan"`
	} `yaml:"near_miss"`
	Dates map[string]string `yaml:"dates"`
}

var errByName = map[string]error{
	"unknown_rule":  ErrUnknownRule,
	"unknown_input": ErrUnknownInput,
	"missing_input": ErrMissingInput,
	"bad_input":     ErrBadInput,
}

var caseDate = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func loadCases(t testing.TB) []ruleCase {
	raw, err := os.ReadFile("rules/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []ruleCase
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestCases runs rules/cases.yaml, and checks that the cases cover every rule
// and, across them, cite every parameter each rule declares.
func TestCases(t *testing.T) {
	cases := loadCases(t)
	covered := map[string]bool{}
	cited := map[string]map[string]bool{}
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.Name] {
			t.Errorf("duplicate case name %q", tc.Name)
		}
		names[tc.Name] = true
		t.Run(tc.Name, func(t *testing.T) {
			at := caseDate
			if tc.At != "" {
				at = day(tc.At)
			}
			got, err := Calculate(tc.Rule, Inputs(tc.Inputs), at)
			if tc.Error != "" {
				want, ok := errByName[tc.Error]
				if !ok {
					t.Fatalf("unknown error name %q in cases.yaml", tc.Error)
				}
				if !errors.Is(err, want) {
					t.Fatalf("error %v, want %v", err, want)
				}
				if tc.ErrorInput != "" && !strings.Contains(err.Error(), tc.ErrorInput) {
					t.Errorf("error %q does not name input %s", err, tc.ErrorInput)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			covered[tc.Rule] = true
			if cited[tc.Rule] == nil {
				cited[tc.Rule] = map[string]bool{}
			}
			for _, p := range got.Params {
				cited[tc.Rule][p.Name] = true
			}
			if tc.AmountYuan == nil {
				t.Fatalf("case has neither amount_yuan nor error")
			}
			if got.AmountYuan != *tc.AmountYuan {
				t.Errorf("amount %d, want %d\nsteps: %v", got.AmountYuan, *tc.AmountYuan, got.Steps)
			}
			if tc.Kind != "" && string(got.Kind) != tc.Kind {
				t.Errorf("kind %s, want %s", got.Kind, tc.Kind)
			}
			all := strings.Join(got.Steps, "\n")
			pos := 0
			for _, s := range tc.Steps {
				i := strings.Index(all[pos:], s)
				if i < 0 {
					t.Errorf("steps lack %q (in order):\n%s", s, all)
					break
				}
				pos += i + len(s)
			}
			if tc.NearMiss != nil {
				if got.NearMiss == nil {
					t.Errorf("no near miss, want %+v", *tc.NearMiss)
				} else if got.NearMiss.GapYuan != tc.NearMiss.GapYuan || got.NearMiss.GainYuan != tc.NearMiss.GainYuan {
					t.Errorf("near miss %+v, want gap %d gain %d", *got.NearMiss, tc.NearMiss.GapYuan, tc.NearMiss.GainYuan)
				}
			}
			for k, v := range tc.Dates {
				if got.Dates[k] != v {
					t.Errorf("date %s = %q, want %q", k, got.Dates[k], v)
				}
			}
			checkReceipt(t, got)
			// AmountOnly computes the same amount, parameters and near
			// miss, without the texts.
			quiet, err := CalculateWith(tc.Rule, Inputs(tc.Inputs), at, AmountOnly())
			if err != nil || quiet.AmountYuan != got.AmountYuan || len(quiet.Params) != len(got.Params) ||
				(quiet.NearMiss == nil) != (got.NearMiss == nil) || len(quiet.Steps)+len(quiet.Notes) != 0 {
				t.Errorf("AmountOnly: %d %v, %d params, steps %v notes %v; want %d, %d params, no texts",
					quiet.AmountYuan, err, len(quiet.Params), quiet.Steps, quiet.Notes, got.AmountYuan, len(got.Params))
			}
		})
	}
	for _, r := range Rules() {
		if !covered[r.Name] {
			t.Errorf("rule %s has no successful case in cases.yaml", r.Name)
			continue
		}
		for _, p := range r.Params {
			if !cited[r.Name][p] {
				t.Errorf("rule %s: parameter %s is never cited by its cases", r.Name, p)
			}
		}
	}
}

// checkReceipt holds for every successful calculation.
func checkReceipt(t *testing.T, c Calculation) {
	t.Helper()
	r, ok := RuleByName(c.Rule)
	if !ok {
		t.Fatalf("receipt names unknown rule %s", c.Rule)
	}
	if c.Clause != r.Clause || c.AmountYuan < 0 || len(c.Steps) == 0 || c.Inputs == nil {
		t.Errorf("malformed receipt: %+v", c)
	}
	if len(c.Params) == 0 {
		t.Errorf("receipt cites no parameter")
	}
	for _, p := range c.Params {
		if !slices.Contains(r.Params, p.Name) && p.Name != "no_double_dipping" {
			t.Errorf("receipt cites %s, not declared by rule %s", p.Name, r.Name)
		}
		if p.Quote == "" || p.Clause == "" {
			t.Errorf("parameter %s cited without clause/quote", p.Name)
		}
	}
	if (c.Kind == KindUnstated || c.Kind == KindNone) && c.AmountYuan != 0 {
		t.Errorf("%s receipt with amount %d", c.Kind, c.AmountYuan)
	}
}

func TestRuleCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.Name] || r.Name == "" || r.Clause == "" || r.Title == "" || r.Summary == "" || r.Kind == "" || r.calc == nil {
			t.Errorf("bad or duplicate rule %+v", r)
		}
		seen[r.Name] = true
		if _, err := MustDefault().Clause(r.Clause); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		for _, in := range r.Inputs {
			if in.Example == "" {
				t.Errorf("%s.%s: no example", r.Name, in.Name)
			}
			if !strings.HasSuffix(in.Name, "_yuan") && in.Unit == InputYuan {
				t.Errorf("%s.%s: yuan inputs end in _yuan", r.Name, in.Name)
			}
		}
	}
	for _, name := range []string{"little_giant", "provincial_sme", "innovative_sme", "digital_transformation",
		"revenue_milestone", "rd_increase", "rd_commercialization", "major_achievement", "standard",
		"zhuangda_loan", "xinyidai_loan", "credit_line", "listing", "supply_chain_platform",
		"equity_investment", "fund_manager", "talent", "effective_date"} {
		if !seen[name] {
			t.Errorf("rule %s missing", name)
		}
	}
	// Every example value is accepted.
	for _, r := range Rules() {
		in := Inputs{}
		for _, i := range r.Inputs {
			in[i.Name] = i.Example
		}
		if r.Name == "rd_increase" {
			delete(in, "increase_yuan")
		}
		if _, err := Calculate(r.Name, in, caseDate); err != nil {
			t.Errorf("%s with its examples: %v", r.Name, err)
		}
	}
}

// TestDesignProfile reproduces the bill in DESIGN.md for its sample profile:
// 251万 in seven items, and the 170万 R&D near miss.
func TestDesignProfile(t *testing.T) {
	items := []struct {
		rule string
		in   Inputs
		want int64
	}{
		{"little_giant", Inputs{"kind": "new"}, 500000},
		{"revenue_milestone", Inputs{"revenue_yuan": "120000000", "history": "2025:95000000"}, 50000},
		{"rd_increase", Inputs{"rd_this_year_yuan": "9300000", "rd_last_year_yuan": "5000000"}, 400000},
		{"digital_transformation", Inputs{"investment_yuan": "2600000"}, 260000},
		{"standard", Inputs{"level": "national"}, 400000},
		{"zhuangda_loan", Inputs{"interest_paid_yuan": "1200000", "lpr_interest_yuan": "1000000"}, 500000},
		{"xinyidai_loan", Inputs{"loan_yuan": "20000000"}, 400000},
	}
	var total int64
	for _, it := range items {
		c, err := Calculate(it.rule, it.in, caseDate)
		if err != nil || c.AmountYuan != it.want {
			t.Errorf("%s: %d, %v; want %d", it.rule, c.AmountYuan, err, it.want)
		}
		total += c.AmountYuan
		if it.rule == "rd_increase" && (c.NearMiss == nil || c.NearMiss.Advice != "再增加170万研发投入可多得20万") {
			t.Errorf("rd near miss %+v", c.NearMiss)
		}
	}
	if total != 2510000 {
		t.Errorf("total %d, want 2510000", total)
	}
}

func TestErrorsNameInput(t *testing.T) {
	_, err := Calculate("rd_increase", Inputs{"increase_yuan": "abc"}, caseDate)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Input != "increase_yuan" || !errors.Is(err, ErrBadInput) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `increase_yuan="abc"`) {
		t.Errorf("message %q", err)
	}
	_, err = Calculate("rd_increase", Inputs{"increse_yuan": "1"}, caseDate)
	if !errors.Is(err, ErrUnknownInput) || !strings.Contains(err.Error(), "increase_yuan") {
		t.Errorf("unknown key: %v (should list the known inputs)", err)
	}
}

func TestApplyNoDoubleDipping(t *testing.T) {
	a, _ := Calculate("provincial_sme", nil, caseDate)
	b, _ := Calculate("little_giant", nil, caseDate)
	in := []Calculation{a, b}
	out := ApplyNoDoubleDipping(in)
	if len(out) != 2 || out[0].AmountYuan != 0 || out[1].AmountYuan != 500000 {
		t.Fatalf("amounts %d %d", out[0].AmountYuan, out[1].AmountYuan)
	}
	if in[0].AmountYuan != 100000 || len(in[0].Steps) != len(a.Steps) {
		t.Errorf("input modified")
	}
	if !strings.Contains(strings.Join(out[0].Steps, ""), "就高不就低") || !strings.Contains(strings.Join(out[1].Steps, ""), "不重复享受") {
		t.Errorf("no explanation: %v / %v", out[0].Steps, out[1].Steps)
	}
	if !slices.ContainsFunc(out[1].Params, func(p ParamRef) bool { return p.Name == "no_double_dipping" }) {
		t.Errorf("policy/scope not cited")
	}
	if got := ApplyNoDoubleDipping([]Calculation{a}); !cmp.Equal(got, []Calculation{a}) {
		t.Errorf("single calculation changed: %v", cmp.Diff([]Calculation{a}, got))
	}
}

// ruleCap is the most a rule can return for any valid input.
var ruleCap = map[string]int64{
	"little_giant": 500000, "provincial_sme": 100000, "innovative_sme": 0,
	"digital_transformation": 1200000, "revenue_milestone": 150000, "rd_increase": 5000000,
	"rd_commercialization": 3000000, "major_achievement": 10000000, "standard": maxMulti * 600000,
	"zhuangda_loan": 800000, "xinyidai_loan": 600000, "credit_line": 50000000, "listing": 0,
	"supply_chain_platform": 1000000, "equity_investment": 800000, "fund_manager": 500000,
	"talent": 5000000, "effective_date": 0,
}

func FuzzCalculate(f *testing.F) {
	rs := Rules()
	for i, r := range rs {
		var vals [3]string
		for j, in := range r.Inputs {
			if j < 3 {
				vals[j] = in.Example
			}
		}
		f.Add(uint8(i), vals[0], vals[1], vals[2], "")
	}
	f.Add(uint8(5), "99999999999999999999", "-1", "1e30", "x")
	f.Add(uint8(3), "1000000000000000", "", "", "")
	f.Fuzz(func(t *testing.T, idx uint8, v0, v1, v2, extra string) {
		r := rs[int(idx)%len(rs)]
		in := Inputs{}
		for j, v := range []string{v0, v1, v2} {
			if j < len(r.Inputs) && v != "" {
				in[r.Inputs[j].Name] = v
			}
		}
		if extra != "" {
			in[extra] = v0
		}
		c, err := Calculate(r.Name, in, caseDate)
		if err != nil {
			if !errors.Is(err, ErrBadInput) && !errors.Is(err, ErrMissingInput) && !errors.Is(err, ErrUnknownInput) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		cap, ok := ruleCap[r.Name]
		if !ok {
			t.Fatalf("no cap for %s in the fuzz test", r.Name)
		}
		if c.AmountYuan < 0 || c.AmountYuan > cap {
			t.Fatalf("%s %v: amount %d outside [0, %d]", r.Name, in, c.AmountYuan, cap)
		}
	})
}
