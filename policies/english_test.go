package policies

import (
	"fmt"
	"testing"
	"time"

	"github.com/cdsme/policybot/yuan"
	"github.com/google/go-cmp/cmp"
)

// checkEnglish fails when a sentence of a receipt has no English form, or
// its English carries Han characters outside “ ” (quotes and Chinese names
// such as “壮大贷”) and the Chinese form of an amount ("(60万元)"): that is
// the rule for English answers (english.go).
func checkEnglish(t *testing.T, what string, c Calculation) {
	t.Helper()
	en := c.Localized("en")
	check := func(part, zh, got string) {
		t.Helper()
		if _, ok := English(zh); !ok && zh != c.Title {
			t.Errorf("%s: %s %q has no English rendering (add its format to receiptEN)", what, part, zh)
		}
		if h := HanOutsideQuotes(got); h != "" {
			t.Errorf("%s: %s in English %q has Chinese %q outside quotes", what, part, got, h)
		}
	}
	check("title", c.Title, en.Title)
	if len(en.Steps) != len(c.Steps) || len(en.Notes) != len(c.Notes) {
		t.Fatalf("%s: Localized changed the number of steps or notes", what)
	}
	for i := range c.Steps {
		check("step", c.Steps[i], en.Steps[i])
	}
	for i := range c.Notes {
		check("note", c.Notes[i], en.Notes[i])
	}
	if c.NearMiss != nil {
		check("near-miss advice", c.NearMiss.Advice, en.NearMiss.Advice)
		if en.NearMiss.GapYuan != c.NearMiss.GapYuan || en.NearMiss.GainYuan != c.NearMiss.GainYuan {
			t.Errorf("%s: Localized changed the near miss", what)
		}
	}
	if en.AmountYuan != c.AmountYuan || en.Rule != c.Rule || en.Clause != c.Clause || en.Kind != c.Kind {
		t.Errorf("%s: Localized changed more than words", what)
	}
}

// TestEnglishCases renders every successful case of rules/cases.yaml in
// English: a calculator sentence without an English format fails here.
func TestEnglishCases(t *testing.T) {
	n := 0
	for _, tc := range loadCases(t) {
		if tc.Error != "" {
			continue
		}
		at := caseDate
		if tc.At != "" {
			at, _ = time.Parse(time.DateOnly, tc.At)
		}
		c, err := Calculate(tc.Rule, tc.Inputs, at)
		if err != nil {
			t.Fatalf("%s: %v", tc.Name, err)
		}
		checkEnglish(t, tc.Name, c)
		if d := cmp.Diff(c, c.Localized("zh")); d != "" {
			t.Errorf("%s: Localized(zh) changed the receipt:\n%s", tc.Name, d)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d cases rendered", n)
	}
}

// TestEnglishOtherReceipts covers the sentences written outside the
// calculators' cases: the caps (Maximum), the no-double-dipping steps, the
// calendar's notes on years without (checked) holiday data, and every
// choice of every enum input.
func TestEnglishOtherReceipts(t *testing.T) {
	for _, r := range Rules() {
		for i, c := range Maximum(r.Name, caseDate) {
			checkEnglish(t, fmt.Sprintf("Maximum(%s)[%d]", r.Name, i), c)
		}
		for _, in := range r.Inputs {
			for _, choice := range in.Choices {
				inputs := Inputs{in.Name: choice}
				for _, o := range r.Inputs {
					if o.Required && o.Name != in.Name {
						inputs[o.Name] = o.Example
					}
				}
				if c, err := Calculate(r.Name, inputs, caseDate); err == nil {
					checkEnglish(t, r.Name+" "+in.Name+"="+choice, c)
				}
			}
		}
	}
	for _, issued := range []string{"2027-09-20", "2099-12-01", "2026-09-25", "2026-12-25"} {
		c, err := Calculate("effective_date", Inputs{"issued": issued}, caseDate)
		if err != nil {
			t.Fatal(err)
		}
		checkEnglish(t, "effective_date "+issued, c)
	}
	for _, r := range Rules() {
		for i, c := range Minimum(r.Name, caseDate) {
			checkEnglish(t, fmt.Sprintf("Minimum(%s)[%d]", r.Name, i), c)
		}
	}
	checkEnglish(t, "Highest", Highest([]yuan.Mention{{Yuan: 500000}, {Yuan: 300000}}, caseDate))
	lg, _ := Calculate("little_giant", Inputs{}, caseDate)
	ps, _ := Calculate("provincial_sme", Inputs{}, caseDate)
	st, _ := Calculate("standard", Inputs{"level": "industry"}, caseDate)
	for i, c := range ApplyNoDoubleDipping([]Calculation{lg, ps, st}) {
		checkEnglish(t, fmt.Sprintf("ApplyNoDoubleDipping[%d]", i), c)
	}
}

func TestEnglishSentences(t *testing.T) {
	tests := map[string]string{
		"650万 ÷ 200万 = 3 档（不足一档的部分不计）": "6,500,000 yuan (650万元) ÷ 2,000,000 yuan (200万元) = 3 (whole steps only; a part step does not count)",
		"3 × 20万 = 60万": "3 × 200,000 yuan (20万元) = 600,000 yuan (60万元)",
		"100.0001万 × 10% = 10万（不足1元的部分舍去）":    "1,000,001 yuan (100.0001万元) × 10% = 100,000 yuan (10万元) (fractions of a yuan dropped)",
		"超过最高补助120万，按120万计":                   "Above the subsidy cap of 1,200,000 yuan (120万元), so 1,200,000 yuan (120万元) counts",
		"第2家：600万 × 5% = 30万，未超过每家企业最高30万":    "Enterprise 2: 6,000,000 yuan (600万元) × 5% = 300,000 yuan (30万元), within the cap of 300,000 yuan (30万元) per enterprise",
		"40万 × 50% = 20万（比例“不高于50%”，按最高比例计算）": "400,000 yuan (40万元) × 50% = 200,000 yuan (20万元) (the rate is “不高于50%”, at most 50%; the highest rate is used)",
		"本年度已获75万，距年度上限80万还剩5万":               "Already received this year: 750,000 yuan (75万元); 50,000 yuan (5万元) left under the yearly cap of 800,000 yuan (80万元)",
		"责任单位：市经信局市新经济委、市科技局。":                "Responsible departments: Chengdu Bureau of Economy and Information Technology (New Economy Commission) (“市经信局市新经济委”); Chengdu Bureau of Science and Technology (“市科技局”).",
		"与主导制（修）订技术标准奖励（25万）属同一事项，按就高不就低原则只享受较高的一项，本项不重复享受：0元": "The same matter as Award for leading technical standards (250,000 yuan (25万元)): only the higher one is granted (“就高不就低”), not both: 0 yuan",
		"Already English 60": "Already English 60",
	}
	for zh, want := range tests {
		got, ok := English(zh)
		if !ok || got != want {
			t.Errorf("English(%q) = %q, %v; want %q", zh, got, ok, want)
		}
	}
	if got, ok := English("这句话没有英文"); ok || got != "这句话没有英文" {
		t.Errorf("an unknown sentence: %q, %v", got, ok)
	}
}

// TestReceiptENFormats compiles the table and checks its English wording
// carries no Chinese outside quotes.
func TestReceiptENFormats(t *testing.T) {
	for zh, en := range receiptEN {
		p, err := compilePhrase(zh, en)
		if err != nil {
			t.Error(err)
			continue
		}
		if h := HanOutsideQuotes(p.sample()); h != "" {
			t.Errorf("receiptEN[%q] = %q: Chinese %q outside quotes", zh, en, h)
		}
	}
	for zh, en := range termsEN {
		if HanOutsideQuotes(en) != "" {
			t.Errorf("termsEN[%q] = %q is not English", zh, en)
		}
	}
}

// TestEnglishNames: every clause has an English title, every 责任单位 an
// English name, every rule a title and every input a label — no more, no
// fewer.
func TestEnglishNames(t *testing.T) {
	seen := map[string]bool{}
	for _, cl := range MustDefault().Clauses() {
		seen[cl.ID] = true
		if ClauseTitleEN(cl.ID) == "" {
			t.Errorf("clause %s has no English title in clauseTitlesEN", cl.ID)
		}
		if h := HanOutsideQuotes(CiteEN(cl)); h != "" || documentsEN[cl.Doc] == "" {
			t.Errorf("CiteEN(%s) = %q", cl.ID, CiteEN(cl))
		}
		for _, d := range cl.Departments {
			if departmentsEN[d] == "" {
				t.Errorf("department %q of %s has no English name", d, cl.ID)
			}
			if h := HanOutsideQuotes(DepartmentEN(d)); h != "" {
				t.Errorf("DepartmentEN(%q) = %q", d, DepartmentEN(d))
			}
		}
	}
	if len(seen) != 34 || len(clauseTitlesEN) != len(seen) {
		t.Errorf("%d clauses, %d English titles; want 34 each", len(seen), len(clauseTitlesEN))
	}
	for id, title := range clauseTitlesEN {
		if !seen[id] {
			t.Errorf("clauseTitlesEN has unknown clause %s", id)
		}
		if hasHan(title) {
			t.Errorf("clauseTitlesEN[%s] = %q is not English", id, title)
		}
	}
	labels := 0
	for _, r := range Rules() {
		if h := HanOutsideQuotes(RuleTitleEN(r.Name)); RuleTitleEN(r.Name) == "" || h != "" {
			t.Errorf("rule %s: English title %q", r.Name, RuleTitleEN(r.Name))
		}
		for _, in := range r.Inputs {
			labels++
			if l := InputLabelEN(r.Name, in.Name); l == "" || HanOutsideQuotes(l) != "" {
				t.Errorf("input %s.%s: English label %q", r.Name, in.Name, l)
			}
		}
	}
	if len(ruleTitlesEN) != len(Rules()) || len(inputLabelsEN) != labels {
		t.Errorf("stale entries: %d rule titles for %d rules, %d labels for %d inputs", len(ruleTitlesEN), len(Rules()), len(inputLabelsEN), labels)
	}
}

func TestParseFormatted(t *testing.T) {
	for _, v := range []int64{0, 1, 9999, 10000, 12345, 600000, 1000001, 123456789, 150000000, 100000000, MaxYuan, -200000} {
		if got, ok := parseFormatted(yuan.Format(v)); !ok || got != v {
			t.Errorf("parseFormatted(%q) = %d, %v; want %d", yuan.Format(v), got, ok, v)
		}
	}
	for _, bad := range []string{"", "万", "1.23456万", "1.x万", "abc", "1e5"} {
		if _, ok := parseFormatted(bad); ok {
			t.Errorf("parseFormatted(%q) accepted", bad)
		}
	}
}

func TestHanOutsideQuotes(t *testing.T) {
	tests := map[string]string{
		"600,000 yuan (60万元)":            "",
		"“壮大贷” (Zhuangda loan) interest": "",
		"Text: “对新获评国家专精特新“小巨人”企业”":      "",
		"Responsible department: 市科技局":   "市科技局",
		"600,000 yuan (60万) and 元":       "万元",
		"aaa（说明）":                        "说明",
	}
	for s, want := range tests {
		if got := HanOutsideQuotes(s); got != want {
			t.Errorf("HanOutsideQuotes(%q) = %q, want %q", s, got, want)
		}
	}
}
