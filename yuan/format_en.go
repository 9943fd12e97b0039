package yuan

import (
	"math"
	"strconv"
	"strings"
)

// FormatEN writes an integer amount of yuan for an English answer: the
// figure with thousands separators, then the Chinese form the policy texts
// use, so a reader can find it in the clause: 600000 → "600,000 yuan
// (60万元)", 150000000 → "150,000,000 yuan (1.5亿元)". Below 1万 the Chinese
// form adds nothing and is left out: 2500 → "2,500 yuan". It never rounds.
func FormatEN(v int64) string {
	s := Grouped(v) + " yuan"
	if v >= 1_0000 || v <= -1_0000 && v != math.MinInt64 { // Format cannot negate MinInt64
		s += " (" + Format(v) + "元)"
	}
	return s
}

// Grouped writes an integer with a comma every three digits: 6500000 →
// "6,500,000", -1200 → "-1,200".
func Grouped(v int64) string {
	digits := strconv.FormatInt(v, 10)
	sign := ""
	if d, ok := strings.CutPrefix(digits, "-"); ok {
		sign, digits = "-", d
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
