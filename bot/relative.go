package bot

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cdsme/policybot/yuan"
)

// Figures said relative to another — "今年多投了三分之一", "二期比一期多一
// 半", "人工费是材料费的1.5倍", "三期是前两期加起来的一半", "追加了首次金额的
// 四分之一" — are converted only when the figure they refer to is certain:
// the one right after the word they name, the only figure said before
// them, or the sum of the previous N when they say so (前两期加起来). The
// conversion is shown in the answer's notes; a relative figure whose
// reference is not certain is left to the answer to ask for.

// reFrac is a ratio: M分之N, 一半, N倍, 翻番. Its five groups are read by
// ratioOf.
const reFrac = `(?:([一二两三四五六七八九十0-9]+)分之([一二两三四五六七八九十0-9]+)|(一半)|([0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十]+)倍|(翻番|翻倍|翻了一番))`

var (
	// reRelMore: "(比X)多投了1/3" — the referred figure grown by the ratio.
	reRelMore = regexp.MustCompile(`(?:比([^，。,；;！？!?]{0,18}?))?(?:又|再)?(?:多|增加|增长|涨|提高)(?:投|花|投入|出|付)?了?` + reFrac)
	// reRelLess: "(比X)少了一半" — the referred figure less the ratio.
	reRelLess = regexp.MustCompile(`(?:比([^，。,；;！？!?]{0,18}?))?少(?:投|花|付)?了?` + reFrac)
	// reRelOf: "是X的一半", "追加了X的四分之一" — the ratio of the referred
	// figure.
	reRelOf = regexp.MustCompile(`(?:是|为|等于|相当于|追加了?|再投了?|又投了?|另投了?)([^，。,；;！？!?]{0,24}?)的` + reFrac)
	// reRelSum: the reference is the previous N figures together.
	reRelSum = regexp.MustCompile(`前(两|二|三|四|2|3|4)[^，。,；;]{0,4}?(加起来|加在一起|合计|之和|总和|一共|总共)`)
	// reCountSubject: the relative figure is about people or items, not money.
	reCountSubject = regexp.MustCompile(`员工|人数|人员|职工|家数|数量|个数|项目数|笔数|(?:^|[^投])人$`)
	// reNotRelative: 多/少 of another word right before the match (差不多,
	// 最多, 至少, 不少, 顶多, 大多), or a yes/no question about a ratio.
	reNotRelative = regexp.MustCompile(`(差不|最|至|不|顶|大|是不|是否)$`)
	// reAskedRatio: the ratio itself is asked ("…的三分之一吗").
	reAskedRatio = regexp.MustCompile(`^\s*(吗|吧|么|嘛|\?|？)`)
)

// relativeFigures reads the relative figures of raw against the amounts ms
// (in order). It returns the converted figures, a note per conversion, and
// whether a relative figure was left unconverted.
func relativeFigures(raw string, ms []yuan.Mention) (out []yuan.Mention, notes []string, unresolved bool) {
	type match struct {
		loc  []int
		kind string // more, less, of
	}
	var found []match
	for _, f := range []struct {
		re   *regexp.Regexp
		kind string
	}{{reRelMore, "more"}, {reRelLess, "less"}, {reRelOf, "of"}} {
		for _, loc := range f.re.FindAllStringSubmatchIndex(raw, -1) {
			if slices.ContainsFunc(found, func(m match) bool { return loc[0] < m.loc[1] && loc[1] > m.loc[0] }) {
				continue
			}
			found = append(found, match{loc, f.kind})
		}
	}
	slices.SortFunc(found, func(a, b match) int { return a.loc[0] - b.loc[0] })
	known := slices.Clone(ms)
	for _, f := range found {
		start, end := f.loc[0], f.loc[1]
		lead := raw[max(0, start-30):start]
		if reCountSubject.MatchString(strings.TrimRight(lead, "的是比又再")) ||
			reNotRelative.MatchString(lead) || reAskedRatio.MatchString(raw[end:]) {
			continue // "差不多一半", "最多三分之一", "是不是…的三分之一吗"
		}
		num, den, ok := ratioOf(raw, f.loc[4:14])
		if !ok {
			unresolved = true
			continue
		}
		refText := ""
		if f.loc[2] >= 0 {
			refText = raw[f.loc[2]:f.loc[3]]
		}
		var prior []yuan.Mention
		var inside *yuan.Mention // "比去年的100万多一半": the reference said inside
		for i, m := range known {
			switch {
			case m.End <= start:
				prior = append(prior, m)
			case m.Start >= start && m.End <= end:
				inside = &known[i]
			}
		}
		ref, said, ok := referredFigure(raw, refText, prior)
		if inside != nil {
			ref, said, ok, start = inside.Yuan, yuan.Format(inside.Yuan), true, inside.End
		}
		if !ok {
			unresolved = true
			continue
		}
		switch f.kind {
		case "more":
			num = den + num
		case "less":
			num = den - num
		}
		if num <= 0 {
			unresolved = true
			continue
		}
		v := new(big.Int).Mul(big.NewInt(ref), big.NewInt(num))
		v.Quo(v, big.NewInt(den))
		if !v.IsInt64() || v.Int64() <= 0 || v.Int64() > yuan.MaxYuan {
			unresolved = true
			continue
		}
		m := yuan.Mention{Yuan: v.Int64(), Text: raw[start:end], Start: start, End: end}
		out = append(out, m)
		known = append(known, m)
		slices.SortFunc(known, func(a, b yuan.Mention) int { return a.Start - b.Start })
		notes = append(notes, fmt.Sprintf("“%s”按 %s × %s = %s 计算（换算自您给的数字，如有不同请直接告诉我金额）。",
			strings.TrimSpace(raw[start:end]), said, ratioText(num, den), yuan.Format(m.Yuan)))
	}
	return out, notes, unresolved
}

// referredFigure is the amount a relative figure refers to: the sum of the
// previous N figures when the reference says so, the nearest figure said
// right after the word the reference names, or the only figure before it.
func referredFigure(raw, refText string, prior []yuan.Mention) (int64, string, bool) {
	if sm := reRelSum.FindStringSubmatch(refText); sm != nil {
		n := map[string]int{"两": 2, "二": 2, "三": 3, "四": 4, "2": 2, "3": 3, "4": 4}[sm[1]]
		if len(prior) < n {
			return 0, "", false
		}
		var sum int64
		var parts []string
		for _, m := range prior[len(prior)-n:] {
			sum += m.Yuan
			parts = append(parts, yuan.Format(m.Yuan))
		}
		return sum, "(" + strings.Join(parts, " + ") + ")", true
	}
	name := strings.Trim(strings.TrimSpace(refText), "的这个那个")
	if r := []rune(name); len(r) >= 2 {
		for i := len(prior) - 1; i >= 0; i-- {
			lead := raw[segmentAround(raw, prior[i])[0]:prior[i].Start]
			if strings.Contains(lead, name) || strings.Contains(lead, string(r[:2])) {
				return prior[i].Yuan, yuan.Format(prior[i].Yuan), true
			}
		}
		// The reference is named and no figure carries the name: the one
		// figure before is the subject ("今年600万，比去年多一半"), not it.
		return 0, "", false
	}
	if len(prior) == 1 {
		return prior[0].Yuan, yuan.Format(prior[0].Yuan), true
	}
	return 0, "", false
}

// ratioOf reads reFrac's five groups (as submatch offsets into raw) as
// num/den.
func ratioOf(raw string, g []int) (num, den int64, ok bool) {
	sub := func(i int) string {
		if g[2*i] < 0 {
			return ""
		}
		return raw[g[2*i]:g[2*i+1]]
	}
	switch {
	case sub(0) != "":
		d, ok1 := smallNumber(sub(0))
		n, ok2 := smallNumber(sub(1))
		return n, d, ok1 && ok2 && d > 0 && n > 0
	case sub(2) != "":
		return 1, 2, true
	case sub(3) != "":
		s := sub(3)
		if whole, frac, dot := strings.Cut(s, "."); dot {
			d := int64(1)
			for range frac {
				d *= 10
			}
			n, err := strconv.ParseInt(whole+frac, 10, 64)
			return n, d, err == nil && n > 0 && len(frac) <= 3
		}
		n, ok := smallNumber(s)
		return n, 1, ok && n > 0
	case sub(4) != "":
		return 2, 1, true
	}
	return 0, 0, false
}

// smallNumber reads 1–99 in Arabic or Chinese digits (三, 十二, 两).
func smallNumber(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, n > 0 && n < 1000
	}
	digit := map[rune]int64{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10, true
	case len(r) == 1:
		d, ok := digit[r[0]]
		return d, ok
	case len(r) == 2 && r[0] == '十':
		d, ok := digit[r[1]]
		return 10 + d, ok
	case len(r) == 2 && r[1] == '十':
		d, ok := digit[r[0]]
		return d * 10, ok
	case len(r) == 3 && r[1] == '十':
		a, ok1 := digit[r[0]]
		b, ok2 := digit[r[2]]
		return a*10 + b, ok1 && ok2
	}
	return 0, false
}

// ratioText writes num/den for a note: "1.5", "4/3", "2".
func ratioText(num, den int64) string {
	g := new(big.Int).GCD(nil, nil, big.NewInt(num), big.NewInt(den)).Int64()
	num, den = num/g, den/g
	switch {
	case den == 1:
		return strconv.FormatInt(num, 10)
	case den == 2 || den == 4 || den == 5 || den == 10:
		return strconv.FormatFloat(float64(num)/float64(den), 'f', -1, 64)
	}
	return fmt.Sprintf("%d/%d", num, den)
}
