package knowledge

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNormalizedRunes bounds Normalize's output. Real questions are a few
// dozen characters; the cap keeps a pasted document or a hostile 100 KB input
// from costing more than a few microseconds per stage downstream.
const MaxNormalizedRunes = 1024

// Normalize maps s to the form every index and lexicon entry uses:
// traditional characters become simplified (OpenCC t2s, character level),
// full-width ASCII becomes half-width, letters are lower-cased, control and
// format characters (zero-width spaces, BOM, bidi marks) are dropped, invalid
// UTF-8 bytes are dropped, and runs of white space become one space with none
// at either end. The result is valid UTF-8 of at most MaxNormalizedRunes
// runes; Normalize never panics and is idempotent.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), MaxNormalizedRunes*3))
	n := 0
	space := false // a space is pending: written only before the next visible rune
	for i := 0; i < len(s) && n < MaxNormalizedRunes; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			continue
		}
		r = foldRune(r)
		switch {
		case r == ' ' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError ||
			unicode.Is(unicode.Cs, r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Noncharacter_Code_Point, r):
			continue
		}
		if space {
			if n+1 >= MaxNormalizedRunes {
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// foldRune applies the per-rune mappings of Normalize.
func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII variants
		return foldRune(r - 0xFF01 + '!')
	case r == 0x3000: // ideographic space
		return ' '
	case isHan(r):
		return t2s(r)
	}
	return unicode.ToLower(r)
}

// t2sBMP marks the BMP runes that t2sFrom holds: most Han characters in a
// question are already simplified, and a bit test spares them the search.
var t2sBMP = func() *[0x10000 / 64]uint64 {
	var b [0x10000 / 64]uint64
	for _, r := range t2sFrom {
		if r < 0x10000 {
			b[r/64] |= 1 << (r % 64)
		}
	}
	return &b
}()

// t2s maps one traditional character to its simplified form.
func t2s(r rune) rune {
	if r < 0x10000 && t2sBMP[r/64]&(1<<(r%64)) == 0 {
		return r
	}
	i := sort.Search(len(t2sFrom), func(i int) bool { return t2sFrom[i] >= r })
	if i < len(t2sFrom) && t2sFrom[i] == r {
		return t2sTo[i]
	}
	return r
}
