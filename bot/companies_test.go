package bot

import "testing"

func TestCompanyParts(t *testing.T) {
	for q, want := range map[string]int{
		"我们公司数字化投了300万，兄弟公司投了80万，一共多少":         2,
		"三家客户：A今年新获评小巨人，B首次认定省级，C复核通过，合计多少":    3,
		"甲数字化投入1500万，乙投入600万，两家一共":             2,
		"A公司新评上小巨人，B公司和C公司都新认定为省级专精特新，三家一共奖多少": 2, // B and C one part, counted twice
		"我们是A股上市公司的子公司，数字化投了500万":              0,
		"甲方付款300万，乙方收款":                        0,
		"我们公司数字化投了300万，我们公司去年还投了200万":          0,
	} {
		if got := len(companyParts(q)); got != want {
			t.Errorf("companyParts(%q): %d parts, want %d", q, got, want)
		}
	}
}

func TestCompanyPartsPairs(t *testing.T) {
	for q, want := range map[string]int{
		"两个客户今年一个新评上了小巨人，另一个新认定为省级专精特新，一共多少":    2,
		"我们集团下面两家子公司，一家新获评小巨人，另一家新认定省级，合计多少":    3, // 子公司 opens a part of its own, with no award in it
		"三个客户：一家主导国际标准获批，一家主导国家标准获批，一家主导行业标准获批": 3,
	} {
		if got := len(companyParts(q)); got != want {
			t.Errorf("companyParts(%q): %d parts, want %d", q, got, want)
		}
	}
}
