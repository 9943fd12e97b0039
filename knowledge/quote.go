package knowledge

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxQuoteRunes is the soft length limit of Hit.Quote.
const MaxQuoteRunes = 120

// sentence is one sentence of a clause body with its parts: the pieces
// between commas, so that an over-long sentence can be cut at a comma.
type sentence struct {
	text   string
	pieces []piece
}

type piece struct {
	text   string
	runes  int
	tokens []string // distinct
	money  bool
}

// splitSentences cuts a body after 。；！？ and line breaks, and each sentence
// after its commas.
func splitSentences(body string) []sentence {
	var out []sentence
	for _, s := range splitAfter(body, "。；！？\n") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		st := sentence{text: s}
		for _, p := range splitAfter(s, "，") {
			pc := piece{text: p, runes: utf8.RuneCountInString(p), money: strings.Contains(p, "万元") || strings.Contains(p, "%")}
			for _, t := range clauseTokens(p) {
				if !slices.Contains(pc.tokens, t) {
					pc.tokens = append(pc.tokens, t)
				}
			}
			st.pieces = append(st.pieces, pc)
		}
		out = append(out, st)
	}
	return out
}

func splitAfter(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			end := i + utf8.RuneLen(r)
			out = append(out, s[start:end])
			start = end
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// quote returns the sentence of clause d that best matches q: the IDF-weighted
// query tokens it contains, plus a bonus for stating an amount when the
// question asks about money. A sentence over MaxQuoteRunes is narrowed to its
// best run of comma pieces that fits; a short best sentence is joined by the
// next one when both fit and the next one scores at least half as well.
func (ix *Index) quote(d int, q query) string {
	ss := ix.sentences[d]
	if len(ss) == 0 {
		return ""
	}
	pieceScore := func(p piece) float64 {
		s := 0.0
		for _, t := range p.tokens {
			if w, ok := q.weights[t]; ok {
				s += w * ix.idf[t]
			}
		}
		if q.money && p.money {
			s += 2
		}
		return s
	}
	best, bestScore := 0, -1.0
	scores := make([]float64, len(ss))
	for i, st := range ss {
		for _, p := range st.pieces {
			scores[i] += pieceScore(p)
		}
		if scores[i] > bestScore {
			best, bestScore = i, scores[i]
		}
	}
	st := ss[best]
	text := strings.TrimSpace(st.text)
	n := utf8.RuneCountInString(text)
	if n > MaxQuoteRunes {
		return bestWindow(st.pieces, pieceScore)
	}
	if next := best + 1; next < len(ss) && scores[next] > 0 && scores[next] >= bestScore/2 {
		nt := strings.TrimSpace(ss[next].text)
		if n+utf8.RuneCountInString(nt) <= MaxQuoteRunes {
			text += nt
		}
	}
	return text
}

// bestWindow is the highest-scoring run of consecutive pieces within
// MaxQuoteRunes, marked … where it cuts the sentence.
func bestWindow(ps []piece, score func(piece) float64) string {
	bi, bj, bs := 0, 0, -1.0
	for i := range ps {
		s, n := 0.0, 0
		for j := i; j < len(ps); j++ {
			n += ps[j].runes
			if n > MaxQuoteRunes-1 && j > i {
				break
			}
			s += score(ps[j])
			if s > bs {
				bi, bj, bs = i, j, s
			}
		}
	}
	var b strings.Builder
	for _, p := range ps[bi : bj+1] {
		b.WriteString(p.text)
	}
	out := strings.TrimSpace(b.String())
	if r := []rune(out); len(r) > MaxQuoteRunes-1 {
		out = string(r[:MaxQuoteRunes-1])
	}
	if bj < len(ps)-1 {
		out = strings.TrimRight(out, "，") + "…"
	}
	return out
}
