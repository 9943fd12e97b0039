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
// simplified/ASCII forms the parser knows; the forms of digits and units
// come from the numeral tables (cnDigits, cnSmallUnits, cnBigUnits).
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
	if f, ok := numeralFold[c]; ok {
		return f
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

// listCurrencyAfter reports whether the "m" figure ending at i opens a list
// of "m" figures whose last names the currency ("10M、6M、2M RMB"): the
// marker covers the whole list.
func (p *scanner) listCurrencyAfter(i int) bool {
	for k := p.skipSpaces(i); k < len(p.r); {
		for _, w := range []string{"RMB", "CNY", "人民币", "元", "yuan"} {
			if p.word(k, w) {
				return true
			}
		}
		if !strings.ContainsRune("、,，和及与/", p.at(k)) && !p.word(k, "and") {
			return false
		}
		if p.word(k, "and") {
			k += 3
		} else {
			k++
		}
		k = p.skipSpaces(k)
		j := k
		for j < len(p.r) && (p.r[j] >= '0' && p.r[j] <= '9' || p.r[j] == '.') {
			j++
		}
		j = p.skipSpaces(j)
		if j == k || !(p.at(j) == 'm' || p.at(j) == 'M') || isASCIILetter(p.at(j+1)) {
			return false
		}
		k = p.skipSpaces(j + 1)
	}
	return false
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

// cnDigit is the value of a Chinese digit in any of its forms (cnDigits).
func cnDigit(c rune) (int64, bool) {
	v, ok := digitValue[c]
	return v, ok
}

// smallUnit is the value of 十/百/千 in any form (cnSmallUnits), 0 for
// any other rune.
func smallUnit(c rune) int64 { return smallUnitValue[c] }

// bigUnit is the value of 万/亿 in any form (cnBigUnits), 0 for any other
// rune.
func bigUnit(c rune) int64 { return bigUnitValue[c] }

// isUnitRune reports whether c is a numeral unit or the currency 元/块.
func isUnitRune(c rune) bool { return smallUnit(c) > 0 || bigUnit(c) > 0 || c == '元' || c == '块' }

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
		if p.at(k) == '个' && (p.word(k+1, "w") || p.word(k+1, "kw")) {
			k++ // "400个w": chat shorthand with a measure word
		}
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
	} else if !n.hasBig {
		// "四百五十个w", "八十w": chat shorthand for 万 after a Chinese numeral.
		k := p.skipSpaces(a.end)
		if p.at(k) == '个' {
			k++
		}
		if p.word(k, "w") {
			a.v = new(big.Rat).Mul(a.v, big.NewRat(1e4, 1))
			a.trail *= 1e4
			a.outer = 1e4
			a.end = k + 1
			a.hasBig = true
		}
	}
	p.suffix(&a)
	if a.weakEng && (a.currency || p.listCurrencyAfter(a.end)) {
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
	// A Chinese counter follows its number directly: after a space it is
	// the next word ("少了300万 公司是小巨人", voice input without commas).
	if !a.currency && (k == a.end || !unicode.Is(unicode.Han, p.at(k))) {
		c := p.at(k)
		if c == '多' || c == '余' {
			c = p.at(k + 1)
		}
		// 时 alone is "when" ("增加1200万时"), hours are 小时.
		a.counted = strings.ContainsRune(counters, c) && !p.notCounterWord(k) || p.word(k, "小时")
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

// oneWords make a word with 一 before them (一共, 一起, 一直, 一样…):
// "1000万一共" is 1000万, not 1000万 and a dropped 千. 整 makes one only
// before a period (一整年), so "一万一整" stays 11000.
const oneWords = "共起直样般些旦律并定切边"

// oneWord reports whether the digit left after a unit is 一 opening a word
// of its own ("一共", "一整年").
func (r *numReader) oneWord() bool {
	if r.st.number.Cmp(ratInt(1)) != 0 {
		return false
	}
	next := r.p.at(r.j)
	return strings.ContainsRune(oneWords, next) || next == '整' && strings.ContainsRune("年月天个周", r.p.at(r.j+1))
}

// counters follow a number that counts things rather than money.
const counters = "家人个户名位次件台套辆条项张份亩吨株头只册本篇所座间栋字倍股笔单票步例种批艘架根颗枚部集场届级号片盒箱瓶袋粒斤克升米方平立公千年月日天周岁秒分度点"

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

// A numeralForm is one numeral character: its value and every way it is
// written. The first form is the ordinary simplified one, which normRune
// folds the others to, so the scanner sees only first forms.
type numeralForm struct {
	forms string
	v     int64
}

// cnDigits are the Chinese digits: ordinary, 大写 (financial) and
// traditional forms; 两 is a second 2 and 〇 a second 零.
var cnDigits = []numeralForm{
	{"零〇", 0}, {"一壹弌", 1}, {"二贰貳弍", 2}, {"两兩", 2}, {"三叁參叄弎", 3}, {"四肆", 4},
	{"五伍", 5}, {"六陆陸", 6}, {"七柒", 7}, {"八捌", 8}, {"九玖", 9},
}

// cnSmallUnits multiply the digit before them inside a section below 万.
var cnSmallUnits = []numeralForm{{"十拾", 10}, {"百佰", 100}, {"千仟", 1000}}

// cnBigUnits close a section: 万 multiplies its section, 亿 everything
// read before it.
var cnBigUnits = []numeralForm{{"万萬", 1e4}, {"亿億", 1e8}}

// numeralFold maps every form in the numeral tables to its first form;
// digitValue, smallUnitValue and bigUnitValue map every form to its value.
var (
	numeralFold    = map[rune]rune{}
	digitValue     = indexNumeralForms(numeralFold, cnDigits)
	smallUnitValue = indexNumeralForms(numeralFold, cnSmallUnits)
	bigUnitValue   = indexNumeralForms(numeralFold, cnBigUnits)
)

// indexNumeralForms returns the value of every form in table and records
// in fold the first form each one folds to.
func indexNumeralForms(fold map[rune]rune, table []numeralForm) map[rune]int64 {
	value := map[rune]int64{}
	for _, f := range table {
		first, _ := utf8.DecodeRuneInString(f.forms)
		for _, c := range f.forms {
			value[c], fold[c] = f.v, first
		}
	}
	return value
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

// numReader reads one numeral token by token. Each step method reads the
// token at j and reports whether the numeral goes on; when it returns
// false the token is not part of the numeral and j is left before it (or
// moved back to the checkpoint).
type numReader struct {
	p    *scanner
	j    int // the next rune to read
	skip int // a rune index to pass over, -1 for none
	st   numState
	cp   *numState // the state before a digit read after 百/千/万/亿, if any
	cpJ  int       // j at cp
	n    numeral   // the flags gathered so far: hasBig, approx, tooBig, frac
}

// numeral reads the numeral at i; the rune at skip (if ≥ 0) is ignored,
// which lets amount evaluate both ends of "两三百万". ok is false when no
// numeral starts at i.
func (p *scanner) numeral(i, skip int) (n numeral, ok bool) {
	r := numReader{p: p, j: i, skip: skip, st: numState{total: new(big.Rat), section: new(big.Rat), number: new(big.Rat), trail: 1, outer: 1}}
	for r.j < len(p.r) {
		if r.j == skip {
			r.j++
			continue
		}
		if !r.step(p.r[r.j]) {
			break
		}
		r.capValues()
	}
	return r.finish()
}

// step reads the token that starts with c, dispatching on the kind of c.
func (r *numReader) step(c rune) bool {
	if isDigit(c) {
		return r.digit(c, 0)
	}
	if d, ok := cnDigit(c); ok {
		if d == 0 {
			return r.zero()
		}
		return r.digit(c, d)
	}
	if u := smallUnit(c); u > 0 {
		return r.smallUnit(u)
	}
	if u := bigUnit(c); u > 0 {
		return r.bigUnit(u)
	}
	switch c {
	case '半':
		return r.half()
	case '个':
		return r.measureWord()
	case '多', '余', '来':
		return r.approxWord()
	case ' ':
		return r.spaceBeforeUnit()
	}
	return false
}

// digit reads one number token at j: an Arabic number ("5000", "1.5",
// "6,500,000") when c is an ASCII digit, else the Chinese digit c of value
// d (1–9) with its decimal tail ("一点五"). It refuses a number straight
// after another one ("一二"); after 百/千/万/亿 it first saves a checkpoint,
// as the number may belong to what follows ("一百万三年").
func (r *numReader) digit(c rune, d int64) bool {
	st := &r.st
	if st.have && !st.zero {
		return false
	}
	if st.tokens > 0 && st.lastUnit >= 100 && !st.zero {
		cl := st.clone()
		r.cp, r.cpJ = &cl, r.j
	}
	st.afterUnit = st.lastUnit
	if st.zero {
		st.afterUnit = 0
	}
	if isDigit(c) {
		r.readArabic()
	} else {
		st.number, st.numArabic, st.numSingle = ratInt(d), false, true
		r.j = r.p.cnDecimal(r.j+1, st.number)
	}
	st.have, st.zero, st.lastUnit, st.trail = true, false, 0, 1
	st.tokens++
	return true
}

// readArabic reads the Arabic number at j as the pending number, flagging
// the numeral when it is too large or has too many decimals to keep.
func (r *numReader) readArabic() {
	v, end, big, frac := r.p.arabic(r.j)
	r.st.number, r.st.numArabic, r.st.numSingle = v, true, end-r.j == 1
	r.n.tooBig = r.n.tooBig || big
	r.n.frac = r.n.frac || frac
	r.j = end
}

// cnDecimal reads a decimal tail at j, 点 and Chinese digits ("一点五亿"),
// adds its value to number and returns the index after it; j is returned
// unchanged when no Chinese digit follows a 点 there.
func (p *scanner) cnDecimal(j int, number *big.Rat) int {
	if p.at(j) != '点' {
		return j
	}
	if _, ok := cnDigit(p.at(j + 1)); !ok {
		return j
	}
	scale := int64(1)
	frac := new(big.Rat)
	for j++; j < len(p.r); j++ {
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

// zero reads 零, which holds the place of missing digits ("一千零五"): it
// may start a numeral or follow a unit, never a number or another 零.
func (r *numReader) zero() bool {
	st := &r.st
	if st.have || (st.tokens > 0 && st.lastUnit == 0) {
		return false
	}
	st.number, st.have, st.zero = new(big.Rat), true, true
	st.tokens++
	r.j++
	return true
}

// half reads the 半 of "半个亿"/"半亿" (0.5) at the start of a numeral.
func (r *numReader) half() bool {
	if r.st.tokens > 0 || !(r.p.word(r.j+1, "个亿") || r.p.at(r.j+1) == '亿') {
		return false
	}
	r.st.number = big.NewRat(1, 2)
	r.st.have, r.st.tokens = true, 1
	r.j++
	return true
}

// measureWord passes over the 个 of "两个亿" between a number and 亿.
func (r *numReader) measureWord() bool {
	if !r.st.have || r.p.at(r.j+1) != '亿' {
		return false
	}
	r.j++
	return true
}

// smallUnit applies 十/百/千 (value u) to the pending number and adds the
// product to the section. A bare 十 stands for 一十 at the start, after 零
// or after 万/亿 ("十万", "一千零十", "一万十"); other units need a number.
// Units in a section must fall (百 after 千, not 千 after 百); on a rise the
// reader goes back to the checkpoint, if any. (Without a checkpoint the
// implicit 一 of a refused bare 十 stays pending: "二十零十" reads 21 over
// "二十零". Kept as it was.)
func (r *numReader) smallUnit(u int64) bool {
	st := &r.st
	if !st.have || st.zero {
		if u != 10 || (st.tokens > 0 && !st.zero && st.lastUnit < 1e4) {
			return false
		}
		st.number, st.numArabic = ratInt(1), false
		st.trail = 1
	}
	if st.lastSmall != 0 && u >= st.lastSmall {
		r.backToCheckpoint()
		return false
	}
	st.section.Add(st.section, new(big.Rat).Mul(st.number, ratInt(u)))
	st.number, st.have, st.zero = new(big.Rat), false, false
	st.lastSmall, st.lastUnit = u, u
	st.trail *= u
	st.tokens++
	st.units++
	r.j++
	return true
}

// bigUnit reads 万/亿 (value u) and closes the section there. A big unit
// needs a number or section before it (or 万 before 亿: 万亿), and may not
// repeat (万…万, 亿…亿 or 万亿…亿); on a repeat the reader goes back to the
// checkpoint, if any.
func (r *numReader) bigUnit(u int64) bool {
	st := &r.st
	if st.tokens == 0 {
		return false
	}
	directWan := u == 1e8 && st.lastUnit == 1e4 && !st.have // 万亿
	if !st.have && st.section.Sign() == 0 && !directWan {
		return false
	}
	if (u == 1e4 && st.lastBig == 1e4) || (u == 1e8 && st.lastBig >= 1e8) {
		r.backToCheckpoint()
		return false
	}
	r.closeSection(u, directWan)
	r.n.hasBig = true
	r.j++
	return true
}

// closeSection ends the section at the big unit u: 万 adds section × 1e4
// to the total, 亿 multiplies the total with the section by 1e8, and
// directWan (亿 straight after 万) makes 万亿, 1e12. A new, empty section
// follows.
func (r *numReader) closeSection(u int64, directWan bool) {
	st := &r.st
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
}

// approxWord reads 多/余/来 after a number or unit and before a unit or
// 元/块 ("300多万", "三百余万元"), marking the numeral approximate.
func (r *numReader) approxWord() bool {
	if !(r.st.have || r.st.lastUnit > 0) || !isUnitRune(r.p.at(r.j+1)) || r.st.zero {
		return false
	}
	r.n.approx = true
	r.j++
	return true
}

// spaceBeforeUnit passes over spaces between an Arabic number and a
// numeral unit ("500 万"); spaces before anything else end the numeral.
func (r *numReader) spaceBeforeUnit() bool {
	if !r.st.have || !r.st.numArabic {
		return false
	}
	k := r.p.skipSpaces(r.j)
	if c := r.p.at(k); smallUnit(c) == 0 && bigUnit(c) == 0 {
		return false
	}
	r.j = k
	return true
}

// backToCheckpoint restores the state and position saved before the last
// digit read after 百/千/万/亿, if any.
func (r *numReader) backToCheckpoint() {
	if r.cp != nil {
		r.st, r.j = *r.cp, r.cpJ
	}
}

// capValues flags the numeral too large and zeroes its values once any of
// them exceeds capRat, so hostile input cannot grow them without bound.
func (r *numReader) capValues() {
	st := &r.st
	if st.total.Cmp(capRat) > 0 || st.section.Cmp(capRat) > 0 || st.number.Cmp(capRat) > 0 {
		r.n.tooBig = true
		st.total, st.section, st.number = new(big.Rat), new(big.Rat), new(big.Rat)
	}
}

// finish settles a number left dangling after a unit and returns the
// numeral read; ok is false when no token was read.
func (r *numReader) finish() (numeral, bool) {
	st, n := &r.st, r.n
	if st.tokens == 0 {
		return n, false
	}
	if st.have && !st.zero && st.afterUnit >= 100 {
		r.dangling()
	}
	v := new(big.Rat).Add(st.total, st.section)
	v.Add(v, st.number)
	n.v, n.end = v, r.j
	n.trail, n.outer = st.trail, st.outer
	n.onlyArabic = st.tokens == 1 && st.numArabic
	if !n.hasBig {
		n.outer = 1
	}
	return n, true
}

// dangling settles a number read after 百/千/万/亿 with no unit of its own:
// a single Chinese digit takes the next unit down ("十万八" is 108000,
// "一千二" 1200), an Arabic number before 元/块 is added as it is
// ("3万5000元"), and anything else, such as "100万2024年" or "一百万三年",
// is two things: the reader goes back to the checkpoint.
func (r *numReader) dangling() {
	st, next := &r.st, r.p.at(r.j)
	switch {
	case st.numArabic && (next == '元' || next == '块'):
		// plain addition
	case !st.numArabic && st.numSingle && !strings.ContainsRune(counters, next) && !r.oneWord() && !isDigit(next):
		st.number.Mul(st.number, ratInt(st.afterUnit/10))
	default:
		r.backToCheckpoint()
	}
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
