package llm

import (
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"
)

// figureKind says how a figure compares with others.
type figureKind int

const (
	kindPlain   figureKind = iota // a bare number: a count, a year, a step
	kindMoney                     // followed by 元/块 or scaled by 万/亿: compared as integer yuan
	kindPercent                   // 10%, 百分之十, 2个百分点: compared by value
	kindCount                     // a lone Chinese numeral before a classifier (两项, 三类): always allowed up to maxCount
)

// maxCount is the largest small count (两项, 三种情况, 十类) a reply may
// state without a source: models count enumerations when they phrase, and a
// miscount there changes no amount. Durations (三年) and money are checked.
const maxCount = 10

// countClassifiers follow the small counts of kindCount.
const countClassifiers = "个项类种条档家点方面"

// figure is one number found in a text.
type figure struct {
	Text  string   // as written, e.g. "五十万元", "1.2亿", "15%"
	Value *big.Rat // exact value: yuan for money, the percentage for percent
	Kind  figureKind
	Start int // byte offsets in the scanned text
	End   int
}

func (f figure) key() string { return f.Value.RatString() }

// refPatterns mark spans that cite rather than state a figure: clause ids
// (policy/4, [plan/12]), ordinals (第4条, 第四项, 第2档), annexes (附件1)
// and document numbers. Digits inside them are not figures.
var refPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?:plan|policy)\s*/\s*(?:\d+|preamble|goal|scope)`),
	regexp.MustCompile(`第\s*[0-9０-９零〇一二两三四五六七八九十百]+`),
	regexp.MustCompile(`附件\s*[0-9０-９一二三四五六七八九十]+`),
}

// clauseRefRe finds clause ids quoted in a reply.
var clauseRefRe = regexp.MustCompile(`(?:plan|policy)\s*/\s*(\d+|preamble|goal|scope)`)

// normalize folds full-width digits and signs to ASCII so that "５０万" and
// "50万" read alike. It maps rune for rune, so byte offsets change only
// where full-width forms were folded; figures keep the folded text.
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '％':
			return '%'
		case r == '．':
			return '.'
		}
		return r
	}, s)
}

const (
	cnDigits = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
	cnUnits  = "十拾百佰千仟万亿"
	// countUnits make a lone Chinese numeral a figure: 三年, 两档, 五家.
	// A lone numeral before anything else (一般, 一次性, 十分) is a word.
	countUnits = "元块个家档项倍年月日天周条名人笔类级期种点方%"
)

func cnDigitValue(r rune) (int64, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一', '壹':
		return 1, true
	case '二', '两', '贰':
		return 2, true
	case '三', '叁':
		return 3, true
	case '四', '肆':
		return 4, true
	case '五', '伍':
		return 5, true
	case '六', '陆':
		return 6, true
	case '七', '柒':
		return 7, true
	case '八', '捌':
		return 8, true
	case '九', '玖':
		return 9, true
	}
	return 0, false
}

func cnUnitValue(r rune) int64 {
	switch r {
	case '十', '拾':
		return 10
	case '百', '佰':
		return 100
	case '千', '仟':
		return 1000
	case '万':
		return 1_0000
	case '亿':
		return 1_0000_0000
	}
	return 0
}

func isCNNumeral(r rune) bool {
	return strings.ContainsRune(cnDigits, r) || strings.ContainsRune(cnUnits, r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// extractFigures returns every figure in s, in order. Clause references and
// ordinals are skipped (see refPatterns).
func extractFigures(s string) []figure {
	s = normalize(s)
	masked := make([]bool, len(s))
	for _, re := range refPatterns {
		for _, m := range re.FindAllStringIndex(s, -1) {
			for i := m[0]; i < m[1]; i++ {
				masked[i] = true
			}
		}
	}
	var out []figure
	for i := 0; i < len(s); {
		if masked[i] {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case strings.HasPrefix(s[i:], "百分之"):
			start := i
			j := i + len("百分之")
			if f, ok := scanNumber(s, j, true); ok {
				f.Kind = kindPercent
				f.Start, f.Text = start, s[start:f.End]
				out = append(out, f)
				i = f.End
				continue
			}
			i = j
		case isDigit(r):
			f, ok := scanNumber(s, i, false)
			if ok {
				out = append(out, f)
				i = f.End
				continue
			}
			i += size
		case strings.ContainsRune(cnDigits, r) || r == '十' || r == '拾':
			f, ok := scanNumber(s, i, false)
			if ok {
				out = append(out, f)
				i = f.End
				continue
			}
			i += size
		default:
			i += size
		}
	}
	return out
}

// scanNumber reads one number starting at byte i: Arabic (with thousands
// commas and decimals, then an optional 百/千/万/亿 chain) or Chinese
// numerals, then an optional unit (元, %, 个百分点). inPercent is set after
// 百分之, where a lone numeral is always a figure.
func scanNumber(s string, i int, inPercent bool) (figure, bool) {
	start := i
	var val *big.Rat
	first, _ := utf8.DecodeRuneInString(s[i:])
	scaled := false
	lone := false
	if isDigit(first) {
		j := i
		var digits strings.Builder
		for j < len(s) {
			c := s[j]
			switch {
			case isDigit(rune(c)):
				digits.WriteByte(c)
				j++
				continue
			case c == ',' && thousandsGroup(s[j+1:]):
				j++
				continue
			case c == '.' && j+1 < len(s) && isDigit(rune(s[j+1])) && !strings.Contains(digits.String(), "."):
				digits.WriteByte(c)
				j++
				continue
			}
			break
		}
		val, _ = new(big.Rat).SetString(digits.String())
		i = j
		// A 百/千/万/亿 chain scales an Arabic number: 50万, 1.2亿, 3千万.
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			u := cnUnitValue(r)
			if u < 100 {
				break
			}
			val.Mul(val, new(big.Rat).SetInt64(u))
			scaled = true
			i += size
		}
	} else {
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isCNNumeral(r) {
				j += size
				continue
			}
			if r == '点' { // 一点五亿
				if n, _ := utf8.DecodeRuneInString(s[j+size:]); strings.ContainsRune(cnDigits, n) {
					j += size
					continue
				}
			}
			break
		}
		run := s[i:j]
		if run == "" {
			return figure{}, false
		}
		v, sc, ok := parseChinese(run)
		if !ok {
			return figure{}, false
		}
		val, scaled = v, sc
		lone = utf8.RuneCountInString(run) == 1
		i = j
	}
	kind := kindPlain
	if scaled && val.Cmp(big.NewRat(1_0000, 1)) >= 0 {
		kind = kindMoney
	}
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "%"):
		kind = kindPercent
		i++
	case strings.HasPrefix(rest, "个百分点"):
		kind = kindPercent
		i += len("个百分点")
	case strings.HasPrefix(rest, "元"), strings.HasPrefix(rest, "块"):
		kind = kindMoney
		i += len("元")
	}
	if inPercent {
		kind = kindPercent
	}
	if lone && !inPercent && kind == kindPlain {
		next, _ := utf8.DecodeRuneInString(s[i:])
		switch {
		case strings.ContainsRune(countClassifiers, next) && val.Cmp(big.NewRat(maxCount, 1)) <= 0:
			kind = kindCount
		case !strings.ContainsRune(countUnits, next):
			return figure{}, false
		}
	}
	return figure{Text: s[start:i], Value: val, Kind: kind, Start: start, End: i}, true
}

// thousandsGroup reports whether s starts with exactly three digits, as after
// the comma in 6,500,000.
func thousandsGroup(s string) bool {
	return len(s) >= 3 && allDigits(s[:3]) && (len(s) == 3 || !isDigit(rune(s[3])))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(rune(s[i])) {
			return false
		}
	}
	return s != ""
}

// parseChinese reads a run of Chinese numerals: 五十万 → 500000,
// 三百八十万 → 3800000, 一亿二千万 → 120000000, 一点五亿 → 150000000,
// 十五 → 15, 二〇二五 → 2025 (a digit string). scaled reports a 万 or 亿.
func parseChinese(run string) (v *big.Rat, scaled bool, ok bool) {
	runes := []rune(run)
	if len(runes) > 16 { // no amount is written this long; avoid int64 overflow
		return nil, false, false
	}
	hasUnit := false
	for _, r := range runes {
		if cnUnitValue(r) > 0 || r == '点' {
			hasUnit = true
		}
	}
	if !hasUnit { // digit string: 二〇二五, or a single digit
		var n int64
		for _, r := range runes {
			d, ok := cnDigitValue(r)
			if !ok {
				return nil, false, false
			}
			n = n*10 + d
		}
		return new(big.Rat).SetInt64(n), false, true
	}
	// Split off a decimal part: 一点五亿 → 1.5 × 亿.
	if k := indexRune(runes, '点'); k >= 0 {
		intPart, _, ok := parseChinese(string(runes[:k]))
		if !ok {
			return nil, false, false
		}
		frac := new(big.Rat)
		scale := big.NewRat(1, 10)
		j := k + 1
		for ; j < len(runes); j++ {
			d, ok := cnDigitValue(runes[j])
			if !ok {
				break
			}
			frac.Add(frac, new(big.Rat).Mul(scale, new(big.Rat).SetInt64(d)))
			scale.Mul(scale, big.NewRat(1, 10))
		}
		v := new(big.Rat).Add(intPart, frac)
		for ; j < len(runes); j++ {
			u := cnUnitValue(runes[j])
			if u == 0 {
				return nil, false, false
			}
			v.Mul(v, new(big.Rat).SetInt64(u))
			if u >= 1_0000 {
				scaled = true
			}
		}
		return v, scaled, true
	}
	var total, wan, section, digit, lastUnit int64
	afterZero := false
	for _, r := range runes {
		if d, ok := cnDigitValue(r); ok {
			digit = d
			if d == 0 {
				afterZero = true // 一千零五 = 1005
			}
			continue
		}
		u := cnUnitValue(r)
		switch {
		case u == 1_0000_0000:
			total = (total + wan + section + digit) * u
			wan, section, digit = 0, 0, 0
			scaled = true
		case u == 1_0000:
			wan = (section + digit) * u
			if wan == 0 {
				wan = u
			}
			section, digit = 0, 0
			scaled = true
		default:
			if digit == 0 {
				digit = 1 // 十五 = 一十五
			}
			section += digit * u
			digit = 0
		}
		lastUnit = u
		afterZero = false
	}
	if digit > 0 && lastUnit >= 100 && !afterZero {
		digit *= lastUnit / 10 // 两千五 = 2500, 一万五 = 15000
	}
	total += wan + section + digit
	return new(big.Rat).SetInt64(total), scaled, true
}

func indexRune(rs []rune, r rune) int {
	for i, x := range rs {
		if x == r {
			return i
		}
	}
	return -1
}
