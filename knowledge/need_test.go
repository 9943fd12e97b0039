package knowledge

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestNeeds(t *testing.T) {
	cases := []struct{ q, want string }{
		{"小巨人奖励什么时候开始申报", "deadline"},
		{"申报数字化补贴要准备哪些材料", "materials"},
		{"补贴批下来以后钱多久到账", "payout"},
		{"创新型中小企业认定后有效期几年", "cert_validity"},
		{"本政策有效期几年", "validity"},
		{"政策印发以后多久生效", "validity"},
		{"研发补贴咋个申报", "procedure"},
		{"壮大贷在哪几家银行可以办", "providers"},
		{"市经信局的电话是多少", "contact"},
		{"诊断服务要不要自己出钱", "cost"},
		{"专精特心的认定标准是啥子", "cert_criteria"},
		{"数字化补贴的申请条件是什么", "criteria"},
		{"什么是优质中小企业", "definition"},
		{"市里同类补贴能不能叠起拿", "stacking"},
		{"这项政策归哪个部门管", "department"},
		{"研发投入比去年多了650万，能拿多少", "amount"},
		{"我们能不能申请", "eligibility"},
		{"How do we apply for the Little Giant reward?", "procedure"},
		{"When is the deadline for the digital subsidy?", "deadline"},
		{"How much can we get for 6.5 million more R&D?", "amount"},
		{"What support is there for an IPO?", "other"},
		{"What is the tax and fee service through-train?", "other"},
		{"Which documents is the plan based on?", "other"},
	}
	for _, c := range cases {
		got := "other"
		if ns := Needs(c.q); len(ns) > 0 {
			got = ns[0].ID
		}
		if got != c.want {
			t.Errorf("Needs(%q) = %s, want %s", c.q, got, c.want)
		}
	}
}

func TestParseNeedsRejects(t *testing.T) {
	for _, bad := range []string{
		"needs: [{id: x, contract: nope, cues: []}]",
		"needs: [{id: x, contract: amount, cues: [{words: [多少], source: guess}]}]",
		"needs: [{id: '', contract: amount}]",
		"needs: {",
		"needs: [{id: x, contract: amount, cues: [{words: [多少], source: synonym, bogus: 1}]}]",
		"needs: [{id: x, contract: amount, cues: [{words: ['@nope+多少'], source: synonym}]}]",
		"classes: {when: {words: [], source: synonym}}\nneeds: [{id: x, contract: amount}]",
	} {
		if _, err := parseNeeds([]byte(bad)); err == nil || !strings.Contains(err.Error(), "needs.yaml") {
			t.Errorf("parseNeeds(%q) = %v, want a needs.yaml error", bad, err)
		}
	}
}

func TestComparisonWithAnotherPlaceIsOutOfScope(t *testing.T) {
	ix := newTestIndex(t)
	for _, q := range []string{"重庆的专精特新政策和成都比哪个好？", "Does Suzhou have a Zhuangda loan subsidy like Chengdu's?"} {
		res, err := ix.Search(context.Background(), q, 3)
		if err != nil || res.InScope {
			t.Errorf("%s: in scope %v (%v)", q, res.InScope, err)
		}
	}
	res, _ := ix.Search(context.Background(), "我们公司从上海搬到成都，能享受专精特新奖励吗", 3)
	if !res.InScope {
		t.Error("moving from Shanghai to Chengdu is a Chengdu question")
	}
}

// A class in a cue stands for each of its words.
func TestNeedClassesExpand(t *testing.T) {
	yaml := "classes: {when: {words: [哪天, 多久], source: synonym}}\n" +
		"needs: [{id: d, contract: deadline, cues: [{words: ['申报+@when'], source: synonym}]}]"
	es, err := parseNeeds([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || len(es[0].cues) != 2 || es[0].cues[1][1] != "多久" {
		t.Fatalf("cues %v, want 申报+哪天 and 申报+多久", es)
	}
}

// The asked part drops statements and asides, and is the whole question
// when every sentence asks or none does.
func TestAskedPart(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"假设都在政策有效期内：新评上小巨人，能拿多少？", "新评上小巨人,能拿多少?"},
		{"营收1.2亿（都在有效期内），奖多少", "营收1.2亿 ,奖多少"},
		{"政策有效期几年？什么时候施行？", "政策有效期几年?什么时候施行?"},
		{"我们是小巨人企业。", "我们是小巨人企业。"},
		{"好几年前就认定了。今年复核通过能拿多少？", "今年复核通过能拿多少?"},
		{"We are a foreign-invested firm. Our R&D rose by 1.5 million. How much?", "how much?"},
	} {
		if got := strings.TrimSpace(AskedPart(c.q)); got != c.want {
			t.Errorf("AskedPart(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

// A validity period said as a condition asks nothing about validity.
func TestWithinValidityIsACondition(t *testing.T) {
	for q, want := range map[string]bool{
		"在政策有效期内去年营收第一次破1亿，今年又破5亿，一共多少": false,
		"现在还在政策有效期内吗":                   true,
		"政策有效期几年":                       true,
	} {
		got := slices.ContainsFunc(Needs(q), func(n Need) bool { return n.ID == "validity" })
		if got != want {
			t.Errorf("Needs(%q) validity = %v, want %v", q, got, want)
		}
	}
}
