package policies

import (
	"fmt"
	"time"

	"github.com/cdsme/policybot/yuan"
)

// Maximum answers "what is the most rule gives" without the user's
// figures: one receipt per parameter that caps the rule (params.yaml
// maximum_of), each of kind KindMaximum and citing its parameter. It
// returns nil when no parameter caps the rule (a fixed award, or a rule
// whose amount is not money).
func Maximum(rule string, at time.Time) []Calculation {
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
		if p.MaximumOf != rule {
			continue
		}
		ref, err := ps.Ref(p.Name, at)
		if err != nil {
			continue
		}
		c := Calculation{Rule: r.Name, Clause: r.Clause, Title: r.Title, Kind: KindMaximum, AmountYuan: ref.Value,
			Inputs: map[string]any{}, Params: []ParamRef{ref}, Steps: []string{
				fmt.Sprintf("条文规定的上限：%s（“%s”）", yuan.Format(ref.Value), p.Quote),
				"实际金额按您的数字计算，告诉我相关金额即可算出。",
			}}
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
