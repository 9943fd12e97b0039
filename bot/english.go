package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// English answers ("English in, English out"): a question detected as
// English (Answer.Lang "en") gets the whole answer in English — amounts as
// "600,000 yuan (60万元)", steps, notes, near-miss advice, the request for
// missing figures, the headings, the out-of-scope refusal and the draft
// note. Chinese stays only where a reader needs it to find the source: the
// clause quote (under its English title), names in “ ” (“壮大贷”, a
// department's Chinese name) and the Chinese form of an amount in brackets.
// The receipts' English comes from policies (Calculation.Localized); the
// wording of the bot's own sentences is here.

// HotlineEN is Hotline in English.
const HotlineEN = "the 12345 government service hotline (“12345 政务服务便民热线”)"

// notesEN renders the notes the engine writes before the amounts
// (intent.go, roles.go, need.go, engine.go): Chinese format → English, read
// back as policies reads receipts (%v amount, %d count, %s text).
var notesEN = mustPhrasebook(map[string]string{
	"另一政策按您说的%s计算：%v × %s = %v。":                         "The other policy, at the %s you gave: %v × %s = %v.",
	"另一政策按您说的%s计算：%v × %s = %v，超过最高%v，按%v计。":             "The other policy, at the %s you gave: %v × %s = %v, above its cap of %v, so %v.",
	"今年营收按 %v + %v = %v 计算。":                             "This year's revenue is taken as %v + %v = %v.",
	"每年的增量分别计算后相加。":                                      "Each year's increase is calculated on its own, then added up.",
	"按年份逐年计算：每年与此前各年的最高营收比较。":                            "Year by year: each year is compared with the highest revenue of the years before it.",
	"第5条只奖励主导制（修）订并获批的国际、国家和行业技术标准；团体、地方、企业标准不在其列。":      "Article 5 rewards only approved international, national and industry technical standards the enterprise led; group, local and enterprise standards are not among them.",
	"不符合条件的一笔不计入：“%s”。":                                  "An item said not to meet the clause's condition is left out: “%s”.",
	"“%s”按“%s”理解。":                                       "“%s” was read as “%s”.",
	"“%s”按低于%v计算。":                                       "“%s” is taken as just below %v.",
	"问题给的是一个范围（%v—%v），下面按两端分别计算。":                        "The question gives a range (%v to %v): both ends are calculated below.",
	"问题说研发投入减少或没有增加：没有增量，按0计算。":                          "The question says R&D spending fell or did not rise: there is no increase, so 0 is used.",
	"“-%s”是负数，不能作为金额计算；请告诉我正确的金额。":                       "“-%s” is negative and cannot be used as an amount; please give the correct figure.",
	"几笔贷款按同一家企业合计计算；如是几家企业，请分别说明。":                       "Several loans are added up as one enterprise's; if they are several enterprises', please say so for each.",
	"几项技术研发投入按一个项目合计计算；如是几个项目，请说明各项目的投入。":                "Several R&D inputs are added up as one project's; if they are several projects, please give each project's input.",
	"几笔数字化智能化投资按合计计算。":                                   "Several digital and smart investments are added up.",
	"问题中的“%s”是相对于另一个数字的说法，我不替您换算，以免算错；请直接告诉我换算后的金额。":     "“%s” is said relative to another figure; I do not convert it, so as not to get it wrong: please give the amount itself.",
	"按LPR %s计算的利息：%v × %s × %d/12个月 = %v（由您给的贷款额和利率推算）。": "Interest at the LPR of %s: %v × %s × %d/12 months = %v (worked out from the loan and the rates you gave).",
	"实际支付的利息按实际利率推算：%v × %s × %d/12个月 = %v。":             "Interest actually paid, worked out from the actual rate: %v × %s × %d/12 months = %v.",
	"是的，按条文计算正是%v（计算见下）。":                                "Yes: by the clause it is exactly %v (calculation below).",
	"不是%v：按条文计算是%v（计算见下）。":                               "No, not %v: by the clause it is %v (calculation below).",
	"不同事项分别计算后相加；同一事项涉及市级同类奖励补助政策的，按就高不就低原则执行，不重复享受。":    "Different matters are calculated separately and added up; where one matter falls under several city awards of the same kind, only the highest is granted (“就高不就低”), not both.",
	"几项中取较高的一项。":                                         "The higher of the amounts compared.",
	"两份文件仍是征求意见稿，尚未印发，施行日期还不能确定。按条文，自印发之日起第30个工作日后施行（印发当日不计），有效期3年；正式印发后即可算出具体日期。": "Both documents are still consultation drafts (“征求意见稿”) and have not been issued, so the effective date is not known yet. By the text, the policy takes effect on the 30th working day after issue (the issue day does not count) and is valid for 3 years; the exact dates can be calculated once it is issued.",
})

func mustPhrasebook(table map[string]string) *policies.Phrasebook {
	pb, err := policies.NewPhrasebook(table)
	if err != nil {
		panic(err)
	}
	return pb
}

// reAmountInEN finds the Chinese amounts a note written in English still
// carries ("Yes: 60万 is what …", from guessNotes).
var reAmountInEN = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?(?:万|亿)元?`)

// noteEN writes one of the answer's notes in English.
func (e *Engine) noteEN(n string, a Answer) string {
	if strings.HasPrefix(n, "按您所说：") {
		return readingNoteEN(a.Reading)
	}
	if en, ok := notesEN.English(n); ok {
		return en
	}
	// A note already in English may name an amount the Chinese way.
	return reAmountInEN.ReplaceAllStringFunc(n, func(m string) string {
		if v, err := yuan.Parse(m); err == nil {
			return yuan.FormatEN(v)
		}
		return m
	})
}

// readingNoteEN is readingNote in English: what was read from the question.
func readingNoteEN(rs []ReadFigure) string {
	var parts []string
	for _, r := range rs {
		p := fmt.Sprintf("%s %s", inputLabelEN(r.Rule, r.Input), yuan.FormatEN(r.Yuan))
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return "As you said: " + strings.Join(parts, "; ") + "."
}

func inputLabelEN(rule, input string) string {
	if l := policies.InputLabelEN(rule, input); l != "" {
		return l
	}
	return input
}

// missingEN names the figures still needed, in English, from their Chinese
// labels (Answer.Missing).
func missingEN(labels []string) []string {
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		en := "“" + l + "”"
	find:
		for _, r := range policies.Rules() {
			for _, in := range r.Inputs {
				if strings.TrimSuffix(in.Label, "（元）") == l && policies.InputLabelEN(r.Name, in.Name) != "" {
					en = policies.InputLabelEN(r.Name, in.Name)
					break find
				}
			}
		}
		out = append(out, en)
	}
	return out
}

// localized returns the calculations in lang: receipts through
// Calculation.Localized, the bot's total here. Chinese is returned as it is.
func localized(cs []policies.Calculation, lang string) []policies.Calculation {
	if lang != "en" {
		return cs
	}
	titles := map[string]string{} // Chinese title → English, for the total's parts
	for _, c := range cs {
		if t := policies.RuleTitleEN(c.Rule); t != "" {
			titles[c.Title] = t
		}
	}
	out := make([]policies.Calculation, len(cs))
	for i, c := range cs {
		if c.Rule != RuleTotal && c.Rule != RuleDifference && c.Rule != RuleLarger {
			out[i] = c.Localized("en")
			continue
		}
		t := c
		switch c.Rule {
		case RuleTotal:
			t.Title = "Total"
		case RuleDifference:
			t.Title = "Difference"
		case RuleLarger:
			t.Title = "The larger"
		}
		t.Steps = make([]string, len(c.Steps))
		for j, s := range c.Steps {
			t.Steps[j] = sumEN(s, titles)
		}
		t.Notes = make([]string, len(c.Notes))
		for j, n := range c.Notes {
			t.Notes[j], _ = notesEN.English(n)
		}
		out[i] = t
	}
	return out
}

// sumEN writes the total's step "60万（title） + 50万（title） = 110万" (or a
// difference's, with −, or the larger's, "40万（a）、25万（b） = 40万") in English; a step of another shape is returned as
// it is.
func sumEN(s string, titles map[string]string) string {
	sum, result, ok := strings.Cut(s, " = ")
	total, err := yuan.Parse(result)
	if !ok || err != nil {
		return s
	}
	op, opEN, lead := " + ", " + ", ""
	switch {
	case strings.Contains(sum, " − "):
		op, opEN = " − ", " − "
	case strings.Contains(sum, "）、"):
		op, opEN, lead = "、", ", ", "the larger of "
	}
	var parts []string
	for _, p := range strings.Split(sum, op) {
		amount, title, ok := strings.Cut(p, "（")
		v, err := yuan.Parse(amount)
		if !ok || err != nil {
			return s
		}
		title = strings.TrimSuffix(title, "）")
		if en, ok := titles[title]; ok {
			title = en
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", yuan.FormatEN(v), title))
	}
	return lead + strings.Join(parts, opEN) + " = " + yuan.FormatEN(total)
}

// wordingEN is the English of compose's answer (compose.go).
var wordingEN = wording{
	truncated: "(The question is long: only its first %d characters were read.)\n",
	missing:   "To calculate the amount I still need: %s. Just reply with the figures, e.g. “6.5 million” or “650万”.\n", listSep: "; ",
	basisNumbered: "Basis: %s (%s) [%s]\n", basis: "Basis: %s [%s]\n",
	quote:       "Text: “%s”\n",
	departments: departmentsEN,
	related:     "Related clauses: %s\n", relatedSep: "; ",
	draft:    DraftNoteEN,
	unstated: "%s: the documents set no specific amount.\n", maximum: "%s: up to %s (a cap; the actual amount is decided on review)\n", threshold: "%s: threshold %s (what must be reached to qualify, not an amount paid)\n", amount: "%s: %s\n",
	step: "  · %s\n", tip: "  Tip: %s\n", note: "  Note: %s\n",
	money:      yuan.FormatEN,
	cite:       policies.CiteEN,
	clauseName: func(id, _ string) string { return policies.ClauseTitleEN(id) },
	note1:      func(e *Engine, a Answer, n string) string { return e.noteEN(n, a) },
}

// departmentsEN is the 责任单位 line of an English answer.
func departmentsEN(e *Engine, ds []string) string {
	if len(ds) == 0 {
		return fmt.Sprintf("Responsible department: not named in the clause; ask %s or %s", policies.DepartmentEN(e.leadDepartment()), HotlineEN)
	}
	if len(ds) == 1 {
		return "Responsible department: " + departmentsList(ds)
	}
	return "Responsible departments: " + departmentsList(ds)
}

// outOfScopeEN is the out-of-scope answer in English.
func (e *Engine) outOfScopeEN(res knowledge.Result) string {
	var b strings.Builder
	b.WriteString("Sorry, this question is outside the two documents this assistant covers")
	switch res.Scope {
	case knowledge.ScopeOtherPlace:
		if p := reasonSubject(res.Reason); p != "" {
			fmt.Fprintf(&b, " (it is about %s, and only Chengdu's policies are covered)", p)
		} else {
			b.WriteString(" (it is about another place, and only Chengdu's policies are covered)")
		}
	case knowledge.ScopeOffTopic:
		if t := reasonSubject(res.Reason); t != "" {
			fmt.Fprintf(&b, " (it is about %s, which the documents do not treat)", t)
		}
	case knowledge.ScopeEmpty:
		b.WriteString(" (the question is empty)")
	case knowledge.ScopeWeak:
		b.WriteString(" (it has too little to do with them to answer from them)")
	}
	fmt.Fprintf(&b, ".\nThis assistant answers only on two documents, both consultation drafts: %s; and %s.",
		policies.DocumentEN("plan"), policies.DocumentEN("policy"))
	if res.Scope == knowledge.ScopeWeak && clearLead(res.Hits) {
		if cl, err := e.corpus.Clause(res.Hits[0].ClauseID); err == nil && len(cl.Departments) > 0 {
			fmt.Fprintf(&b, "\nThe nearest clause is %s (%s) [%s]; if your question is about it, ask: %s.", policies.CiteEN(cl), policies.ClauseTitleEN(cl.ID), cl.ID, departmentsList(cl.Departments))
		}
	} else if res.Scope == knowledge.ScopeWeak {
		fmt.Fprintf(&b, "\nMost of their clauses are the responsibility of %s; you can ask there.", policies.DepartmentEN(e.leadDepartment()))
	}
	fmt.Fprintf(&b, "\nFor anything else, call %s or ask your district or county bureau of economy and information technology.", HotlineEN)
	return b.String()
}

func departmentsList(ds []string) string {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = policies.DepartmentEN(d)
	}
	return strings.Join(names, "; ")
}

// reasonSubject is what knowledge's reason says a question is about
// ("问题涉及北京，…" → “北京”, "问题涉及Beijing，…" → Beijing).
func reasonSubject(reason string) string {
	s, ok := strings.CutPrefix(reason, "问题涉及")
	if !ok {
		return ""
	}
	s, _, _ = strings.Cut(s, "，")
	if s == "" {
		return ""
	}
	if strings.ContainsFunc(s, isHanRune) {
		return "“" + s + "”"
	}
	return s
}

func isHanRune(r rune) bool { return r >= 0x3400 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff }
