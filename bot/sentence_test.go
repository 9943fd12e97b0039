package bot

import "testing"

func TestSentenceEdges(t *testing.T) {
	for _, c := range []struct {
		raw        string
		at, start  int
		from, ends int
	}{
		{"我们投了300万。能补多少？", 24, 21, 0, 18},
		{"LPR was 3.45%. How much?", 20, 14, 0, 13},
		{"rose by 8 million... sorry, I mean 6", 30, 0, 0, -1},
	} {
		if got := sentenceStart(c.raw, c.at); got != c.start {
			t.Errorf("sentenceStart(%q, %d) = %d, want %d", c.raw, c.at, got, c.start)
		}
		if got := sentenceEndAfter(c.raw, c.from); got != c.ends {
			t.Errorf("sentenceEndAfter(%q, %d) = %d, want %d", c.raw, c.from, got, c.ends)
		}
	}
}
