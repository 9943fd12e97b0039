package bot

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// Another policy's terms as a rate and a cap: "另外一个市级政策对同样的事项按
// 15%补、最高200万". Its award for the user's figure is computed from the
// user's own words (the rate and cap they give) and weighed against ours by
// 就高不就低; the cap is no input of ours.

// otherTerms is another policy's rate (basis points) and cap (0: none).
type otherTerms struct {
	bp  int64
	cap yuan.Mention
}

// reCapBefore: a figure said as a cap.
var reCapBefore = regexp.MustCompile(`(最高|封顶|上限|不超过|最多|顶格)(补|奖|给|补贴|补助|奖励)?(到)?\s*$|(?i:capped at|up to|max(imum)?( of)?)\s*$`)

// otherPolicyTerms finds the rate another policy is said to pay, after the
// words naming it and in the same sentence, and a cap figure in that part.
// ms loses the cap figure. ok is false without a rate.
func otherPolicyTerms(raw, norm string, ms []yuan.Mention) (t otherTerms, rest []yuan.Mention, ok bool) {
	loc := otherPolicyAt(raw)
	if loc == nil {
		return t, ms, false
	}
	end := len(raw)
	if k := sentenceEndAfter(raw, loc[1]); k > 0 {
		end = k
	}
	p := rePercent.FindStringSubmatchIndex(raw[loc[1]:end])
	if p == nil {
		return t, ms, false
	}
	bp, good := basisPoints(raw[loc[1]+p[2] : loc[1]+p[3]])
	if !good || bp == 0 {
		return t, ms, false
	}
	t.bp = bp
	rest = ms
	for i, m := range ms {
		// The cap may come before the rate ("最高补200万、按15%算").
		if m.Start >= loc[1] && m.End <= end && cueBefore(raw, ms, i, reCapBefore) {
			t.cap = m
			rest = slices.Delete(slices.Clone(ms), i, i+1)
			break
		}
	}
	return t, rest, true
}

// otherAward is the other policy's award on the base of calculation c (its
// first amount input): base × rate, capped. ok is false when c has none.
func otherAward(t otherTerms, c policies.Calculation) (yuan.Mention, string, bool) {
	r, _ := policies.RuleByName(c.Rule)
	for _, in := range r.Inputs {
		v, isYuan := c.Inputs[in.Name].(int64)
		if in.Unit != policies.InputYuan || !isYuan || v <= 0 {
			continue
		}
		a := v * t.bp / 10000
		note := fmt.Sprintf("另一政策按您说的%s计算：%s × %s = %s", fmtBP(t.bp), yuan.Format(v), fmtBP(t.bp), yuan.Format(a))
		if t.cap.Yuan > 0 && a > t.cap.Yuan {
			a = t.cap.Yuan
			note += fmt.Sprintf("，超过最高%s，按%s计", yuan.Format(t.cap.Yuan), yuan.Format(a))
		}
		return yuan.Mention{Yuan: a, Text: yuan.Format(a)}, note + "。", true
	}
	return yuan.Mention{}, "", false
}
