package policies

import (
	"strings"
	"testing"
	"time"
)

func TestFramesCoverEveryRule(t *testing.T) {
	fs, err := Frames()
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != len(Rules()) {
		t.Errorf("%d frames for %d rules", len(fs), len(Rules()))
	}
}

// A cue that claims to be the documents' own wording must be in them.
func TestFrameDocumentWordsAreInTheDocuments(t *testing.T) {
	var text strings.Builder
	for _, cl := range MustDefault().Clauses() {
		text.WriteString(strings.ToLower(cl.Text))
	}
	fs, _ := Frames()
	for _, f := range fs {
		check := func(where string, cues []Cue) {
			for _, c := range cues {
				if c.Source != "document" {
					continue
				}
				for _, w := range c.Words {
					if !strings.Contains(text.String(), w) {
						t.Errorf("%s: %q is marked source document but is not in the documents", where, w)
					}
				}
			}
		}
		check(f.Rule, f.Subject)
		for name, cues := range f.Inputs {
			check(f.Rule+" "+name, cues)
		}
	}
}

func TestLoadFramesRejects(t *testing.T) {
	for _, bad := range []string{
		"frames: [{rule: nope, subject: [{source: document, words: [x]}]}]",
		"frames: [{rule: little_giant, subject: [{source: guess, words: [x]}]}]",
		"frames: [{rule: little_giant, subject: [{source: english, patterns: ['(']}]}]",
		"frames: [{rule: little_giant, subject: [{source: english, patterns: [x]}]}]",
		"frames: [{rule: little_giant, subject: []}]",
		"frames: [{rule: little_giant, subject: [{source: document, words: [小巨人]}], inputs: {nope: {before: [{source: document, words: [x]}]}}}]",
		"frames: [{rule: little_giant, subject: [{source: document, words: [小巨人]}]}]", // the other rules have none
	} {
		if _, err := LoadFrames([]byte(bad)); err == nil {
			t.Errorf("LoadFrames(%q) accepted", bad)
		}
	}
}

func TestSameMatterKeepsTheHighest(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	lg, _ := Calculate("little_giant", Inputs{}, at)
	ps, _ := Calculate("provincial_sme", Inputs{}, at)
	rd, _ := Calculate("rd_increase", Inputs{"increase_yuan": "6500000"}, at)
	out := SameMatter([]Calculation{ps, rd, lg})
	if out[0].AmountYuan != 0 || out[1].AmountYuan != 600000 || out[2].AmountYuan != 500000 {
		t.Errorf("amounts %d %d %d, want 0 600000 500000", out[0].AmountYuan, out[1].AmountYuan, out[2].AmountYuan)
	}
	if !strings.Contains(strings.Join(out[0].Steps, ""), "就高不就低") {
		t.Errorf("the lower one does not say why: %v", out[0].Steps)
	}
}

// An unmet condition quotes its clause: the quote must be the clause's words.
func TestUnmetQuotesAreTheClause(t *testing.T) {
	fs, _ := Frames()
	n := 0
	for _, f := range fs {
		r, _ := RuleByName(f.Rule)
		cl, err := MustDefault().Clause(r.Clause)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range f.Unmet {
			n++
			if !strings.Contains(cl.Text, u.Quote) {
				t.Errorf("%s: unmet quote %q is not in %s", f.Rule, u.Quote, r.Clause)
			}
		}
	}
	if n == 0 {
		t.Error("no unmet conditions loaded")
	}
}
