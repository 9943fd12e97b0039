package policies

import (
	"fmt"
	"strings"
	"time"

	"github.com/cdsme/policybot/yuan"
)

// KindThreshold marks a receipt that states what a figure must reach for a
// rule to pay (the amount is the threshold, not money paid).
const KindThreshold AmountKind = "threshold"

// Maximum answers "what is the most rule gives" without the user's
// figures: one receipt per parameter that caps the rule (params.yaml
// maximum_of), each of kind KindMaximum and citing its parameter. It
// returns nil when no parameter caps the rule (a fixed award, or a rule
// whose amount is not money).
func Maximum(rule string, at time.Time) []Calculation {
	return bound(rule, at, func(p Param) bool { return p.MaximumOf == rule }, KindMaximum,
		"条文规定的上限：%s（“%s”）", "实际金额按您的数字计算，告诉我相关金额即可算出。")
}

// Minimum answers "how much must we reach" the same way, from the
// parameters that are the rule's threshold (params.yaml minimum_of), as
// receipts of kind KindThreshold.
func Minimum(rule string, at time.Time) []Calculation {
	return bound(rule, at, func(p Param) bool { return p.MinimumOf == rule }, KindThreshold,
		"条文规定的门槛：%s（“%s”）", "达到门槛后的金额按您的数字计算，告诉我相关金额即可算出。")
}

func bound(rule string, at time.Time, of func(Param) bool, kind AmountKind, stepFormat, advice string) []Calculation {
	r, ok := RuleByName(rule)
	if !ok {
		return nil
	}
	ps, err := DefaultParams()
	if err != nil {
		return nil
	}
	if at.IsZero() {
		at = time.Now()
	}
	var out []Calculation
	for _, p := range ps.All() {
		if !of(p) {
			continue
		}
		ref, err := ps.Ref(p.Name, at)
		if err != nil {
			continue
		}
		c := Calculation{Rule: r.Name, Clause: r.Clause, Title: r.Title, Kind: kind, AmountYuan: ref.Value,
			Inputs: map[string]any{}, Params: []ParamRef{ref}, Steps: []string{fmt.Sprintf(stepFormat, yuan.Format(ref.Value), p.Quote), advice}}
		if v, _, err := ps.At(p.Name, at); err == nil && v.Status == "draft" {
			c.Notes = append(c.Notes, "条文数值取自征求意见稿，以正式印发的文本为准。")
		}
		out = append(out, c)
	}
	return out
}

// IsRevenueMilestone reports whether v is one of policy/3's revenue
// milestones (1亿, 5亿) on any date.
func IsRevenueMilestone(v int64) bool {
	ps, err := DefaultParams()
	if err != nil {
		return false
	}
	for _, name := range []string{"revenue_milestone_1", "revenue_milestone_2"} {
		if p, ok := ps.Get(name); ok {
			for _, pv := range p.Values {
				if pv.Value == v {
					return true
				}
			}
		}
	}
	return false
}

// Highest applies policy/scope's 就高不就低 to awards the user names for the
// same matter under different policies: the highest is what is received,
// once. The receipt cites the no_double_dipping parameter.
func Highest(awards []yuan.Mention, at time.Time) Calculation {
	ref, _ := mustParams().Ref("no_double_dipping", at)
	c := Calculation{Rule: "no_double_dipping", Clause: ref.Clause, Title: "就高不就低", Kind: KindComputed, Inputs: map[string]any{}, Params: []ParamRef{ref}}
	var said []string
	var vals []int64
	for _, a := range awards {
		said = append(said, yuan.Format(a.Yuan))
		vals = append(vals, a.Yuan)
		c.AmountYuan = max(c.AmountYuan, a.Yuan)
	}
	c.Inputs["awards_yuan"] = vals
	c.Steps = []string{
		fmt.Sprintf("同一事项可享受的奖补：%s", strings.Join(said, "、")),
		fmt.Sprintf("按就高不就低原则取最高的一项：%s，不重复享受", yuan.Format(c.AmountYuan)),
	}
	c.Notes = []string{"“" + ref.Quote + "”；是否属于同一事项，以主管部门认定为准。"}
	return c
}
