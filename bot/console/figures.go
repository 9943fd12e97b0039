package console

import (
	"strings"
	"unicode"

	"github.com/cdsme/policybot/knowledge"
)

// Curated answers hold no figures: amounts reach users only from the
// calculators and the clauses. bot/llm's guard exports no checker, so this
// is the console's own, stricter-than-needed rule over the text folded as
// questions are (knowledge.Normalize):
//
//   - any character Unicode classes as a number (digits, full-width
//     digits, 〇, circled numerals …) or a currency sign is a figure;
//   - a Chinese numeral (一二两三…十百千万亿, 大写 壹贰叁…) is a figure
//     when a measure, unit or money word follows it (一项, 三年, 五万元,
//     第一条) or it touches another numeral (二十, 一万), unless it stands
//     inside one of a few lexicalised words (一次性, 十分, 万一).

// figureNumerals are the Chinese numeral characters of the rule.
const figureNumerals = "零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩兆俩仨廿卅半倍"

// figureMeasures follow a numeral that counts or measures something.
const figureMeasures = "元块角分厘个项类种条款档家名人位次回遍年月日天号钟周岁季期批轮笔份件台套张本页成折级届层步亩吨米斤倍%‰万亿千百十户所之"

// figureExempt are lexicalised words whose numeral states no figure.
var figureExempt = []string{"一次性", "十分", "万一", "进一步", "一系列", "千方百计"}

// Figure returns the first figure in s ("" if none).
func Figure(s string) string {
	f := []rune(knowledge.Normalize(s))
	exempt := make([]bool, len(f))
	folded := string(f)
	for _, w := range figureExempt {
		wr := []rune(w)
		for off := 0; ; {
			i := strings.Index(folded[off:], w)
			if i < 0 {
				break
			}
			start := len([]rune(folded[:off+i]))
			if end := start + len(wr); end >= len(f) || !strings.ContainsRune(figureMeasures, f[end]) { // 十分钟 counts
				for k := range wr {
					exempt[start+k] = true
				}
			}
			off += i + len(w)
		}
	}
	isNumeral := func(r rune) bool { return strings.ContainsRune(figureNumerals, r) }
	for i, r := range f {
		switch {
		case unicode.IsNumber(r):
			return string(r)
		case unicode.Is(unicode.Sc, r):
			return string(r)
		case !isNumeral(r) || exempt[i]:
			continue
		}
		if i+1 < len(f) && (isNumeral(f[i+1]) || strings.ContainsRune(figureMeasures, f[i+1])) {
			return string(f[i : i+2])
		}
		if i > 0 && isNumeral(f[i-1]) {
			return string(f[i-1 : i+1])
		}
	}
	return ""
}
