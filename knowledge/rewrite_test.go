package knowledge

import (
	"strings"
	"testing"
)

func TestStandardize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Sichuan and colloquial words.
		{"认定标准是啥子", "认定标准是什么"},
		{"咋个申报", "怎么申报"},
		{"有补贴没得？补好多", "有补贴没有？补多少"},
		{"补贴好多钱", "补贴多少钱"},
		{"好多企业都申请了", "好多企业都申请了"}, // many, not how many
		{"基金规模有好大", "基金规模有多大"},
		{"员工能参加不", "员工能参加吗"},
		{"不管多少都可以", "不管多少都可以"},
		{"营收头一回过亿", "营收首次过亿"},
		// Homophone typos of the documents' terms.
		{"专精特心的认定标准", "专精特新的认定标准"},
		{"数子化改造投了0.065亿", "数字化改造投了0.065亿"},
		{"研发头入增加了650万", "研发投入增加了650万"},
		{"專精特新小巨人", "專精特新小巨人"}, // traditional is not a typo
		// Not typos: a right word nearby, a less usual reading.
		{"国家技术标准奖多少", "国家技术标准奖多少"},
		{"帮企业解决困难", "帮企业解决困难"},
		{"科創板上市", "科創板上市"},
		{"", ""},
	} {
		got, _ := Standardize(c.in)
		if got != c.want {
			t.Errorf("Standardize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStandardizeReportsTypos(t *testing.T) {
	_, fixes := Standardize("数子化改造补贴啥子标准")
	var kinds []string
	for _, f := range fixes {
		kinds = append(kinds, f.Kind+":"+f.From+">"+f.To)
	}
	if got := strings.Join(kinds, ","); got != "dialect:啥子>什么,typo:数子化>数字化" {
		t.Errorf("fixes = %s", got)
	}
}

func TestParseDialectRejects(t *testing.T) {
	for _, bad := range []string{
		"words: [{from: 啥子, to: 什么}]",
		"words: [{from: 啥子, to: 什么, source: guess}]",
		"words: [{from: 啥子, to: 什么, source: dialect, bogus: 1}]",
	} {
		if _, err := parseDialect([]byte(bad)); err == nil {
			t.Errorf("parseDialect(%q) accepted", bad)
		}
	}
}

func FuzzStandardize(f *testing.F) {
	for _, s := range []string{"专精特心", "补好多", "能参加不", "數子化", "\xff好多"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := Standardize(s)
		if strings.Count(out, "万") != strings.Count(s, "万") {
			t.Errorf("a figure's unit changed: %q → %q", s, out)
		}
	})
}
