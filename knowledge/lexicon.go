package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexicon is the domain vocabulary of the two documents, in simplified
// characters: vocab/lexicon.yaml. Segmentation prefers the longest entry, so
// terms of art such as 专精特新 or 壮大贷 stay whole tokens instead of
// dissolving into bigrams. Every quoted term of the corpus must be in it
// (TestLexiconCoversQuotedTerms), and nothing that is not in the documents
// (TestLexiconWordsInDocuments).

// lexiconSet maps each entry to true; lexiconHeads maps the first two
// characters of each entry to the longest entry starting with them, so that
// segmentation probes the set only where a word can start.
var lexiconSet, lexiconHeads = func() (map[string]bool, map[string]int) {
	m := make(map[string]bool, len(lexicon))
	heads := map[string]int{}
	for _, w := range lexicon {
		m[w] = true
		r := []rune(w)
		if len(r) >= 2 {
			h := string(r[:2])
			heads[h] = max(heads[h], len(r))
		}
	}
	return m, heads
}()

// maxRunRunes is the chunk size segmentHan works in.
const maxRunRunes = 256

// stopSet is stopRunes as a set.
var stopSet = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range stopRunes {
		m[r] = true
	}
	return m
}()

// stopRunes are function characters that carry no topic on their own. They
// are dropped only as isolated single characters, never out of bigrams.
const stopRunes = "的了吗呢啊吧是在和与及或等对把被我你他她它们这那有也都就还又很可能会要想让之其并而且为以于从向个些么啥怎呀哦嘛哪谁么里吧咋"

// englishStop are English words too common to be evidence of anything.
var englishStop = map[string]bool{
	"a": true, "an": true, "the": true, "is": true, "are": true, "was": true, "be": true, "do": true, "doe": true,
	"does": true, "did": true, "i": true, "we": true, "my": true, "our": true, "you": true, "it": true, "for": true,
	"of": true, "to": true, "in": true, "on": true, "at": true, "by": true, "and": true, "or": true, "if": true,
	"there": true, "what": true, "which": true, "how": true, "can": true, "get": true, "any": true, "with": true,
	"that": true, "this": true, "thi": true, "from": true, "as": true, "me": true, "us": true, "will": true, "would": true,
	"should": true, "about": true, "when": true, "who": true, "where": true, "why": true, "company": true,
}

// docSpellings rewrites the documents' spellings to what people type before
// a clause is tokenised (quotes keep the original): bracketed forms that
// Normalize would split (各区（市）县 → 区县, 制（修）订 → 制修订), the
// contracted 沪深北交易所 spelled out as the exchanges' usual short names,
// and the draft's typo 科创版.
var docSpellings = strings.NewReplacer(
	"区(市)县", "区县",
	"制(修)订", "制修订",
	"沪深北交易所", "沪深北交易所 上交所 深交所 北交所",
	"科创版", "科创板",
)

// clauseTokens tokenises clause text for the index.
func clauseTokens(s string) []string { return tokenize(docSpellings.Replace(Normalize(s))) }

// Tokens returns the index tokens of s after Normalize: lexicon words by
// longest match (with the bigrams inside words longer than two characters, so
// 研发 still meets 研发投入), character bigrams for Chinese text between
// lexicon words (a lone character as a unigram unless it is a function
// character), and lower-cased, lightly stemmed English words and numbers.
// Order follows s; duplicates are kept.
func Tokens(s string) []string { return tokenize(Normalize(s)) }

// tokenize is Tokens on already normalised text.
func tokenize(s string) []string {
	var out []string
	runes := []rune(s)
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case isHan(r):
			j := i
			for j < len(runes) && isHan(runes[j]) {
				j++
			}
			// Runs are segmented in chunks so the offset table stays on
			// the stack; a word cut at a chunk edge only loses one token.
			for k := i; k < j; k += maxRunRunes {
				out = segmentHan(string(runes[k:min(j, k+maxRunRunes)]), out)
			}
			i = j
		case isWordRune(r):
			j := i
			for j < len(runes) && isWordRune(runes[j]) {
				j++
			}
			if w := stem(string(runes[i:j])); w != "" && !englishStop[w] {
				out = append(out, w)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') ||
		r >= utf8.RuneSelf && !isHan(r) && unicode.IsLetter(r)
}

// stem folds the English plural forms users write ("loans", "subsidies").
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// segmentHan appends the tokens of one run of Han characters. It works on
// byte offsets of the run so that lexicon probes are substrings, not
// allocations. run holds at most maxRunRunes runes.
func segmentHan(run string, out []string) []string {
	var offs [maxRunRunes + 1]int
	off := offs[:0]
	for i := range run {
		off = append(off, i)
	}
	n := len(off)
	off = append(off, len(run))
	sub := func(i, j int) string { return run[off[i]:off[j]] }
	gap := -1 // start of the current stretch of non-lexicon characters
	flushGap := func(end int) {
		if gap < 0 {
			return
		}
		if end-gap == 1 {
			if r, _ := utf8.DecodeRuneInString(sub(gap, end)); !stopSet[r] {
				out = append(out, sub(gap, end))
			}
		} else {
			for i := gap; i+1 < end; i++ {
				out = append(out, sub(i, i+2))
			}
		}
		gap = -1
	}
	for i := 0; i < n; {
		w := 0
		longest := 0
		if i+2 <= n {
			longest = lexiconHeads[sub(i, i+2)]
		}
		for l := min(longest, n-i); l >= 2; l-- {
			if lexiconSet[sub(i, i+l)] {
				w = l
				break
			}
		}
		if w == 0 {
			if gap < 0 {
				gap = i
			}
			i++
			continue
		}
		flushGap(i)
		out = append(out, sub(i, i+w))
		if w > 2 {
			for j := i; j+1 < i+w; j++ {
				out = append(out, sub(j, j+2))
			}
		}
		i += w
	}
	flushGap(n)
	return out
}

// isHan is unicode.Is(unicode.Han, r) with the common cases first: the
// table search costs more than everything else segmentation does per rune.
func isHan(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return unicode.Is(unicode.Han, r)
}
