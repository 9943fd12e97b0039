package bot

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/yuan"
)

// Figures of several years, and the year the question asks about:
// "研发投入：2021年500万，2022年900万，2023年1300万。单看2023年度的增量" asks
// 2023 against 2022, not against 2021; "2022年度那次营收突破应该奖多少"
// asks 2022's revenue against the years before it, whatever came after.

// reCalendarYear is a year of the calendar said with 年 or 年度.
var reCalendarYear = regexp.MustCompile(`(20[0-9]{2})\s*年`)

// figureYear is the calendar year said just before figure i (after the
// figure before it), or 0.
func figureYear(raw string, ms []yuan.Mention, i int) int {
	locs := reCalendarYear.FindAllStringSubmatch(raw[spanStart(ms, i):ms[i].Start], -1)
	if len(locs) == 0 {
		return 0
	}
	y, _ := strconv.Atoi(locs[len(locs)-1][1])
	return y
}

// askedYear finds the figure of the year the question's asking sentence
// names: this is its index, earlier the indexes of the figures of earlier
// years (latest first). ok is false unless the asking sentence names exactly
// one year, a figure carries it, and another figure an earlier year.
func askedYear(raw string, ms []yuan.Mention) (this int, earlier []int, ok bool) {
	if len(ms) < 2 {
		return 0, nil, false
	}
	asked := knowledge.AskedPart(raw)
	if asked == knowledge.Normalize(raw) {
		// One sentence: what follows the last figure asks ("…2023年1900万
		// 只问2022年度的补助").
		asked = knowledge.Normalize(raw[ms[len(ms)-1].End:])
	}
	ys := reCalendarYear.FindAllStringSubmatch(asked, -1)
	if len(ys) != 1 {
		return 0, nil, false
	}
	want, _ := strconv.Atoi(ys[0][1])
	this = -1
	years := make([]int, len(ms))
	for i := range ms {
		years[i] = figureYear(raw, ms, i)
		if years[i] == want {
			this = i
		}
	}
	if this < 0 {
		return 0, nil, false
	}
	for y := want - 1; y >= want-20; y-- {
		for i := range ms {
			if years[i] == y {
				earlier = append(earlier, i)
			}
		}
	}
	return this, earlier, len(earlier) > 0
}

// rePastMarker: words that put a figure in an earlier year; a calendar
// year does when a later year, or this year, is said after it.
var (
	rePastMarker  = regexp.MustCompile(`(?i)前年|去年|上年|往年|以前|之前|早就|早已|早在|当时|曾经|last year|years? ago|earlier|before`)
	reYearIn      = regexp.MustCompile(`(?i)(20[0-9]{2})\s*年|\bin (20[0-9]{2})\b`)
	reThisYearAny = regexp.MustCompile(`(?i)今年|本年|this year`)
)

// pastBefore reports whether the words before a figure (span) put it in an
// earlier year than the rest of the question (rest: the text after the
// figure's part — "首次突破1亿 this year" is no earlier year).
func pastBefore(span, rest string) bool {
	if rePastMarker.MatchString(span) {
		return true
	}
	ys := reYearIn.FindAllStringSubmatch(span, -1)
	if len(ys) == 0 {
		return false
	}
	y, _ := strconv.Atoi(ys[len(ys)-1][1] + ys[len(ys)-1][2])
	if reThisYearAny.MatchString(rest) {
		return true
	}
	for _, m := range reYearIn.FindAllStringSubmatch(rest, -1) {
		if later, _ := strconv.Atoi(m[1] + m[2]); later > y {
			return true
		}
	}
	return false
}

// pastCrossing is the largest revenue milestone the question says was
// crossed in an earlier year ("2021年营收首次过1亿，当时已经领了奖励。今年营收
// 3亿"; "2021年过了一亿 2022年掉到八千万 今年又回到一点二亿") — a figure
// after a crossing verb, with a past marker since the figure before it,
// below a later figure of the question. 0 when there is none.
func pastCrossing(raw string, ms []yuan.Mention, isMilestone func(int64) bool) int64 {
	var best int64
	if pastYi(knowledge.Normalize(raw)) && slices.ContainsFunc(ms, func(m yuan.Mention) bool { return m.Yuan > 1_0000_0000 }) {
		best = 1_0000_0000
	}
	for i, m := range ms {
		lo := segmentAround(raw, m)[0] // the figure's own part: a year said of another matter is not its
		if i > 0 {
			lo = max(lo, min(ms[i-1].End, m.Start))
		}
		later := false
		for _, o := range ms[i+1:] {
			later = later || o.Yuan != m.Yuan
		}
		if later && isMilestone(m.Yuan) && cueBefore(raw, ms, i, reCrossing) && pastBefore(knowledge.Normalize(raw[lo:m.Start]), knowledge.Normalize(raw[restFrom(raw, m):])) {
			best = max(best, m.Yuan)
		}
	}
	return best
}

// restFrom is where "the rest of the question" after m begins: after m's
// part, or right after m when nothing but spaces separates the parts
// (voice input).
func restFrom(raw string, m yuan.Mention) int {
	if end := segmentAround(raw, m)[1]; end < len(raw) {
		return end
	}
	return m.End
}

// rePastYi: 过亿 said of an earlier year ("已连续3年过亿", "前年就过亿了").
var rePastYi = regexp.MustCompile(`(前年|去年|上年|往年|以前|之前|早就|早已|早在|曾经|连续\s*([0-9]+|[一二两三四五六七八九十]+)\s*年|多年)[^，。,;；]{0,6}(过|破|突破|超过|上)了?(一)?(个)?亿`)

// pastYi reports an earlier year's 过亿 that is not negated ("以前从没过亿").
func pastYi(norm string) bool {
	for _, m := range rePastYi.FindAllString(norm, -1) {
		if !strings.ContainsAny(m, "没未不无差想") { // 从没过亿, 差点就过亿, 想过亿
			return true
		}
	}
	return false
}

// reRelativeYear names a year relative to this one.
var reRelativeYear = regexp.MustCompile(`大前年|前年|去年|上年|上一年|今年|本年`)

var relativeYearOffset = map[string]int{"大前年": -3, "前年": -2, "去年": -1, "上年": -1, "上一年": -1, "今年": 0, "本年": 0}

// relativeYearRoles orders figures each said with a relative year word
// (前年, 去年, 今年) before it: this is the latest year's figure, last the
// one before it. ok is false unless every figure has its own distinct year.
func relativeYearRoles(raw string, ms []yuan.Mention) (last, this int, ok bool) {
	if len(ms) < 2 {
		return 0, 0, false
	}
	offs := make([]int, len(ms))
	seen := map[int]bool{}
	for i, m := range ms {
		ws := reRelativeYear.FindAllString(knowledge.Normalize(raw[spanStart(ms, i):m.Start]), -1)
		if len(ws) == 0 {
			return 0, 0, false
		}
		offs[i] = relativeYearOffset[ws[len(ws)-1]]
		if seen[offs[i]] {
			return 0, 0, false
		}
		seen[offs[i]] = true
	}
	this, last = 0, -1
	for i := range ms {
		if offs[i] > offs[this] {
			this = i
		}
	}
	for i := range ms {
		if i != this && (last < 0 || offs[i] > offs[last]) {
			last = i
		}
	}
	return last, this, true
}

// reYearListed: a year named ("2023和2024两年").
var reYearListed = regexp.MustCompile(`(20[0-9]{2})`)

// reYearSpan: a span of years asked ("2022到2024", "2022-2024年").
var reYearSpan = regexp.MustCompile(`(20[0-9]{2})\s*年?\s*(到|至|-|~|—|－)\s*(20[0-9]{2})`)

// yearlyMilestones reads a revenue history asked as a total over its years
// ("2021年0.8亿，2022年1.1亿，2023年3.4亿，2024年5.6亿，2022到2024这三年一共
// 能拿多少"): each year is weighed against the years before it, its
// milestone awards summed. Only the years the asking sentence names (a span
// or a list, after the history's last figure) count, else every year. nil unless every figure has its own
// calendar year, in order, and a total is asked.
func yearlyMilestones(raw, norm string, ms []yuan.Mention) []ruleCall {
	if len(ms) < 2 || !reAsksTotal.MatchString(norm) {
		return nil
	}
	years := make([]int, len(ms))
	for i := range ms {
		years[i] = figureYear(raw, ms, i)
		if years[i] == 0 || i > 0 && years[i] <= years[i-1] {
			return nil
		}
	}
	// The history comes first; what follows its last figure asks.
	asked := knowledge.Normalize(raw[ms[len(ms)-1].End:])
	lo, hi := years[0], years[len(years)-1]
	var named []int
	if m := reYearSpan.FindStringSubmatch(asked); m != nil {
		lo, _ = strconv.Atoi(m[1])
		hi, _ = strconv.Atoi(m[3])
	} else {
		for _, m := range reYearListed.FindAllStringSubmatch(asked, -1) {
			y, _ := strconv.Atoi(m[1])
			named = append(named, y)
		}
	}
	var calls []ruleCall
	var prev int64
	for i, m := range ms {
		in := map[string]string{"revenue_yuan": itoa(m.Yuan)}
		if i > 0 {
			in["previous_max_revenue_yuan"] = itoa(prev)
		}
		prev = max(prev, m.Yuan)
		if years[i] < lo || years[i] > hi || len(named) > 0 && !slices.Contains(named, years[i]) {
			continue
		}
		calls = append(calls, ruleCall{name: "revenue_milestone", inputs: in, note: "按年份逐年计算：每年与此前各年的最高营收比较。"})
	}
	if len(calls) == 0 {
		return nil
	}
	return calls
}

// spanStart is where the words before figure i begin: after the figure
// before it (or at the start), never past figure i itself.
func spanStart(ms []yuan.Mention, i int) int {
	if i == 0 {
		return 0
	}
	return min(ms[i-1].End, ms[i].Start)
}
