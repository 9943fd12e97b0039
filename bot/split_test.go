package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	text := strings.Repeat("研发投入增量补助。", 40) + "\n\n" + strings.Repeat("依据第4条。", 30)
	for _, limit := range []int{1, 30, 100, 500, 10000} {
		parts := SplitText(text, limit, utf8.RuneLen)
		if noSpace(strings.Join(parts, "")) != noSpace(text) {
			t.Errorf("limit %d: text lost or changed", limit)
		}
		for _, p := range parts {
			if len(p) > max(limit, 3) || !utf8.ValidString(p) {
				t.Errorf("limit %d: part of %d bytes (valid %v)", limit, len(p), utf8.ValidString(p))
			}
		}
	}
	if got := SplitText("  ", 10, utf8.RuneLen); len(got) != 0 {
		t.Errorf("blank text: %q", got)
	}
}

func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }
