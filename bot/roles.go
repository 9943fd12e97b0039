package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// Roles by structure: before any rule reads the figures, the shapes of the
// sentence say what some of them are, whatever the rule.
//
//   - a guess: "贴息是35万吗", "能拿100万不", "is it 350,000?" — the user's
//     own estimate, checked against the calculation and never an input;
//   - from → to: "从400万涨到1000万", "由9000万增至1.2亿", "400万→1000万",
//     "rose from 4 million to 10 million" — the old and the new value;
//   - per item with a count: "投了3家每家600万", "3家各600万" — N items;
//   - a grouped bare number beside money: "the LPR amount is 450,000".

var (
	// reGuessAfter: the figure closes a yes/no question.
	reGuessAfter = regexp.MustCompile(`^\s*(元|块钱|块)?\s*(的)?(奖励|补贴|补助|资助|贴息|奖金)?\s*[,，]?\s*(吗|嘛|么|不|没|没有|对吗|对不对|是吗|是不是|吧|没错吧|对吧|没错吗)\s*([?？。!！,，;；]|$)|(?i)^\s*(yuan|rmb)?\s*(,?\s*(is that |is it |that's |am i )?(right|correct|true))?\s*\?`)
	// reGuessBefore: the figure is what the user thinks they get or the
	// amount is.
	reGuessBefore = regexp.MustCompile(`(是|就是|会是|应该是|有|给|贴|听说|据说|算|算出来|算下来|(拿|领|得|补|奖)(到|了)?)\s*$|(?i)\b(is it|is that|is the \w+( \w+)?|be|get|receive|gives?|heard|told|said)\s*(rmb|cny|¥)?\s*$`)
	// reContextFigure: the figure is a quantity no calculator takes — profit,
	// tax, pay, assets, capital — named just before it in a statement about
	// the company.
	reContextFigure = regexp.MustCompile(`(利润|净利|毛利|利税|纳税|缴税|税费|税收|工资|薪酬|总资产|资产|负债|注册资本|实缴资本|市值|估值|租金|房租|租赁费|物业费|水电费|电费|管理规模|基金规模|资金规模|资产规模)[^0-9，。,;；]{0,6}$|(?i)\b(aum|assets under management|fund size|rent|net profit|profit|net income|tax(es)? paid|tax|assets|salar(y|ies)|payroll|valuation|registered capital)(\s+(are|is|was|were|of|about|around|roughly|approximately|at|stood at|came to|totall?ing))*\s*(rmb|cny|¥)?\s*$`)
	// reGuessAsked: the yes/no question comes before the figure ("奖励是不是100万").
	reGuessAsked = regexp.MustCompile(`(是不是|是否是|是否|会不会是|难道是|真的是|确定是|真能拿|能不能拿到?|能否拿到?|有没有)(能|可以|会|就)?(奖|补|给|拿|领|贴|补贴|奖励)?(了|到)?\s*$|(是不是|是否|会不会|难道)[^0-9，。,;；?？]{0,8}(给|拿|补|奖|贴)[^0-9，。,;；?？]{0,4}(封顶|最高|上限)的?\s*$|(?i)\b(is it really|is it actually|could it be)\s*$`)
	// reDerived: the figure is the user's own arithmetic on a rate or a
	// multiple ("按5%是50万", "10%算下来就是86万", "×5%=50万") — a result to
	// check, never an input.
	// reNeverReached: the figure is a bound the past never reached
	// ("以前从没到过一个亿", "往年没突破过5000万") — not a value of any year.
	// Also a target just missed ("差一点点到100万", "离1亿还差一点").
	reNeverReached = regexp.MustCompile(`差(一点点|一点|点|些|一些|一丁点|一丢丢)?(就|才)?(能)?(到|够|满|达到|上)\s*$|(^|[^距])离\s*$|(从没|从未|从来没|从来没有|以前没|之前没|往年没|历史上没|过去没|以往没|以前都没|之前都没)(有)?(到过|达到过|突破过|超过|过|上过|破过|达到|突破)\s*$|(?i)\bnever (reached|crossed|exceeded|hit|passed|topped)\s*$`)
	// reAwardAfterAsk: the figure is the award, and the question asked for
	// the quantity that earns it earlier ("每增加多少钱能拿20万", "达到多少能
	// 拿5万奖励"): an output named, not an input.
	reAwardAfterAsk = regexp.MustCompile(`(多少|好多|几多|多大|多高)[^，。,;；？?]{0,8}(能拿|可以拿|才能拿|就能拿|拿到|能领|可以领|能得到|能获得|可获得|可以获得|获得|才有)(到)?\s*$`)
	// reOwnReckoning: the figure is the user's own reckoning, said as such
	// ("我算的是150万", "我估计有50万", "I reckon 300,000") — a guess with or
	// without a question tag.
	reOwnReckoning = regexp.MustCompile(`(我|我们|自己)(自己)?(算|估|估计|预计|以为|理解|觉得|认为|算了一下|算了下|算出来|测算)(的|出来|下来)?(是|得|为|应该是|大概是|大概|有|能拿|能有)?\s*$|(?i)\b(i|we) (calculated|reckon|estimate[d]?|figured|think it'?s|worked out)( it)?( at| as| to be)?\s*(rmb|cny|¥)?\s*$`)
	reDerived      = regexp.MustCompile(`([0-9]\s*(%|％)|百分之[一二三四五六七八九十0-9.]+|[0-9.]+\s*倍)\s*((算|计算|来算|算下来|算出来)(的话)?\s*(是|就是|得|得到|等于|=|＝|为|应该是)?|(的话)?\s*(是|就是|得|得到|等于|=|＝|为|应该是))\s*$`)
	// reAwardBefore: the figure is an award someone gives ("能补50万", "给40万").
	reAwardBefore  = regexp.MustCompile(`(补|奖|给|发|资助|补贴|补助|奖励|贴息)(了|到)?\s*(的是|是|为|有)?\s*$|(?i)\b(gives?|grants?|pays?|offers?|award of|subsidy of)\s*$`)
	reFromCue      = regexp.MustCompile(`(从|由|自)\s*$|(?i)\bfrom\s*$`)
	reToCue        = regexp.MustCompile(`^\s*(元|块)?\s*(去年|上年|今年|(?i:(last|this|previous) year))?\s*(猛|一下子|直接)?(增加|增长|增|涨|提高|提升|上升|升|加|变|跃|冲|跳|翻|下降|降|减少|减|跌|掉|缩|回落)?(了)?\s*(到|至|成|为)(了)?|^\s*(→|->|=>|~)|(?i)^\s*(yuan|rmb)?\s*((last|this|previous) year|in 20[0-9]{2})?\s*,?\s*(to|up to)\b`)
	rePerItem      = regexp.MustCompile(`(每家|每个|每笔|每项|各|每一家|每家企业|均为|都是)(都|均)?(投|投了|投资|投资了)?\s*$|(?i)\b(each|per (company|firm|enterprise|investee))\s*$`)
	rePerItemAfter = regexp.MustCompile(`^\s*(元|块)?\s*(一家|每家)|(?i)^\s*(yuan\s*)?(each|apiece|per (company|firm|enterprise|investee))\b`)
	reGroupedBare  = regexp.MustCompile(`(^|[^0-9.,])([0-9]{1,3}(?:,[0-9]{3})+)(\.\s|\.$|[^0-9%.,]|$)`)
	reRangeSep     = regexp.MustCompile(`到|至|-|~|—|－|(?i)\bto\b`)
	reArrow        = regexp.MustCompile(`^\s*(元)?\s*(→|->|=>)`)
	reBareNotMoney = regexp.MustCompile(`^\s*(%|年|家|人|个|项|名|次|天|号|月|元?/)`)
)

// figures are a question's amounts after the structural reading.
type figures struct {
	ms      []yuan.Mention // inputs, in order
	guesses []yuan.Mention // the user's own estimates, to check
	from    int            // index in ms of a from → to pair's old value, -1 if none
	// fromStart and toStart are the pair's byte offsets in the question,
	// which stay right when figures are dropped later.
	fromStart, toStart int
}

// readFigures finds the roles the sentence's structure gives.
func readFigures(raw string, ms []yuan.Mention) figures {
	f := figures{from: -1}
	ms = append(ms, groupedBare(raw, ms)...)
	slices.SortFunc(ms, func(a, b yuan.Mention) int { return a.Start - b.Start })
	for _, m := range ms {
		seg := segmentAround(raw, m)
		// The tag of a yes/no question may follow a comma ("93万，对吗？").
		before, after := knowledge.Normalize(raw[seg[0]:m.Start]), knowledge.Normalize(raw[m.End:min(len(raw), m.End+40)])
		if reContextFigure.MatchString(before) || reNeverReached.MatchString(before) || reAwardAfterAsk.MatchString(before) {
			continue // "净利润1,200万", "tax paid RMB 21m": the company's context, no rule's input
		}
		if m.RangeTo == 0 && (reGuessAfter.MatchString(after) && reGuessBefore.MatchString(before) || reGuessAsked.MatchString(before) || reDerived.MatchString(before) || reOwnReckoning.MatchString(before)) {
			f.guesses = append(f.guesses, m)
			continue
		}
		f.ms = append(f.ms, m)
	}
	f.ms = withoutCorrected(raw, f.ms)
	f.ms = withoutParts(raw, f.ms)
	f.ms = withoutPlanned(raw, f.ms)
	f.ms = withoutRestated(raw, f.ms)
	f.ms = withoutUnchosen(raw, f.ms)
	// A range said as a change ("from 4 million to 10 million", "从300万到500万")
	// is two values, old and new.
	for i, m := range f.ms {
		if m.RangeTo > m.Yuan && reFromCue.MatchString(knowledge.Normalize(raw[max(0, m.Start-12):m.Start])) {
			lo, hi := m, m
			lo.RangeTo, hi.Yuan, hi.RangeTo = 0, m.RangeTo, 0
			if sep := reRangeSep.FindStringIndex(raw[m.Start:m.End]); sep != nil {
				lo.End, hi.Start = m.Start+sep[0], m.Start+sep[1]
				lo.Text, hi.Text = raw[lo.Start:lo.End], raw[hi.Start:hi.End]
			}
			f.ms = slices.Insert(slices.Delete(f.ms, i, i+1), i, lo, hi)
			f.from, f.fromStart, f.toStart = i, lo.Start, hi.Start
			return f
		}
	}
	for i := 0; i+1 < len(f.ms); i++ {
		a, b := f.ms[i], f.ms[i+1]
		if a.End > b.Start {
			continue
		}
		lead := knowledge.Normalize(raw[max(0, a.Start-12):a.Start])
		if reFromCue.MatchString(lead) && reToCue.MatchString(knowledge.Normalize(raw[a.End:b.Start])) ||
			reArrow.MatchString(raw[a.End:b.Start]) {
			f.from, f.fromStart, f.toStart = i, a.Start, b.Start
			break
		}
	}
	return f
}

// reCorrection: the user takes back what came just before ("1亿……不对，
// 是1000万", "1 billion... sorry, I mean 100 million").
var reCorrection = regexp.MustCompile(`说错了|写错了|打错了|更正|纠正|不对不对|不对[,，]?\s*是|就算|就按|(?i)\blet's say\b|(?i)\bsorry\b|\bi mean\b|\bi meant\b|\bcorrection\b`)

// withoutCorrected drops a figure the user corrects with the next one.
func withoutCorrected(raw string, ms []yuan.Mention) []yuan.Mention {
	var out []yuan.Mention
	for i, m := range ms {
		if i+1 < len(ms) && m.End <= ms[i+1].Start && reCorrection.MatchString(raw[m.End:ms[i+1].Start]) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// reParts introduces the parts of the figure before it: "860万（其中硬件520万，
// 软件340万）", "5 million, of which 3 million hardware".
var reParts = regexp.MustCompile(`其中|包括|包含|(?i)\bof which\b|\bincluding\b`)

// rePartsEnd ends a list of parts: what follows is another item.
var rePartsEnd = regexp.MustCompile(`另外|还有|另|又|(?i)\b(also|plus)\b`)

// anyInputCue is every frame's input cue: words that make a figure some
// rule's input.
var anyInputCue = sync.OnceValue(func() *regexp.Regexp {
	frames := mustFrames()
	var cues []policies.Cue
	for _, f := range frames {
		for _, cs := range f.Inputs {
			cues = append(cues, cs...)
		}
	}
	return policies.Regexp(cues)
})

// withoutParts drops the figures that break down the one before them: after
// 其中 (or 包括, of which) up to the end of the aside or sentence, when they
// add up to no more than it. Parts are not further amounts.
func withoutParts(raw string, ms []yuan.Mention) []yuan.Mention {
	for i := 0; i+1 < len(ms); i++ {
		if ms[i].End > ms[i+1].Start {
			continue // overlapping figures (a relative one around its reference)
		}
		gap := raw[ms[i].End:ms[i+1].Start]
		loc := reParts.FindStringIndex(gap)
		if loc == nil || strings.ContainsAny(gap[:loc[0]], "。；;!?！？") {
			continue
		}
		end := len(raw)
		if k := strings.IndexAny(raw[ms[i].End+loc[1]:], "）)。；;!?！？"); k >= 0 {
			end = ms[i].End + loc[1] + k
		}
		if k := rePartsEnd.FindStringIndex(raw[ms[i].End+loc[1] : end]); k != nil {
			end = ms[i].End + loc[1] + k[0] // "另外软件投入400万" is no part
		}
		j, sum := i+1, int64(0)
		named := false // a part said as a rule's own input ("其中技术研发投入800万") is no mere part
		for j < len(ms) && ms[j].Start < end {
			sum += ms[j].Yuan
			lo := min(max(ms[j-1].End, ms[j].Start-24), ms[j].Start) // figures may overlap (a relative one)
			named = named || anyInputCue().MatchString(knowledge.Normalize(raw[max(lo, 0):ms[j].Start]))
			j++
		}
		if named {
			continue
		}
		if sum > 0 && sum <= ms[i].Yuan {
			return append(ms[:i+1:i+1], ms[j:]...)
		}
	}
	return ms
}

// reActual marks a figure as what was actually spent or paid; rePlanned one
// as what was planned, contracted or quoted.
var (
	reActual  = regexp.MustCompile(`实际[^上]|实际$|实付|(?i)\bactual(ly)?\b`)
	rePlanned = regexp.MustCompile(`(合同价|合同金额|合同额|预算|计划投资|计划投入|计划|原定|报价|签约|(?i:contract( value| price)?|budget(ed)?|planned|quoted?))[^0-9，。,;；]{0,6}$`)
)

// withoutPlanned: the rules count what was actually invested or paid (按实际
// 投入, 实际支付利息), so when one figure is said as actual, figures said as
// planned, contracted or quoted are context, not inputs.
func withoutPlanned(raw string, ms []yuan.Mention) []yuan.Mention {
	actual := slices.ContainsFunc(ms, func(m yuan.Mention) bool {
		seg := segmentAround(raw, m)
		return reActual.MatchString(raw[seg[0]:m.Start])
	})
	if !actual {
		return ms
	}
	kept := slices.DeleteFunc(slices.Clone(ms), func(m yuan.Mention) bool {
		seg := segmentAround(raw, m)
		return rePlanned.MatchString(knowledge.Normalize(raw[seg[0]:m.Start]))
	})
	if len(kept) == 0 {
		return ms
	}
	return kept
}

// reRestate joins a figure to the same figure said again ("1,000,000元，刚好
// 一百万整", "500万（即0.05亿）", "1个亿，一分不多正好一亿元", "100万元整（发票
// 合计1,000,000.00元）" — a bracket of a few words): nothing but a
// bracket or comma, or a few words ending in 正好/就是/即 that list or count
// no other item (和, 另, 又, 各, 每, 第, 年…).
var reRestate = regexp.MustCompile(`^\s*[,，(（]?\s*([^0-9，,。；;、和及与另又再各每第年期笔家项个]{0,6}?(刚好|正好|恰好|也就是|就是|即|合|折合))?\s*$|^[^0-9，,。；;]{0,2}[(（][^0-9()（），,。；;和及与另又再各每第年期笔家项个]{0,8}$`)

// restatedCase reports "达到250万元的企业补多少？我们刚好投了250万": the
// earlier figure in a question about a case, the later said to be exactly
// it — not a second item ("第二家刚好也投了300万", "今年刚好增加了200万").
func restatedCase(raw string, earlier, later yuan.Mention) bool {
	start := sentenceStart(raw, later.Start)
	if start <= earlier.End {
		return false // one sentence
	}
	asked := strings.TrimSpace(raw[sentenceStart(raw, earlier.Start):start])
	lead := knowledge.Normalize(raw[segmentAround(raw, later)[0]:later.Start])
	return (strings.HasSuffix(asked, "？") || strings.HasSuffix(asked, "?") || strings.Contains(asked, "吗")) &&
		reExactlyThat.MatchString(lead) && !reAnotherItem.MatchString(lead)
}

// reAnotherItem: words that make a figure another item, not the same one.
var reAnotherItem = regexp.MustCompile(`也|又|另|第|今年|去年|增加|多了|家`)

// reExactlyThat: the figure is said to be exactly the one before.
var reExactlyThat = regexp.MustCompile(`(刚好|正好|恰好|刚刚好|也就是|(?i:exactly))[^0-9，,。]{0,6}$`)

// withoutRestated drops a figure that repeats the one just before it in
// other words: one amount, not two.
func withoutRestated(raw string, ms []yuan.Mention) []yuan.Mention {
	for i := 1; i < len(ms); i++ {
		if ms[i].Yuan == ms[i-1].Yuan && ms[i].RangeTo == ms[i-1].RangeTo && ms[i-1].End <= ms[i].Start &&
			(reRestate.MatchString(raw[ms[i-1].End:ms[i].Start]) ||
				// "达到250万元的企业补多少？我们刚好投了250万": the case, then ours.
				restatedCase(raw, ms[i-1], ms[i])) {
			ms = slices.Delete(slices.Clone(ms), i, i+1)
			i--
		}
	}
	return ms
}

// segmentAround is the part of the question, between punctuation, that
// holds m.
func segmentAround(raw string, m yuan.Mention) [2]int {
	start, end := 0, len(raw)
	for _, b := range reClauseBreak.FindAllStringIndex(raw, -1) {
		if b[1] <= m.Start {
			start = b[1]
		}
		if b[0] >= m.End && end == len(raw) {
			end = b[0]
		}
	}
	// A question mark right after the figure belongs to it.
	if end < len(raw) && strings.ContainsRune("?？", rune(raw[end])) || strings.HasPrefix(raw[end:], "？") {
		end += len(string([]rune(raw[end:])[0]))
	}
	return [2]int{start, end}
}

// groupedBare reads "450,000" as yuan when the question already speaks of
// money: a comma-grouped number is an amount, not a year or a count.
func groupedBare(raw string, ms []yuan.Mention) []yuan.Mention {
	if len(ms) == 0 {
		return nil
	}
	var out []yuan.Mention
	for _, loc := range reGroupedBare.FindAllStringSubmatchIndex(raw, -1) {
		s, e := loc[4], loc[5]
		if slices.ContainsFunc(ms, func(m yuan.Mention) bool { return s < m.End && e > m.Start }) ||
			reBareNotMoney.MatchString(raw[e:]) {
			continue
		}
		v, err := strconv.ParseInt(strings.ReplaceAll(raw[s:e], ",", ""), 10, 64)
		if err != nil || v <= 0 || v > yuan.MaxYuan {
			continue
		}
		out = append(out, yuan.Mention{Yuan: v, Text: raw[s:e], Start: s, End: e})
	}
	return out
}

// perItem expands "投了3家每家600万" into three amounts: a figure said per
// item, with the number of items counted before it in the question.
func perItem(raw string, ms []yuan.Mention) []yuan.Mention {
	counts := yuan.Counts(raw)
	var out []yuan.Mention
	for _, m := range ms {
		n := 1
		if rePerItem.MatchString(knowledge.Normalize(raw[max(0, m.Start-15):m.Start])) ||
			rePerItemAfter.MatchString(knowledge.Normalize(raw[m.End:min(len(raw), m.End+24)])) {
			seg := segmentAround(raw, m)
			for _, c := range counts { // the count before the figure …
				if c.End <= m.Start && isItemUnit(c.Unit) {
					n = c.N
				}
			}
			for _, c := range counts { // … else one after it in its part ("3 million each in two SMEs")
				if n == 1 && c.Start >= m.End && c.End <= seg[1] && isItemUnit(c.Unit) {
					n = c.N
				}
			}
		}
		for range min(n, 20) {
			out = append(out, m)
		}
	}
	return out
}

func isItemUnit(u string) bool {
	return strings.Contains("家个笔项個筆項", u) || strings.HasPrefix(u, "个") || strings.HasPrefix(u, "compan") || strings.HasPrefix(u, "enterprise") ||
		strings.HasPrefix(u, "firm") || strings.HasPrefix(u, "startup") || strings.HasPrefix(u, "sme") || strings.HasPrefix(u, "invest") || strings.HasPrefix(u, "project")
}

// guessNotes check the user's own estimates against the calculations, yes
// or no first.
func guessNotes(guesses []yuan.Mention, amounts []int64, lang string) []string {
	var out []string
	for _, g := range guesses {
		switch {
		case len(amounts) == 0:
			continue
		case slices.Contains(amounts, g.Yuan) && lang == "en":
			out = append(out, fmt.Sprintf("Yes: %s is what the calculation below gives.", yuan.Format(g.Yuan)))
		case slices.Contains(amounts, g.Yuan):
			out = append(out, fmt.Sprintf("是的，按条文计算正是%s（计算见下）。", yuan.Format(g.Yuan)))
		case lang == "en":
			out = append(out, fmt.Sprintf("No: not %s — by the clause it is %s (calculation below).", yuan.Format(g.Yuan), yuan.Format(amounts[0])))
		default:
			out = append(out, fmt.Sprintf("不是%s：按条文计算是%s（计算见下）。", yuan.Format(g.Yuan), yuan.Format(amounts[0])))
		}
	}
	return out
}

// payouts are the amounts a user could be told they get: the total if
// there is one, else each calculation's.
func payouts(cs []policies.Calculation) []int64 {
	var out []int64
	for _, c := range cs {
		if c.Rule == RuleTotal {
			return []int64{c.AmountYuan}
		}
		if c.Kind != policies.KindUnstated && c.Kind != policies.KindThreshold {
			out = append(out, c.AmountYuan)
		}
	}
	return out
}

// RuleTotal is the rule name of the calculation that sums several others.
const RuleTotal = "total"

// total sums the amounts of a question that names several matters ("评上
// 小巨人，营收也首次过亿，加起来多少") or the same award several times ("3个人
// 入选"). Alternatives (each standard level, each end of a range) are not
// summed: they are answers to choose from, not items.
func total(cs []policies.Calculation, in intent) (policies.Calculation, bool) {
	if !in.asksTotal || len(cs) < 2 {
		return policies.Calculation{}, false
	}
	for _, m := range in.mentions {
		if m.RangeTo > m.Yuan {
			return policies.Calculation{}, false
		}
	}
	t := policies.Calculation{Rule: RuleTotal, Clause: cs[0].Clause, Title: "合计", Kind: policies.KindComputed, Inputs: map[string]any{}}
	var parts []string
	for _, c := range cs {
		r, _ := policies.RuleByName(c.Rule)
		if r.NotPayout || c.Kind == policies.KindUnstated || c.Kind == policies.KindThreshold || c.Dates != nil {
			continue
		}
		if !in.several && !sameAward(cs, c) && !policies.SeparateAwards(c.Rule) {
			return policies.Calculation{}, false // alternatives of one rule
		}
		if c.Kind == policies.KindMaximum {
			t.Kind = policies.KindMaximum
		}
		t.AmountYuan += c.AmountYuan
		parts = append(parts, fmt.Sprintf("%s（%s）", yuan.Format(c.AmountYuan), c.Title))
		for _, p := range c.Params {
			if !slices.ContainsFunc(t.Params, func(x policies.ParamRef) bool { return x.Name == p.Name }) {
				t.Params = append(t.Params, p)
			}
		}
	}
	paying := 0
	for _, c := range cs {
		if c.AmountYuan > 0 {
			paying++
		}
	}
	if len(parts) < 2 || in.impliedTotal && paying < 2 {
		return policies.Calculation{}, false
	}
	t.Steps = []string{strings.Join(parts, " + ") + " = " + yuan.Format(t.AmountYuan)}
	t.Notes = []string{"不同事项分别计算后相加；同一事项涉及市级同类奖励补助政策的，按就高不就低原则执行，不重复享受。"}
	return t, true
}

// sameAward reports whether every calculation of c's rule has the same
// inputs: the same award counted once per person or item.
func sameAward(cs []policies.Calculation, c policies.Calculation) bool {
	for _, o := range cs {
		if o.Rule == c.Rule && fmt.Sprint(o.Inputs) != fmt.Sprint(c.Inputs) {
			return false
		}
	}
	return true
}

// readingOf lists the figures the calculations took from the question,
// with the user's words for each.
func (e *Engine) readingOf(cs []policies.Calculation, ms []yuan.Mention, q string) []ReadFigure {
	out := []ReadFigure{}
	for _, c := range cs {
		for _, name := range sortedKeys(c.Inputs) {
			var vals []int64
			switch v := c.Inputs[name].(type) {
			case int64:
				vals = []int64{v}
			case []int64:
				vals = v
			}
			for _, v := range vals {
				for j, m := range ms {
					if m.Yuan == v || m.RangeTo == v {
						out = append(out, ReadFigure{Rule: c.Rule, Input: name, Yuan: v, Said: saidOf(q, ms, j)})
						break
					}
				}
			}
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// readingNote opens a calculated answer with what was read ("按您所说：上年度
// 研发投入400万，本年度研发投入1000万"), so a misreading shows at once.
func readingNote(rs []ReadFigure, e *Engine) []string {
	if len(rs) == 0 {
		return nil
	}
	var parts []string
	for _, r := range rs {
		p := fmt.Sprintf("%s %s", e.inputLabel(r.Rule, r.Input), yuan.Format(r.Yuan))
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return []string{"按您所说：" + strings.Join(parts, "，") + "。"}
}

// ambiguityNote asks which reading is meant when two give different
// amounts; both are computed below it, and the next message can settle it.
func ambiguityNote(lang string) string {
	if lang == "en" {
		return "The question does not say which figure is last year's and which is this year's, and the two readings give different amounts. Both are shown below; please say which figure is this year's."
	}
	return "问题没有说明哪个数字是去年的、哪个是今年的，两种读法金额不同，下面分别列出。请告诉我哪个是今年的数字（例如“今年930万”）。"
}

// reOtherPolicy: the question names another policy ("市里另外有个政策",
// "另一个市级文件", "another city policy") — its award for the same matter
// is weighed by 就高不就低 whether or not the question names that rule.
// reSomePolicy and reSameMatter: "市级有个标准化资助政策…同时符合这个政策" —
// a policy named with 有个, said to apply to the same matter too.
var (
	reSomePolicy = regexp.MustCompile(`有(个|一个|一项|一份)[^，。,;；]{0,10}(政策|文件|办法)`)
	reSameMatter = regexp.MustCompile(`(同时|也)(符合|适用|满足)|同类|同一|同样的`)
)

// otherPolicyAt is where the question names another policy, or nil.
func otherPolicyAt(s string) []int {
	if loc := reOtherPolicy.FindStringIndex(s); loc != nil {
		return loc
	}
	if loc := reSomePolicy.FindStringIndex(s); loc != nil && reSameMatter.MatchString(s) {
		return loc
	}
	return nil
}

var reOtherPolicy = regexp.MustCompile(`(另|另外|别的|其他|其它)(还)?(有)?(一)?(个|项|份|条)?[^，。,;；0-9]{0,8}(政策|文件|规定|办法|措施)|还有(个|一个|一项|一份)[^，。,;；0-9]{0,8}(政策|文件|办法)|(?i)\b(another|other|a second) (city |municipal |local |chengdu )?(policy|document|programme|program|scheme)\b`)

// awardFigures splits out the figures said as awards ("能补50万") when
// there are at least two — the amounts a user weighs against each other —
// or one beside figures a rule reads ("投了300万，另一个政策只给15万"): the
// other policy's award, weighed against the computed one. A lone award
// figure with nothing else stays an input.
func awardFigures(raw string, ms []yuan.Mention) (inputs, awards []yuan.Mention) {
	other := otherPolicyAt(knowledge.Normalize(raw)) != nil // "另一个政策奖80万": a lone award is the other policy's
	for i, m := range ms {
		if m.RangeTo == 0 && cueBefore(raw, ms, i, reAwardBefore) {
			awards = append(awards, m)
			continue
		}
		inputs = append(inputs, m)
	}
	if len(awards) == 0 || len(awards) == 1 && len(inputs) == 0 && !other {
		return ms, nil
	}
	return inputs, awards
}

// reClaimedAward: the figure is what the user says a reward or its cap is
// ("每家奖30万", "补助是50万", "封顶200万") — stricter than reAwardBefore:
// 给/发 also give loans.
var reClaimedAward = regexp.MustCompile(`(奖|补|奖励|补贴|补助|资助|上限|封顶|顶格)(了|到)?\s*(的是|是|为)?\s*$`)

// withoutClaimedAwards drops, outside a weighing of policies, the figures
// said as the reward itself when other figures remain for the rule: a
// reward is what the rule computes, never one of its inputs.
func withoutClaimedAwards(raw string, ms []yuan.Mention) []yuan.Mention {
	var kept []yuan.Mention
	for i, m := range ms {
		if m.RangeTo == 0 && cueBefore(raw, ms, i, reClaimedAward) {
			continue
		}
		kept = append(kept, m)
	}
	if len(kept) == 0 {
		return ms
	}
	return kept
}

// yearChoices are the replies that settle which figure is this year's.
func yearChoices(ms []yuan.Mention, lang string) []string {
	var out []string
	for _, m := range ms {
		if lang == "en" {
			out = append(out, fmt.Sprintf("%s this year", strings.TrimSpace(m.Text)))
		} else {
			out = append(out, "今年"+strings.TrimSpace(m.Text))
		}
	}
	return out
}

// RuleDifference is the rule name of the calculation that compares two.
const RuleDifference = "difference"

// difference compares two alternatives the question weighs ("国家标准和行业
// 标准的奖励相差多少", "方案B比方案A多拿多少"): the larger less the smaller,
// each shown. It applies only to exactly two payouts.
func difference(cs []policies.Calculation, in intent) (policies.Calculation, bool) {
	if !in.asksDiff {
		return policies.Calculation{}, false
	}
	pay := comparable(cs)
	if len(pay) != 2 {
		return policies.Calculation{}, false
	}
	hi, lo := pay[0], pay[1]
	if lo.AmountYuan > hi.AmountYuan {
		hi, lo = lo, hi
	}
	d := policies.Calculation{Rule: RuleDifference, Clause: hi.Clause, Title: "相差", Kind: policies.KindComputed,
		AmountYuan: hi.AmountYuan - lo.AmountYuan, Inputs: map[string]any{}, Params: append(slices.Clone(hi.Params), lo.Params...)}
	if hi.Kind == policies.KindMaximum || lo.Kind == policies.KindMaximum {
		d.Kind = policies.KindMaximum
	}
	d.Steps = []string{fmt.Sprintf("%s（%s） − %s（%s） = %s", yuan.Format(hi.AmountYuan), hi.Title, yuan.Format(lo.AmountYuan), lo.Title, yuan.Format(d.AmountYuan))}
	return d, true
}

// comparable are the payouts two options are compared by: no receipt
// without money, threshold, date, nor a comparison already made (相差,
// 就高不就低 — "另一个政策能补50万，哪个多" compares the awards themselves).
func comparable(cs []policies.Calculation) []policies.Calculation {
	var pay []policies.Calculation
	for _, c := range cs {
		r, _ := policies.RuleByName(c.Rule)
		if r.NotPayout || c.Kind == policies.KindUnstated || c.Kind == policies.KindThreshold || c.Dates != nil ||
			c.Rule == RuleDifference || c.Rule == "no_double_dipping" {
			continue
		}
		pay = append(pay, c)
	}
	return pay
}

// RuleLarger is the rule name of the calculation that picks the higher of
// alternatives.
const RuleLarger = "larger"

// larger answers "哪个奖得多？多的那个奖多少": of two or more payouts the
// question weighs, the highest, each shown.
func larger(cs []policies.Calculation, in intent) (policies.Calculation, bool) {
	if !in.asksLarger {
		return policies.Calculation{}, false
	}
	pay := comparable(cs)
	if len(pay) < 2 {
		return policies.Calculation{}, false
	}
	hi := slices.MaxFunc(pay, func(a, b policies.Calculation) int { return cmpInt(a.AmountYuan, b.AmountYuan) })
	var parts []string
	for _, c := range pay {
		parts = append(parts, fmt.Sprintf("%s（%s）", yuan.Format(c.AmountYuan), c.Title))
	}
	l := policies.Calculation{Rule: RuleLarger, Clause: hi.Clause, Title: "较高的一项：" + hi.Title, Kind: hi.Kind,
		AmountYuan: hi.AmountYuan, Inputs: map[string]any{}, Params: slices.Clone(hi.Params)}
	l.Steps = []string{strings.Join(parts, "、") + " = " + yuan.Format(hi.AmountYuan)}
	l.Notes = []string{"几项中取较高的一项。"}
	return l, true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// saidOf is the user's words for figure j: from the start of its part of
// the question, or the figure before it, to its end ("研发投入从400万",
// "涨到1000万").
func saidOf(q string, ms []yuan.Mention, j int) string {
	m := ms[j]
	start := segmentAround(q, m)[0]
	if j > 0 && ms[j-1].End <= m.Start {
		start = max(start, ms[j-1].End)
	}
	end := m.End
	if strings.HasPrefix(q[end:], "元") {
		end += len("元")
	}
	return strings.TrimSpace(q[start:end])
}

var (
	// rePercent: a rate as the user wrote it ("3.45%", "LPR 3.45％").
	rePercent = regexp.MustCompile(`([0-9]{1,2}(?:\.[0-9]{1,4})?)\s*[%％]`)
	// reLPRRate / reActualRate: what the words just before a rate say it is.
	reLPRRate    = regexp.MustCompile(`(?i)(lpr|报价利率|基准)[^0-9]{0,12}$|(?i)\blpr\b[^0-9%]{0,32}$`)
	reActualRate = regexp.MustCompile(`(?i)(实际|合同|年利率|利率|执行|贷款利率|\bat|\brate|\bpay(ing|s)?\b|\bpaid\b|\bcharged\b)[^0-9]{0,12}$`)
	// reInterestFigure: a figure said as the year's interest, not at the LPR.
	reInterestFigure = regexp.MustCompile(`(?i)(利息|付息|interest)[^0-9lL]{0,4}$`)
	// reLPRAfter: the rate is named after it ("3.45%的LPR").
	reLPRAfter = regexp.MustCompile(`(?i)^\s*(的)?\s*(同期)?\s*(lpr|贷款市场报价利率|报价利率)`)
	// rePrincipal: the figure is the loan itself.
	rePrincipal      = regexp.MustCompile(`(?i)(借|贷款|贷了|放款|借款|本金|融资|壮大贷|borrow|loan|drew|drawn|took out)[^0-9，。,]{0,8}$`)
	rePrincipalAfter = regexp.MustCompile(`(?i)^\s*(yuan|rmb)?\s*(的)?\s*['‘’"“”]?\s*(壮大贷|zhuang ?da( ?dai)?)?\s*['‘’"“”]?\s*(\([^)]*\)|（[^）]*）)?\s*(loan|贷款|借款)`)
	reInterestWord   = regexp.MustCompile(`(?i)利息|付息|息费|interest`)
	// reNotInterest: words with "interest" that name no interest amount.
	reNotInterest = regexp.MustCompile(`(?i)interest[- ]?(rate )?(subsid\w*|relief|discount)|interest rate`)
	reHalfYear    = regexp.MustCompile(`半年|6个月|六个月|(?i)half a year|six months|6 months`)
	reMonths      = regexp.MustCompile(`([0-9]{1,2}|[一二两三四五六七八九十]{1,3})个月`)
)

// interestFromRates reads a 壮大贷 question that gives the loan and the
// rates rather than the interest amounts ("借了800万，LPR 3.45%，实付36万"):
// the LPR interest is the loan × the LPR × the months borrowed (a full year
// unless 半年 or N个月 is said), the interest paid is the amount said or the
// loan × the actual rate. The derivation is stated, so every input still
// traces to the user's words. ok is false when no LPR rate and loan are
// given.
func interestFromRates(raw, norm string, ms []yuan.Mention, in map[string]string) (ruleCall, bool) {
	var lprBP, actualBP int64
	for _, loc := range rePercent.FindAllStringSubmatchIndex(raw, -1) {
		bp, ok := basisPoints(raw[loc[2]:loc[3]])
		if !ok {
			continue
		}
		before := knowledge.Normalize(raw[max(0, loc[0]-30):loc[0]])
		after := knowledge.Normalize(raw[loc[1]:min(len(raw), loc[1]+12)])
		switch {
		case reLPRRate.MatchString(before) || reLPRAfter.MatchString(after):
			lprBP = bp
		case reActualRate.MatchString(before):
			actualBP = bp
		}
	}
	if lprBP == 0 {
		return ruleCall{}, false
	}
	var principal yuan.Mention
	paid := int64(-1)
	for i, m := range ms {
		switch {
		case cueBefore(raw, ms, i, inputCue("zhuangda_loan", "interest_paid_yuan")):
			paid = m.Yuan
		case paid < 0 && reInterestFigure.MatchString(knowledge.Normalize(raw[segmentAround(raw, m)[0]:m.Start])):
			// "全年利息40万（LPR 3.45%）": with the LPR given as a rate, the
			// interest said is what was paid.
			paid = m.Yuan
		case (rePrincipal.MatchString(knowledge.Normalize(raw[max(0, m.Start-30):m.Start])) ||
			rePrincipalAfter.MatchString(knowledge.Normalize(raw[m.End:min(len(raw), m.End+48)]))) && m.Yuan > principal.Yuan:
			principal = m
		}
	}
	if principal.Yuan == 0 && paid < 0 && !reInterestWord.MatchString(reNotInterest.ReplaceAllString(norm, "")) {
		// "壮大贷，全年6000万，LPR 3.45%": with rates given and no interest
		// named anywhere, the one figure left is the loan.
		var left []yuan.Mention
		for _, m := range ms {
			if m.RangeTo == 0 {
				left = append(left, m)
			}
		}
		if len(left) == 1 {
			principal = left[0]
		}
	}
	if principal.Yuan == 0 {
		return ruleCall{}, false
	}
	months := int64(12)
	if reHalfYear.MatchString(norm) {
		months = 6
	} else if m := reMonths.FindStringSubmatch(norm); m != nil {
		if c := yuan.Counts(m[1] + "个"); len(c) == 1 && c[0].N <= 12 {
			months = int64(c[0].N)
		}
	}
	interest := func(bp int64) int64 { return principal.Yuan * bp * months / (10000 * 12) }
	c := ruleCall{name: "zhuangda_loan", inputs: in}
	in["lpr_interest_yuan"] = itoa(interest(lprBP))
	notes := []string{fmt.Sprintf("按LPR %s计算的利息：%s × %s × %d/12个月 = %s（由您给的贷款额和利率推算）。", fmtBP(lprBP), yuan.Format(principal.Yuan), fmtBP(lprBP), months, yuan.Format(interest(lprBP)))}
	switch {
	case paid >= 0:
		in["interest_paid_yuan"] = itoa(paid)
	case actualBP > 0:
		in["interest_paid_yuan"] = itoa(interest(actualBP))
		notes = append(notes, fmt.Sprintf("实际支付的利息按实际利率推算：%s × %s × %d/12个月 = %s。", yuan.Format(principal.Yuan), fmtBP(actualBP), months, yuan.Format(interest(actualBP))))
	}
	c.note = strings.Join(notes, "\n")
	return c, true
}

// basisPoints reads "3.45" as 345 (hundredths of a percent), exactly.
func basisPoints(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	if len(frac) > 2 || len(whole) == 0 {
		return 0, false
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > 50 {
		return 0, false
	}
	return w*100 + f, true
}

func fmtBP(bp int64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), ".0") + "%"
}

// withoutRelative handles a figure said relative to another ("多投了三分之
// 一", "二期是一期的1.5倍"): the engine does not convert it, a reading it
// could get wrong. A rule that adds up listed items (frames' sums) would
// add up too few, so its receipt is dropped and the amount asked for; a
// rule with one figure per role already asks for the role it lacks. Either
// way the answer says why.
func (e *Engine) withoutRelative(cs []policies.Calculation, missing []string, in *intent, lang string) ([]policies.Calculation, []string) {
	var kept []policies.Calculation
	dropped := false
	for _, c := range cs {
		// A rule with one figure per role asks for the role it lacks by
		// itself; a rule adding up listed items would add up too few.
		if !usesFigures(c) || !policies.SumsItems(c.Rule) {
			kept = append(kept, c)
			continue
		}
		dropped = true
		if r, ok := policies.RuleByName(c.Rule); ok && len(r.Inputs) > 0 {
			missing = appendUnique(missing, e.inputLabel(c.Rule, r.Inputs[0].Name))
		}
	}
	if dropped || len(missing) > 0 {
		in.notes = append(in.notes, fmt.Sprintf("问题中的“%s”是相对于另一个数字的说法，我不替您换算，以免算错；请直接告诉我换算后的金额。", in.relative))
	}
	return kept, missing
}

// usesFigures reports whether a receipt was computed from amounts the user
// gave (an input in yuan), not only from choices such as a standard level.
func usesFigures(c policies.Calculation) bool {
	for _, v := range c.Inputs {
		switch v.(type) {
		case int64, []int64:
			return true
		}
	}
	return false
}
