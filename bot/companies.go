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

// reCompanyMark names one company of several; a bare letter (A, B, 甲, 乙 —
// not 甲方/乙方, parties to a contract) opening a part of the sentence
// names one too ("三家客户：A今年…，B首次…").
var reCompanyMark = regexp.MustCompile(`(?:^|[：:，,；;。])\s*(?:[A-D]|[甲乙丙丁])(?:公司|厂|企业|客户)?[^\x00-\x7F，,：:股轮类级档方]|兄弟公司|姐妹公司|子公司|母公司|关联公司|另一家(?:公司|企业|厂)?|另外一家(?:公司|企业|厂)?|[A-D甲乙丙丁]\s*(?:公司|厂)|(?:我们|我|本)(?:公司|厂)|(?i:sister compan(?:y|ies)|subsidiar(?:y|ies)|parent compan(?:y|ies)|our (?:company|firm))`)

// companyParts splits raw where each company is named, each part running
// to the next company's name; what comes before the first ("集团两家公司：")
// is the question's preamble, no company's. A company named again right
// after itself stays one part. nil unless two or more.
func companyParts(raw string) []companyPart {
	locs := reCompanyMark.FindAllStringIndex(raw, -1)
	var parts []companyPart
	prev := ""
	for _, l := range locs {
		name := raw[l[0]:l[1]]
		if name == prev {
			continue
		}
		prev = name
		if n := len(parts); n > 0 {
			parts[n-1].end = l[0]
			if reJoinerOnly.MatchString(raw[parts[n-1].nameEnd:l[0]]) {
				// "乙公司和丙公司都是…": one part for both, counted twice.
				parts[n-1].end, parts[n-1].nameEnd = len(raw), l[1]
				parts[n-1].companies++
				continue
			}
		}
		parts = append(parts, companyPart{start: l[0], nameEnd: l[1], end: len(raw), companies: 1})
	}
	if len(parts) < 2 {
		return nil
	}
	// The last company's part ends with its sentence: what follows asks
	// about all of them ("两家加起来…", "for the two companies").
	last := &parts[len(parts)-1]
	if k := sentenceEndAfter(raw, last.nameEnd); k > 0 {
		last.end = k
	}
	return parts
}

// A companyPart is the text about one company (or several named together).
type companyPart struct {
	start, nameEnd, end int
	companies           int
}

// reJoinerOnly: nothing between two company names but "和", "与", "、".
var reJoinerOnly = regexp.MustCompile(`^\s*(和|与|及|以及|、|,|，|跟|(?i:and))?\s*$`)

// perCompany builds rule's calls company by company: a tier rule once for
// each part that names the tier, another rule once for each part with its
// figures (its count read within the part, not from "两家公司" before the
// first company). nil when no part concerns the rule.
func perCompany(rule, raw string, parts []companyPart, ms []yuan.Mention, cc ChatContext) (calls []ruleCall, used []int) {
	type piece struct {
		raw       string
		ms        []yuan.Mention
		companies int
	}
	var pieces []piece
	for _, m := range ms {
		if m.Start < parts[0].start {
			return nil, nil // a figure before any company is named: not one company's
		}
	}
	for k, p := range parts {
		sub := raw[p.start:p.end]
		var own []yuan.Mention
		for _, m := range ms {
			if m.Start >= p.start && m.End <= p.end {
				m.Start, m.End = m.Start-p.start, m.End-p.start
				own = append(own, m)
			}
		}
		if re, tier := tierWord[rule]; tier && re.MatchString(knowledge.Normalize(sub)) || !tier && len(own) > 0 {
			pieces = append(pieces, piece{sub, own, p.companies})
			used = append(used, k)
		}
	}
	if len(pieces) == 0 {
		return nil, nil
	}
	for _, p := range pieces {
		cs := buildCalls(rule, knowledge.Normalize(p.raw), p.raw, p.ms, cc, false, nil)
		for range p.companies {
			calls = append(calls, cs...) // "乙公司和丙公司都是…": each earns it
		}
	}
	return calls, used
}
