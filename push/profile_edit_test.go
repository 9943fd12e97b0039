package push

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestApplyEdit(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	p := Profile{ID: "E1", RDSpendYuan: map[string]int64{"2025": 5000000}}
	for _, c := range []struct {
		field, text string
		check       func(Profile) bool
	}{
		{"rd_spend_yuan", "2026 650万", func(q Profile) bool { return q.RDSpendYuan["2026"] == 6500000 && q.RDSpendYuan["2025"] == 5000000 }},
		{"各年营收", "2025年 6,500,000；2024：300万", func(q Profile) bool { return q.RevenueYuan["2025"] == 6500000 && q.RevenueYuan["2024"] == 3000000 }},
		{"数字化投资", "120万", func(q Profile) bool { return q.DigitalInvestmentYuan == 1200000 }},
		{"产业化研发投入", "2,000,000", func(q Profile) bool { return q.CommercializationRDYuan == 2000000 }},
		{"tiers", "小巨人 2025-06-30 复核", func(q Profile) bool {
			return len(q.Tiers) == 1 && q.Tiers[0] == Tier{TierLittleGiant, "2025-06-30", KindReview}
		}},
		{"loans", "壮大贷 30万 40万", func(q Profile) bool {
			return len(q.Loans) == 1 && q.Loans[0] == Loan{Product: ProductZhuangda, InterestPaidYuan: 300000, LPRInterestYuan: 400000}
		}},
		{"standards", "国家标准 2025-03-01", func(q Profile) bool {
			return len(q.Standards) == 1 && q.Standards[0] == Standard{"national", "2025-03-01"}
		}},
		{"rd_spend_yuan", "无", func(q Profile) bool { return q.RDSpendYuan == nil }},
	} {
		q, err := ApplyEdit(p, c.field, c.text, today)
		if err != nil || !c.check(q) {
			t.Errorf("%s %q: %+v, %v", c.field, c.text, q, err)
		}
	}
	if p.RDSpendYuan["2026"] != 0 {
		t.Error("ApplyEdit changed its argument")
	}
	for _, c := range []struct{ field, text, want string }{
		{"rd_spend_yuan", "2026 很多", "“各年研发投入”填写有误：“很多”不是金额"},
		{"rd_spend_yuan", "2027 100万", "年份“2027”应是1990年至今年（2026年）"},
		{"rd_spend_yuan", "26 100万", "应写成年份加金额"},
		{"数字化投资", "-5万", "不是金额"},
		{"tiers", "金牌 2025-01-01", "等级“金牌”不是可选的值"},
		{"tiers", "小巨人 2026-12-01", "晚于今天"},
		{"tiers", "小巨人 2026-13-01", "不是日期"},
		{"loans", "壮大贷 30万", "应写成 壮大贷"},
		{"standards", "企业标准 2025-01-01", "级别“企业标准”不是可选的值"},
	} {
		_, err := ApplyEdit(p, c.field, c.text, today)
		var ee *EditError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: %v, want %q", c.field, c.text, err, c.want)
		}
	}
}

func TestProfileText(t *testing.T) {
	p := Profile{ID: "E1", Name: "示例公司", RDSpendYuan: map[string]int64{"2026": 9300000, "2025": 5000000},
		Tiers: []Tier{{TierLittleGiant, "2026-07-01", KindNew}}, Loans: []Loan{{Product: ProductXinyidai, PrincipalYuan: 5000000}}}
	got := ProfileText(p)
	for _, want := range []string{"企业名称：示例公司", "认定等级与日期：国家专精特新“小巨人”企业，2026-07-01，新认定", "各年研发投入：2025年 500万；2026年 930万",
		"各年营收：未填写", "贷款：新易贷，贷款金额 500万", "产业化研发投入：未填写"} {
		if !strings.Contains(got, want) {
			t.Errorf("ProfileText lacks %q:\n%s", want, got)
		}
	}
	if w := CodeWords(got, "E1"); len(w) > 0 {
		t.Errorf("code words %q in:\n%s", w, got)
	}
}
