package questiongen

import (
	"strings"
	"testing"
)

func TestTally(t *testing.T) {
	var tl Tally
	if !tl.Empty() {
		t.Fatal("new tally not empty")
	}
	tl.Add("", true) // unclassed cases are not counted
	tl.Add("digital/list/wan/simplified/plain/none", true)
	tl.Add("digital/plain/wan/english/plain/year", false)
	tl.Add("title/plain/none/simplified/typo/none", true)
	tl.Add("other/x", false) // not the generator's schema: positional names
	for key, want := range map[string]float64{
		"all": 0.5, "class digital": 0.5, "class title": 1, "order=list": 1,
		"format=wan": 0.5, "script=simplified": 1, "noise=none": 1, "d2=x": 0,
	} {
		if got, ok := tl.Ratio(key); !ok || got != want {
			t.Errorf("Ratio(%q) = %v, %v; want %v", key, got, ok, want)
		}
	}
	var b strings.Builder
	tl.Write(&b)
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n")[1:] {
		f := strings.Fields(l)
		lines[strings.Join(f[:len(f)-2], " ")] = strings.Join(f[len(f)-2:], " ")
	}
	if lines["class digital"] != "50.0% (1/2)" || lines["all"] != "50.0% (2/4)" || len(lines) != 15 {
		t.Errorf("Write:\n%s", b.String())
	}
}
