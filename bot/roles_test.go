package bot

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRolesByStructure(t *testing.T) {
	raw, err := os.ReadFile("testdata/roles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Q      string `yaml:"q"`
		Amount *int64 `yaml:"amount"` // nil: not checked (0 is a real amount)
		Total  int64  `yaml:"total"`
		Note   string `yaml:"note"`
		// Ambiguous, when set, must equal the answer's.
		Ambiguous *bool `yaml:"ambiguous"`
	}
	if err := yaml.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	e := engineForTest(t)
	for _, c := range cases {
		a := e.Ask(context.Background(), c.Q)
		var got []int64
		total := int64(-1)
		for _, k := range a.Calculations {
			got = append(got, k.AmountYuan)
			if k.Rule == RuleTotal {
				total = k.AmountYuan
			}
		}
		switch {
		case c.Total != 0 && total != c.Total:
			t.Errorf("%s: total %d, want %d (amounts %v)\n%s", c.Q, total, c.Total, got, a.Answer)
		case c.Amount != nil && !slices.Contains(got, *c.Amount):
			t.Errorf("%s: amounts %v, want %d\n%s", c.Q, got, *c.Amount, a.Answer)
		}
		if c.Ambiguous != nil && a.Ambiguous != *c.Ambiguous {
			t.Errorf("%s: ambiguous=%v, want %v\n%s", c.Q, a.Ambiguous, *c.Ambiguous, a.Answer)
		}
		if c.Note != "" && !strings.HasPrefix(a.Answer, c.Note) {
			t.Errorf("%s: answer should open with %q:\n%s", c.Q, c.Note, a.Answer)
		}
		if len(a.Calculations) > 0 && len(a.Reading) > 0 && !a.Ambiguous && !strings.Contains(a.Answer, "按您所说") && !strings.Contains(a.Answer, "As you said") {
			t.Errorf("%s: the answer does not say what it read:\n%s", c.Q, a.Answer)
		}
	}
}

// A guess is never an input, and the reading names only the user's words.
func TestReadingReportsTheFiguresUsed(t *testing.T) {
	a := engineForTest(t).Ask(context.Background(), "研发投入去年500万，今年930万，能补多少")
	if len(a.Reading) != 2 {
		t.Fatalf("reading %+v", a.Reading)
	}
	for _, r := range a.Reading {
		if !strings.Contains(r.Said, "万") || r.Rule != "rd_increase" {
			t.Errorf("reading %+v", r)
		}
	}
}
