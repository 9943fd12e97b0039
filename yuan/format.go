// Package yuan reads and writes amounts of money in Chinese renminbi as
// integer yuan: the figures in questions ("三百八十万", "1.2亿", "6,500,000元",
// "3 million yuan") and the figures in answers ("380万", "1.2亿").
package yuan

import (
	"strconv"
	"strings"
)

// Format writes an integer amount of yuan the way the policy texts do:
// 500000 → "50万", 1200000 → "120万", 2500 → "2500元", 150000000 → "1.5亿",
// 12345 → "1.2345万". It never rounds: every digit is kept.
func Format(v int64) string {
	if v < 0 {
		return "-" + Format(-v)
	}
	switch {
	case v >= 1_0000_0000 && v%100_0000 == 0:
		return trimDecimal(v, 1_0000_0000) + "亿"
	case v >= 1_0000:
		return trimDecimal(v, 1_0000) + "万"
	default:
		return strconv.FormatInt(v, 10) + "元"
	}
}

// trimDecimal writes v/unit exactly, with as many decimals as needed.
func trimDecimal(v, unit int64) string {
	whole, frac := v/unit, v%unit
	if frac == 0 {
		return strconv.FormatInt(whole, 10)
	}
	width := len(strconv.FormatInt(unit, 10)) - 1
	f := strconv.FormatInt(frac, 10)
	f = strings.Repeat("0", width-len(f)) + f
	return strconv.FormatInt(whole, 10) + "." + strings.TrimRight(f, "0")
}
