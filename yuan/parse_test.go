package yuan

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"380万", 3_800_000},
		{"三百八十万", 3_800_000},
		{"1.2亿", 120_000_000},
		{"两千万", 20_000_000},
		{"五千万元", 50_000_000},
		{"0.5亿", 50_000_000},
		{"3 million yuan", 3_000_000},
		{"6,500,000元", 6_500_000},
		{"1500万元", 15_000_000},
		{"100万元", 1_000_000},
		{"3.5万", 35_000},
		{"二十万", 200_000},
		{"一百二十万", 1_200_000},
		{"一千零五十万", 10_500_000},
		{"RMB 2 million", 2_000_000},
		{"2m", 2_000_000},
		{"¥3,000,000", 3_000_000},
		{"￥3,000,000", 3_000_000},
		{"壹佰万元", 1_000_000},
		{"壹仟伍佰万圆", 15_000_000},
		{"1萬", 10_000},
		{"3億", 300_000_000},
		{"兩千萬", 20_000_000},
		{"十万八千", 108_000},
		{"十万", 100_000},
		{"１２０万", 1_200_000},
		{"５００万元", 5_000_000},
		{"1千万", 10_000_000},
		{"1.5千万", 15_000_000},
		{"两百万", 2_000_000},
		{"二百五十万", 2_500_000},
		{"3百万", 3_000_000},
		{"5百万元", 5_000_000},
		{"半个亿", 50_000_000},
		{"两个亿", 200_000_000},
		{"1.2 billion", 1_200_000_000},
		{"500k yuan", 500_000},
		{"2,000,000 RMB", 2_000_000},
		{"CNY 6.5 million", 6_500_000},
		{"1亿5000万", 150_000_000},
		{"一亿二千万", 120_000_000},
		{"1亿2千5百万", 125_000_000},
		{"3万5000元", 35_000},
		{"两万五", 25_000},
		{"1.2万亿", 1_200_000_000_000},
		{"一点五亿", 150_000_000},
		{"300多万", 3_000_000},
		{"三百余万元", 3_000_000},
		{"200块", 200},
		{"50块钱", 50},
		{"0元", 0},
		{"6500000", 6_500_000},
		{"  100万  ", 1_000_000},
		{"10万5千", 105_000},
		{"一千零五", 1005},
		{"500 万元", 5_000_000},
		{"100万元人民币", 1_000_000},
		{"人民币100万元", 1_000_000},
		{"1,234.5万", 12_345_000},
		{"一千零十万", 10_100_000},
		{"3 mn", 3_000_000},
		{"10 万", 100_000},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrNotAmount},
		{"   ", ErrNotAmount},
		{"万", ErrNotAmount},
		{"hello", ErrNotAmount},
		{"10%", ErrNotAmount},
		{"百分之十", ErrNotAmount},
		{"300万到500万", ErrNotAmount},
		{"-300万", ErrNotAmount},
		{"500万美元", ErrNotAmount},
		{"$3 million", ErrNotAmount},
		{"3万家", ErrNotAmount},
		{"约300万", ErrNotAmount},
		{"千万", ErrNotAmount},
		{"0.00001万", ErrFraction},
		{"0.5元", ErrFraction},
		{"1.23456万", ErrFraction},
		{"2000000亿", nil},
		{"20000000亿", ErrTooLarge},
		{"九千九百万亿", ErrTooLarge},
		{"99999999999999999999999999999", ErrTooLarge},
		{"一亿亿亿", ErrNotAmount},
		{"\xff\xfe", ErrNotAmount},
		{"两三百万", ErrNotAmount},
		{"USD 3 million", ErrNotAmount},
		{"1,000,00", ErrNotAmount},
		{"3milliony", ErrNotAmount},
		{"1.5", ErrFraction},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) = %d, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// m is a compact expected mention: yuan, range end, approx, text.
type m struct {
	yuan, to int64
	approx   bool
	text     string
}

func TestExtract(t *testing.T) {
	tests := []struct {
		in   string
		want []m
	}{
		{"研发投入增加了三百万", []m{{3_000_000, 0, false, "三百万"}}},
		{"研发比去年多投了300w，补多少", []m{{3_000_000, 0, false, "300w"}}},
		{"产业化项目研发投了2kw", []m{{20_000_000, 0, false, "2kw"}}},
		{"写了5w字的材料", nil},
		// A currency after a list of "m" figures covers the list; without it
		// "m" stays metres.
		{"分别10M、6M、2M RMB", []m{{10_000_000, 0, false, "10M"}, {6_000_000, 0, false, "6M"}, {2_000_000, 0, false, "2M RMB"}}},
		{"walls of 3m and 5m", nil},
		{"营收突破1亿和5亿分别奖励多少", []m{{100_000_000, 0, false, "1亿"}, {500_000_000, 0, false, "5亿"}}},
		{"投资100万以上，补贴50万一次性发放", []m{{1_000_000, 0, false, "100万"}, {500_000, 0, false, "50万"}}},
		{"比赛得了3万分", nil},
		{"壮大贷实际支付利息60万元，按LPR计算40万元", []m{{600_000, 0, false, "60万元"}, {400_000, 0, false, "40万元"}}},
		{"营收从9500万涨到1.2亿", []m{{95_000_000, 0, false, "9500万"}, {120_000_000, 0, false, "1.2亿"}}},
		{"投入500万到800万", []m{{5_000_000, 8_000_000, false, "500万到800万"}}},
		{"投入300-500万", []m{{3_000_000, 5_000_000, false, "300-500万"}}},
		{"投资额在三到五百万之间", []m{{3_000_000, 5_000_000, false, "三到五百万"}}},
		{"投资300万元至500万元", []m{{3_000_000, 5_000_000, false, "300万元至500万元"}}},
		{"营收5-10亿", []m{{500_000_000, 1_000_000_000, false, "5-10亿"}}},
		{"8000-1万元的设备", []m{{8000, 10_000, false, "8000-1万元"}}},
		{"数字化投资达到500万元", []m{{5_000_000, 0, false, "500万元"}}},
		{"2025年营收1500万元，员工30人", []m{{15_000_000, 0, false, "1500万元"}}},
		{"公司有3家子公司，2年内投入100万", []m{{1_000_000, 0, false, "100万"}}},
		{"第4条规定补贴10%", nil},
		{"补贴比例百分之五", nil},
		{"电话13800138000", nil},
		{"2024-03-01申请", nil},
		{"2024-2025年", nil},
		{"3-5年内", nil},
		{"有10万人参加", nil},
		{"服务3万家企业", nil},
		{"累计2万小时", nil},
		{"贷了1000万一整年", []m{{10_000_000, 0, false, "1000万"}}},
		{"一共一万一", []m{{11_000, 0, false, "一万一"}}},
		{"一万一整", []m{{11_000, 0, false, "一万一"}}},
		{"今年一亿二同比增长", []m{{120_000_000, 0, false, "一亿二"}}},
		{"一万五起", []m{{15_000, 0, false, "一万五"}}},
		{"营收一亿五并且", []m{{150_000_000, 0, false, "一亿五"}}},
		{"研发多整了四百五十个w", []m{{4_500_000, 0, false, "四百五十个w"}}},
		{"投了八十w", []m{{800_000, 0, false, "八十w"}}},
		{"多整了400个w", []m{{4_000_000, 0, false, "400个w"}}},
		{"三个wifi", nil},
		{"少了300万 公司是小巨人", []m{{3_000_000, 0, false, "300万"}}},
		{"投了九十五万 年底验收", []m{{950_000, 0, false, "九十五万"}}},
		{"增加1200万时能拿多少", []m{{12_000_000, 0, false, "1200万"}}},
		{"一万多家企业", nil},
		{"千万不要错过", nil},
		{"百万级项目", nil},
		{"统一标准", nil},
		{"500万美元", nil},
		{"融资$3 million", nil},
		{"约300万的贷款", []m{{3_000_000, 0, true, "300万"}}},
		{"300万左右", []m{{3_000_000, 0, true, "300万"}}},
		{"贷款三百多万", []m{{3_000_000, 0, true, "三百多万"}}},
		{"贷款300万多少利息", []m{{3_000_000, 0, false, "300万"}}},
		{"收入５００万", []m{{5_000_000, 0, false, "５００万"}}},
		{"營收1.2億", []m{{120_000_000, 0, false, "1.2億"}}},
		{"raised 3 million yuan and 1.2 billion", []m{{3_000_000, 0, false, "3 million yuan"}, {1_200_000_000, 0, false, "1.2 billion"}}},
		{"budget 500k yuan", []m{{500_000, 0, false, "500k yuan"}}},
		{"2,000,000 RMB loan", []m{{2_000_000, 0, false, "2,000,000 RMB"}}},
		{"CNY 6.5 million", []m{{6_500_000, 0, false, "CNY 6.5 million"}}},
		{"场地2m宽", nil},
		{"重500kg", nil},
		{"¥3,000,000的贷款", []m{{3_000_000, 0, false, "¥3,000,000"}}},
		{"买了3块地", nil},
		{"花了200块", []m{{200, 0, false, "200块"}}},
		{"奖励100万2024年再奖励50万", []m{{1_000_000, 0, false, "100万"}, {500_000, 0, false, "50万"}}},
		{"奖励一百万三年内", []m{{1_000_000, 0, false, "一百万"}}},
		{"1亿5000万的营收", []m{{150_000_000, 0, false, "1亿5000万"}}},
		{"贷款1千万，利息5百万元", []m{{10_000_000, 0, false, "1千万"}, {5_000_000, 0, false, "5百万元"}}},
		{"额度0.00001万", nil},
		{"额度99999999999999999999亿", nil},
		{"三千元的补贴", []m{{3000, 0, false, "三千元"}}},
		{"三千的补贴", nil},
		{"约为500万至800万", []m{{5_000_000, 8_000_000, true, "500万至800万"}}},
		{"100万以上", []m{{1_000_000, 0, false, "100万"}}},
		{"装机100万千瓦", nil},
		{"增长了2个百分点", nil},
		{"v2.5万", nil},
		{"从500万提高到800万元", []m{{5_000_000, 0, false, "500万"}, {8_000_000, 0, false, "800万元"}}},
		{"500万-300万", []m{{5_000_000, 0, false, "500万"}, {3_000_000, 0, false, "300万"}}},
		{"大概两个亿", []m{{200_000_000, 0, true, "两个亿"}}},
		{"人民币100万元", []m{{1_000_000, 0, false, "人民币100万元"}}},
		{"100万元人民币", []m{{1_000_000, 0, false, "100万元人民币"}}},
		{"营收6500000元", []m{{6_500_000, 0, false, "6500000元"}}},
		{"", nil},
		{"投资了大约两三百万", []m{{2_000_000, 3_000_000, true, "两三百万"}}},
		{"一两百万的贷款", []m{{1_000_000, 2_000_000, true, "一两百万"}}},
		{"二三十万元", []m{{200_000, 300_000, true, "二三十万元"}}},
		{"一二三", nil},
		{"1,00万", nil},
		{"USD 3 million", nil},
		{"HK$100万", nil},
		{"研发费用占比5%，约为150万", []m{{1_500_000, 0, true, "150万"}}},
		{"三万五的设备", []m{{35_000, 0, false, "三万五"}}},
		{"三万五年", []m{{30_000, 0, false, "三万"}}},
		{"共计￥1,500,000.00元", []m{{1_500_000, 0, false, "￥1,500,000.00元"}}},
		{"3.5元的成本", nil},
		{"10-20人", nil},
		{"去年营收3000多万，今年预计1个亿", []m{{30_000_000, 0, true, "3000多万"}, {100_000_000, 0, false, "1个亿"}}},
		{"一百万两百万", []m{{1_000_000, 0, false, "一百万"}, {2_000_000, 0, false, "两百万"}}},
		{"补贴最高不超过200万元/年", []m{{2_000_000, 0, false, "200万元"}}},
		{"\xff100万\xfe", []m{{1_000_000, 0, false, "100万"}}},
	}
	for _, tt := range tests {
		got := Extract(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("Extract(%q) = %+v; want %+v", tt.in, got, tt.want)
			continue
		}
		for i, g := range got {
			w := tt.want[i]
			if g.Yuan != w.yuan || g.RangeTo != w.to || g.Approx != w.approx || g.Text != w.text || tt.in[g.Start:g.End] != g.Text {
				t.Errorf("Extract(%q)[%d] = %+v; want %+v", tt.in, i, g, w)
			}
		}
	}
}

func TestExtractHuge(t *testing.T) {
	long := strings.Repeat("9", 100_000) + "万 " + strings.Repeat("亿", 30_000) + strings.Repeat("九", 30_000) + "万 再投100万"
	got := Extract(long)
	if len(got) != 1 || got[0].Yuan != 1_000_000 {
		t.Errorf("Extract(huge) = %d mentions", len(got))
	}
	checkMentions(t, long, got)
}

func checkMentions(t *testing.T, s string, ms []Mention) {
	prev := 0
	for _, x := range ms {
		if x.Start < prev || x.Start > x.End || x.End > len(s) || s[x.Start:x.End] != x.Text {
			t.Fatalf("Extract(%q): bad offsets %+v", s, x)
		}
		if x.Yuan < 0 || x.Yuan > MaxYuan || x.RangeTo < 0 || x.RangeTo > MaxYuan || (x.RangeTo != 0 && x.RangeTo < x.Yuan) {
			t.Fatalf("Extract(%q): bad value %+v", s, x)
		}
		prev = x.End
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"研发投入增加了三百万", "300-500万", "1亿5000万", "十万八千", "3 million yuan",
		"¥3,000,000", "约300万左右", "百分之十", "半个亿", "一点五亿", "\xff万", "1,2,3万", "一零零万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMentions(t, s, Extract(s))
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"380万", "壹佰万元", "2m", "0.00001万", "RMB 2 million", "一亿亿亿"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err == nil && (v < 0 || v > MaxYuan) {
			t.Fatalf("Parse(%q) = %d", s, v)
		}
		if err == nil && !utf8.ValidString(s) && strings.ContainsRune(s, utf8.RuneError) {
			return
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	s := "我们公司2025年营收从9500万涨到1.2亿，研发投入约300-500万元，壮大贷实际支付利息60万元，员工120人，能拿多少补贴？"
	for b.Loop() {
		Extract(s)
	}
}

// The tests below check that the table-driven numeral reader (issue 7
// item 3) reads exactly as the single numeral function it replaced, kept
// here as oldNumeral with the helpers it used, as they were.

func TestNumeralTables(t *testing.T) {
	seen := map[rune]string{}
	for _, table := range [][]numeralForm{cnDigits, cnSmallUnits, cnBigUnits} {
		for _, f := range table {
			first := []rune(f.forms)[0]
			for _, c := range f.forms {
				if prev, dup := seen[c]; dup {
					t.Errorf("%q is in both %q and %q", c, prev, f.forms)
				}
				seen[c] = f.forms
				if normRune(c) != first {
					t.Errorf("normRune(%q) = %q, want %q", c, normRune(c), first)
				}
			}
		}
	}
}

// TestNumeralHelpersUnchanged compares, for every rune, the folding and
// the digit and unit lookups on folded runes (all the scanner sees) with
// the old switch-based ones.
func TestNumeralHelpersUnchanged(t *testing.T) {
	for c := rune(0); c <= unicode.MaxRune; c++ {
		n, o := normRune(c), oldNormRune(c)
		if n != o {
			t.Fatalf("normRune(%U) = %q, was %q", c, n, o)
		}
		d, ok := cnDigit(n)
		od, ook := oldCnDigit(n)
		if d != od || ok != ook || smallUnit(n) != oldSmallUnit(n) || isUnitRune(n) != oldIsUnitRune(n) {
			t.Fatalf("lookups of %q changed", n)
		}
	}
}

// numeralsEqual reports whether two numeral readings are the same in
// every field.
func numeralsEqual(a numeral, aok bool, b numeral, bok bool) bool {
	if aok != bok || (a.v == nil) != (b.v == nil) || (a.v != nil && a.v.Cmp(b.v) != 0) {
		return false
	}
	a.v, b.v = nil, nil
	return a == b
}

// checkNumeral compares the new and the old reading of s from every start,
// with no rune skipped and with the start or the next rune skipped (as
// amount does for "两三百万"). It returns the number of comparisons.
func checkNumeral(t *testing.T, s string) int {
	t.Helper()
	p := newScanner(s)
	count := 0
	for i := range p.r {
		for _, skip := range []int{-1, i, i + 1} {
			n, nok := p.numeral(i, skip)
			o, ook := oldNumeral(p, i, skip)
			count++
			if !numeralsEqual(n, nok, o, ook) {
				t.Fatalf("numeral(%q, %d, skip %d) = %+v %v (v %v), old %+v %v (v %v)",
					s, i, skip, n, nok, n.v, o, ook, o.v)
			}
		}
	}
	return count
}

// cnScript is one way of writing Chinese numerals.
type cnScript struct {
	digits      [10]string // 零 to 九
	units       [4]string  // 个 (""), 十, 百, 千
	wan, yi     string
	two         string // the 2 written before 百/千/万/亿: 二 or 两
	shortTen    bool   // 十二 rather than 一十二 at the start
	zeroOnce    bool   // one 零 for a gap of zeros (standard); false: none at all
	dropLastOne bool   // colloquial 一万五, 三千二 when one digit follows the top unit
}

var (
	scriptNormal = cnScript{digits: [10]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"},
		units: [4]string{"", "十", "百", "千"}, wan: "万", yi: "亿", two: "二", shortTen: true, zeroOnce: true}
	scriptDaxie = cnScript{digits: [10]string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"},
		units: [4]string{"", "拾", "佰", "仟"}, wan: "万", yi: "亿", two: "贰", zeroOnce: true}
	scriptTraditional = cnScript{digits: [10]string{"〇", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖"},
		units: [4]string{"", "拾", "佰", "仟"}, wan: "萬", yi: "億", two: "兩", shortTen: true, zeroOnce: true}
)

// section writes 0 < n < 10000 in s; lead reports that nothing precedes it.
func (s cnScript) section(n int, lead bool) string {
	var b strings.Builder
	pendingZero := false
	top := -1
	for u := 3; u >= 0; u-- {
		d := n / pow10(u) % 10
		if d == 0 {
			pendingZero = pendingZero || b.Len() > 0
			continue
		}
		if top < 0 {
			top = u
		}
		if pendingZero && s.zeroOnce {
			b.WriteString(s.digits[0])
		}
		pendingZero = false
		switch {
		case s.dropLastOne && u == top-1 && u >= 1 && n%pow10(u) == 0 && top >= 2:
			b.WriteString(s.digits[d]) // 三千二: the unit is dropped
			return b.String()
		case d == 1 && u == 1 && lead && b.Len() == 0 && s.shortTen:
		case d == 2 && u >= 2:
			b.WriteString(s.two)
		default:
			b.WriteString(s.digits[d])
		}
		b.WriteString(s.units[u])
	}
	return b.String()
}

func pow10(u int) int {
	p := 1
	for ; u > 0; u-- {
		p *= 10
	}
	return p
}

// write writes 0 ≤ n < 1e12 in s, with 万 and 亿 sections.
func (s cnScript) write(n int) string {
	if n == 0 {
		return s.digits[0]
	}
	var b strings.Builder
	for _, big := range []struct {
		v    int
		unit string
	}{{1e8, s.yi}, {1e4, s.wan}, {1, ""}} {
		sec := n / big.v % 1e4
		if sec == 0 {
			continue
		}
		if b.Len() > 0 && sec < 1000 && s.zeroOnce {
			b.WriteString(s.digits[0])
		}
		w := s.section(sec, b.Len() == 0)
		if big.v > 1 && sec == 2 {
			w = s.two
		}
		b.WriteString(w + big.unit)
	}
	return b.String()
}

// numeralInputs generates the inputs of TestNumeralMatchesOld: every
// number 0..99999 in the normal, 大写, traditional and colloquial forms
// (with the value the standard forms must read as, -1 when not checked),
// and a smaller set of 万/亿 combinations, Arabic and decimal mixtures,
// approximate words and the words after a numeral that end or join it.
func numeralInputs() (bulk []numeralCase, rich []string) {
	colloquial := scriptNormal
	colloquial.dropLastOne = true
	noZero := scriptNormal
	noZero.zeroOnce = false
	twoNormal := scriptNormal
	twoNormal.two = "两"
	longTen := scriptNormal
	longTen.shortTen = false
	for n := 0; n <= 99999; n++ {
		bulk = append(bulk,
			numeralCase{scriptNormal.write(n), int64(n)},
			numeralCase{scriptDaxie.write(n), int64(n)},
			numeralCase{scriptTraditional.write(n), int64(n)},
			numeralCase{twoNormal.write(n), int64(n)},
			numeralCase{longTen.write(n), int64(n)},
			numeralCase{colloquial.write(n), -1},
			numeralCase{noZero.write(n), -1})
	}
	var vals []int
	for n := 1; n < 10000; n += 97 {
		vals = append(vals, n)
	}
	vals = append(vals, 1, 2, 5, 10, 11, 12, 20, 22, 100, 101, 110, 200, 250, 1000, 1001, 1010, 1100, 2000, 2500, 9999)
	tails := []string{"", "元", "万", "万元", "亿", "年", "家", "多万", "余万元", "来万", "个亿", " 万", "2024年", "三年", "五", "5000元", "十", "零", "点五", ".5万", "%"}
	for _, sc := range []cnScript{scriptNormal, scriptDaxie, twoNormal, colloquial} {
		for k, a := range vals {
			b := vals[(k*7+3)%len(vals)]
			for _, s := range []string{
				sc.write(a) + sc.yi, sc.write(a) + sc.wan, sc.write(a) + sc.wan + sc.yi,
				sc.write(a*1e8 + b*1e4), sc.write(a*1e8 + b), sc.write(a*1e4 + b),
				sc.write(a) + sc.yi + sc.write(b) + sc.wan, sc.write(a) + sc.wan + sc.write(b),
				sc.write(a) + sc.yi + sc.write(b), sc.write(a) + sc.wan + sc.wan, sc.write(a) + sc.yi + sc.yi,
				fmt.Sprint(a) + sc.wan + fmt.Sprint(b), fmt.Sprint(a) + sc.yi + fmt.Sprint(b) + sc.wan,
				fmt.Sprintf("%d.%d", a, b) + sc.wan, fmt.Sprintf("%d.%d", a, b) + sc.wan + sc.yi,
				fmt.Sprint(a) + sc.units[3] + sc.wan, fmt.Sprint(a%10) + sc.units[3] + fmt.Sprint(b%10) + sc.units[2] + sc.wan,
				sc.write(a%10) + "点" + sc.write(b%10) + sc.yi, sc.write(a) + "点" + scriptNormal.digits[b%10] + scriptNormal.digits[a%10] + sc.wan,
				sc.write(a%9+1) + sc.write(a%9+2) + sc.units[2] + sc.wan,
			} {
				rich = append(rich, s)
				for r := range 3 {
					rich = append(rich, s+tails[(k+r*7+len(rich))%len(tails)])
				}
			}
		}
	}
	for n := 0; n <= 99999; n += 31 {
		rich = append(rich, fmt.Sprint(n)+"万", fmt.Sprintf("%d,%03d", n/1000, n%1000)+"万元",
			fmt.Sprintf("%d.%d亿", n/100, n%100), fmt.Sprint(n)+"万"+fmt.Sprint(n%10000)+"元")
	}
	rich = append(rich, "半个亿", "半亿", "半个万", "两个亿", "一个亿", "十个亿", "两三百万", "一两百万", "二三十万元",
		"七八千元", "三四亿", "零", "〇", "零零", "一零零万", "二〇二五年", "一亿亿亿", "二十零十", "一亿零二十零十",
		"一万亿", "一千万亿", "九千九百万亿", "3 万", "3  亿元", "3 元", "3.5 千万", "十万八", "十万八千", "一百万三年",
		"100万2024年", "3万5000元", "3万5000", "万", "十", "百", "千万", "一二三", "1,000,00万", "1,234.5万", "5百万元",
		"一点", "一点零五亿", "点五", "十点五万", "两万五", "三万五年", "三万五的设备", "一千零五", "一千零十万", "一万十",
		strings.Repeat("九", 40)+"万", strings.Repeat("亿", 40), strings.Repeat("9", 30)+"万", "1."+strings.Repeat("0", 40)+"1万")
	return bulk, rich
}

func everyNth[T any](xs []T, n int) []T {
	var out []T
	for i := 0; i < len(xs); i += n {
		out = append(out, xs[i])
	}
	return out
}

type numeralCase struct {
	s    string
	want int64 // -1: not checked
}

// TestNumeralMatchesOld reads every generated input with both readers:
// the bulk forms of 0..99999 from the start (checking the standard forms'
// values too), the mixed inputs from every start and skip. With -short it
// takes every seventh input.
func TestNumeralMatchesOld(t *testing.T) {
	bulk, rich := numeralInputs()
	if testing.Short() {
		bulk, rich = everyNth(bulk, 7), everyNth(rich, 7)
	}
	compared := 0
	for _, c := range bulk {
		p := newScanner(c.s)
		n, nok := p.numeral(0, -1)
		o, ook := oldNumeral(p, 0, -1)
		compared++
		if !numeralsEqual(n, nok, o, ook) {
			t.Fatalf("numeral(%q) = %+v %v (v %v), old %+v %v (v %v)", c.s, n, nok, n.v, o, ook, o.v)
		}
		if c.want >= 0 && (!nok || n.end != len(p.r) || n.v.Cmp(ratInt(c.want)) != 0) {
			t.Fatalf("numeral(%q) = %v (end %d of %d), want %d", c.s, n.v, n.end, len(p.r), c.want)
		}
	}
	for _, s := range rich {
		compared += checkNumeral(t, s)
	}
	t.Logf("%d bulk and %d mixed inputs, %d readings compared", len(bulk), len(rich), compared)
}

func FuzzNumeral(f *testing.F) {
	for _, s := range []string{"一千零五十万", "壹仟伍佰万圆", "1亿2千5百万", "3万5000元", "两三百万", "半个亿",
		"一点五亿", "300多万", "500 万元", "十万八千", "一百万三年", "二十零十", "1.2万亿", "九千九百万亿"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		checkNumeral(t, s)
	})
}

// The numeral reader as it was before issue 7 item 3, with its helpers.

func oldNormRune(c rune) rune {
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

func oldCnDigit(c rune) (int64, bool) {
	i := strings.IndexRune("零一二三四五六七八九", c)
	if i >= 0 {
		return int64(utf8.RuneCountInString("零一二三四五六七八九"[:i])), true
	}
	if c == '两' {
		return 2, true
	}
	return 0, false
}

func oldSmallUnit(c rune) int64 {
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

func oldIsUnitRune(c rune) bool { return strings.ContainsRune("十百千万亿元块", c) }

// numeral reads the numeral at i; the rune at skip (if ≥ 0) is ignored,
// which lets amount evaluate both ends of "两三百万".
func oldNumeral(p *scanner, i, skip int) (n numeral, ok bool) {
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
		d, isCn := oldCnDigit(c)
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
					if _, ok := oldCnDigit(p.at(j + 1)); ok {
						j = oldCnDecimal(p, j+1, st.number)
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
		case oldSmallUnit(c) > 0:
			u := oldSmallUnit(c)
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
			oldIsUnitRune(p.at(j+1)) && !st.zero:
			n.approx = true
			j++
		case c == ' ' && st.have && st.numArabic:
			k := p.skipSpaces(j)
			if !oldIsUnitRune(p.at(k)) || p.at(k) == '元' || p.at(k) == '块' {
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

// cnDecimal reads the Chinese digits after 点 ("一点五亿") into number.
func oldCnDecimal(p *scanner, j int, number *big.Rat) int {
	scale := int64(1)
	frac := new(big.Rat)
	for ; j < len(p.r); j++ {
		d, ok := oldCnDigit(p.r[j])
		if !ok || scale >= 1e15 {
			break
		}
		scale *= 10
		frac.Add(frac, big.NewRat(d, scale))
	}
	number.Add(number, frac)
	return j
}
