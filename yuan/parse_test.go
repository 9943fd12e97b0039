package yuan

import (
	"errors"
	"strings"
	"testing"
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
