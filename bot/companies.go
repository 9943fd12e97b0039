package bot

import (
	"regexp"
	"strings"

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
var reCompanyMark = regexp.MustCompile(`(?:^|[：:，,；;。])\s*((?:[A-D]|[甲乙丙丁])(?:公司|厂|企业|客户)?)[^\x00-\x7F，,：:股轮类级档方]|(?:^|[：:，,；;。]|客户|企业|公司)\s*((?:一家|一个|另一家|另一个|另外一家|另外一个|还有一家|还有一个)(?:客户|公司|企业)?)[^\x00-\x7F，,：:零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟项]|(兄弟公司|姐妹公司|子公司|母公司|关联公司|另一家(?:公司|企业|厂)?|另外一家(?:公司|企业|厂)?|[A-D甲乙丙丁]\s*(?:公司|厂)|(?:我们|我|本)(?:公司|厂)|(?i:sister compan(?:y|ies)|subsidiar(?:y|ies)|parent compan(?:y|ies)|our (?:company|firm)))`)

// companyParts splits raw where each company is named, each part running
// to the next company's name; what comes before the first ("集团两家公司：")
// is the question's preamble, no company's. A company named again right
// after itself stays one part. nil unless two or more.
func companyParts(raw string) []companyPart {
	var locs [][]int
	for _, m := range reCompanyMark.FindAllStringSubmatchIndex(raw, -1) {
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] >= 0 {
				locs = append(locs, []int{m[g], m[g+1]}) // the name itself, not the words around it
				break
			}
		}
	}
	locs = withFirstOfPair(raw, locs)
	var parts []companyPart
	prev, named := "", map[string]bool{}
	for _, l := range locs {
		name := raw[l[0]:l[1]]
		if name == prev && reOwnCompany.MatchString(name) || named[name] && !reGenericCompany.MatchString(name) {
			continue // "我们公司…我们公司…", "B公司…B公司是4月份评上的": one company
		}
		prev, named[name] = name, true
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
	companies := 0
	for _, p := range parts {
		companies += p.companies
	}
	if companies < 2 {
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

// reGenericCompany: names that do not identify one company ("一家" may be
// said of each of three).
var reGenericCompany = regexp.MustCompile(`一家|一个|另一|另外|还有|兄弟公司|子公司|(?i)sister|subsidiar`)

// reOwnCompany names the asker's own company: said twice, still one.
var reOwnCompany = regexp.MustCompile(`(我们|我|本)(公司|厂)|(?i)our (company|firm)`)

// A companyPart is the text about one company (or several named together).
type companyPart struct {
	start, nameEnd, end int
	companies           int
}

// reJoinerOnly: nothing between two company names but "和", "与", "、".
var reJoinerOnly = regexp.MustCompile(`^\s*(和|与|及|以及|、|跟|(?i:and))\s*$`)

// perCompany builds rule's calls company by company: a tier rule once for
// each part that names the tier, another rule once for each part with its
// figures (its count read within the part, not from "两家公司" before the
// first company). nil when no part concerns the rule.
func perCompany(rule, raw string, parts []companyPart, ms []yuan.Mention, cc ChatContext) (calls []ruleCall, used []int) {
	if investorRules[rule] {
		return nil, nil // the companies are investees; the award is the investor's, one yearly cap
	}
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
		// A part concerns the rule when it names the tier, holds the rule's
		// figures, or — for a rule that reads no figures here (标准, 人才) —
		// names the rule.
		re, tier := tierWord[rule]
		if tier && re.MatchString(knowledge.Normalize(sub)) || !tier && len(own) > 0 ||
			!tier && len(ms) == 0 && ruleNamed(rule, knowledge.Normalize(sub)) {
			pieces = append(pieces, piece{sub, own, p.companies})
			used = append(used, k)
		}
	}
	if len(pieces) == 0 {
		return nil, nil
	}
	for _, p := range pieces {
		norm := knowledge.Normalize(p.raw)
		kept, unmet, said, _ := unmetOf(rule, norm, p.raw, p.ms)
		var cs []ruleCall
		if unmet != nil {
			cs = []ruleCall{{name: rule, unmet: unmet, said: said}}
		} else {
			cs = buildCalls(rule, norm, p.raw, kept, cc, false, nil)
		}
		for range p.companies {
			calls = append(calls, cs...) // "乙公司和丙公司都是…": each earns it
		}
	}
	return calls, used
}

// investorRules reward the investor, not the enterprises it invests in.
var investorRules = map[string]bool{"equity_investment": true, "fund_manager": true}

// ruleNamed reports whether norm names rule (its frame's subject cues).
func ruleNamed(rule, norm string) bool {
	for _, t := range triggers {
		if t.rule == rule {
			return t.match.MatchString(norm)
		}
	}
	return false
}

// reOneOfTwo finds "一个/一家" (not 另一个, 每一家): with "另一个" after it,
// the first of a pair of companies ("两个客户今年一个新评上…，另一个…").
var reOneOfTwo = regexp.MustCompile(`(^|[^另外每统])(一个|一家)`)

// withFirstOfPair adds the "一个" a later "另一个" pairs with, when no
// company is named before that "另一个".
func withFirstOfPair(raw string, locs [][]int) [][]int {
	for i, l := range locs {
		name := raw[l[0]:l[1]]
		if !strings.HasPrefix(name, "另") || i > 0 {
			continue
		}
		ms := reOneOfTwo.FindAllStringSubmatchIndex(raw[:l[0]], -1)
		if len(ms) == 0 {
			return locs
		}
		m := ms[len(ms)-1]
		return append([][]int{{m[4], m[5]}}, locs...)
	}
	return locs
}
