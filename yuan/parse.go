package yuan

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors returned (wrapped) by Parse. Test with errors.Is.
var (
	// ErrNotAmount: the text is not exactly one amount of money
	// (empty, words, a percentage, a range, a negative or foreign amount).
	ErrNotAmount = errors.New("yuan: not an amount of money")
	// ErrTooLarge: the amount exceeds MaxYuan.
	ErrTooLarge = errors.New("yuan: amount too large")
	// ErrFraction: the amount is not a whole number of yuan ("0.5元",
	// "0.00001万"). Amounts are never rounded.
	ErrFraction = errors.New("yuan: amount is not a whole number of yuan")
)

// MaxYuan is the largest amount accepted (1e15 yuan, far beyond any SME
// figure); larger values are treated as noise, not money.
const MaxYuan int64 = 1_000_000_000_000_000

// Mention is one amount of money found in a text by Extract.
type Mention struct {
	Yuan int64  // whole yuan, 0 ≤ Yuan ≤ MaxYuan; the low end of a range
	Text string // the matched text, s[Start:End]; qualifiers such as 约/左右 are outside it
	// Start and End are byte offsets into the original input.
	Start, End int
	// Approx is set by 约/大约/大概/将近/接近/近/差不多 before, 左右/上下/出头/多/余
	// after, or 多/余/来 inside ("300多万", "三百余万元").
	Approx bool
	// RangeTo is the high end of a range ("300万到500万", "300-500万"),
	// 0 when the mention is a single amount. A range is one Mention.
	RangeTo int64
}

// Parse reads a text that is exactly one amount of money and returns it in
// whole yuan: "380万", "三百八十万", "1.2亿", "壹佰万元", "1萬", "十万八千",
// "3 million yuan", "RMB 2 million", "2m", "¥3,000,000", "6,500,000元".
// Surrounding spaces are ignored. A bare number ("6500000") is taken as
// yuan, because the caller says it is an amount.
//
// Errors wrap ErrNotAmount (anything else, including percentages, ranges,
// negative numbers, foreign currencies and counted things like "3万家"),
// ErrTooLarge (above MaxYuan) or ErrFraction (not whole yuan after the units
// are applied; nothing is rounded).
func Parse(s string) (int64, error) {
	p := newScanner(s)
	i := p.skipSpaces(0)
	a, ok := p.amount(i)
	if !ok || p.skipSpaces(a.end) != len(p.r) || a.foreign || p.foreignBefore(i) || a.hi != nil {
		return 0, fmt.Errorf("%w: %q", ErrNotAmount, short(s))
	}
	v, err := a.yuan()
	if err != nil {
		return 0, fmt.Errorf("%w: %q", err, short(s))
	}
	return v, nil
}

// Extract returns every amount of money in s, in order of appearance.
//
// A number counts as money only with a money unit: 万/亿 (unless a count
// follows, as in "3万家", "10万人"), 元/块/块钱/人民币/yuan/RMB/CNY/¥, or
// thousand/million/billion/k/mn/bn ("m" alone needs a currency marker, as it
// is also metres). Bare numbers — years, counts, dates, phone and list
// numbers — are skipped, and so are percentages ("10%", "百分之五"),
// foreign currencies ("500万美元", "$3 million"), amounts that are not whole
// yuan and amounts above MaxYuan. A range ("300万到500万", "300-500万",
// "三到五百万", and the approximate "两三百万") is one Mention with RangeTo
// set; a bare low end takes the unit of the high end ("300-500万" is
// 300万–500万). A high end below the low end is not a range: both amounts
// are returned separately. Extract never panics and works on invalid UTF-8.
func Extract(s string) []Mention {
	p := newScanner(s)
	var out []Mention
	for i := 0; i < len(p.r); {
		if !p.canStart(i) {
			i++
			continue
		}
		a, ok := p.amount(i)
		if !ok {
			i++
			continue
		}
		next := a.end
		if m, end, ok := p.rangeFrom(a); ok {
			out = append(out, m)
			next = end
		} else if a.isMoney(p) {
			if v, err := a.yuan(); err == nil {
				to, ok := a.high()
				if ok {
					out = append(out, p.mention(a, a.start, a.end, v, to))
				}
			}
		}
		if next <= i {
			next = i + 1
		}
		i = next
	}
	return out
}

func short(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// scanner holds the input as normalised runes with their byte offsets in
// the original string, so matches map back exactly even for invalid UTF-8.
type scanner struct {
	s   string
	r   []rune
	off []int // off[i] is the byte offset of r[i]; off[len(r)] == len(s)
}

func newScanner(s string) *scanner {
	p := &scanner{s: s, r: make([]rune, 0, len(s)), off: make([]int, 0, len(s)+1)}
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRuneInString(s[i:])
		p.r = append(p.r, normRune(c))
		p.off = append(p.off, i)
		i += n
	}
	p.off = append(p.off, len(s))
	return p
}

// normRune folds full-width, traditional and financial forms onto the
// simplified/ASCII forms the parser knows.
func normRune(c rune) rune {
	switch {
	case c >= '０' && c <= '９':
		return c - '０' + '0'
	case c >= 'Ａ' && c <= 'Ｚ':
		return c - 'Ａ' + 'A'
	case c >= 'ａ' && c <= 'ｚ':
		return c - 'ａ' + 'a'
	}
	switch c {
	case '．':
		return '.'
	case '％':
		return '%'
	case '￥':
		return '¥'
	case '～', '〜':
		return '~'
	case '－', '–', '—', '−', '‐', '‑':
		return '-'
	case '\u3000', '\u00a0', '\t':
		return ' '
	case '＄':
		return '$'
	case '萬':
		return '万'
	case '億':
		return '亿'
	case '兩':
		return '两'
	case '壹', '弌':
		return '一'
	case '贰', '貳', '弍':
		return '二'
	case '叁', '參', '叄', '弎':
		return '三'
	case '肆':
		return '四'
	case '伍':
		return '五'
	case '陆', '陸':
		return '六'
	case '柒':
		return '七'
	case '捌':
		return '八'
	case '玖':
		return '九'
	case '拾':
		return '十'
	case '佰':
		return '百'
	case '仟':
		return '千'
	case '〇':
		return '零'
	case '圆', '圓':
		return '元'
	case '塊':
		return '块'
	case '錢':
		return '钱'
	case '幣':
		return '币'
	case '點':
		return '点'
	case '餘':
		return '余'
	case '來':
		return '来'
	case '個':
		return '个'
	case '約':
		return '约'
	case '將':
		return '将'
	case '؉':
		return '‰'
	}
	return c
}

func (p *scanner) at(i int) rune {
	if i >= 0 && i < len(p.r) {
		return p.r[i]
	}
	return 0
}

// word reports whether w occurs at i (ASCII case-insensitively); an ASCII
// word must not continue with a letter, so "k" does not match "kg".
func (p *scanner) word(i int, w string) bool {
	j := i
	for _, c := range w {
		if j >= len(p.r) || unicode.ToLower(p.r[j]) != unicode.ToLower(c) {
			return false
		}
		j++
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	return !isASCIILetter(last) || !isASCIILetter(p.at(j))
}

// wordBefore reports whether w ends just before i (after skipping spaces).
func (p *scanner) wordBefore(i int, w string) bool {
	n := utf8.RuneCountInString(w)
	for i > 0 && p.r[i-1] == ' ' {
		i--
	}
	j := i - n
	if j < 0 || !p.word(j, w) {
		return false
	}
	return !isASCIILetter(rune(w[0])) || !isASCIILetter(p.at(j-1))
}

func (p *scanner) skipSpaces(i int) int {
	for i < len(p.r) && p.r[i] == ' ' {
		i++
	}
	return i
}

func isASCIILetter(c rune) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c rune) bool       { return c >= '0' && c <= '9' }

func cnDigit(c rune) (int64, bool) {
	i := strings.IndexRune("零一二三四五六七八九", c)
	if i >= 0 {
		return int64(utf8.RuneCountInString("零一二三四五六七八九"[:i])), true
	}
	if c == '两' {
		return 2, true
	}
	return 0, false
}

func smallUnit(c rune) int64 {
	switch c {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

func isUnitRune(c rune) bool { return strings.ContainsRune("十百千万亿元块", c) }

// canStart reports whether an amount may begin at i: never in the middle
// of a number or word ("v2", "1.5", "二〇二五").
func (p *scanner) canStart(i int) bool {
	c, prev := p.r[i], p.at(i-1)
	if _, ok := cnDigit(c); ok || c == '十' || c == '半' {
		_, prevDigit := cnDigit(prev)
		return !prevDigit && smallUnit(prev) == 0 && prev != '点'
	}
	if isDigit(c) {
		// After "1," the digits belong to a malformed grouping ("1,00万").
		return !isDigit(prev) && !isASCIILetter(prev) && prev != '.' && prev != '_' &&
			!(prev == ',' && isDigit(p.at(i-2)))
	}
	if c == '¥' || c == '人' {
		return true
	}
	if c == 'R' || c == 'r' || c == 'C' || c == 'c' {
		return !isASCIILetter(prev) && !isDigit(prev)
	}
	return false
}

// cand is one candidate amount as scanned.
type cand struct {
	start, end int // rune indices of the matched text
	v          *big.Rat
	trail      int64 // multiplier after the last digit: 五百万 → 1e6, 500万 → 1e4
	outer      int64 // the 万/亿/million part alone: 五百万 → 1e4
	currency   bool  // 元, 块, ¥, RMB, ...
	hasBig     bool  // 万 or 亿
	english    bool  // thousand/million/billion/k
	weakEng    bool  // the ambiguous "m"
	approx     bool
	tooBig     bool
	frac       bool
	foreign    bool
	percent    bool
	counted    bool     // 3万家, 10万人
	hi         *big.Rat // high end of "两三百万", before English/suffix units (none apply)
}

func (a *cand) yuan() (int64, error) {
	if a.tooBig || a.v.Sign() < 0 {
		return 0, ErrTooLarge
	}
	if a.v.Cmp(maxRat) > 0 {
		return 0, ErrTooLarge
	}
	if a.frac || !a.v.IsInt() {
		return 0, ErrFraction
	}
	return a.v.Num().Int64(), nil
}

// high returns the high end of a "两三百万" range (0 if none); ok is false
// when that end is not a valid amount.
func (a *cand) high() (int64, bool) {
	if a.hi == nil {
		return 0, true
	}
	h := *a
	h.v, h.hi = a.hi, nil
	v, err := h.yuan()
	return v, err == nil
}

var maxRat = new(big.Rat).SetInt64(MaxYuan)

// capRat bounds intermediate values so hostile input ("一亿亿亿…") cannot
// grow numbers without limit; anything above it is too large anyway.
var capRat = new(big.Rat).SetInt64(MaxYuan * 1000)

func (a *cand) isMoney(p *scanner) bool {
	if a.percent || a.foreign || a.counted || p.foreignBefore(a.start) {
		return false
	}
	if a.currency {
		return true
	}
	return a.hasBig || (a.english && !a.weakEng)
}

func (p *scanner) foreignBefore(i int) bool {
	k := i
	for k > 0 && p.r[k-1] == ' ' {
		k--
	}
	switch p.at(k - 1) {
	case '$', '€', '£', '₩':
		return true
	}
	for _, w := range []string{"USD", "EUR", "HKD", "JPY", "GBP"} {
		if p.wordBefore(i, w) {
			return true
		}
	}
	return false
}

// amount scans a candidate at i: an optional currency prefix, a numeral, an
// optional English multiplier and an optional currency suffix. ok is false
// when no numeral starts there.
func (p *scanner) amount(i int) (a cand, ok bool) {
	a.start = i
	j := i
	for _, w := range []string{"¥", "RMB", "CNY", "人民币"} {
		if p.word(j, w) {
			a.currency = true
			j = p.skipSpaces(j + utf8.RuneCountInString(w))
			break
		}
	}
	n, ok := p.numeral(j, -1)
	if !ok {
		return a, false
	}
	// "两三百万", "一两百万", "七八千元": two neighbouring digits before a unit
	// are an approximate range, 两三百万 = 200万–300万.
	d1, ok1 := cnDigit(p.at(j))
	d2, ok2 := cnDigit(p.at(j + 1))
	if ok1 && ok2 && d1 > 0 && d2 > d1 && d2-d1 <= 2 && (smallUnit(p.at(j+2)) > 0 || p.at(j+2) == '万' || p.at(j+2) == '亿') {
		lo, ok1 := p.numeral(j, j+1)
		hi, ok2 := p.numeral(j, j)
		if ok1 && ok2 && lo.end == hi.end {
			n = lo
			a.hi = hi.v
			a.approx = true
		}
	}
	a.v, a.trail, a.outer = n.v, n.trail, n.outer
	a.hasBig, a.tooBig, a.frac = n.hasBig, n.tooBig, n.frac
	a.approx = a.approx || n.approx
	a.end = n.end
	if n.onlyArabic {
		k := p.skipSpaces(a.end)
		for _, e := range englishUnits {
			if p.word(k, e.w) {
				a.english, a.weakEng = true, e.weak
				a.end = k + utf8.RuneCountInString(e.w)
				a.v = new(big.Rat).Mul(a.v, new(big.Rat).SetInt64(e.mult))
				a.trail *= e.mult
				a.outer = e.mult
				break
			}
		}
	}
	p.suffix(&a)
	if a.weakEng && a.currency {
		a.weakEng = false
	}
	k := p.skipSpaces(a.end)
	a.percent = p.at(k) == '%' || p.at(k) == '‰' || p.word(k, "个百分点") || p.word(k, "百分点") ||
		p.wordBefore(a.start, "百分之") || p.wordBefore(a.start, "千分之")
	for _, w := range foreignWords {
		if p.word(k, w) {
			a.foreign = true
		}
	}
	if !a.currency {
		c := p.at(k)
		if c == '多' || c == '余' {
			c = p.at(k + 1)
		}
		a.counted = strings.ContainsRune(counters, c) && !p.notCounterWord(k)
	}
	for _, w := range approxBefore {
		if p.wordBefore(a.start, w) {
			a.approx = true
		}
	}
	for _, w := range approxAfter {
		if p.word(k, w) && !p.word(k, "多少") {
			a.approx = true
		}
	}
	return a, true
}

var englishUnits = []struct {
	w    string
	mult int64
	weak bool
}{
	{"thousand", 1e3, false}, {"million", 1e6, false}, {"billion", 1e9, false},
	{"mn", 1e6, false}, {"bn", 1e9, false}, {"k", 1e3, false}, {"m", 1e6, true},
	// Chinese chat shorthand: "80w" is 80万, "2kw" is 2千万.
	{"kw", 1e7, false}, {"w", 1e4, false},
}

var foreignWords = []string{"美元", "美金", "欧元", "日元", "港元", "港币", "英镑", "韩元", "台币", "新台币",
	"卢布", "澳元", "加元", "USD", "EUR", "HKD", "JPY", "GBP", "dollar", "euro"}

// notCounterWord reports whether the counter-like character at k starts an
// ordinary word ("5亿分别", "100万以上", "50万一次性") rather than a unit.
func (p *scanner) notCounterWord(k int) bool {
	for _, w := range counterWordExceptions {
		if p.word(k, w) {
			return true
		}
	}
	return false
}

var counterWordExceptions = []string{"分别", "分期", "分阶段", "分梯度", "分档", "分层", "分批", "分两", "次性", "单位", "部分", "方面", "平台", "级别", "股权"}

// counters follow a number that counts things rather than money.
const counters = "家人个户名位次件台套辆条项张份亩吨株头只册本篇所座间栋字倍股笔单票步例种批艘架根颗枚部集场届级号片盒箱瓶袋粒斤克升米方平立公千年月日天周岁秒分时度点"

var approxBefore = []string{"约", "约为", "约有", "大约为", "大约", "大概", "约合", "差不多", "将近", "接近", "近", "about", "around", "approximately", "approx.", "roughly"}
var approxAfter = []string{"左右", "上下", "出头", "多", "余"}

// suffix consumes a currency suffix after the numeral: 元, 块钱, 人民币,
// yuan, RMB, CNY, also with 多/余 before it ("300万余元").
func (p *scanner) suffix(a *cand) {
	k := p.skipSpaces(a.end)
	if c := p.at(k); (c == '多' || c == '余') && (p.at(k+1) == '元' || p.at(k+1) == '块') && !a.english {
		a.approx = true
		k++
	}
	switch {
	case p.at(k) == '元':
		a.currency, a.end = true, k+1
		if p.word(a.end, "人民币") {
			a.end += 3
		}
	case p.word(k, "块钱"):
		a.currency, a.end = true, k+2
	case p.at(k) == '块':
		// 块 is also a classifier ("3块地"); it is money unless a noun follows.
		nx := p.at(k + 1)
		if !unicode.Is(unicode.Han, nx) || strings.ContainsRune("的了吗呢吧啊左上", nx) {
			a.currency, a.end = true, k+1
		}
	case p.word(k, "人民币"):
		a.currency, a.end = true, k+3
	default:
		for _, w := range []string{"yuan", "RMB", "CNY"} {
			if p.word(k, w) {
				a.currency, a.end = true, k+len(w)
			}
		}
	}
}

// numeral is the value of a run of Chinese and/or Arabic numerals with
// Chinese units.
type numeral struct {
	end        int
	v          *big.Rat
	trail      int64
	outer      int64
	hasBig     bool
	onlyArabic bool
	approx     bool
	tooBig     bool
	frac       bool
}

// numState is the state of the classic Chinese numeral algorithm:
// total holds finished 万/亿 sections, section the current one below 万,
// number the last digit token.
type numState struct {
	total, section, number *big.Rat
	have, zero             bool  // a number token is pending; it was 零
	lastSmall, lastBig     int64 // the last 十百千 in this section, the last 万/亿
	lastUnit               int64 // the unit directly before the pending number, 0 if none
	afterUnit              int64 // lastUnit when the pending number was read
	numArabic, numSingle   bool
	trail, outer           int64
	tokens, units          int
}

func (s numState) clone() numState {
	s.total = new(big.Rat).Set(s.total)
	s.section = new(big.Rat).Set(s.section)
	s.number = new(big.Rat).Set(s.number)
	return s
}

func ratInt(v int64) *big.Rat { return new(big.Rat).SetInt64(v) }

// numeral reads the numeral at i; the rune at skip (if ≥ 0) is ignored,
// which lets amount evaluate both ends of "两三百万".
func (p *scanner) numeral(i, skip int) (n numeral, ok bool) {
	st := numState{total: new(big.Rat), section: new(big.Rat), number: new(big.Rat), trail: 1, outer: 1}
	var cp *numState
	cpJ := 0
	j := i
	violate := func() {
		if cp != nil {
			st, j = *cp, cpJ
		}
	}
loop:
	for j < len(p.r) {
		if j == skip {
			j++
			continue
		}
		c := p.r[j]
		d, isCn := cnDigit(c)
		switch {
		case isDigit(c) || (isCn && c != '零'):
			if st.have && !st.zero {
				break loop
			}
			if st.tokens > 0 && st.lastUnit >= 100 && !st.zero {
				cl := st.clone()
				cp, cpJ = &cl, j
			}
			st.afterUnit = st.lastUnit
			if st.zero {
				st.afterUnit = 0
			}
			if isDigit(c) {
				if st.tokens > 0 && st.lastUnit == 0 && !st.zero {
					break loop
				}
				v, end, big, frac := p.arabic(j)
				st.number, st.numArabic, st.numSingle = v, true, end-j == 1
				n.tooBig = n.tooBig || big
				n.frac = n.frac || frac
				j = end
			} else {
				st.number, st.numArabic, st.numSingle = ratInt(d), false, true
				j++
				if p.at(j) == '点' {
					if _, ok := cnDigit(p.at(j + 1)); ok {
						j = p.cnDecimal(j+1, st.number)
					}
				}
			}
			st.have, st.zero, st.lastUnit, st.trail = true, false, 0, 1
			st.tokens++
		case c == '零':
			if st.have || (st.tokens > 0 && st.lastUnit == 0) {
				break loop
			}
			st.number, st.have, st.zero = new(big.Rat), true, true
			st.tokens++
			j++
		case c == '半' && st.tokens == 0 && (p.word(j+1, "个亿") || p.at(j+1) == '亿'):
			st.number = big.NewRat(1, 2)
			st.have, st.tokens = true, 1
			j++
		case c == '个' && st.have && p.at(j+1) == '亿':
			j++
		case smallUnit(c) > 0:
			u := smallUnit(c)
			if !st.have || st.zero {
				if u != 10 || (st.tokens > 0 && !st.zero && st.lastUnit < 1e4) {
					break loop
				}
				st.number, st.numArabic = ratInt(1), false
				st.trail = 1
			}
			if st.lastSmall != 0 && u >= st.lastSmall {
				violate()
				break loop
			}
			st.section.Add(st.section, new(big.Rat).Mul(st.number, ratInt(u)))
			st.number, st.have, st.zero = new(big.Rat), false, false
			st.lastSmall, st.lastUnit = u, u
			st.trail *= u
			st.tokens++
			st.units++
			j++
		case c == '万' || c == '亿':
			u := int64(1e4)
			if c == '亿' {
				u = 1e8
			}
			if st.tokens == 0 {
				break loop
			}
			directWan := c == '亿' && st.lastUnit == 1e4 && !st.have // 万亿
			if !st.have && st.section.Sign() == 0 && !directWan {
				break loop
			}
			if (u == 1e4 && st.lastBig == 1e4) || (u == 1e8 && st.lastBig >= 1e8) {
				violate()
				break loop
			}
			sec := new(big.Rat).Add(st.section, st.number)
			if u == 1e4 {
				st.total.Add(st.total, sec.Mul(sec, ratInt(u)))
				st.lastBig = 1e4
			} else {
				st.total.Add(st.total, sec)
				st.total.Mul(st.total, ratInt(u))
				st.lastBig = 1e8
				if directWan {
					st.lastBig = 1e12
				}
			}
			st.section, st.number = new(big.Rat), new(big.Rat)
			st.have, st.zero, st.lastSmall, st.lastUnit = false, false, 0, u
			st.trail *= u
			if directWan {
				st.outer *= u
			} else {
				st.outer = u
			}
			st.tokens++
			st.units++
			n.hasBig = true
			j++
		case (c == '多' || c == '余' || c == '来') && (st.have || st.lastUnit > 0) &&
			isUnitRune(p.at(j+1)) && !st.zero:
			n.approx = true
			j++
		case c == ' ' && st.have && st.numArabic:
			k := p.skipSpaces(j)
			if !isUnitRune(p.at(k)) || p.at(k) == '元' || p.at(k) == '块' {
				break loop
			}
			j = k
		default:
			break loop
		}
		if st.total.Cmp(capRat) > 0 || st.section.Cmp(capRat) > 0 || st.number.Cmp(capRat) > 0 {
			n.tooBig = true
			st.total, st.section, st.number = new(big.Rat), new(big.Rat), new(big.Rat)
		}
	}
	if st.tokens == 0 {
		return n, false
	}
	// A number left dangling after a unit: "十万八" (colloquial 108000),
	// "3万5000元", but not "100万2024年" or "一百万三年", which are two things.
	if st.have && !st.zero && st.afterUnit >= 100 {
		next := p.at(j)
		switch {
		case st.numArabic && (next == '元' || next == '块'):
			// plain addition
		case !st.numArabic && st.numSingle && !strings.ContainsRune(counters, next) && !isDigit(next):
			st.number.Mul(st.number, ratInt(st.afterUnit/10))
		default:
			if cp != nil {
				st, j = *cp, cpJ
			}
		}
	}
	v := new(big.Rat).Add(st.total, st.section)
	v.Add(v, st.number)
	n.v, n.end = v, j
	n.trail, n.outer = st.trail, st.outer
	n.onlyArabic = st.tokens == 1 && st.numArabic
	if !n.hasBig {
		n.outer = 1
	}
	return n, true
}

// arabic reads ASCII digits with optional thousands separators ("6,500,000")
// and decimals at i. Oversized integer parts are flagged, not computed.
func (p *scanner) arabic(i int) (v *big.Rat, end int, tooBig, frac bool) {
	var ib, fb strings.Builder
	j := i
	group := 0
	grouped := false
	for {
		for j < len(p.r) && isDigit(p.r[j]) {
			if ib.Len() > 0 || p.r[j] != '0' {
				if ib.Len() >= 20 {
					tooBig = true
				} else {
					ib.WriteRune(p.r[j])
				}
			}
			j++
			group++
		}
		// A comma groups thousands only as ",ddd" not followed by a digit,
		// after a first group of at most three digits.
		if p.at(j) == ',' && isDigit(p.at(j+1)) && isDigit(p.at(j+2)) && isDigit(p.at(j+3)) &&
			!isDigit(p.at(j+4)) && (grouped || group <= 3) && (!grouped || group == 3) {
			grouped = true
			group = 0
			j++
			continue
		}
		break
	}
	if p.at(j) == '.' && isDigit(p.at(j+1)) {
		j++
		for j < len(p.r) && isDigit(p.r[j]) {
			if fb.Len() < 30 {
				fb.WriteRune(p.r[j])
			} else if p.r[j] != '0' {
				frac = true
			}
			j++
		}
	}
	num := ib.String()
	if num == "" || tooBig {
		num = "0"
	}
	v, _ = new(big.Rat).SetString(num + "." + fb.String() + "0")
	return v, j, tooBig, frac
}

// cnDecimal reads the Chinese digits after 点 ("一点五亿") into number.
func (p *scanner) cnDecimal(j int, number *big.Rat) int {
	scale := int64(1)
	frac := new(big.Rat)
	for ; j < len(p.r); j++ {
		d, ok := cnDigit(p.r[j])
		if !ok || scale >= 1e15 {
			break
		}
		scale *= 10
		frac.Add(frac, big.NewRat(d, scale))
	}
	number.Add(number, frac)
	return j
}

// rangeFrom joins a to a following amount with 到/至/-/~ into one range.
func (p *scanner) rangeFrom(a cand) (m Mention, end int, ok bool) {
	if a.percent || a.foreign || a.counted || a.hi != nil || a.english && !a.isMoney(p) {
		return m, 0, false
	}
	j := p.skipSpaces(a.end)
	c := p.at(j)
	if c != '-' && c != '~' && c != '到' && c != '至' {
		return m, 0, false
	}
	k := p.skipSpaces(j + 1)
	if k >= len(p.r) || !p.canStartAfterConnector(k) {
		return m, 0, false
	}
	b, ok := p.amount(k)
	if !ok || !b.isMoney(p) {
		return m, 0, false
	}
	hi, err := b.yuan()
	if err != nil {
		return m, 0, false
	}
	approx := a.approx || b.approx
	if a.isMoney(p) {
		lo, err := a.yuan()
		if err != nil || lo > hi {
			return m, 0, false
		}
		m = p.mention(a, a.start, b.end, lo, hi)
		m.Approx = approx
		return m, b.end, true
	}
	if a.currency || a.hasBig || a.english || a.tooBig {
		return m, 0, false
	}
	// A bare low end borrows the high end's unit: "300-500万", "三到五百万".
	mults := []int64{b.trail, b.outer}
	if b.currency {
		mults = append(mults, 1)
	}
	for _, mult := range mults {
		lo := new(big.Rat).Mul(a.v, ratInt(mult))
		if !lo.IsInt() || a.frac || lo.Cmp(ratInt(hi)) > 0 {
			continue
		}
		m = p.mention(a, a.start, b.end, lo.Num().Int64(), hi)
		m.Approx = approx
		return m, b.end, true
	}
	return m, 0, false
}

func (p *scanner) canStartAfterConnector(k int) bool {
	c := p.r[k]
	_, cn := cnDigit(c)
	return isDigit(c) || cn || c == '十' || c == '¥' || c == '半' ||
		p.word(k, "RMB") || p.word(k, "CNY") || p.word(k, "人民币")
}

func (p *scanner) mention(a cand, start, end int, v, to int64) Mention {
	s, e := p.off[start], p.off[end]
	return Mention{Yuan: v, Text: p.s[s:e], RangeTo: to, Start: s, End: e, Approx: a.approx}
}
