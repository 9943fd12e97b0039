package knowledge

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"go.yaml.in/yaml/v3"
)

// A Fix is one rewrite Standardize made, for the answer to show ("按“数字化”理解").
type Fix struct {
	From, To string
	Kind     string // dialect, colloquial or typo
}

//go:embed vocab/dialect.yaml
var dialectYAML []byte

type dialectWord struct {
	From   string   `yaml:"from"`
	To     string   `yaml:"to"`
	Source string   `yaml:"source"`
	When   []string `yaml:"when"`
	After  []string `yaml:"after"`
	AtEnd  bool     `yaml:"at_end"`
}

// dialectTable is generated from vocab/dialect.yaml into vocab_table.go.

func parseDialect(data []byte) ([]dialectWord, error) {
	var doc struct {
		Words []dialectWord `yaml:"words"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("dialect.yaml: %w", err)
	}
	for _, w := range doc.Words {
		if w.From == "" || w.To == "" || (w.Source != "dialect" && w.Source != "colloquial") {
			return nil, fmt.Errorf("dialect.yaml: entry %q→%q: need from, to and source dialect|colloquial", w.From, w.To)
		}
	}
	return doc.Words, nil
}

// sentenceEnd is where a sentence-final particle may stand.
const sentenceEnd = "？?，,。！!；; \n"

// Standardize rewrites a question into the standard Mandarin the reader
// knows: Sichuan and colloquial words (vocab/dialect.yaml) and homophone
// typos of the documents' terms (数子化 → 数字化, 专精特心 → 专精特新),
// found through pinyin. It keeps every figure and Latin word as written,
// so amounts read from the result are the user's.
func Standardize(q string) (string, []Fix) {
	var fixes []Fix
	for _, w := range dialectTable {
		var n int
		q, n = rewriteWord(q, w)
		if n > 0 {
			fixes = append(fixes, Fix{From: w.From, To: w.To, Kind: w.Source})
		}
	}
	q, typos := fixTypos(q)
	return q, append(fixes, typos...)
}

func rewriteWord(q string, w dialectWord) (string, int) {
	if !strings.Contains(q, w.From) {
		return q, 0
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); {
		j := strings.Index(q[i:], w.From)
		if j < 0 {
			b.WriteString(q[i:])
			break
		}
		at, end := i+j, i+j+len(w.From)
		b.WriteString(q[i:at])
		if w.applies(q[:at], q[end:]) {
			b.WriteString(w.To)
			n++
		} else {
			b.WriteString(w.From)
		}
		i = end
	}
	return b.String(), n
}

func (w dialectWord) applies(before, after string) bool {
	rest := strings.TrimLeft(after, " ")
	ends := rest == "" || strings.ContainsRune(sentenceEnd, firstRune(rest))
	if w.AtEnd && !ends {
		return false
	}
	if len(w.When) > 0 && !slices.ContainsFunc(w.When, func(s string) bool {
		return s == "$" && ends || s != "$" && strings.HasPrefix(rest, s)
	}) {
		return false
	}
	if len(w.After) > 0 && !slices.ContainsFunc(w.After, func(s string) bool { return strings.HasSuffix(before, s) }) {
		return false
	}
	return true
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// typoIndex holds the lexicon words a typo may stand for, by their first
// and second characters: a typo differs from its word in exactly one
// character, so one of the two is always right.
type typoIndex struct {
	words  [][]rune
	first  map[rune][]int
	second map[rune][]int
}

var typos = sync.OnceValue(func() *typoIndex {
	ix := &typoIndex{first: map[rune][]int{}, second: map[rune][]int{}}
	for _, w := range lexicon {
		r := []rune(w)
		if len(r) < 3 || !allHan(r) {
			continue // two characters are too easily another word
		}
		ix.first[r[0]] = append(ix.first[r[0]], len(ix.words))
		ix.second[r[1]] = append(ix.second[r[1]], len(ix.words))
		ix.words = append(ix.words, r)
	}
	return ix
})

func allHan(r []rune) bool {
	for _, c := range r {
		if !isHan(c) {
			return false
		}
	}
	return true
}

// fixTypos replaces a run of characters that differs from a lexicon word of
// three or more characters in exactly one character that sounds the same
// (toneless pinyin, with the southwestern mergers of zh/z, ch/c, sh/s, n/l,
// in/ing and en/eng), when the run itself is not a lexicon word.
func fixTypos(q string) (string, []Fix) {
	r := []rune(q)
	ix := typos()
	// A character inside a word the user spelt right is no typo: 技 of
	// 技术标准 in "国家技术标准" must not make 国家技 into 国家级.
	simple := make([]rune, len(r))
	for i, c := range r {
		simple[i] = t2s(c)
	}
	spelt := make([]bool, len(r))
	for i := range r {
		for l := 2; l <= 8 && i+l <= len(r); l++ {
			if lexiconSet[string(simple[i:i+l])] {
				for k := i; k < i+l; k++ {
					spelt[k] = true
				}
			}
		}
	}
	var fixes []Fix
	for i := 0; i < len(r); i++ {
		if !isHan(r[i]) {
			continue
		}
		best := -1
		cands := append(slices.Clone(ix.first[simple[i]]), func() []int {
			if i+1 < len(r) {
				return ix.second[simple[i+1]]
			}
			return nil
		}()...)
		for _, c := range cands {
			w := ix.words[c]
			if i+len(w) > len(r) || (best >= 0 && len(ix.words[best]) >= len(w)) {
				continue
			}
			if homophoneTypo(simple[i:i+len(w)], w, spelt[i:i+len(w)]) {
				best = c
			}
		}
		if best < 0 {
			continue
		}
		w := ix.words[best]
		fixes = append(fixes, Fix{From: string(r[i : i+len(w)]), To: string(w), Kind: "typo"})
		copy(r[i:], w)
		copy(simple[i:], w)
		i += len(w) - 1
	}
	if len(fixes) == 0 {
		return q, nil
	}
	return string(r), fixes
}

// homophoneTypo reports whether got is word with one character replaced by
// a homophone that is not part of a correctly spelt word, and got is not
// itself a word of the lexicon.
func homophoneTypo(got, word []rune, spelt []bool) bool {
	diff := -1
	for k := range word {
		if got[k] != word[k] {
			if diff >= 0 || !isHan(got[k]) || spelt[k] {
				return false
			}
			diff = k
		}
	}
	if diff < 0 || lexiconSet[string(got)] {
		return false
	}
	s := sound(got[diff])
	return s != "" && s == sound(word[diff])
}

// sound is a character's usual toneless reading with the southwestern
// mergers. Only the usual reading: 家 also reads jie, and 企业解决 is not
// 企业家.
func sound(c rune) string {
	ps := pinyin.SinglePinyin(c, pinyin.NewArgs())
	if len(ps) == 0 {
		return ""
	}
	return mergeSound(ps[0])
}

func mergeSound(p string) string {
	for _, m := range [][2]string{{"zh", "z"}, {"ch", "c"}, {"sh", "s"}} {
		if strings.HasPrefix(p, m[0]) {
			p = m[1] + p[len(m[0]):]
		}
	}
	if strings.HasPrefix(p, "l") {
		p = "n" + p[1:]
	}
	for _, m := range [][2]string{{"ing", "in"}, {"eng", "en"}} {
		if strings.HasSuffix(p, m[0]) {
			p = p[:len(p)-len(m[0])] + m[1]
		}
	}
	return p
}
