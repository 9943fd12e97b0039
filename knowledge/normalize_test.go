package knowledge

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"研發投入增加了四百萬元，補助多少", "研发投入增加了四百万元,补助多少"},
		{"ＡＢＣ１２３　ｘｙｚ！", "abc123 xyz!"},
		{"  Little\tGiant\n\n reward ", "little giant reward"},
		{"小\u200b巨\ufeff人\u202e", "小巨人"},
		{"bad\xff\xfeutf8", "badutf8"},
		{"专精特新😀", "专精特新😀"},
		{"\x00\x01\x7f", ""},
		{"壯大貸貼息", "壮大贷贴息"},
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeBounded(t *testing.T) {
	big := strings.Repeat("研發投入ＡＢ ", 20000) // ~100 KB
	got := Normalize(big)
	if n := utf8.RuneCountInString(got); n > MaxNormalizedRunes {
		t.Fatalf("%d runes > %d", n, MaxNormalizedRunes)
	}
	if !utf8.ValidString(got) || Normalize(got) != got {
		t.Fatal("not valid or not idempotent")
	}
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"壮大贷贴息", []string{"壮大贷", "壮大", "大贷", "贴息"}},
		{"How much R&D subsidies?", []string{"much", "r", "d", "subsidy"}},
		{"的", nil},
		{"小巨人奖励", []string{"小巨人", "小巨", "巨人", "奖励"}},
	} {
		if diff := cmp.Diff(tc.want, Tokens(tc.in)); diff != "" {
			t.Errorf("Tokens(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestLexiconCoversQuotedTerms keeps the lexicon built from the documents:
// every term the documents put in quotation marks is a lexicon entry, and
// every entry is in simplified, normalised form.
func TestLexiconCoversQuotedTerms(t *testing.T) {
	for _, w := range lexicon {
		if Normalize(w) != w {
			t.Errorf("lexicon entry %q is not normalised", w)
		}
	}
	for _, cl := range newTestIndex(t).clauses {
		text := cl.Text
		for {
			i := strings.Index(text, "“")
			if i < 0 {
				break
			}
			text = text[i+len("“"):]
			j := strings.Index(text, "”")
			if j < 0 {
				break
			}
			for _, part := range strings.FieldsFunc(text[:j], func(r rune) bool { return r < 0x3400 || r == '·' }) {
				if utf8.RuneCountInString(part) >= 2 && !lexiconSet[Normalize(part)] {
					t.Errorf("%s: quoted term %q missing from lexicon", cl.ID, part)
				}
			}
			text = text[j:]
		}
	}
}

// TestConceptExpansionsInCorpus: an expansion token the corpus lacks can
// never match; it would only be a typo.
func TestConceptExpansionsInCorpus(t *testing.T) {
	ix := newTestIndex(t)
	for _, c := range compiledConcepts {
		for _, e := range c.concept.expand {
			found := false
			for _, tk := range tokenize(Normalize(e)) {
				if _, ok := ix.idf[tk]; ok {
					found = true
				}
			}
			if !found {
				t.Errorf("concept %s: expansion %q matches nothing in the corpus", c.name, e)
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"研發投入", "ＡＢＣ", "\xff\xfe", "😀\u200d😀", "a\x00b", strings.Repeat("长", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Normalize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if utf8.RuneCountInString(got) > MaxNormalizedRunes {
			t.Fatalf("too long")
		}
		if again := Normalize(got); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
		for _, tk := range Tokens(s) {
			if tk == "" || !utf8.ValidString(tk) {
				t.Fatalf("bad token %q", tk)
			}
		}
	})
}
