package push

import (
	"errors"
	"strings"
	"testing"
)

func TestProfileErrorText(t *testing.T) {
	for _, tc := range []struct {
		profile string
		want    []string // substrings of the text
		user    []string // the sender's own words, which the text may quote
	}{
		{`{"id": 5}`, []string{"企业编号（id）的类型不对：写成了数字，应为带引号的文字"}, nil},
		{`{"id":"x","tiers":[{"tier":"little_giant","kind":"new","recognized":5}]}`, []string{"认定的认定日期（tiers.recognized）的类型不对"}, nil},
		{`{"id":"x","revenue_yuan":{"2025":1.5}}`, []string{"营业收入（revenue_yuan）的类型不对：写成了数字，应为以元为单位的整数金额"}, nil},
		{`{"id":"x","loans":{}}`, []string{"贷款（loans）的类型不对：写成了对象 {…}，应为列表 […]"}, nil},
		{`{"id":"x","chat_id":"a"}`, []string{"会话编号（chat_id）的类型不对"}, nil},
		{`{"id":"x","name":true}`, []string{"企业名称（name）的类型不对：写成了逻辑值"}, nil},
		{`{"id":"x","tiers":[{"tier":"gold","kind":""}]}`, []string{
			"第1项认定的认定等级（tiers[0].tier）的“gold”不是可选的值，可选：innovative_sme（创新型中小企业）、provincial_sme（省级专精特新中小企业）、little_giant（国家专精特新“小巨人”企业）",
			"第1项认定的认定类型（tiers[0].kind）必须填写，可选：new（新认定）、review（复核）"}, []string{"gold"}},
		{`{"id":"x","foo":1}`, []string{"“foo”不是企业资料中的字段"}, []string{"foo"}},
		{`{"id":"x","tiers":[{"Tier":"x"}]}`, []string{"第1项认定（tiers[0]）中的“Tier”：字段名区分大小写，应写作“tier”"}, []string{"Tier"}},
		{`{"id":"x","id":"y"}`, []string{"企业编号（id）写了不止一次"}, nil},
		{`{"id":"x",}`, []string{"资料格式有误（在第11个字节附近）"}, nil},
		{`{"id":"x"`, []string{"资料不完整"}, nil},
		{``, []string{"资料是空的"}, nil},
		{`{"id":"x"} {}`, []string{"资料后面还有多余的内容"}, nil},
		{`[1]`, []string{"资料的类型不对：写成了列表 […]，应为对象 {…}"}, nil},
		{`{"id":"x","rd_spend_yuan":{"20x6":5,"2025":-1}}`, []string{
			"研发投入（rd_spend_yuan）的年份“20x6”不是有效年份",
			"研发投入（rd_spend_yuan）2025年的金额是负数（-1）"}, []string{"20x6"}},
		{`{"id":"x","digital_investment_yuan":1000000000000001}`, []string{"数字化智能化投资（digital_investment_yuan）为1000000000000001元，超出上限"}, nil},
		{`{"id":"x","standards":[{"level":"national","approved":"2026-13-01"}]}`, []string{"第1项技术标准的批准日期（standards[0].approved）“2026-13-01”不是有效日期"}, nil},
		{`{"id":"x","loans":[{"product":"zhuangda","principal_yuan":-3}]}`, []string{"第1笔贷款的贷款金额（loans[0].principal_yuan）是负数（-3）"}, nil},
		{"{\"id\":\"\xff\"}", []string{"企业编号（id）含有无法识别的字符"}, nil},
		{`{"id":"a\u0001"}`, []string{"企业编号（id）太长或太多：最多128字节，且不能含换行等控制字符"}, nil},
		{`null`, []string{"企业编号（id）必须填写，例如统一社会信用代码"}, nil},
	} {
		_, err := ParseProfile(strings.NewReader(tc.profile))
		if !errors.Is(err, ErrInvalidProfile) {
			t.Errorf("%s: err = %v", tc.profile, err)
			continue
		}
		txt := ProfileErrorText(err)
		for _, w := range tc.want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s: text lacks %q:\n%s", tc.profile, w, txt)
			}
		}
		if strings.Contains(txt, "不符合格式要求") || strings.Contains(txt, "类型不对，请对照") {
			t.Errorf("%s: a problem was not translated:\n%s\n(%v)", tc.profile, txt, err)
		}
		if w := CodeWords(txt, append(ProfileWords(), tc.user...)...); len(w) > 0 {
			t.Errorf("%s: code words %q in\n%s", tc.profile, w, txt)
		}
	}
	if txt := ProfileErrorText(errors.New("reading profile: EOF")); CodeWords(txt) != nil || !strings.Contains(txt, "无法读取") {
		t.Errorf("other error: %q", txt)
	}
}

func TestSplitPath(t *testing.T) {
	for path, want := range map[string]string{
		`tiers[2].kind`:       "第3项认定的认定类型（tiers[2].kind）",
		`revenue_yuan["2.5"]`: "营业收入（revenue_yuan）",
		`loans`:               "贷款（loans）",
		`nosuch.x`:            "“nosuch”",
		`a[`:                  "“a[”",
	} {
		if got, _, _ := fieldText(path); got != want {
			t.Errorf("fieldText(%q) = %q, want %q", path, got, want)
		}
	}
}
