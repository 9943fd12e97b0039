package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cdsme/policybot/policies"
)

// hanOutside returns the Chinese an English answer carries where it should
// not. Allowed: the quoted clause line ("Text: “…”"), anything inside “ ”
// (names such as “壮大贷”, a department's Chinese name), the Chinese form of
// an amount ("(60万元)").
func hanOutside(answer string) string {
	var b strings.Builder
	for _, line := range strings.Split(answer, "\n") {
		if strings.HasPrefix(line, "Text: “") {
			continue
		}
		b.WriteString(policies.HanOutsideQuotes(line))
	}
	return b.String()
}

// TestEnglishAnswers: English in, English out — amounts, steps, notes,
// advice, the request for figures, headings, the refusal.
func TestEnglishAnswers(t *testing.T) {
	e := engineForTest(t)
	tests := []struct {
		q        string
		amounts  []int64  // the calculations' amounts, in order
		answered bool     // in scope
		contains []string // English the answer must hold
	}{
		{q: "Our R&D spending went up by 6.5 million yuan compared with last year, how much subsidy can we get?",
			amounts: []int64{600000}, answered: true,
			contains: []string{"Subsidy for increased R&D spending: 600,000 yuan (60万元)", "6,500,000 yuan (650万元) ÷ 2,000,000 yuan (200万元) = 3",
				"Tip: Another 1,500,000 yuan (150万元) of R&D spending", "Basis: Annex 2", "Article 4 (Support for innovation) [policy/4]", "Responsible departments: ", DraftNoteEN}},
		{q: "We were newly recognised as a national Little Giant, how much?", amounts: []int64{500000}, answered: true,
			contains: []string{"500,000 yuan (50万元)", "one-off award"}},
		{q: "How much can we get for digital transformation?", answered: true,
			contains: []string{"To calculate the amount I still need: digital and smart investment actually made."}},
		{q: "What is the maximum subsidy for R&D spending?", amounts: []int64{5000000}, answered: true,
			contains: []string{"up to 5,000,000 yuan (500万元) (a cap", "The cap the clause sets"}},
		{q: "Does Beijing give Little Giant awards?",
			contains: []string{"Sorry, this question is outside", "Beijing", "12345"}},
		{q: "How do I renew my passport?", contains: []string{"Sorry, this question is outside"}},
		{q: "We invested 2.6 million yuan in digital transformation, what subsidy?", amounts: []int64{260000}, answered: true,
			contains: []string{"As you said: digital and smart investment actually made 2,600,000 yuan (260万元).", "2,600,000 yuan (260万元) × 10% = 260,000 yuan (26万元)", "Within the subsidy cap of 1,200,000 yuan (120万元)"}},
		{q: "Zhuangda loan: we paid 1.2 million interest, LPR interest was 1 million, how much subsidy?", amounts: []int64{500000}, answered: true,
			contains: []string{"“壮大贷” (Zhuangda loan) interest subsidy: up to 500,000 yuan (50万元)"}},
		{q: "Our R&D spending rose from 5 million to 9.3 million, and we were newly recognised as a Little Giant, how much in total?",
			amounts: []int64{500000, 400000, 900000}, answered: true,
			contains: []string{"Total: 900,000 yuan (90万元)", "(Subsidy for increased R&D spending) = 900,000 yuan (90万元)"}},
		{q: "Our R&D spending went up by -3 million, how much subsidy?", answered: true,
			contains: []string{"“-3 million” is negative", "To calculate the amount I still need: increase in R&D spending over last year."}},
		{q: "We invested 13 million in smart manufacturing upgrades, how much?", amounts: []int64{1200000}, answered: true,
			contains: []string{"Above the subsidy cap of 1,200,000 yuan (120万元)"}},
	}
	for _, tt := range tests {
		a := e.Ask(context.Background(), tt.q)
		if a.Lang != "en" {
			t.Errorf("%q: lang %q", tt.q, a.Lang)
		}
		if a.Answered != tt.answered {
			t.Errorf("%q: answered %v, want %v\n%s", tt.q, a.Answered, tt.answered, a.Answer)
		}
		var got []int64
		for _, c := range a.Calculations {
			got = append(got, c.AmountYuan)
			for _, s := range slices.Concat(c.Steps, c.Notes, []string{c.Title}) {
				if h := policies.HanOutsideQuotes(s); h != "" {
					t.Errorf("%q: calculation %s not in English (%q): %q", tt.q, c.Rule, h, s)
				}
			}
		}
		if !slices.Equal(got, tt.amounts) {
			t.Errorf("%q: amounts %v, want %v\n%s", tt.q, got, tt.amounts, a.Answer)
		}
		if h := hanOutside(a.Answer); h != "" {
			t.Errorf("%q: Chinese outside quotes: %q\n%s", tt.q, h, a.Answer)
		}
		for _, s := range tt.contains {
			if !strings.Contains(a.Answer, s) {
				t.Errorf("%q: answer lacks %q\n%s", tt.q, s, a.Answer)
			}
		}
	}
}

// TestChineseAnswersStayChinese: a Chinese question keeps the Chinese
// receipts and headings.
func TestChineseAnswersStayChinese(t *testing.T) {
	a := engineForTest(t).Ask(context.Background(), "研发投入比去年多了650万，能拿多少")
	if a.Lang != "zh" || len(a.Calculations) != 1 || a.Calculations[0].Steps[0] != "650万 ÷ 200万 = 3 档（不足一档的部分不计）" ||
		!strings.Contains(a.Answer, "依据：") || !strings.Contains(a.Answer, "【研发投入增量补助】60万") {
		t.Errorf("Chinese answer changed:\n%s\n%+v", a.Answer, a.Calculations)
	}
}

func TestNotesEN(t *testing.T) {
	e := engineForTest(t)
	tests := map[string]string{
		"“研发”按“研发投入”理解。":                                             "“研发” was read as “研发投入”.",
		"“不足100万”按低于100万计算。":                                         "“不足100万” is taken as just below 1,000,000 yuan (100万元).",
		"问题给的是一个范围（300万—500万），下面按两端分别计算。":                            "The question gives a range (3,000,000 yuan (300万元) to 5,000,000 yuan (500万元)): both ends are calculated below.",
		"“-300万”是负数，不能作为金额计算；请告诉我正确的金额。":                             "“-300万” is negative and cannot be used as an amount; please give the correct figure.",
		"Yes: 60万 is what the calculation below gives.":              "Yes: 600,000 yuan (60万元) is what the calculation below gives.",
		"No: not 50万 — by the clause it is 60万 (calculation below).": "No: not 500,000 yuan (50万元) — by the clause it is 600,000 yuan (60万元) (calculation below).",
	}
	for zh, want := range tests {
		if got := e.noteEN(zh, Answer{}); got != want {
			t.Errorf("noteEN(%q) = %q, want %q", zh, got, want)
		}
	}
	r := []ReadFigure{{Rule: "rd_increase", Input: "rd_last_year_yuan", Yuan: 5000000}, {Rule: "rd_increase", Input: "rd_this_year_yuan", Yuan: 9300000}}
	if got, want := e.noteEN("按您所说：上年度研发投入 500万，本年度研发投入 930万。", Answer{Reading: r}),
		"As you said: last year's R&D spending 5,000,000 yuan (500万元); this year's R&D spending 9,300,000 yuan (930万元)."; got != want {
		t.Errorf("reading note: %q, want %q", got, want)
	}
	if got := missingEN([]string{"研发投入比上年增加额", "未知"}); !slices.Equal(got, []string{"increase in R&D spending over last year", "“未知”"}) {
		t.Errorf("missingEN: %q", got)
	}
}

// TestEnglishEvalQuestions asks every English question of the evaluation
// sets: each answer, and each calculation's steps, is English outside the
// quoted clause text, names in “ ” and the Chinese form of amounts. A note
// the engine writes in Chinese with no entry in notesEN fails here. Answers
// that say the documents are silent (composeUnstated, need.go) still quote
// the nearest clause's Chinese title and are left out.
func TestEnglishEvalQuestions(t *testing.T) {
	files, err := filepath.Glob("../testdata/eval/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no evaluation sets: %v", err)
	}
	e := engineForTest(t)
	n := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			var c struct {
				Q string `json:"q"`
			}
			if json.Unmarshal([]byte(line), &c) != nil || detectLang(c.Q) != "en" {
				continue
			}
			a := e.Ask(context.Background(), c.Q)
			if a.Lang != "en" {
				continue
			}
			n++
			if h := hanOutside(a.Answer); h != "" {
				t.Errorf("%s: %q: Chinese outside quotes: %q\n%s", filepath.Base(f), c.Q, h, a.Answer)
			}
			for _, calc := range a.Calculations {
				for _, s := range calc.Steps {
					if h := policies.HanOutsideQuotes(s); h != "" {
						t.Errorf("%q: step of %s not in English: %q", c.Q, calc.Rule, s)
					}
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d English questions asked", n)
	}
}
