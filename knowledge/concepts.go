package knowledge

import "strings"

// concept maps the ways people ask about one thing — colloquial Chinese,
// English, Taiwan wording — to the vocabulary the documents use for it. The
// table is data: vocab/concepts.yaml, loaded by vocab.go. Triggers are
// matched on the normalised question: Chinese as substrings, Latin words
// whole after the same light stemming Tokens applies. A matched concept adds
// the tokens of expand to the query with weight expansionWeight.
type concept struct {
	name     string
	triggers []vocabWord // with their provenance (document, synonym, …)
	expand   []string
	// domain marks a concept only these documents' readers would ask about;
	// one of them is enough evidence that a question is in scope.
	domain bool
	// audience marks a concept that names who (SME, 小巨人) rather than what;
	// see scope.go.
	audience bool
	// money marks a question about an amount: clauses that state amounts in
	// 万元 are preferred (附件2 carries the money, 附件1 the intentions).
	money bool
	// weight overrides expansionWeight for concepts specific enough to
	// count like a word the user typed (不重复享受, 有效期).
	weight float64
	// unless suppresses the concept: 多少家 asks for a count, not money.
	unless []string
}

// expansionWeight is the query weight of a token that came from a concept
// rather than from the user's own words.
const expansionWeight = 0.6

// compiledConcept is a concept with its expansion pre-tokenised.
type compiledConcept struct {
	*concept
	expand []string // tokens
}

// compiledConcepts, conceptTriggers and conceptSuppressors are built once
// from concepts; a phrase's id is the concept's index.
var compiledConcepts, conceptTriggers, conceptSuppressors = func() ([]compiledConcept, *phraseIndex, *phraseIndex) {
	out := make([]compiledConcept, len(concepts))
	trig, supp := &phraseIndex{}, &phraseIndex{}
	for i := range concepts {
		c := &concepts[i]
		out[i] = compiledConcept{concept: c}
		// Latin triggers (ipo, vc, ai) are matched as whole words: as
		// substrings "ai" would fire in "maintain".
		for _, t := range c.triggers {
			trig.add(t.text, i)
		}
		for _, t := range c.unless {
			supp.add(t, i)
		}
		for _, e := range c.expand {
			out[i].expand = append(out[i].expand, tokenize(Normalize(e))...)
		}
	}
	return out, trig, supp
}()

// englishWords are the lower-case, stemmed Latin words and numbers of
// normalised text, stop words included (phrases need them).
func englishWords(s string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			w := s[start:end]
			// Possessives fold to the noun: "shenzhen's" → "shenzhen",
			// "driver's licence" → "driver licence" (xi'an keeps its
			// apostrophe).
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
			if w != "" {
				out = append(out, stem(w))
			}
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		// '&' and '\'' stay inside words (r&d, xi'an); '-' splits, so
		// "high-tech" and "high tech" meet.
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '&' || c == '\'' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// matchConcepts returns the concepts whose triggers occur in normalised
// text (padded is its " word word " form), in table order.
func matchConcepts(norm, padded string) []*compiledConcept {
	var hit, suppressed [maxConcepts]bool
	if len(concepts) > len(hit) {
		panic("knowledge: more concepts than matchConcepts can track")
	}
	conceptTriggers.each(norm, padded, func(id int) { hit[id] = true })
	conceptSuppressors.each(norm, padded, func(id int) { suppressed[id] = true })
	var out []*compiledConcept
	for i := range compiledConcepts {
		if hit[i] && !suppressed[i] {
			out = append(out, &compiledConcepts[i])
		}
	}
	return out
}
