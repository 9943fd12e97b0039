package bot

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// unmetCondition is a clause condition (frames.yaml unmet) compiled.
type unmetCondition struct {
	cond   policies.Condition
	re     *regexp.Regexp
	unless *regexp.Regexp // nil: none
}

// otherPlaceSlot in a condition's pattern stands for any place other than
// Chengdu (knowledge's places.yaml), so no pattern lists cities itself.
const otherPlaceSlot = "@other_place"

var otherPlaceAlt = sync.OnceValue(func() string {
	var alts []string
	for _, p := range knowledge.OtherPlaces() {
		alts = append(alts, regexp.QuoteMeta(p))
	}
	return "(?:" + strings.Join(alts, "|") + ")"
})

// unmetConditions are compiled on first use, each distinct pattern once
// (several rules share "not a quality SME"): compiling them all at start-up
// cost the cold start ~10 ms.
var unmetConditions = sync.OnceValue(func() map[string][]unmetCondition {
	compiled := map[string]*regexp.Regexp{}
	compile := func(cues []policies.Cue) *regexp.Regexp {
		src := policies.Pattern(cues)
		if strings.Contains(src, otherPlaceSlot) {
			src = strings.ReplaceAll(src, otherPlaceSlot, otherPlaceAlt())
		}
		if re, ok := compiled[src]; ok {
			return re
		}
		re := regexp.MustCompile(src)
		compiled[src] = re
		return re
	}
	out := map[string][]unmetCondition{}
	for _, f := range mustFrames() {
		for _, c := range f.Unmet {
			u := unmetCondition{cond: c, re: compile(c.Cues)}
			if len(c.Unless) > 0 {
				u.unless = compile(c.Unless)
			}
			out[f.Rule] = append(out[f.Rule], u)
		}
	}
	return out
})

// unmetOf applies rule's unmet conditions to a question. A per-item
// condition said beside some of the rule's figures ("D只是创新型中小企业200万")
// drops those figures; said of the enterprise as a whole — or of every
// figure — it returns the condition and the words that said it, and the
// rule pays 0.
func unmetOf(rule, norm, raw string, ms []yuan.Mention) (kept []yuan.Mention, whole *policies.Condition, said string, notes []string) {
	kept = ms
	for _, u := range unmetConditions()[rule] {
		loc := u.re.FindStringIndex(norm)
		if loc == nil || u.unless != nil && u.unless.MatchString(norm) {
			continue
		}
		if u.cond.PerItem && len(kept) > 0 {
			var left []yuan.Mention
			var dropped []string
			for _, m := range kept {
				seg := segmentAround(raw, m)
				if !u.re.MatchString(knowledge.Normalize(raw[seg[0]:seg[1]])) {
					left = append(left, m)
				} else {
					dropped = append(dropped, fmt.Sprintf("不符合条件的一笔不计入：“%s”。", strings.TrimSpace(raw[seg[0]:seg[1]])))
				}
			}
			if len(left) > 0 && len(left) < len(kept) {
				kept, notes = left, append(notes, dropped...)
				continue
			}
		}
		c := u.cond
		return nil, &c, norm[loc[0]:loc[1]], nil
	}
	return kept, nil, "", notes
}
