package questiongen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// The figure formats, the "format" dimension of a class. Every figure the
// grammar writes is a whole number of yuan that is a multiple of 1万, so all
// seven forms can write it exactly. The forms are written here, not with the
// project's yuan package: the generator must not share code with what it tests.
const (
	fmtWan      = "wan"        // 650万
	fmtCnWan    = "cn_wan"     // 六百五十万
	fmtComma    = "yuan_comma" // 6,500,000元
	fmtYi       = "yi"         // 0.065亿
	fmtW        = "w"          // 650w
	fmtMillion  = "million"    // 6.5 million yuan
	fmtDaxie    = "daxie"      // 陆佰伍拾万
	fmtNone     = "none"       // the question holds no money figure
	fmtCountCn  = "count_cn"   // counts of standards written 一项、两项
	fmtCountDig = "count_digit"
)

var (
	zhFormats = []weighted[string]{
		{fmtWan, 30}, {fmtCnWan, 15}, {fmtComma, 12}, {fmtYi, 10}, {fmtW, 12}, {fmtMillion, 8}, {fmtDaxie, 8},
	}
	enFormats = []weighted[string]{
		{fmtMillion, 40}, {fmtComma, 30}, {fmtWan, 15}, {fmtW, 15},
	}
)

// decimal writes v/unit with the fewest decimals that are exact.
func decimal(v, unit int64) string {
	s := strconv.FormatInt(v/unit, 10)
	rem := v % unit
	if rem == 0 {
		return s
	}
	frac := strconv.FormatInt(unit+rem, 10)[1:] // zero-padded to the unit's width
	return s + "." + strings.TrimRight(frac, "0")
}

// commas writes v with thousands separators.
func commas(v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

type numerals struct {
	digits [10]string // 零 一 … 九
	units  [4]string  // "" 十 百 千
	big    [3]string  // "" 万 亿
	ten    string     // how a leading 1x is written: "十" (lower case) or "壹拾" (大写)
}

var (
	lower = numerals{
		digits: [10]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"},
		units:  [4]string{"", "十", "百", "千"},
		big:    [3]string{"", "万", "亿"},
		ten:    "十",
	}
	upper = numerals{
		digits: [10]string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"},
		units:  [4]string{"", "拾", "佰", "仟"},
		big:    [3]string{"", "万", "亿"},
		ten:    "壹拾",
	}
)

// section writes 1 ≤ s ≤ 9999. liang writes a leading 2 before 百/千 as 两.
func (n numerals) section(s int64, liang bool) string {
	var b strings.Builder
	zero := false
	started := false
	for p := 3; p >= 0; p-- {
		d := (s / pow10(p)) % 10
		if d == 0 {
			if started {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteString(n.digits[0])
			zero = false
		}
		switch {
		case !started && d == 2 && p >= 2 && liang:
			b.WriteString("两")
		case p == 1 && d == 1 && !started:
			b.WriteString(n.ten)
			started = true
			continue
		default:
			b.WriteString(n.digits[d])
		}
		b.WriteString(n.units[p])
		started = true
	}
	return b.String()
}

func pow10(p int) int64 {
	v := int64(1)
	for range p {
		v *= 10
	}
	return v
}

// write writes 1 ≤ v < 10^12 in Chinese numerals: 120000000 → 一亿二千万.
func (n numerals) write(v int64, liang bool) string {
	parts := []int64{v / 1e8, v / 1e4 % 1e4, v % 1e4}
	var b strings.Builder
	leading := true
	pendingZero := false
	for i, s := range parts {
		if s == 0 {
			if !leading {
				pendingZero = true
			}
			continue
		}
		if !leading && (pendingZero || s < 1000) {
			b.WriteString(n.digits[0])
		}
		pendingZero = false
		text := n.section(s, liang && leading)
		if !leading && s >= 10 && s < 20 && n.ten == "十" {
			text = "一" + text // 一万零一十 is rare; 一亿一十万 reads 一亿零一十万 above
		}
		b.WriteString(text)
		b.WriteString(n.big[2-i])
		leading = false
	}
	return b.String()
}

// money writes v yuan (a positive multiple of 1万) in format f. r picks
// among the equivalent spellings of one format (万 or 万元, w or W).
func money(r *rand.Rand, f string, v int64, english bool) string {
	switch f {
	case fmtWan:
		if english || r.IntN(3) > 0 {
			return decimal(v, 1e4) + "万"
		}
		return decimal(v, 1e4) + "万元"
	case fmtCnWan:
		return lower.write(v, r.IntN(2) == 0)
	case fmtDaxie:
		s := upper.write(v, false)
		if r.IntN(3) == 0 {
			s += "元"
		}
		return s
	case fmtComma:
		if english {
			if r.IntN(2) == 0 {
				return "RMB " + commas(v)
			}
			return commas(v) + " yuan"
		}
		return commas(v) + "元"
	case fmtYi:
		return decimal(v, 1e8) + "亿"
	case fmtW:
		if r.IntN(4) == 0 {
			return decimal(v, 1e4) + "W"
		}
		return decimal(v, 1e4) + "w"
	case fmtMillion:
		if english && r.IntN(3) == 0 {
			return "RMB " + decimal(v, 1e6) + " million"
		}
		return decimal(v, 1e6) + " million yuan"
	}
	panic("questiongen: unknown figure format " + f)
}

// count writes a small count of items (1–9) before a measure word.
func count(f string, k int) string {
	if f == fmtCountDig {
		return strconv.Itoa(k)
	}
	if k == 2 {
		return "两"
	}
	return lower.digits[k]
}

var enCounts = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
