package push

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBillFactsAndClauses(t *testing.T) {
	b := ComputeBill(designProfile(t), billDate)
	want := []string{
		"国家专精特新“小巨人”企业（2026-07-01新认定）",
		"2026年营业收入1.2亿（2025年9500万）",
		"2026年研发投入930万（2025年500万）",
		"数字化智能化投资260万",
		"“壮大贷”实际支付利息120万、按同期LPR计算的利息100万",
		"“新易贷”贷款2000万",
		"国家标准1项（2026-05-10获批）",
	}
	if d := cmp.Diff(want, b.Facts); d != "" {
		t.Errorf("facts (-want +got):\n%s", d)
	}
	txt := b.Text()
	for _, s := range []string{
		"依据您登记的资料：国家专精特新“小巨人”企业（2026-07-01新认定）；",
		"依据条款：《成都市支持中小企业专精特新发展若干政策》（征求意见稿）第1条“支持企业提档升位”、第2条",
		"第6条“降低企业融资成本”\n",
		"两份文件尚未正式印发，施行日期暂不能确定",
	} {
		if !strings.Contains(txt, s) {
			t.Errorf("text lacks %q:\n%s", s, txt)
		}
	}
	if strings.Contains(txt, ChatFooter) || !strings.HasSuffix(b.ChatText(), "\n\n"+ChatFooter) {
		t.Errorf("footer: the command line's text has none, the chat's ends with it:\n%s", b.ChatText())
	}
	// The effective date and expiry rest on 适用对象, listed after the measures.
	issued := ComputeBill(designProfile(t), billDate, WithIssued(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))).Text()
	if !strings.Contains(issued, "第6条“降低企业融资成本”、“适用对象、执行原则与施行期限”") || strings.Contains(issued, "尚未正式印发") {
		t.Errorf("issued bill:\n%s", issued)
	}
	// A profile with nothing to say has no facts line.
	if txt := ComputeBill(Profile{ID: "E0"}, billDate).Text(); strings.Contains(txt, "依据") {
		t.Errorf("empty profile:\n%s", txt)
	}
}

func TestProfileFactsOddProfiles(t *testing.T) {
	p := Profile{ID: "E", Tiers: []Tier{{Tier: TierProvincial, Kind: KindReview}, {Tier: TierInnovative, Recognized: "2026-01-02", Kind: KindNew}},
		RDSpendYuan:             map[string]int64{"2024": 1, "2026": 3_000_000, "2025": 2_000_000},
		Loans:                   []Loan{{Product: ProductZhuangda}, {Product: ProductXinyidai}},
		Standards:               []Standard{{Level: "industry"}, {Level: "industry", Approved: "2026-02-01"}, {Level: "international", Approved: "2026-03-01"}},
		CommercializationRDYuan: 10_000,
	}
	want := []string{
		"省级专精特新中小企业（复核通过，未填认定日期）",
		"创新型中小企业（2026-01-02新认定）",
		"2026年研发投入300万（2025年200万、2024年1元）",
		"研发成果产业化项目技术研发投入1万",
		"“壮大贷”（未填利息）",
		"“新易贷”（未填贷款金额）",
		"国际标准1项（2026-03-01获批）",
		"行业标准2项（2026-02-01获批）",
	}
	if d := cmp.Diff(want, profileFacts(p)); d != "" {
		t.Errorf("facts (-want +got):\n%s", d)
	}
}

func TestParseBillRef(t *testing.T) {
	for _, tc := range []struct{ name, id string }{
		{"成都示例科技有限公司", "91510100MA6XXXXXXX"},
		{"", "91510100MA6XXXXXXX"},
		{"成都（示例）科技", "X（1）"},
		{"", "X（1）"},
		{"名称（未闭合", "E1"},
	} {
		b := ComputeBill(Profile{ID: tc.id, Name: tc.name}, billDate)
		for _, txt := range []string{b.Text(), b.ChatText()} {
			id, date, ok := ParseBillRef(txt)
			if !ok || id != tc.id || date != "2026-11-30" {
				t.Errorf("ParseBillRef(bill of %q %q) = %q, %q, %v", tc.name, tc.id, id, date, ok)
			}
		}
	}
	for _, bad := range []string{"", "你好", billTitle + "E1\n账单日期：明天", billTitle + "\n" + billDateLabel + "2026-11-30"} {
		if id, date, ok := ParseBillRef(bad); ok {
			t.Errorf("ParseBillRef(%q) = %q, %q, true", bad, id, date)
		}
	}
}

func TestCodeWords(t *testing.T) {
	for _, tc := range []struct {
		s     string
		allow []string
		want  []string
	}{
		{"发送 /subscribe 订阅，/correct 反馈有误", nil, nil},
		{"按同期LPR计算的利息100万，2026-11-30，10%", nil, nil},
		{"印发日期未设置（POLICY_ISSUED）", nil, []string{"POLICY_ISSUED"}},
		{"invalid profile: tiers[0].kind: want new", nil, []string{"invalid", "profile", "tiers", "kind", "want", "new"}},
		{"研发投入（rd_spend_yuan）的年份“20x6”不是有效年份", []string{"rd_spend_yuan"}, []string{"20x6"}},
		{"【红利账单】E1", []string{"E1"}, nil},
		{"超过1e15元", nil, []string{"1e15"}},
	} {
		if d := cmp.Diff(tc.want, CodeWords(tc.s, tc.allow...)); d != "" {
			t.Errorf("CodeWords(%q) (-want +got):\n%s", tc.s, d)
		}
	}
}
