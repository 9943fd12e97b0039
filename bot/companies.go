package bot

import (
	"regexp"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/yuan"
)

// Several companies in one question: "我们公司数字化投入500万，兄弟公司投了
// 60万，两家合计" or "母公司新评上小巨人，子公司新认定为省级". Each company's
// figures meet the thresholds and caps on their own and each earns its own
// award; the total adds them.

// reCompanyMark names one company of several.
var reCompanyMark = regexp.MustCompile(`兄弟公司|姐妹公司|子公司|母公司|关联公司|另一家(?:公司|企业|厂)?|另外一家(?:公司|企业|厂)?|[A-D甲乙丙丁]\s*(?:公司|厂)|(?:我们|我|本)(?:公司|厂)|(?i:sister compan(?:y|ies)|subsidiar(?:y|ies)|parent compan(?:y|ies)|our (?:company|firm))`)

// companyParts splits raw where each company is named, each part running
// to the next company's name; what comes before the first ("集团两家公司：")
// is the question's preamble, no company's. A company named again right
// after itself stays one part. nil unless two or more.
func companyParts(raw string) [][2]int {
	locs := reCompanyMark.FindAllStringIndex(raw, -1)
	var parts [][2]int
	prev := ""
	for _, l := range locs {
		name := raw[l[0]:l[1]]
		if name == prev {
			continue
		}
		prev = name
		if len(parts) > 0 {
			parts[len(parts)-1][1] = l[0]
		}
		parts = append(parts, [2]int{l[0], len(raw)})
	}
	if len(parts) < 2 {
		return nil
	}
	return parts
}

// perCompany builds rule's calls company by company: a tier rule once for
// each part that names the tier, another rule once for each part with its
// figures (its count read within the part, not from "两家公司" before the
// first company). nil when no part concerns the rule.
func perCompany(rule, raw string, parts [][2]int, ms []yuan.Mention, cc ChatContext) (calls []ruleCall, used []int) {
	type piece struct {
		raw string
		ms  []yuan.Mention
	}
	var pieces []piece
	for _, m := range ms {
		if m.Start < parts[0][0] {
			return nil, nil // a figure before any company is named: not one company's
		}
	}
	for k, p := range parts {
		sub := raw[p[0]:p[1]]
		var own []yuan.Mention
		for _, m := range ms {
			if m.Start >= p[0] && m.End <= p[1] {
				m.Start, m.End = m.Start-p[0], m.End-p[0]
				own = append(own, m)
			}
		}
		if re, tier := tierWord[rule]; tier && re.MatchString(knowledge.Normalize(sub)) || !tier && len(own) > 0 {
			pieces = append(pieces, piece{sub, own})
			used = append(used, k)
		}
	}
	if len(pieces) == 0 {
		return nil, nil
	}
	for _, p := range pieces {
		calls = append(calls, buildCalls(rule, knowledge.Normalize(p.raw), p.raw, p.ms, cc, false, nil)...)
	}
	return calls, used
}
