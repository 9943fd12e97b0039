package push

import (
	"regexp"
	"slices"
	"strings"
)

// CodeWords returns the ASCII words in s that a Chinese reader should not
// meet: names from the code or the JSON (POLICY_ISSUED, rd_spend_yuan,
// tiers), English messages (invalid, want), Go values (1e15). Not counted:
// slash commands (/subscribe), numbers, the financial term LPR,
// and the words in allow (an enterprise id the reader gave, or the profile
// keys a /subscribe reply names after their Chinese names). Tests of every
// user text (bills, chat commands, /start and /help) hold it empty.
func CodeWords(s string, allow ...string) []string {
	var out []string
	for _, w := range asciiWord.FindAllString(s, -1) {
		switch {
		case strings.HasPrefix(w, "/") && commandWord.MatchString(w):
		case !strings.ContainsFunc(w, isLatin):
		case slices.Contains(plainTerms, w), slices.Contains(allow, w):
		default:
			out = append(out, w)
		}
	}
	return out
}

var (
	asciiWord   = regexp.MustCompile(`/?[A-Za-z0-9_]+`)
	commandWord = regexp.MustCompile(`^/[a-z0-9_]+$`)
	// plainTerms are ASCII words Chinese readers use as they are.
	plainTerms = []string{"LPR"}
)

func isLatin(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// ProfileWords are the profile contract's keys and enum values, sorted: a
// text that explains the profile JSON (/subscribe) or names a field the
// sender wrote may show them.
func ProfileWords() []string {
	var ws []string
	for k := range topNames {
		ws = append(ws, k)
	}
	for _, m := range innerNames {
		for k := range m {
			ws = append(ws, k)
		}
	}
	for k := range valueNames {
		ws = append(ws, k)
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}
