package policies

import (
	"testing"
	"time"

	"github.com/cdsme/policybot/yuan"
	"github.com/google/go-cmp/cmp"
)

func TestMaximum(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for rule, want := range map[string][]int64{
		"rd_increase":            {5_000_000},
		"digital_transformation": {1_200_000},
		"equity_investment":      {300_000, 800_000},
		"zhuangda_loan":          {800_000},
		"little_giant":           nil, // a fixed award, not a cap
		"nope":                   nil,
	} {
		var got []int64
		for _, c := range Maximum(rule, at) {
			got = append(got, c.AmountYuan)
			if c.Kind != KindMaximum || len(c.Params) != 1 || c.Params[0].Clause != c.Clause {
				t.Errorf("%s: receipt %+v does not cite its cap", rule, c)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Maximum(%s) (-want +got):\n%s", rule, diff)
		}
	}
}

func TestMaximumOfNeedsYuan(t *testing.T) {
	_, err := LoadParams([]byte("x:\n  clause: policy/4\n  quote: q\n  unit: percent\n  maximum_of: rd_increase\n  values: [{value: 1, written: 1%}]\n"))
	if err == nil {
		t.Fatal("maximum_of on a percent accepted")
	}
}

func TestMinimum(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for rule, want := range map[string][]int64{
		"digital_transformation": {1_000_000},
		"rd_increase":            {2_000_000},
		"revenue_milestone":      {100_000_000},
		"little_giant":           nil,
	} {
		var got []int64
		for _, c := range Minimum(rule, at) {
			got = append(got, c.AmountYuan)
			if c.Kind != KindThreshold {
				t.Errorf("%s: kind %s", rule, c.Kind)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Minimum(%s) (-want +got):\n%s", rule, diff)
		}
	}
}

func TestHighest(t *testing.T) {
	c := Highest([]yuan.Mention{{Yuan: 500_000}, {Yuan: 800_000}}, time.Now())
	if c.AmountYuan != 800_000 || c.Clause != "policy/scope" || len(c.Params) != 1 || c.Params[0].Name != "no_double_dipping" {
		t.Errorf("Highest = %+v", c)
	}
}
