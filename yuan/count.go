package yuan

import (
	"regexp"
	"strconv"
	"strings"
)

// Count is a number of things said in a text: "3家", "两项", "four
// standards". Start and End are byte offsets of the whole match.
type Count struct {
	N          int
	Unit       string // the measure word or noun as written: 家, 项, 个, companies …
	Start, End int
}

// MaxCount bounds a count: larger numbers are not counts of items a
// question lists (years, phone numbers) and are skipped.
const MaxCount = 99

var (
	reCountZH = regexp.MustCompile(`([0-9]{1,2}|[一二两兩三四五六七八九十]{1,3})\s*(家|项|項|个(?:工厂|厂|公司|企业)?|個|名|位|笔|筆|条|條|部|人)`)
	reCountEN = regexp.MustCompile(`(?i)\b([0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:\S+\s+){0,3}?(compan(?:y|ies)|enterprises?|firms?|smes?|startups?|standards?|people|persons?|talents?|investments?|investees?|projects?)\b`)
)

var enNumbers = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

// Counts returns the counts of things in s, in order. A number followed by
// 万/亿 is money, not a count, and is skipped, as are counts above MaxCount.
func Counts(s string) []Count {
	var out []Count
	for _, m := range reCountZH.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > 0 && isDigitByte(s[m[0]-1]) {
			continue // "2026年3家" reads 3, not 63
		}
		n, ok := countNumber(s[m[2]:m[3]])
		if !ok || n == 0 || n > MaxCount {
			continue
		}
		out = append(out, Count{N: n, Unit: s[m[4]:m[5]], Start: m[0], End: m[1]})
	}
	for _, m := range reCountEN.FindAllStringSubmatchIndex(s, -1) {
		w := strings.ToLower(s[m[2]:m[3]])
		n, ok := enNumbers[w]
		if !ok {
			n, _ = strconv.Atoi(w)
		}
		if n == 0 || n > MaxCount {
			continue
		}
		out = append(out, Count{N: n, Unit: strings.ToLower(s[m[4]:m[5]]), Start: m[0], End: m[1]})
	}
	return out
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// countNumber reads the number of a count as reCountZH matched it: 1–2
// ASCII digits or up to three Chinese digits and 十 (3, 两, 十二, 二十,
// 二十三), with the package's numeral reader and so its digit tables. The
// whole text must be one whole number.
func countNumber(s string) (int, bool) {
	p := newScanner(s)
	n, ok := p.numeral(0, -1)
	if !ok || n.end != len(p.r) || !n.v.IsInt() || n.v.Cmp(ratInt(MaxCount)) > 0 {
		return 0, false
	}
	return int(n.v.Num().Int64()), true
}
