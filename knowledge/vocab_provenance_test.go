package knowledge

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdsme/policybot/internal/questiongen"
	"github.com/cdsme/policybot/policies"
)

// docTexts are the documents as the index reads them: every clause's
// document title, section headings, title and text, normalised, once as
// written and once with the spellings the index rewrites (制(修)订 → 制修订).
func docTexts(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, cl := range policies.MustDefault().Clauses() {
		s := Normalize(cl.DocTitle + "\n" + strings.Join(cl.Section, "\n") + "\n" + cl.Title + "\n" + cl.Text)
		out = append(out, s, docSpellings.Replace(s))
	}
	return out
}

// inDocuments reports whether phrase, matched the way the reader matches a
// trigger ("A+B" both parts, Latin words whole), occurs in one of texts.
func inDocuments(phrase string, texts []string) bool {
	p := &phraseIndex{}
	p.add(phrase, 0)
	for _, s := range texts {
		if p.first(s, " "+strings.Join(englishWords(s), " ")+" ") >= 0 {
			return true
		}
	}
	return false
}

// TestLexiconWordsInDocuments: the lexicon holds the documents' own words
// and nothing else.
func TestLexiconWordsInDocuments(t *testing.T) {
	docs := docTexts(t)
	for _, w := range lexicon {
		found := false
		for _, s := range docs {
			if strings.Contains(s, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("lexicon.yaml: %q occurs in no document", w)
		}
	}
}

// TestVocabSourcesHonest: a word marked source: document occurs in the
// documents, and a Chinese trigger that occurs in them is marked document.
func TestVocabSourcesHonest(t *testing.T) {
	docs := docTexts(t)
	check := func(where string, w vocabWord) {
		in := inDocuments(w.text, docs)
		switch {
		case w.source == sourceDocument && !in:
			t.Errorf("%s: %q is marked source: document but occurs in no document", where, w.text)
		case w.source != sourceDocument && in && !isASCII(w.text):
			t.Errorf("%s: %q occurs in the documents but is marked source: %s", where, w.text, w.source)
		}
	}
	for _, c := range concepts {
		for _, w := range c.triggers {
			check("concepts.yaml: "+c.name, w)
		}
	}
	for _, o := range offTopics {
		for _, w := range o.sources {
			check("offtopics.yaml: "+o.label, w)
		}
	}
	for _, w := range offTopicVocab.support {
		check("offtopics.yaml: support_words", w)
	}
	for _, w := range append(append(append([]vocabWord{}, placeVocab.inScope...), placeVocab.other...), placeVocab.exceptions...) {
		if w.source == sourceDocument && !inDocuments(w.text, docs) {
			t.Errorf("places.yaml: %q is marked source: document but occurs in no document", w.text)
		}
	}
}

// generatedSample is how many questions of the generated suite
// (internal/questiongen) the provenance test reads, and their seed.
const generatedSample, generatedSeed = 2000, 7

// exampleFile holds questions written for the vocabulary: a second, independent
// example for a general synonym the question sets meet at most once.
const exampleFile = "testdata/vocab_examples.txt"

// questionSets returns the repository's questions: the q of every
// testdata/eval/*.jsonl case, a seeded sample of the generated suite and
// exampleFile, each normalised as typed and, joined by a newline, as the
// engine reads it after Standardize (啥时候 → 什么时候): a trigger counts if
// it meets either form.
func questionSets(t testing.TB) (evalQs, examples []string) {
	t.Helper()
	read := func(s string) string {
		std, _ := Standardize(s)
		return Normalize(s) + "\n" + Normalize(std)
	}
	files, err := filepath.Glob("../testdata/eval/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no evaluation sets (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c struct {
				Q string `json:"q"`
			}
			if err := json.Unmarshal(sc.Bytes(), &c); err == nil && c.Q != "" {
				evalQs = append(evalQs, read(c.Q))
			}
		}
	}
	gen, err := questiongen.Generate(generatedSample, generatedSeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range gen {
		evalQs = append(evalQs, read(c.Q))
	}
	data, err := os.ReadFile(exampleFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			examples = append(examples, read(line))
		}
	}
	return evalQs, examples
}

// TestVocabProvenance (issue 7 item 2): a concept trigger that is not the
// documents' own word and occurs in no document must be met by at least two
// questions — of the evaluation sets, the generated suite or exampleFile. A
// trigger only one question uses was most likely lifted from that question;
// a general synonym gets a second, independent example in exampleFile.
func TestVocabProvenance(t *testing.T) {
	docs := docTexts(t)
	evalQs, examples := questionSets(t)

	// Examples are written for the vocabulary, never copied from a set.
	inSets := map[string]bool{}
	for _, q := range evalQs {
		inSets[q] = true
	}
	seen := map[string]bool{}
	for _, q := range examples {
		if inSets[q] {
			t.Errorf("%s: %q is a question of the evaluation sets or the generated suite", exampleFile, q)
		}
		if seen[q] {
			t.Errorf("%s: %q twice", exampleFile, q)
		}
		seen[q] = true
	}

	type entry struct {
		concept string
		word    vocabWord
	}
	var entries []entry
	ix := &phraseIndex{}
	for _, c := range concepts {
		for _, w := range c.triggers {
			if w.source == sourceDocument || inDocuments(w.text, docs) {
				continue
			}
			ix.add(w.text, len(entries))
			entries = append(entries, entry{c.name, w})
		}
	}
	count := make([]int, len(entries))
	for _, q := range append(evalQs, examples...) {
		hit := map[int]bool{}
		ix.each(q, " "+strings.Join(englishWords(q), " ")+" ", func(id int) { hit[id] = true })
		for id := range hit {
			count[id]++
		}
	}
	for i, e := range entries {
		if count[i] <= 1 {
			t.Errorf("concepts.yaml: %s: %q (source %s) is in no document and matches %d question(s); give it a second example in %s or drop it",
				e.concept, e.word.text, e.word.source, count[i], exampleFile)
		}
	}
}
