package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitText cuts an answer into chunks whose size, summed over runes with
// cost, is at most limit: a channel passes what a rune costs it (bytes for
// WeChat, escaped UTF-16 units for Telegram HTML). It cuts at the last
// paragraph break of a full chunk, else at the last line break, else after
// sentence punctuation, else at a space — each only if it keeps at least
// half the chunk — else at the limit, on a rune boundary. Chunks are
// trimmed; a limit below one rune still takes one rune per chunk.
func SplitText(s string, limit int, cost func(rune) int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for s != "" {
		p, n, fits := 0, 0, true
		for i, r := range s {
			if n+cost(r) > limit {
				fits = false
				break
			}
			n += cost(r)
			p = i + utf8.RuneLen(r)
		}
		if fits {
			out = append(out, s)
			break
		}
		if p == 0 {
			_, p = utf8.DecodeRuneInString(s)
		}
		cut := bestCut(s[:p])
		if chunk := strings.TrimRightFunc(s[:cut], unicode.IsSpace); chunk != "" {
			out = append(out, chunk)
		}
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	return out
}

// bestCut returns where to end a chunk that must lie within w.
func bestCut(w string) int {
	half := len(w) / 2
	if i := strings.LastIndex(w, "\n\n"); i > half {
		return i
	}
	if i := strings.LastIndex(w, "\n"); i > half {
		return i
	}
	if i := lastSentenceEnd(w); i > half {
		return i
	}
	if i := strings.LastIndexFunc(w, unicode.IsSpace); i > half {
		return i
	}
	return len(w)
}

// lastSentenceEnd is the byte offset just after the last sentence-ending
// punctuation in w, or -1.
func lastSentenceEnd(w string) int {
	for i := len(w); i > 0; {
		r, sz := utf8.DecodeLastRuneInString(w[:i])
		switch r {
		case '。', '！', '？', '；', '.', '!', '?', ';':
			return i
		}
		i -= sz
	}
	return -1
}
