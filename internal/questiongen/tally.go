package questiongen

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Tally counts passed cases per class: per top-level class (the first part)
// and per value of each further dimension.
type Tally struct {
	groups map[string]*tallyGroup
}

type tallyGroup struct{ n, ok int }

// Add records one case of the class; ok is whether every check passed.
func (t *Tally) Add(class string, ok bool) {
	if class == "" {
		return
	}
	if t.groups == nil {
		t.groups = map[string]*tallyGroup{}
	}
	parts := strings.Split(class, "/")
	keys := []string{"0 class " + parts[0]}
	for i, p := range parts[1:] {
		name := fmt.Sprintf("d%d", i+2)
		if len(parts) == len(Dimensions) {
			name = Dimensions[i+1]
		}
		keys = append(keys, fmt.Sprintf("%d %s=%s", i+1, name, p))
	}
	keys = append(keys, "~ all")
	for _, k := range keys {
		gr := t.groups[k]
		if gr == nil {
			gr = &tallyGroup{}
			t.groups[k] = gr
		}
		gr.n++
		if ok {
			gr.ok++
		}
	}
}

// Empty reports whether no classed case was added.
func (t *Tally) Empty() bool { return len(t.groups) == 0 }

// Ratio is the share of passed cases of a group key as Write prints it
// ("all", "class rd_increase", "order=from_to"); ok is false for no cases.
func (t *Tally) Ratio(key string) (float64, bool) {
	for k, gr := range t.groups {
		if _, name, _ := strings.Cut(k, " "); name == key {
			return float64(gr.ok) / float64(gr.n), true
		}
	}
	return 0, false
}

// Write prints one line a group: the top-level classes, then each
// dimension's values, then all classed cases.
func (t *Tally) Write(w io.Writer) {
	keys := make([]string, 0, len(t.groups))
	for k := range t.groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintln(w, "per class (cases passing every check):")
	for _, k := range keys {
		gr := t.groups[k]
		_, name, _ := strings.Cut(k, " ")
		fmt.Fprintf(w, "  %-28s %5.1f%% (%d/%d)\n", name, 100*float64(gr.ok)/float64(gr.n), gr.ok, gr.n)
	}
}
