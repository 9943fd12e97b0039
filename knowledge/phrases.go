package knowledge

import (
	"strings"
	"unicode/utf8"
)

// phraseIndex finds which of many short phrases occur in a normalised
// question. Chinese phrases are indexed by their first rune, so a question is
// scanned once instead of once per phrase; a phrase "A+B" needs both A and B
// anywhere. Latin phrases match whole words of the question's padded
// " word word " form.
type phraseIndex struct {
	byRune map[rune][]phraseEntry
	latin  []phraseEntry
}

type phraseEntry struct {
	text string // Chinese: first part; Latin: " w1 w2 "
	rest string // Chinese: remaining "+" parts, "" if none
	id   int
}

func (p *phraseIndex) add(phrase string, id int) {
	if p.byRune == nil {
		p.byRune = map[rune][]phraseEntry{}
	}
	if isASCII(phrase) {
		p.latin = append(p.latin, phraseEntry{text: " " + strings.Join(englishWords(Normalize(phrase)), " ") + " ", id: id})
		return
	}
	phrase = Normalize(phrase)
	first, rest, _ := strings.Cut(phrase, "+")
	if first == "" {
		return
	}
	r, _ := utf8.DecodeRuneInString(first)
	p.byRune[r] = append(p.byRune[r], phraseEntry{text: first, rest: rest, id: id})
}

// each calls fn with the id of every phrase found, possibly more than once.
func (p *phraseIndex) each(norm, padded string, fn func(id int)) {
	for i, r := range norm {
		for _, e := range p.byRune[r] {
			if strings.HasPrefix(norm[i:], e.text) && (e.rest == "" || containsAll(norm, e.rest)) {
				fn(e.id)
			}
		}
	}
	if len(padded) > 2 {
		for _, e := range p.latin {
			if strings.Contains(padded, e.text) {
				fn(e.id)
			}
		}
	}
}

// first returns the smallest id found, or -1.
func (p *phraseIndex) first(norm, padded string) int {
	best := -1
	p.each(norm, padded, func(id int) {
		if best < 0 || id < best {
			best = id
		}
	})
	return best
}

// containsAll reports whether s contains every "+"-separated part of t.
func containsAll(s, t string) bool {
	for t != "" {
		part, rest, _ := strings.Cut(t, "+")
		if !strings.Contains(s, part) {
			return false
		}
		t = rest
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
