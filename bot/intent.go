package bot

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// intent is what a question asks the calculators: which rules, with which
// inputs. understand fills it from the question's words and amounts; it
// never guesses a figure the user did not give.
type intent struct {
	rules     []ruleCall
	notes     []string // how the question was read, for the answer
	asksMoney bool
	followUp  bool
	// asksMax: "最多/上限/cap" — with no figures, the rule's cap answers.
	asksMax bool
	// asksMin: "门槛/至少/达到多少才" — with no figures, the threshold answers.
	asksMin bool
	// asksTotal: "一共/合计/in total" — several amounts are also summed.
	asksTotal bool
	// impliedTotal: the total is not asked in words but implied (awards
	// of different rules, "能拿多少"); it is given when two or more pay.
	impliedTotal bool
	// asksDiff: "相差多少/多拿多少/which pays more" — the amounts are
	// alternatives, compared, never summed or merged.
	asksDiff bool
	// asksLarger: "多的那个奖多少", "the larger one" — of alternatives, the
	// higher amount is asked, not their sum.
	asksLarger bool
	guesses    []yuan.Mention // the user's own estimates, checked, never inputs
	awards     []yuan.Mention // awards of different policies for one matter, to choose between
	other      *otherTerms    // another policy's rate and cap, weighed against ours
	// dateUnknown: the effective date was asked and cannot be computed yet
	// (the texts are not issued).
	dateUnknown bool
	ambiguous   bool // two readings give different amounts
	// several: the question counts several enterprises' awards.
	several bool
	// relative is a figure said relative to another ("多投了三分之一",
	// "是材料费的1.5倍"): not converted, the amount is asked for instead.
	relative string
	mentions []yuan.Mention // the figures read as inputs, for the reading
}

type ruleCall struct {
	name   string
	inputs map[string]string
	ask    string // the input to ask for when figures are missing, if not the calculator's first
	note   string // how the figures were combined, for the answer
	// several marks one of several enterprises' awards ("4家省级"): they
	// are summed, never merged by 就高不就低 (that is one enterprise's rule).
	several bool
	// alt marks another reading of the call before it ("500万、930万" with
	// no year words): when the two give different amounts the answer is
	// ambiguous and asks which is meant.
	alt bool
	// unmet: the question says a condition of the rule is not met; the
	// rule pays 0 with the condition as the reason (said: the user's words).
	unmet *policies.Condition
	said  string
	// skip: the call carries only its note (a level the clause does not
	// reward); nothing is computed.
	skip bool
}

// trigger says when a question is about a rule. Patterns run on the
// normalised question (simplified, lower case, half-width). They are
// compiled from the calculators' frames (policies/rules/frames.yaml).
type trigger struct {
	rule     string
	match    *regexp.Regexp
	suppress []string // rules this one makes irrelevant when both match
	inputs   map[string]*regexp.Regexp
}

// mustFrames are the calculators' frames; embedded data that policies'
// tests load, so an error is a broken build.
func mustFrames() []policies.Frame {
	frames, err := policies.Frames()
	if err != nil {
		panic(err)
	}
	return frames
}

var triggers = func() []trigger {
	frames := mustFrames()
	out := make([]trigger, 0, len(frames))
	for _, f := range frames {
		t := trigger{rule: f.Rule, match: policies.Regexp(f.Subject), suppress: f.Suppress, inputs: map[string]*regexp.Regexp{}}
		for name, cues := range f.Inputs {
			t.inputs[name] = policies.Regexp(cues)
		}
		out = append(out, t)
	}
	return out
}()

// inputCue is the frame's cue, just before a figure, for rule's input.
func inputCue(rule, input string) *regexp.Regexp {
	for _, t := range triggers {
		if t.rule == rule && t.inputs[input] != nil {
			return t.inputs[input]
		}
	}
	return matchNothing
}

var matchNothing = regexp.MustCompile(`$^`)

var (
	reAsksMoney = regexp.MustCompile(`多少|几多|几万|几十万|奖几|补几|能拿|能领|能补|能得|可得|可以拿|可以领|给多少|奖励|补贴|补助|资助|贴息|奖金|钱|金额|额度|最高|上限|怎么算|合计|共计|加起来|\b(how much|amount|rewards?|subsid\w*|grants?|bonus\w*|money|awards?|funding|gets?|give|gives|given|receive|offers?|entitled|eligible|worth)\b`)
	// "培育多少家" asks a count, not money.
	reCountAsk = regexp.MustCompile(`多少(家|个|人|项|条|年|天|次|户|名|所)|how many`)
	reFollowUp = regexp.MustCompile(`^(那|那么|如果|要是|假如|假设|若|还有|另外|换成|改成|what about|and if|if )|呢[?？]?$`)
	reDate     = regexp.MustCompile(`(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})`)
)

// understand reads the rules and inputs a question asks for. norm is the
// normalised question, raw the question as typed (amounts are read from it,
// since yuan.Extract reports offsets into it).
//
// stacking says the question asks how supports combine: figures offered
// there as awards of different policies ("另一个政策能补50万，这个政策补80万")
// are the amounts to choose between (policy/scope, 就高不就低), not inputs.
func understand(norm, raw string, cc ChatContext, stacking bool) intent {
	in := intent{asksMoney: reAsksMoney.MatchString(reCountAsk.ReplaceAllString(norm, ""))}
	in.asksMax = reAsksMax.MatchString(norm)
	in.asksMin = reAsksMin.MatchString(norm)
	in.asksTotal = reAsksTotal.MatchString(norm)
	in.asksDiff = reAsksDiff.MatchString(norm)
	in.asksLarger = reAsksLarger.MatchString(norm)
	in.relative = reRelative.FindString(norm)
	ms := yuan.Extract(raw)
	if in.relative != "" {
		rel, notes, unresolved := relativeFigures(raw, ms)
		if len(rel) > 0 {
			// A figure read across a relative one's edge ("多了三分之一千万":
			// 一千万 shares its 一 with 三分之一) is no figure of its own.
			ms = slices.DeleteFunc(ms, func(m yuan.Mention) bool {
				return slices.ContainsFunc(rel, func(r yuan.Mention) bool { return partlyOverlap(m, r) })
			})
			ms = append(ms, rel...)
			slices.SortFunc(ms, func(a, b yuan.Mention) int { return a.Start - b.Start })
			in.notes = append(in.notes, notes...)
		}
		if !unresolved {
			in.relative = "" // every relative figure converted, or none was one ("差不多一半")
		}
	}
	fig := readFigures(raw, ms)
	// A negative amount is a bad figure, never its absolute value: it is
	// dropped, said so, and asked for like a missing one.
	fig.ms = slices.DeleteFunc(fig.ms, func(m yuan.Mention) bool {
		if !reMinus.MatchString(raw[:m.Start]) {
			return false
		}
		in.notes = append(in.notes, fmt.Sprintf("“-%s”是负数，不能作为金额计算；请告诉我正确的金额。", strings.TrimSpace(m.Text)))
		return true
	})
	in.guesses = fig.guesses
	in.asksMoney = in.asksMoney || len(fig.guesses) > 0 // "应该是10万吧" asks the amount
	in.followUp = cc.LastQuestion != "" && isFollowUp(norm, raw, fig.ms)
	if stacking {
		if t, rest, ok := otherPolicyTerms(raw, norm, fig.ms); ok {
			in.other, fig.ms = &t, rest
		}
		fig.ms, in.awards = awardFigures(raw, fig.ms)
		in.asksMoney = in.asksMoney || len(in.awards) > 1
	} else {
		fig.ms = withoutClaimedAwards(raw, fig.ms)
	}
	mentions, belowNotes := readBounds(raw, fig.ms)
	in.mentions = mentions
	in.notes = append(in.notes, belowNotes...)
	var fromTo *[2]yuan.Mention
	// The pair is found again by position: figures may have been dropped
	// (a negative, an award) or bounded since readFigures saw them.
	if fig.from >= 0 {
		from, to := -1, -1
		for i, m := range mentions {
			switch {
			case m.Start == fig.fromStart && from < 0:
				from = i
			case m.Start == fig.toStart && to < 0:
				to = i
			}
		}
		if from >= 0 && to >= 0 {
			fromTo = &[2]yuan.Mention{mentions[from], mentions[to]}
		}
	}
	var names []string
	suppressed := map[string]bool{}
	for _, t := range triggers {
		if t.match.MatchString(norm) {
			names = append(names, t.rule)
			for _, s := range t.suppress {
				suppressed[s] = true
			}
		}
	}
	// A suppressed rule stays when a part of the question names it alone:
	// "研发投入增加了500万，另外有一个研发成果产业化项目" asks both.
	if suppressed["rd_increase"] && namedAlone(norm, "rd_increase") {
		delete(suppressed, "rd_increase")
	}
	names = slices.DeleteFunc(names, func(n string) bool { return suppressed[n] })
	// Rules named only as context keep their figures (so no other rule takes
	// them) but are not computed: a support the asking sentence does not
	// ask when it names another; a revenue said in passing ("revenue RMB 85
	// million", 营收6800万 in a profile) below the first milestone, with no
	// crossing words, beside another support.
	context := map[string]bool{}
	if !reAsksTotal.MatchString(norm) {
		asked := askedSupport(raw, names)
		for _, n := range names {
			context[n] = !slices.Contains(asked, n)
		}
	}
	if slices.Contains(names, "revenue_milestone") && len(names) > 1 && !reRevenueCrossing.MatchString(norm) &&
		!slices.ContainsFunc(mentions, func(m yuan.Mention) bool { return m.Yuan >= 1_0000_0000 }) {
		context["revenue_milestone"] = true // no figure reaches the first milestone: nothing to weigh
	}
	// Likewise an R&D spend in a profile (研发投入410万) with no change said.
	if slices.Contains(names, "rd_increase") && len(names) > 1 && !reIncrease.MatchString(norm) && !reDecrease.MatchString(norm) && rdSpendOnce(raw, mentions) {
		context["rd_increase"] = true
	}
	// 研发 with no figure and no spending words is an R&D team or centre,
	// unless the question asks the rule's cap or threshold.
	if slices.Contains(names, "rd_increase") && len(mentions) == 0 && !reRDSpend.MatchString(norm) && !in.asksMax && !in.asksMin {
		names = slices.DeleteFunc(names, func(n string) bool { return n == "rd_increase" })
	}
	if !reTierAsked.MatchString(norm) && slices.ContainsFunc(names, func(n string) bool { return !tierRules[n] }) {
		names = slices.DeleteFunc(names, func(n string) bool { return tierRules[n] })
	}
	// "被评为省级智能工厂": 省级 of another title is not the SME tier.
	if slices.Contains(names, "provincial_sme") && reProvincialOther.MatchString(norm) && !reProvincialSME.MatchString(norm) {
		names = slices.DeleteFunc(names, func(n string) bool { return n == "provincial_sme" })
	}
	// "公司（省级专精特新）…": a tier named only in a bracketed aside is
	// what the company is, not a reward asked for.
	if bare := knowledge.BlankAsides(norm); bare != norm {
		names = slices.DeleteFunc(names, func(n string) bool {
			re, ok := tierWord[n]
			return ok && len(names) > 1 && !re.MatchString(bare)
		})
	}
	// "没有被认定为创新型、专精特新或者小巨人任何一种": tiers named only to
	// deny them are no rewards asked.
	if denied := reTierDenied.ReplaceAllStringFunc(norm, func(m string) string { return strings.Repeat(" ", len(m)) }); denied != norm {
		names = slices.DeleteFunc(names, func(n string) bool {
			re, ok := tierWord[n]
			return ok && len(names) > 1 && !re.MatchString(denied)
		})
	}
	// "听说省级跟小巨人一样都奖50万？我们刚被认定为省级的": a tier named in
	// hearsay is the rumour's, not the enterprise's, when another sentence
	// names the enterprise's own.
	if own := reHearsay.ReplaceAllStringFunc(norm, func(m string) string { return strings.Repeat(" ", len(m)) }); own != norm {
		if slices.ContainsFunc(names, func(n string) bool { re, ok := tierWord[n]; return ok && re.MatchString(own) }) {
			names = slices.DeleteFunc(names, func(n string) bool {
				re, ok := tierWord[n]
				return ok && len(names) > 1 && !re.MatchString(own)
			})
		}
	}
	// "去年评的省级，今年升为小巨人": a tier from an earlier year is history,
	// not this year's reward.
	names = slices.DeleteFunc(names, func(n string) bool {
		re, ok := tierWord[n]
		if !ok || len(names) == 1 {
			return false
		}
		latest := latestYear(norm)
		// An aside belongs to the words it follows ("省级专精特新（老企业，
		// 不是今年新认定）"): its commas do not split it off.
		for _, seg := range reSegment.Split(knowledge.JoinAsides(norm), -1) {
			if re.MatchString(seg) && (rePastTier.MatchString(seg) || latest > 0 && latestYear(seg) > 0 && latestYear(seg) < latest) {
				return true // "2022年认定为省级" beside 2024's figures
			}
		}
		return false
	})
	// The R&D rule matches 研发 inside 研发成果产业化 too: the suppress lists
	// above settle that. A bare 标准 in "认定标准" is not a technical standard.
	if slices.Contains(names, "standard") && !reStandardLevel.MatchString(norm) && !strings.Contains(norm, "技术标准") && !strings.Contains(norm, "制定") && !strings.Contains(norm, "制修订") {
		names = slices.DeleteFunc(names, func(n string) bool { return n == "standard" })
	}
	if len(names) == 0 && cc.LastRule != "" && (len(mentions) > 0 || in.followUp) {
		// "如果投入是500万呢": the figures change, the rule stays.
		names = []string{cc.LastRule}
		in.followUp = true
	}
	if in.followUp && cc.LastRule != "" {
		in.asksMoney = true
	}
	if slices.Contains(names, "rd_increase") && (reDecrease.MatchString(norm) || strings.Contains(raw, "-")) {
		if r := rdInputs(raw, mentions, map[string]string{}); r["increase_yuan"] == "0" {
			in.notes = append(in.notes, "问题说研发投入减少或没有增加：没有增量，按0计算。")
		}
	}
	// A tier named as context takes no figures (it has no amount input);
	// another rule named as context keeps its own, so no rule takes them.
	owned := ownMentions(raw, mentions, slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		return context[n] && tierRules[n] && slices.ContainsFunc(names, func(o string) bool { return !context[o] })
	}))
	parts := companyParts(raw)
	companies := map[int]int{} // the parts awards were read for → how many companies each names
	var byCompany []int        // indexes in in.rules of calls read company by company
	for _, n := range names {
		if context[n] && slices.ContainsFunc(names, func(o string) bool { return !context[o] }) {
			continue
		}
		var calls []ruleCall
		if parts != nil && !in.followUp {
			// Company by company, each part's conditions its own ("母公司只是
			// 参与起草…，子公司主导制定了…").
			var used []int
			calls, used = perCompany(n, raw, parts, owned[n], cc)
			for _, k := range used {
				companies[k] = parts[k].companies
			}
			for i := range calls {
				byCompany = append(byCompany, len(in.rules)+i)
			}
			if calls != nil {
				in.asksMoney = true
			}
		}
		kept := owned[n]
		if calls == nil {
			var unmet *policies.Condition
			var said string
			var dropped []string
			kept, unmet, said, dropped = unmetOf(n, norm, raw, owned[n])
			if unmet != nil {
				in.rules = append(in.rules, ruleCall{name: n, unmet: unmet, said: said})
				in.asksMoney = true
				continue
			}
			in.notes = append(in.notes, dropped...)
		}
		if calls == nil {
			calls = buildCalls(n, norm, raw, kept, cc, in.followUp, fromTo)
		}
		if len(calls) > 1 && calls[0].name == calls[1].name && maps.Equal(calls[0].inputs, calls[1].inputs) {
			in.asksTotal = true // "3个人入选": the same award several times
		}
		in.rules = append(in.rules, calls...)
		for _, c := range calls {
			if c.several {
				in.several, in.asksTotal = true, true
			}
			for _, n := range strings.Split(c.note, "\n") {
				if n != "" && !slices.Contains(in.notes, n) {
					in.notes = append(in.notes, n)
				}
			}
		}
	}
	nCompanies := 0
	for _, n := range companies {
		nCompanies += n
	}
	if nCompanies >= 2 {
		// Each company's award: summed, never merged with another's by
		// 就高不就低 (that is one enterprise's rule).
		for _, i := range byCompany {
			in.rules[i].several = true
		}
		in.several, in.asksTotal = true, true
	}
	// Awards of different rules for one enterprise, asked "能拿多少" with no
	// 分别: the amount asked is their sum (each is still shown).
	if !in.asksTotal && !in.asksDiff && !in.asksLarger && !reSeparately.MatchString(norm) && distinctRules(in.rules) >= 2 {
		in.asksTotal, in.impliedTotal = true, true
	}
	for _, m := range mentions {
		if m.RangeTo > m.Yuan {
			in.notes = append(in.notes, fmt.Sprintf("问题给的是一个范围（%s—%s），下面按两端分别计算。", yuan.Format(m.Yuan), yuan.Format(m.RangeTo)))
		}
	}
	// A rule with no figures and no money asked is context, not a request
	// ("壮大贷是什么"): answer from the clause alone.
	if !in.asksMoney && len(mentions) == 0 {
		in.rules = slices.DeleteFunc(in.rules, func(c ruleCall) bool { return c.name != "effective_date" })
	}
	return in
}

var (
	// reBelowBefore/After: "不足100万", "将近400万", "200万不到" give an upper
	// bound, not the figure itself.
	reBelowBefore = regexp.MustCompile(`(不足|少于|不到|低于|未达到|没达到|没到|没有达到|不满|将近|接近|快|差一点|almost|nearly|less than|under|below|just under)\s*$`)
	reBelowAfter  = regexp.MustCompile(`^\s*(不到|还不到|不足)`)
	// reMinus: a sign before a figure ("-5万", "负650万", "−5万"); a
	// digit before the dash makes it a range or a date instead.
	reMinus = regexp.MustCompile(`(^|[^0-9.])\s*(-|−|－|负)\s*$`)
)

// readBounds reads an amount given as an upper bound ("不足100万") as the
// largest whole yuan below it, and says so: thresholds and steps then come
// out as the user means them.
func readBounds(raw string, ms []yuan.Mention) ([]yuan.Mention, []string) {
	var notes []string
	for i, m := range ms {
		from := 0
		if i > 0 {
			from = min(ms[i-1].End, m.Start)
		}
		before := knowledge.Normalize(raw[from:m.Start])
		after := knowledge.Normalize(raw[m.End:])
		pre, post := reBelowBefore.FindString(before), reBelowAfter.FindString(after)
		if (pre != "" || post != "") && m.Yuan > 0 && m.RangeTo == 0 {
			notes = append(notes, fmt.Sprintf("“%s%s%s”按低于%s计算。", strings.TrimSpace(pre), strings.TrimSpace(m.Text), strings.TrimSpace(post), yuan.Format(m.Yuan)))
			ms[i].Yuan = m.Yuan - 1
		}
	}
	return ms, notes
}

// reClauseBreak splits a question into the parts that each speak of one
// matter ("研发投入增加650万，数字化投资200万").
var reClauseBreak = regexp.MustCompile(`[，。,;；！？!?\n()（）]|\.\s|和|以及|另外|还有|并且|同时|\band\b`)

// ownMentions gives each amount to the rule it is said of: the rule whose
// words come last before it in its part of the question, else one named
// later in that part, else the owner of the amount before it ("去年研发
// 500万，今年930万"). With one rule every amount is its own.
func ownMentions(raw string, ms []yuan.Mention, names []string) map[string][]yuan.Mention {
	owned := map[string][]yuan.Mention{}
	if len(names) <= 1 {
		for _, n := range names {
			owned[n] = ms
		}
		return owned
	}
	breaks := reClauseBreak.FindAllStringIndex(raw, -1)
	partStart := func(at int) int {
		start := 0
		for _, b := range breaks {
			if b[1] <= at {
				start = b[1]
			}
		}
		return start
	}
	partEnd := func(at int) int {
		for _, b := range breaks {
			if b[0] >= at {
				return b[0]
			}
		}
		return len(raw)
	}
	prev := ""
	for _, m := range ms {
		start, end := partStart(m.Start), partEnd(m.End)
		before := knowledge.Normalize(raw[start:m.Start])
		after := knowledge.Normalize(raw[m.End:end])
		owner, bestEnd := "", -1
		for _, t := range triggers {
			if !slices.Contains(names, t.rule) {
				continue
			}
			if locs := t.match.FindAllStringIndex(before, -1); len(locs) > 0 && locs[len(locs)-1][1] > bestEnd {
				owner, bestEnd = t.rule, locs[len(locs)-1][1]
			}
		}
		// An input's own words beat a rule's name: 技术研发投入 is the
		// 产业化 project's input even though 研发 names the R&D rule.
		for _, t := range triggers {
			for _, cue := range t.inputs {
				if slices.Contains(names, t.rule) && cue.MatchString(lastWords(before, 12)) {
					owner = t.rule
				}
			}
		}
		if owner == "" {
			for _, t := range triggers {
				if slices.Contains(names, t.rule) && t.match.MatchString(after) {
					owner = t.rule
					break
				}
			}
		}
		if owner == "" {
			owner = prev
		}
		if owner == "" {
			// The last rule named earlier in the sentence ("产线智能化改造，
			// 总共投入800万元"), a tier aside.
			sentence, last := knowledge.Normalize(raw[sentenceStart(raw, m.Start):m.Start]), -1
			for _, t := range triggers {
				if !slices.Contains(names, t.rule) || tierRules[t.rule] {
					continue
				}
				if locs := t.match.FindAllStringIndex(sentence, -1); len(locs) > 0 && locs[len(locs)-1][1] > last {
					owner, last = t.rule, locs[len(locs)-1][1]
				}
			}
		}
		if owner == "" {
			// Tier rules take no figures: with one rule left that does,
			// an unclaimed figure is its.
			if takers := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return tierRules[n] }); len(takers) == 1 {
				owner = takers[0]
			}
		}
		if owner != "" {
			owned[owner] = append(owned[owner], m)
			prev = owner
		}
	}
	return owned
}

// reRevenueGrowth marks two revenue figures as before and after.
var reRevenueGrowth = regexp.MustCompile(`从|去年|上年|往年|前年|今年|涨|增长|增加|提高|升|到了|变成|from|last year|this year|grew|rose|increased`)

// rePastTier marks a certification held before, not newly gained.
// itemsOf reads several figures (no range) of a rule whose input adds up:
// one call per item when the question speaks of several items (several),
// else one call on their sum, with note. ok is false for fewer than two
// figures.
func itemsOf(rule, input string, ms []yuan.Mention, in map[string]string, several bool, note string) ([]ruleCall, bool) {
	if len(ms) < 2 || slices.ContainsFunc(ms, func(m yuan.Mention) bool { return m.RangeTo > 0 }) {
		return nil, false
	}
	if several {
		var calls []ruleCall
		for _, m := range ms {
			c := clone(in)
			c[input] = itoa(m.Yuan)
			calls = append(calls, ruleCall{name: rule, inputs: c})
		}
		return calls, true
	}
	var sum int64
	for _, m := range ms {
		sum += m.Yuan
	}
	in[input] = itoa(sum)
	return []ruleCall{{name: rule, inputs: in, note: note}}, true
}

// yearsApart reports whether the figures are said of different years
// (去年 … 今年 …, 2023年 … 2024年 …): the year word nearest before each.
func yearsApart(raw string, ms []yuan.Mention) bool {
	seen := map[string]bool{}
	for _, m := range ms {
		seg := segmentAround(raw, m)
		before := knowledge.Normalize(raw[seg[0]:m.Start])
		switch {
		case latestYear(before) > 0:
			seen[strconv.Itoa(latestYear(before))] = true
		case reLastYear.MatchString(before):
			seen["last"] = true
		case reThisYear.MatchString(before):
			seen["this"] = true
		}
	}
	return len(seen) > 1
}

// reSeveralFirms: the question speaks of more than one enterprise.
var reSeveralFirms = regexp.MustCompile(`([两二三四五六七八九十2-9]|几)\s*(家|个企业)|分别|各自|每家|(?i)\b(two|three|several) (companies|firms|enterprises)\b`)

// reAllOfThem: a part says all the enterprises counted before did it.
var reAllOfThem = regexp.MustCompile(`都|均|全部|全都|各自|(?i)\ball (of them|three|two|four|five)\b`)

// reSeveralProjects: the question speaks of more than one project.
var reSeveralProjects = regexp.MustCompile(`([两二三四五六七八九十2-9]|几)\s*个?(产业化)?项目|分别|各自|每个项目|(?i)\b(two|three|several) projects\b`)

// reYear is a calendar year written out (2024年, 2024年度).
var reYear = regexp.MustCompile(`(20[0-9]{2})\s*年`)

// latestYear is the latest calendar year s names (0: none).
func latestYear(s string) int {
	y := 0
	for _, m := range reYear.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.Atoi(m[1])
		y = max(y, v)
	}
	return y
}

// reHistoryYear marks a revenue figure as an earlier year's.
var reHistoryYear = regexp.MustCompile(`(?i)前年|去年|上年|往年|以前|之前|大前年|[0-9]{4}\s*年|last year|years? ago|in 20[0-9]{2}`)

// reProvincialOther: 省级 of a title other than the SME tier; reProvincialSME
// the tier itself.
var (
	reProvincialOther = regexp.MustCompile(`省级(智能|数字化|工程|技术|企业技术|重点|绿色|示范|孵化|众创|实验室|研究|工业设计|服务型)`)
	reProvincialSME   = regexp.MustCompile(`省级(的)?(专精特新|中小企业|优质)|省专精特新|(?i)provincial (srdi|specialized|specialised|sme)`)
)

var rePastTier = regexp.MustCompile(`去年|前年|以前|之前|原来|已经是|早就是|早已|老企业|不是[^,，。]{0,4}新(认定|评|获)|并非新|last year|already|not new`)

var (
	reSegment = regexp.MustCompile(`[，。,;；！？!?、]|另外|还有|并且|而且|同时|\band\b`)
	reReview  = regexp.MustCompile(`复核|review|renew`)
	tierWord  = map[string]*regexp.Regexp{
		"little_giant":   regexp.MustCompile(`小巨人|little giant`),
		"provincial_sme": regexp.MustCompile(`省级|省专精特新|provincial`),
	}
)

// tierRules reward a certification itself.
var tierRules = map[string]bool{"little_giant": true, "provincial_sme": true, "innovative_sme": true}

var reCrossedYi = regexp.MustCompile(`(过|破|突破|超过|达到|上)了?(一)?(个)?亿`)

var reStandardLevel = regexp.MustCompile(`国际标准|国家标准|行业标准|国标|行标|international|\bnational\b|industry (technical )?standard`)

// standardLevels reads the level of a technical standard; "international"
// must not count as "national", hence the word boundaries.
var standardLevels = []struct {
	name string
	re   *regexp.Regexp
}{
	{"international", regexp.MustCompile(`国际|international`)},
	{"national", regexp.MustCompile(`国家(标准|、|和|或|及|与|行业|技术标准)|国标|\bnational(-level)? (technical |industry )?standards?\b|\bnational(-level)? (and|or|&) (an? |one |two |three |[0-9] )?(international|industry)\b`)}, // 国家级 names a tier (国家级小巨人), not a standard
	{"industry", regexp.MustCompile(`行业|行标|\bindustry\b`)},
}

// buildCalls maps a question's amounts onto one rule's inputs. Several calls
// come back when the question leaves a choice open (a range, or "标准" with
// no level): each is computed and shown.
func buildCalls(rule, norm, raw string, ms []yuan.Mention, cc ChatContext, followUp bool, fromTo *[2]yuan.Mention) []ruleCall {
	in := map[string]string{}
	if followUp && cc.LastRule == rule {
		for k, v := range cc.Inputs {
			in[k] = v
		}
		// "650万" answers the figure the bot asked for.
		if pending, _, _ := strings.Cut(cc.Pending, ","); pending != "" && len(ms) == 1 && ms[0].RangeTo == 0 {
			in[pending] = itoa(ms[0].Yuan)
			return []ruleCall{{name: rule, inputs: in}}
		}
	}
	one := func(name string) []ruleCall {
		if len(ms) == 0 {
			return []ruleCall{{name: rule, inputs: in}}
		}
		m := ms[0]
		if m.RangeTo > m.Yuan {
			lo, hi := clone(in), clone(in)
			lo[name], hi[name] = itoa(m.Yuan), itoa(m.RangeTo)
			return []ruleCall{{name: rule, inputs: lo}, {name: rule, inputs: hi}}
		}
		in[name] = itoa(m.Yuan)
		return []ruleCall{{name: rule, inputs: in}}
	}
	switch rule {
	case "little_giant", "provincial_sme":
		// "省级的通过复核，另外新评上了小巨人": 复核 belongs to the part of
		// the question that names the tier.
		n, before := 1, 0 // before: enterprises counted in an earlier part
		for _, seg := range reSegment.Split(norm, -1) {
			if tierWord[rule].MatchString(seg) && reReview.MatchString(seg) && !reReviewAsked.MatchString(seg) {
				in["kind"] = "review"
			}
			// "新认定省级专精特新2家", "4家省级", "two of our companies":
			// one award per enterprise recognised.
			counted := false
			for _, c := range yuan.Counts(seg) {
				if !isEnterpriseUnit(c.Unit) {
					continue
				}
				if tierWord[rule].MatchString(seg) {
					n, counted = c.N, true
				} else {
					before = c.N
				}
			}
			// "有3家子公司，…都新认定成了省级": all of those counted before.
			if tierWord[rule].MatchString(seg) && !counted && before > 1 && reAllOfThem.MatchString(seg) {
				n = before
			}
		}
		calls := []ruleCall{{name: rule, inputs: in}}
		for range min(n, 50) - 1 {
			calls = append(calls, ruleCall{name: rule, inputs: clone(in), several: true})
		}
		if n > 1 {
			calls[0].several = true
		}
		return calls
	case "digital_transformation":
		if len(ms) > 1 && (reAsksDiff.MatchString(norm) || orJoined(raw, ms)) {
			// "方案A投90万，方案B投110万，B比A多拿多少": alternatives, one each.
			var calls []ruleCall
			for _, m := range ms {
				calls = append(calls, ruleCall{name: rule, inputs: map[string]string{"investment_yuan": itoa(m.Yuan)}})
			}
			return calls
		}
		if len(ms) > 1 && yearsApart(raw, ms) {
			// "去年投了90万，今年投了260万": each year's investment meets
			// the 100万 threshold, or not, on its own.
			var calls []ruleCall
			for _, m := range ms {
				calls = append(calls, ruleCall{name: rule, inputs: map[string]string{"investment_yuan": itoa(m.Yuan)}})
			}
			return calls
		}
		if len(ms) > 1 && !slices.ContainsFunc(ms, func(m yuan.Mention) bool { return m.RangeTo > 0 }) {
			// "两个项目，一个140万，一个490万": the enterprise's investment is
			// their sum (the threshold and the rate apply to the enterprise).
			var sum int64
			for _, m := range ms {
				sum += m.Yuan
			}
			in["investment_yuan"] = itoa(sum)
			return []ruleCall{{name: rule, inputs: in, note: "几笔数字化智能化投资按合计计算。"}}
		}
		return one("investment_yuan")
	case "rd_commercialization":
		// "总投资3000万（含厂房1500万），其中技术研发投入800万": a figure said
		// as the clause's own input is the input, whatever else is listed.
		var named []yuan.Mention
		for _, m := range ms {
			// The cue right before the figure (within eight characters):
			// "技术研发投入：设备费200万" lists items of it instead.
			if inputCue(rule, "rd_yuan").MatchString(knowledge.Normalize(raw[max(0, m.Start-24):m.Start])) {
				named = append(named, m)
			}
		}
		if len(named) > 0 && len(named) < len(ms) {
			ms = named
		}
		// "材料费320万，人工费480万": the cost items of one project add up;
		// "两个产业化项目，分别…": one award per project.
		if calls, ok := itemsOf(rule, "rd_yuan", ms, in, reSeveralProjects.MatchString(norm),
			"几项技术研发投入按一个项目合计计算；如是几个项目，请说明各项目的投入。"); ok {
			return calls
		}
		return one("rd_yuan")
	case "xinyidai_loan":
		// "新易贷利息80万" names interest, not the loan the 2 % applies to.
		ms = slices.DeleteFunc(slices.Clone(ms), func(m yuan.Mention) bool {
			i := slices.Index(ms, m)
			seg := segmentAround(raw, m)
			return (cueBefore(raw, ms, i, reInterest) || reInterestWord.MatchString(knowledge.Normalize(raw[seg[0]:m.Start]))) && !cueBefore(raw, ms, i, reLoanAmount)
		})
		// "两笔，一笔800万一笔1200万，同一家企业": one firm's loans add up
		// under its cap; several firms' are one award each.
		if calls, ok := itemsOf(rule, "loan_yuan", ms, in, reSeveralFirms.MatchString(norm) && !reSameFirm.MatchString(norm),
			"几笔贷款按同一家企业合计计算；如是几家企业，请分别说明。"); ok {
			return calls
		}
		return one("loan_yuan")
	case "fund_manager":
		if ds := reDate.FindAllStringSubmatch(raw, 2); len(ds) == 2 {
			in["registered"], in["recognized"] = isoDate(ds[0]), isoDate(ds[1])
		} else if n, ok := elapsedMonths(norm); ok {
			in["months_to_recognition"] = strconv.Itoa(n)
		}
		// "首次投了2000万，又追加了500万": the fund's investment in the
		// enterprise adds up; "两家企业各…": one award per enterprise.
		if calls, ok := itemsOf(rule, "investment_yuan", ms, in, reSeveralFirms.MatchString(norm),
			"几笔投资按对同一家企业的股权投资额合计计算；如投的是几家企业，请分别说明。"); ok {
			return calls
		}
		return one("investment_yuan")
	case "equity_investment":
		var own []yuan.Mention
		for i, m := range ms {
			if cueBefore(raw, ms, i, inputCue(rule, "already_awarded_this_year_yuan")) {
				in["already_awarded_this_year_yuan"] = itoa(m.Yuan)
				continue
			}
			own = append(own, m)
		}
		var inv []string
		for _, m := range perItem(raw, own) { // "投了3家每家600万"
			inv = append(inv, itoa(m.Yuan))
		}
		if len(inv) > 0 {
			in["investment_yuan"] = strings.Join(inv, ";")
		}
		return []ruleCall{{name: rule, inputs: in}}
	case "revenue_milestone":
		if calls := milestoneEvents(raw, ms); calls != nil {
			return calls
		}
		all := ms
		ms = dropNamedMilestones(raw, ms)
		if calls := yearlyMilestones(raw, norm, ms); calls != nil {
			return calls
		}
		gain := -1
		if len(ms) == 2 {
			gain = revenueGain(raw, ms)
		}
		yearThis, yearEarlier, yearOK := askedYear(raw, ms)
		switch {
		case len(ms) == 0 && reCrossedYi.MatchString(norm):
			// "营收第一次过亿": the milestone itself is the figure.
			in["revenue_yuan"] = itoa(1_0000_0000)
		case len(ms) >= 2 && !reRevenueGrowth.MatchString(norm) && !slices.ContainsFunc(ms, func(m yuan.Mention) bool { return !policies.IsRevenueMilestone(m.Yuan) }):
			// "突破1亿和5亿分别奖励多少": each figure is a milestone asked about.
			var calls []ruleCall
			for _, m := range ms {
				c := clone(in)
				c["revenue_yuan"] = itoa(m.Yuan)
				calls = append(calls, ruleCall{name: rule, inputs: c})
			}
			return calls
		case len(ms) >= 2 && owns(ms, fromTo):
			in["previous_max_revenue_yuan"], in["revenue_yuan"] = itoa(fromTo[0].Yuan), itoa(fromTo[1].Yuan)
		case len(ms) == 2 && gain >= 0:
			// "去年营收9600万，今年比去年多了800万": this year's is the sum.
			g := gain
			base := ms[1-g]
			in["previous_max_revenue_yuan"], in["revenue_yuan"] = itoa(base.Yuan), itoa(base.Yuan+ms[g].Yuan)
			in2 := fmt.Sprintf("今年营收按 %s + %s = %s 计算。", yuan.Format(base.Yuan), yuan.Format(ms[g].Yuan), yuan.Format(base.Yuan+ms[g].Yuan))
			return []ruleCall{{name: rule, inputs: in, note: in2}}
		case len(ms) >= 2 && yearOK:
			// "2022年度那次营收突破应该奖多少": that year against the years
			// before it, whatever came after.
			this, earlier := yearThis, yearEarlier
			var prev int64
			for _, i := range earlier {
				prev = max(prev, ms[i].Yuan)
			}
			in["previous_max_revenue_yuan"], in["revenue_yuan"] = itoa(prev), itoa(ms[this].Yuan)
		case len(ms) >= 2:
			last, this := yearRoles(raw, ms, reRevenueThis)
			in["previous_max_revenue_yuan"], in["revenue_yuan"] = itoa(ms[last].Yuan), itoa(ms[this].Yuan)
			if len(ms) > 2 {
				// A history over several years: the milestone was crossed
				// before if any earlier year reached it, dip or not.
				// Only figures said with their year count: "过5个亿" names
				// the milestone, not a year's revenue.
				prev, years := ms[last].Yuan, 0
				for i, m := range ms {
					seg := segmentAround(raw, m)
					if i != this && reHistoryYear.MatchString(raw[seg[0]:m.Start]) {
						prev, years = max(prev, m.Yuan), years+1
					}
				}
				if years >= 2 {
					in["previous_max_revenue_yuan"] = itoa(prev)
				}
			}
			if len(ms) == 2 && unordered(raw, ms, reRevenueThis) {
				swapped := clone(in)
				swapped["previous_max_revenue_yuan"], swapped["revenue_yuan"] = in["revenue_yuan"], in["previous_max_revenue_yuan"]
				return []ruleCall{{name: rule, inputs: in}, {name: rule, inputs: swapped, alt: true}}
			}
		case len(ms) == 1 && crossedYiNow(norm) && ms[0].Yuan < 1_0000_0000 && nearestYear(raw, ms, 0, reRevenueThis) == "last":
			// "营收第一次过亿（去年9600万）": last year's figure, and this
			// year's crossing of the milestone itself.
			in["previous_max_revenue_yuan"], in["revenue_yuan"] = itoa(ms[0].Yuan), itoa(1_0000_0000)
		case len(ms) == 1 && followUp && in["previous_max_revenue_yuan"] != "":
			settleYears(in, "previous_max_revenue_yuan", "revenue_yuan", ms[0].Yuan, nearestYear(raw, ms, 0, reRevenueThis) == "last")
		case len(ms) == 1:
			in["revenue_yuan"] = itoa(ms[0].Yuan)
		}
		if past := pastCrossing(raw, all, policies.IsRevenueMilestone); past > 0 && in["revenue_yuan"] != "" {
			// "2021年营收首次过1亿…今年营收3亿": crossed before, whatever the
			// figures of the other years.
			prev, _ := strconv.ParseInt(in["previous_max_revenue_yuan"], 10, 64)
			in["previous_max_revenue_yuan"] = itoa(max(prev, past))
		}
		return []ruleCall{{name: rule, inputs: in}}
	case "rd_increase":
		if owns(ms, fromTo) {
			in["rd_last_year_yuan"], in["rd_this_year_yuan"] = itoa(fromTo[0].Yuan), itoa(fromTo[1].Yuan)
			delete(in, "increase_yuan")
			return []ruleCall{{name: rule, inputs: in}}
		}
		if len(ms) >= 2 && reAsksTotal.MatchString(norm) && !slices.ContainsFunc(ms, func(m yuan.Mention) bool {
			i := slices.Index(ms, m)
			return !cueBefore(raw, ms, i, reIncrease) || cueBefore(raw, ms, i, reIncreaseTo)
		}) {
			// "第一年增加了400万，第二年又增加了300万，合计": each year's
			// increase is its own award (steps and the yearly cap apply to
			// each year), summed.
			var calls []ruleCall
			for _, m := range ms {
				calls = append(calls, ruleCall{name: rule, inputs: map[string]string{"increase_yuan": itoa(m.Yuan)}, several: true,
					note: "每年的增量分别计算后相加。"})
			}
			return calls
		}
		c := ruleCall{name: rule, inputs: rdInputs(raw, ms, in)}
		if len(ms) == 0 && reIncrease.MatchString(norm) {
			c.ask = "increase_yuan"
		}
		if len(ms) == 2 && c.inputs["rd_last_year_yuan"] != "" && unordered(raw, ms, reIncreaseTo) {
			swapped := clone(c.inputs)
			swapped["rd_last_year_yuan"], swapped["rd_this_year_yuan"] = c.inputs["rd_this_year_yuan"], c.inputs["rd_last_year_yuan"]
			return []ruleCall{c, {name: rule, inputs: swapped, alt: true}}
		}
		return []ruleCall{c}
	case "zhuangda_loan":
		if c, ok := interestFromRates(raw, norm, ms, in); ok {
			return []ruleCall{c}
		}
		for i, m := range ms {
			switch {
			case cueBefore(raw, ms, i, inputCue(rule, "lpr_interest_yuan")):
				in["lpr_interest_yuan"] = itoa(m.Yuan)
			case cueBefore(raw, ms, i, inputCue(rule, "interest_paid_yuan")):
				in["interest_paid_yuan"] = itoa(m.Yuan)
			case in["interest_paid_yuan"] == "":
				in["interest_paid_yuan"] = itoa(m.Yuan)
			default:
				in["lpr_interest_yuan"] = itoa(m.Yuan)
			}
		}
		return []ruleCall{{name: rule, inputs: in}}
	case "standard":
		if items := standardItems(norm); len(items) > 0 && (reAsksDiff.MatchString(norm) || reAsksLarger.MatchString(norm)) {
			// "国家标准和行业标准哪个奖得多": the levels compared, one each.
			return fanOut(rule, in, "level", slices.Compact(items))
		} else if len(items) > 0 {
			// "一项国际标准和两项行业标准", "国家标准一项": every approved
			// standard said with its count, summed.
			in["level"] = strings.Join(items, ";")
			return []ruleCall{{name: rule, inputs: in}}
		}
		var levels []string
		for _, l := range standardLevels {
			if l.re.MatchString(norm) {
				levels = append(levels, l.name)
			}
		}
		if len(levels) == 0 && reOtherStandardLevel.MatchString(norm) && !reOtherStandardDenied.MatchString(norm) {
			// 团体标准, 地方标准: a level the clause does not reward.
			return []ruleCall{{name: rule, note: "第5条只奖励主导制（修）订并获批的国际、国家和行业技术标准；团体、地方、企业标准不在其列。", skip: true}}
		}
		if len(levels) == 0 {
			levels = []string{"international", "national", "industry"}
		}
		return fanOut(rule, in, "level", levels)
	case "listing":
		for _, s := range []struct{ stage, re string }{{"pool", "入库"}, {"joint_stock", "股改"}, {"tutoring", "辅导"}, {"ipo", "首发"}} {
			if strings.Contains(norm, s.re) {
				in["stage"] = s.stage
			}
		}
		return []ruleCall{{name: rule, inputs: in}}
	case "talent":
		people := 1
		for _, c := range yuan.Counts(norm) {
			if strings.Contains("人名位个個", c.Unit) || strings.HasPrefix(c.Unit, "people") || strings.HasPrefix(c.Unit, "talent") || strings.HasPrefix(c.Unit, "person") {
				people = c.N
				norm = norm[:c.Start] + strings.Repeat(" ", c.End-c.Start) + norm[c.End:]
			}
		}
		var progs []string
		if strings.Contains(norm, "建圈强链") || strings.Contains(norm, "chain-strengthening") || strings.Contains(norm, "chain strengthening") || strings.Contains(norm, "circle-building") {
			progs = append(progs, "industry_chain")
		}
		// 团队/个人 are 蓉漂's — unless only 建圈强链 is named ("the
		// selected individual" of that programme).
		rongpiao := len(progs) == 0 || strings.Contains(norm, "蓉漂") || strings.Contains(norm, "rongpiao") || strings.Contains(norm, "rong piao")
		if rongpiao && (strings.Contains(norm, "团队") || strings.Contains(norm, "team")) {
			progs = append(progs, "rongpiao_team")
		}
		if rongpiao && (strings.Contains(norm, "个人") || strings.Contains(norm, "individual")) {
			progs = append(progs, "rongpiao_individual")
		}
		if len(progs) == 0 {
			progs = []string{"rongpiao_individual", "rongpiao_team", "industry_chain"}
		}
		if len(progs) > 1 && reAsksTotal.MatchString(norm) {
			// "一个团队入选蓉漂，另有两名工程师入选建圈强链，合计": each
			// programme with the count said in its own part of the question.
			if calls := talentItems(rule, in, raw); len(calls) > 1 {
				return calls
			}
		}
		calls := fanOut(rule, in, "program", progs)
		if len(calls) == 1 && people > 1 {
			// "我们有3个人入选": the award for each of them.
			for range min(people, 20) - 1 {
				calls = append(calls, ruleCall{name: rule, inputs: clone(calls[0].inputs)})
			}
		}
		return calls
	case "effective_date":
		if d := reDate.FindStringSubmatch(raw); d != nil {
			in["issued"] = isoDate(d)
		}
		return []ruleCall{{name: rule, inputs: in}}
	}
	return []ruleCall{{name: rule, inputs: in}}
}

var (
	reInterest   = regexp.MustCompile(`(?i)(利息|付息|interest( paid)?)(是|为|了|有|共|总共|:|：| of| was| is)?\s*$`)
	reLoanAmount = regexp.MustCompile(`(?i)贷款|贷了|借了|额度|放款|本金|principal|loan of|borrow`)
	reDecrease   = regexp.MustCompile(`(?i)减少|下降|少了|降了|减了|下滑|缩减|没(有)?增加|未增加|没增|\b(decrease[sd]?|dropped|fell|falls?|down by|declined?|cut)\b`)
	reIncrease   = regexp.MustCompile(`(?i)增|多了|多投|多[整搞砸弄用]了?|提高|提升|涨了|加了|多花|多出|超出|上涨|比(去年|上年|上一年|前一年|往年)[^，。,]{0,6}多|increase|more than|grew|grows|grown|growing|rose|rises|risen|jump(s|ed)?|went up|goes up|up by|\bup\b`)
	// reMoreAfterEN: "4000w more on R&D than last year" — the figure is the increase.
	reMoreAfterEN = regexp.MustCompile(`(?i)^\s*(yuan|rmb)?\s*(more|extra|higher)\b`)
	// reIncreaseTo marks the figure after it as the new total, not the increase.
	reIncreaseTo = regexp.MustCompile(`(?i)(增加|增长|增|涨|提高|提升|上升|升|加)(到|至)|\bto\s*$`)
	// reRDSpend: 研发 names R&D spending, not an R&D team or centre.
	reRDSpend = regexp.MustCompile(`(?i)(研发|研究开发|r&d|r & d|research)[^，。,?？]{0,12}(投入|费用|经费|支出|开支|预算|资金|花|多|增|涨|spend|budget|expens|invest|cost|grew|rose|increase|went up)|(投入|经费|费用|spend|budget|invest)[^，。,?？]{0,8}(研发|r&d|research)`)
	// reTierAsked: a certification is what the user got (or asks the reward
	// of), not context ("客户是小巨人企业").
	reTierAsked = regexp.MustCompile(`(?i)(小巨人|省级|专精特新|创新型|little giant|provincial|innovative)[^，。,?？]{0,6}(奖|补|钱|多少|reward|award|bonus|money)|评上|获评|评为|认定|入选|成为|新评|新晋|复核|晋级|升级为|升为|升级成|拿到了?(国家级|小巨人|专精特新|创新型|省级|称号|认定)|recogni|bec[oa]me|awarded|title|certif|named|designated|granted|won|名单`)
	reLastYear  = regexp.MustCompile(`(?i)去年|上年|上一年|前一年|last year|previous year`)
	reThisYear  = regexp.MustCompile(`(?i)今年|本年|这一年|当年|this year`)
)

// rdInputs reads R&D figures: an increase ("比去年多了650万"), or last and
// this year's spend ("去年500万，今年930万") from which the calculator
// takes the difference. One bare figure is not an increase: ask.
func rdInputs(raw string, ms []yuan.Mention, in map[string]string) map[string]string {
	setIncrease := func(v int64) {
		in["increase_yuan"] = itoa(v)
		delete(in, "rd_this_year_yuan")
		delete(in, "rd_last_year_yuan")
	}
	// A fall is no increase: 0, and the answer says why.
	for i := range ms {
		if cueBefore(raw, ms, i, reDecrease) {
			setIncrease(0)
			return in
		}
	}
	// A figure right after 增加了/多了 is the increase, whatever else the
	// question quotes ("增加了6000万，按每200万给20万算…"); so is one named
	// as the increase right after it ("1200 w 研发投入增量").
	for i := range ms {
		if cueBefore(raw, ms, i, reIncrease) && !cueBefore(raw, ms, i, reIncreaseTo) || cueAfter(raw, ms, i, reMoreAfterEN) || cueAfter(raw, ms, i, reIncrementAfter) {
			setIncrease(ms[i].Yuan)
			return in
		}
	}
	yearThis, yearEarlier, yearOK := askedYear(raw, ms)
	switch {
	case len(ms) >= 2 && yearOK:
		// "单看2023年度的增量": that year against the year before it.
		this, earlier := yearThis, yearEarlier
		in["rd_last_year_yuan"], in["rd_this_year_yuan"] = itoa(ms[earlier[0]].Yuan), itoa(ms[this].Yuan)
		delete(in, "increase_yuan")
	case len(ms) >= 2:
		last, this := yearRoles(raw, ms, reIncreaseTo)
		in["rd_last_year_yuan"], in["rd_this_year_yuan"] = itoa(ms[last].Yuan), itoa(ms[this].Yuan)
		delete(in, "increase_yuan")
	case len(ms) == 1 && in["rd_last_year_yuan"] != "" && in["increase_yuan"] == "":
		// "今年500万" after "500万、930万": one figure named settles both.
		settleYears(in, "rd_last_year_yuan", "rd_this_year_yuan", ms[0].Yuan, nearestYear(raw, ms, 0, reIncreaseTo) == "last")
	case len(ms) == 1 && in["increase_yuan"] != "":
		// A follow-up ("如果是500万呢") replaces the increase.
		setIncrease(ms[0].Yuan)
	case len(ms) == 1 && nearestYear(raw, ms, 0, reIncreaseTo) == "last":
		// "去年研发投了1200万": last year's; this year's is asked for.
		in["rd_last_year_yuan"] = itoa(ms[0].Yuan)
	case len(ms) == 1:
		in["rd_this_year_yuan"] = itoa(ms[0].Yuan)
	}
	return in
}

// yearRoles picks last year's and this year's figure. Each figure takes
// the year word nearest to it within its part of the question (between
// punctuation, parentheses or the next figure): the closest one before it
// ("去年500万，今年930万", "Last year 5 million"), else the closest one after
// it ("6 million last year and 12.5 million this year", "100 million this
// year (last year it was 80 million)"). thisCue (增加到, 突破) also marks
// this year's figure. Figures no year word reaches are first and last in
// order.
func yearRoles(raw string, ms []yuan.Mention, thisCue *regexp.Regexp) (last, this int) {
	if l, t, ok := relativeYearRoles(raw, ms); ok {
		return l, t // "前年8000万，去年1.03亿": 去年 is the later year
	}
	last, this = -1, -1
	for i := range ms {
		switch nearestYear(raw, ms, i, thisCue) {
		case "last":
			last = i
		case "this":
			this = i
		}
	}
	switch {
	case last < 0 && this < 0, last == this:
		return 0, len(ms) - 1
	case last < 0:
		last = 0
		if this == 0 {
			last = len(ms) - 1
		}
	case this < 0:
		this = len(ms) - 1
		if last == len(ms)-1 {
			this = 0
		}
	}
	return last, this
}

// nearestYear is "last", "this" or "" for figure i (see yearRoles).
func nearestYear(raw string, ms []yuan.Mention, i int, thisCue *regexp.Regexp) string {
	seg := segmentAround(raw, ms[i])
	lo, hi := seg[0], seg[1]
	if i > 0 {
		lo = min(max(lo, ms[i-1].End), ms[i].Start) // figures may overlap
	}
	if i+1 < len(ms) {
		hi = min(hi, max(ms[i+1].Start, ms[i].End))
	}
	hi = max(hi, ms[i].End)
	before, after := knowledge.Normalize(raw[lo:ms[i].Start]), knowledge.Normalize(raw[ms[i].End:hi])
	lastEnd := func(re *regexp.Regexp, s string) int {
		locs := re.FindAllStringIndex(s, -1)
		if len(locs) == 0 {
			return -1
		}
		return locs[len(locs)-1][1]
	}
	// Chinese names the year before the figure; English may put it after
	// ("21.8 million last year"), and a year word right after the figure
	// beats one further back ("this year versus 21.8 million last year").
	if m := reYearAfterEN.FindStringSubmatch(after); m != nil {
		if strings.EqualFold(m[3], "this") || strings.EqualFold(m[3], "current") {
			return "this"
		}
		return "last"
	}
	lb := max(lastEnd(reLastYearZH, before), lastEnd(reLastYearEN, before))
	tb := max(lastEnd(reThisYearZH, before), lastEnd(reThisYearEN, before), lastEnd(thisCue, before))
	switch {
	case lb >= 0 && lb > tb:
		return "last"
	case tb >= 0:
		return "this"
	}
	firstStart := func(res ...*regexp.Regexp) int {
		best := -1
		for _, re := range res {
			if loc := re.FindStringIndex(after); loc != nil && (best < 0 || loc[0] < best) {
				best = loc[0]
			}
		}
		return best
	}
	la, ta := firstStart(reLastYearZH, reLastYearEN), firstStart(reThisYearZH, reThisYearEN)
	switch {
	case la >= 0 && (ta < 0 || la < ta):
		return "last"
	case ta >= 0:
		return "this"
	}
	return ""
}

var (
	reLastYearZH = regexp.MustCompile(`去年|上年|上一年|前一年|往年`)
	reThisYearZH = regexp.MustCompile(`今年|本年|这一年|当年`)
	reLastYearEN = regexp.MustCompile(`(?i)\b(last|previous|prior) year`)
	reThisYearEN = regexp.MustCompile(`(?i)\b(this|current) year`)
	// reYearAfterEN: an English year word right after a figure.
	reYearAfterEN = regexp.MustCompile(`(?i)^\s*(yuan|rmb)?\s*(in\s+)?(last|previous|prior|this|current) year`)
)

// cueAfter reports whether the words right after amount i (up to the next
// amount) match re.
func cueAfter(raw string, ms []yuan.Mention, i int, re *regexp.Regexp) bool {
	to := len(raw)
	if i+1 < len(ms) {
		to = max(ms[i+1].Start, ms[i].End) // figures may overlap (a relative one around its reference)
	}
	return re.MatchString(knowledge.Normalize(raw[ms[i].End:to]))
}

// reRevenueThis marks this year's revenue: the figure just crossed.
var reRevenueThis = regexp.MustCompile(`突破|超过|达到|涨到|增长到|增加到|到了|变成|reached|exceed|crossed|hit`)

// cueBefore reports whether the words between the previous amount (or the
// question's start) and amount i match re.
func cueBefore(raw string, ms []yuan.Mention, i int, re *regexp.Regexp) bool {
	from := max(sentenceStart(raw, ms[i].Start), spanStart(ms, i)) // a cue in an earlier sentence is another matter's
	return re.MatchString(knowledge.Normalize(raw[from:ms[i].Start]))
}

// distinctRules counts the different rules of calls (effective_date aside).
func distinctRules(calls []ruleCall) int {
	seen := map[string]bool{}
	for _, c := range calls {
		if c.name != "effective_date" {
			seen[c.name] = true
		}
	}
	return len(seen)
}

// fanOut is one call per value of an input the question left open (each
// standard level, each talent programme), so every option is shown.
func fanOut(rule string, in map[string]string, key string, values []string) []ruleCall {
	calls := make([]ruleCall, 0, len(values))
	for _, v := range values {
		c := clone(in)
		c[key] = v
		calls = append(calls, ruleCall{name: rule, inputs: c})
	}
	return calls
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func isoDate(m []string) string {
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return strconv.Itoa(y) + "-" + pad2(mo) + "-" + pad2(d)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

var (
	reDigitGroup     = regexp.MustCompile(`([0-9]),([0-9]{3})`)
	reEachCount      = regexp.MustCompile(`各[^，。,]{0,4}?(([0-9]{1,2}|[一二两三四五六七八九十]{1,3})\s*(项|个|部|条))`)
	reCountThenLevel = regexp.MustCompile(`^\s*(的)?\s*$`)
	reLevelThenCount = regexp.MustCompile(`^(技术)?(标准)?\s*(共|各|有|)\s*$`)
	reAsksMin        = regexp.MustCompile(`门槛|起点|起步|至少|最低|最少|达到多少|多少才|(增加|多投|投入|投|达到|突破|做到)多少(钱)?(才)?(能|可以|就能|就可以)|才能拿|才能申请|才够|才有|够得着|\b(minimum|at least|threshold|qualify for)\b`)
	reAsksMax        = regexp.MustCompile(`最高|最多|上限|封顶|顶格|天花板|至多|\b(max|maximum|cap|capped|at most|upper limit|ceiling)\b`)
	reRelative       = regexp.MustCompile(`[一二三四五六七八九十百0-9]+分之[一二三四五六七八九十0-9]+|[0-9.一二两三四五六七八九十]+倍|多一半|少一半|的一半|一半的|翻番|翻倍|翻了一番|\b(twice|double|doubled|half as much|a third|one third|a quarter|one quarter)\b`)
	reAsksDiff       = regexp.MustCompile(`相差|差多少|差距|差几|多拿多少|少拿多少|多得多少|(?:^|[^最至顶])多多少|哪个划算|哪个多|哪种多|\b(difference|how much more|how much less|which pays more)\b`)
	reAsksLarger     = regexp.MustCompile(`(多|高|大)的(那|这)(个|项|种|笔|一个|一项|一种)|较(多|高|大)的(那|一)|更(多|高)的那|(?i)\b(the (larger|higher|bigger) (one|amount|award)|whichever (is|pays) (more|higher))\b`)
	reSeparately     = regexp.MustCompile(`分别|各自|各是|各多少|各能|各拿|哪个|哪项|哪一|还是|或者|(?i)\b(respectively|each|which|or)\b`)
	reAsksTotal      = regexp.MustCompile(`一共|合共|合计|总共|共计|总计|加总|汇总|加起来|加在一起|加一起|加到一起|合起来|一起能拿|一起拿|一起能领|两项一起|\b(in total|altogether|combined|total)\b`)
	// reAnaphora: the question points back at the last one ("这个", "它").
	reAnaphora = regexp.MustCompile(`这个|那个|这项|那项|该项|它|上面|刚才|同样|也是|\b(it|that|this one|same)\b`)
)

// owns reports whether ms holds both figures of a from → to pair.
func owns(ms []yuan.Mention, ft *[2]yuan.Mention) bool {
	return ft != nil && slices.Contains(ms, ft[0]) && slices.Contains(ms, ft[1])
}

// isFollowUp says whether a question leans on the one before: it opens
// with 那/如果/what about, ends in 呢, points back ("这个"), or is only a
// figure ("650万"). A complete question — however short, "申报材料有哪些" —
// starts afresh.
func isFollowUp(norm, raw string, ms []yuan.Mention) bool {
	if reFollowUp.MatchString(norm) || reAnaphora.MatchString(norm) {
		return true
	}
	rest := raw
	for i := len(ms) - 1; i >= 0; i-- {
		rest = rest[:ms[i].Start] + rest[ms[i].End:]
	}
	return len(ms) > 0 && len([]rune(strings.Trim(knowledge.Normalize(rest), " ，。,.?？!！元呢吧"))) <= 2
}

// standardItems lists a standard's level once per standard said: a count
// before the level ("两项国家标准") or after it ("国家标准一项") repeats it.
// It returns nil unless the question counts or lists standards.
func standardItems(norm string) []string {
	counts := yuan.Counts(norm)
	var items []string
	counted := false
	for _, l := range standardLevels {
		for _, loc := range l.re.FindAllStringIndex(norm, -1) {
			n, found := 1, false
			for _, c := range counts { // a count just before the level: 两项国家标准
				if c.End <= loc[0] && reCountThenLevel.MatchString(norm[c.End:loc[0]]) || c.Start <= loc[0] && c.End >= loc[1] {
					n, found = c.N, true
				}
			}
			for _, c := range counts { // else one just after it: 国家标准一项
				if !found && c.Start >= loc[1] && reLevelThenCount.MatchString(norm[loc[1]:c.Start]) {
					n, found = c.N, true
				}
			}
			counted = counted || found
			for range min(n, 20) {
				items = append(items, l.name)
			}
		}
	}
	if !counted {
		// "国际、国家、行业标准各获批一项": one count for every level listed.
		if m := reEachCount.FindStringSubmatch(norm); m != nil && len(items) > 0 {
			if c := yuan.Counts(m[1]); len(c) == 1 && c[0].N > 1 {
				var out []string
				for _, it := range items {
					for range min(c[0].N, 20) {
						out = append(out, it)
					}
				}
				return out
			}
			return items
		}
		return nil
	}
	return items
}

// reCrossing: the figure after it is a threshold crossed, not a revenue.
var reCrossing = regexp.MustCompile(`(突破|超过|越过|跨过|过了|破了|达到|上了|上到|(首次|第一次|头一回|头一次)(上|过|破))\s*$|(?i)\b(passed|crossed|exceeded|surpassed|broke through|topped|over|above|past)\s*(the\s*)?(rmb\s*)?$`)

// dropNamedMilestones drops "首次突破5亿" from "今年营收6.2亿，首次突破5亿":
// a milestone of policy/3 named as crossed is the rule's threshold, not a
// second revenue figure — when another figure, at least as large, gives
// the revenue ("首次突破5亿，去年3亿" keeps 5亿: it is this year's figure).
// revenueGain is the index of the one of two revenue figures said as a
// gain over the other ("比去年多了800万", "增加了800万"), or -1.
func revenueGain(raw string, ms []yuan.Mention) int {
	g := -1
	for i := range ms {
		if cueBefore(raw, ms, i, reIncrease) && !cueBefore(raw, ms, i, reIncreaseTo) && !cueBefore(raw, ms, i, reFromCue) {
			if g >= 0 {
				return -1
			}
			g = i
		}
	}
	if g >= 0 && ms[g].Yuan >= ms[1-g].Yuan {
		return -1 // a gain larger than the base is more likely a new total
	}
	return g
}

// reIncrementAfter: the figure is named as an increase right after it.
var reIncrementAfter = regexp.MustCompile(`^\s*(元)?\s*(的)?\s*(研发投入|研发费用|研发)?\s*(增量|增加额|增长额|增加值)`)

// reLongAgo: a crossing said as long past ("早就过了1亿").
var reLongAgo = regexp.MustCompile(`早就|早已|早在|早都|老早|(?i)long ago|already`)

// inAside reports whether m sits inside brackets.
func inAside(raw string, m yuan.Mention) bool {
	before := raw[:m.Start]
	open := max(strings.LastIndex(before, "（"), strings.LastIndex(before, "("))
	shut := max(strings.LastIndex(before, "）"), strings.LastIndex(before, ")"))
	return open >= 0 && open > shut
}

// reReviewAsked: a review asked about, not said to have passed ("认定后需要
// 复核吗").
var reReviewAsked = regexp.MustCompile(`(需要|要不要|是否|会不会|用不用|还要|得)(再)?(复核|复审)|(复核|复审)(吗|么|不)|(?i)need(s)? (a |to be )?re-?review`)

// orJoined reports whether two of the figures are joined by 或者/还是: options,
// each computed, never summed.
func orJoined(raw string, ms []yuan.Mention) bool {
	for i := 0; i+1 < len(ms); i++ {
		if ms[i].End <= ms[i+1].Start && reOr.MatchString(raw[ms[i].End:ms[i+1].Start]) {
			return true
		}
	}
	return false
}

// partlyOverlap reports whether a and b share text without one holding
// the other.
func partlyOverlap(a, b yuan.Mention) bool {
	overlap := a.Start < b.End && b.Start < a.End
	holds := func(x, y yuan.Mention) bool { return x.Start <= y.Start && y.End <= x.End }
	return overlap && !holds(a, b) && !holds(b, a)
}

// reOtherStandardDenied: such a level said not to be the one ("不是团体标准").
var reOtherStandardDenied = regexp.MustCompile(`(不是|非|并非)[^，。,]{0,4}(团体标准|地方标准|企业标准|团标)`)

// reOtherStandardLevel: standards of a level policy/5 does not name.
var reOtherStandardLevel = regexp.MustCompile(`团体标准|地方标准|企业标准|团标|(?i)\b(group|local|enterprise|association) standards?\b`)

// crossedYiNow reports a 过亿 said as done, not negated, hoped or asked
// ("还没过亿", "差点就过亿", "今年能过亿吗").
func crossedYiNow(norm string) bool {
	for _, loc := range reCrossedYi.FindAllStringIndex(norm, -1) {
		before := []rune(norm[:loc[0]])
		lead := string(before[max(0, len(before)-4):])
		if !reNotDone.MatchString(lead) && !strings.HasPrefix(norm[loc[1]:], "吗") && !strings.HasPrefix(norm[loc[1]:], "没") {
			return true
		}
	}
	return false
}

// reNotDone: a crossing negated, missed or only hoped for.
var reNotDone = regexp.MustCompile(`没|未|不|差|想|能|预计|争取|希望|力争`)

// reSameFirm: the figures are one enterprise's.
var reSameFirm = regexp.MustCompile(`同一家|同一个企业|同一企业|一家企业的|(?i)same (company|firm|enterprise)`)

// reRDYears: a year or a change said with an R&D figure.
var reRDYears = regexp.MustCompile(`去年|上年|前年|今年|本年|从|由|[0-9]{4}\s*年|(?i)last year|this year|from`)

// rdSpendOnce reports a single R&D figure said with no year or change in
// its part ("研发投入410万" in a profile): one year's spend, no increase.
func rdSpendOnce(raw string, ms []yuan.Mention) bool {
	n := 0
	for _, m := range ms {
		seg := segmentAround(raw, m)
		part := knowledge.Normalize(raw[seg[0]:m.Start])
		if strings.Contains(part, "研发") || strings.Contains(part, "r&d") {
			if reRDYears.MatchString(knowledge.Normalize(raw[seg[0]:seg[1]])) {
				return false
			}
			n++
		}
	}
	return n == 1
}

// reRevenueCrossing: words that make a revenue a milestone asked about.
var reRevenueCrossing = regexp.MustCompile(`首次|第一次|头一回|头一次|突破|破|过亿|过了|超过|上亿|达到|到过|跨越|越过|以前|之前|从没|从未|卡线|营收奖|营收.{0,4}(奖励|奖)|(?i)first time|crossed|exceed|pass(ed)?|surpass|broke|topped|milestone|never|before|revenue (reward|award)`)

// reSupportAsked: a support named as what is asked ("数字化智能化补助能拿多
// 少", "营收奖励多少"): the rule's words, then the support word.
var reSupportAsked = regexp.MustCompile(`^[^，。,;；?？]{0,8}(补助|补贴|奖励|奖金|资助|贴息|奖|补|(?i:subsidy|reward|award|grant))`)

// askedSupport keeps, of the rules a question names, those its asking
// sentence names as the support asked about, when it names any: the
// profile before it (营收4.5亿，是省级专精特新) is context.
func askedSupport(raw string, names []string) []string {
	asked := knowledge.AskedPart(raw)
	if asked == knowledge.Normalize(raw) || len(names) < 2 {
		return names
	}
	var keep []string
	for _, t := range triggers {
		if !slices.Contains(names, t.rule) {
			continue
		}
		for _, loc := range t.match.FindAllStringIndex(asked, -1) {
			if reSupportAsked.MatchString(asked[loc[1]:]) {
				keep = append(keep, t.rule)
				break
			}
		}
	}
	if len(keep) == 0 {
		return names
	}
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !slices.Contains(keep, n) })
}

// reHearsay: a sentence that reports what someone said.
var reHearsay = regexp.MustCompile(`(听说|据说|听人说|有人说|网上说|别人说|朋友说|(?i:i heard|i've heard|someone said|people say|rumou?r))[^。？！?!；;]*[。？！?!；;]?`)

// reTierDenied: a tier the enterprise says it does not hold.
var reTierDenied = regexp.MustCompile(`(没有|没|未|尚未|不是|并非|还不是|都不是)(被)?(认定|评上|获评|评过|评)?(为|成)?[^。;；，,]{0,6}(创新型|专精特新|小巨人)([^。;；，,]{0,16}(创新型|专精特新|小巨人))*([^。;；，,]{0,10}(任何一种|任何一个|都没有|都不是))?`)

// reMilestoneAfter: the figure names a tier of the award ("5亿那档").
var reMilestoneAfter = regexp.MustCompile(`^\s*(元)?\s*(的)?\s*(那|这)?\s*(一)?\s*(个)?\s*(档|档次|级)`)

func dropNamedMilestones(raw string, ms []yuan.Mention) []yuan.Mention {
	if len(ms) < 2 {
		return ms
	}
	var out []yuan.Mention
	for i, m := range ms {
		crossedBy := slices.ContainsFunc(ms, func(o yuan.Mention) bool { return o != m && o.Yuan >= m.Yuan })
		if crossedBy && (cueBefore(raw, ms, i, reCrossing) || cueAfter(raw, ms, i, reMilestoneAfter)) && policies.IsRevenueMilestone(m.Yuan) {
			continue
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return ms
	}
	return out
}

// unordered reports whether nothing in the question says which of two
// figures is last year's: no year word reaches either, and they are not a
// from → to pair.
func unordered(raw string, ms []yuan.Mention, thisCue *regexp.Regexp) bool {
	return nearestYear(raw, ms, 0, thisCue) == "" && nearestYear(raw, ms, 1, thisCue) == ""
}

// settleYears puts v in this year's input (or last year's when lastYear);
// if v was the other year's figure before, the two swap: the reply to "which
// is this year's?" settles both.
func settleYears(in map[string]string, lastKey, thisKey string, v int64, lastYear bool) {
	key, other := thisKey, lastKey
	if lastYear {
		key, other = lastKey, thisKey
	}
	if in[other] == itoa(v) {
		in[other] = in[key]
	}
	in[key] = itoa(v)
}

// milestoneEvents reads "前年第一次过了1亿，今年又第一次过了5亿": every figure
// a milestone named as crossed, each its own award (asked together they are
// summed). It returns nil unless every figure is such a milestone.
func milestoneEvents(raw string, ms []yuan.Mention) []ruleCall {
	// "首次营收过亿，又首次突破5亿": 过亿 is the 1亿 milestone without a figure.
	if len(ms) == 1 && reCrossedYi.MatchString(knowledge.Normalize(raw)) && !pastYi(knowledge.Normalize(raw)) && ms[0].Yuan > 1_0000_0000 {
		if cueBefore(raw, ms, 0, reCrossing) && policies.IsRevenueMilestone(ms[0].Yuan) {
			return []ruleCall{
				{name: "revenue_milestone", inputs: map[string]string{"revenue_yuan": itoa(1_0000_0000)}},
				{name: "revenue_milestone", inputs: map[string]string{"revenue_yuan": itoa(ms[0].Yuan)}},
			}
		}
	}
	if len(ms) < 2 {
		return nil
	}
	var calls []ruleCall
	for i, m := range ms {
		if !cueBefore(raw, ms, i, reCrossing) || !policies.IsRevenueMilestone(m.Yuan) {
			return nil
		}
		if cueBefore(raw, ms, i, reLongAgo) || inAside(raw, m) {
			return nil // "（之前早就过了1亿）": background, not an award asked
		}
		calls = append(calls, ruleCall{name: "revenue_milestone", inputs: map[string]string{"revenue_yuan": itoa(m.Yuan)}})
	}
	return calls
}

// namedAlone reports whether a part of the question (between punctuation)
// before any part naming a rule that suppresses rule states an increase
// with a figure: "研发投入增加了500万，另外有一个研发成果产业化项目…" asks
// both rules, while "研发成果产业化项目，技术研发投入800万" is one matter.
func namedAlone(norm, rule string) bool {
	for reDigitGroup.MatchString(norm) {
		norm = reDigitGroup.ReplaceAllString(norm, "$1$2") // "1,000万" is one figure, not two parts
	}
	for _, seg := range reSegment.Split(norm, -1) {
		named, suppressor := false, false
		for _, t := range triggers {
			named = named || t.rule == rule && t.match.MatchString(seg)
			suppressor = suppressor || slices.Contains(t.suppress, rule) && t.match.MatchString(seg)
		}
		switch {
		case suppressor:
			return false
		case named && reIncrease.MatchString(seg) && len(yuan.Extract(seg)) > 0:
			return true
		}
	}
	return false
}

// lastWords is the end of s, at most n runes.
func lastWords(s string, n int) string {
	r := []rune(s)
	return string(r[max(0, len(r)-n):])
}

// talentItems reads each talent programme named in its own part of the
// question with the count said there ("两名工程师入选产业建圈强链人才计划"),
// one call per person or team.
func talentItems(rule string, in map[string]string, raw string) []ruleCall {
	var calls []ruleCall
	for _, seg := range reSegment.Split(knowledge.Normalize(raw), -1) {
		prog := ""
		switch {
		case strings.Contains(seg, "建圈强链"):
			prog = "industry_chain"
		case strings.Contains(seg, "团队") && strings.Contains(seg, "蓉漂"):
			prog = "rongpiao_team"
		case strings.Contains(seg, "蓉漂"):
			prog = "rongpiao_individual"
		default:
			continue
		}
		n := 1
		if c := yuan.Counts(seg); len(c) > 0 {
			n = c[0].N
		}
		for range min(n, 20) {
			c := clone(in)
			c["program"] = prog
			calls = append(calls, ruleCall{name: rule, inputs: c})
		}
	}
	return calls
}

// isEnterpriseUnit reports whether a count counts enterprises (家, 个企业,
// companies), not people or items.
func isEnterpriseUnit(u string) bool {
	return u == "家" || u == "个厂" || u == "个公司" || u == "个企业" || u == "个工厂" || strings.HasPrefix(u, "compan") || strings.HasPrefix(u, "enterprise") || strings.HasPrefix(u, "firm") || strings.HasPrefix(u, "sme")
}
