package bot

import (
	"regexp"
	"slices"
	"strings"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/yuan"
)

// Alternatives and the one chosen: "方案A投95万，方案B投110万。如果选B，能补
// 多少" or "增加400万或者1200万两种情况，只告诉我增加1200万时" weigh options
// and then ask about one. The options not chosen are no inputs; summing
// them, or reading them as two years, gives a figure nobody asked for.
var (
	// reOptionLabel names an option: 方案A, 方案二, B方案, 选项1, 情况一,
	// option B, plan 2, scenario A.
	reOptionLabel = regexp.MustCompile(`(?i)(方案|选项|情况|情形|\boption\s*|\bplan\s*|\bscenario\s*|\bcase\s*)([a-d甲乙丙丁一二三四1-4])(?:[^a-z共样般些下起直定点致]|$)|(?:^|[^a-z])([a-d甲乙丙丁])\s*(方案|选项)`)
	// reChoose: an option chosen by its bare letter ("如果选B", "go with B").
	reChoose = regexp.MustCompile(`(?i)(选|选择|采用|要是|如果是|\bgo with\s*|\bchoose\s*|\bpick\s*|\bopt for\s*)([a-d甲乙丙丁])(?:[^a-z]|$)`)
	// reChooseOnly: one option singled out ("只告诉我", "只算") even where
	// the options were listed with 或者.
	reChooseOnly = regexp.MustCompile(`只(告诉|问|算|看|要)|(?i)\bonly\b`)
	// reEachAsked: every option asked one by one.
	reEachAsked = regexp.MustCompile(`分别|各自|各是|各多少|各能|各拿|(?i)\b(respectively|each)\b`)
	// reOr joins two figures as alternatives.
	reOr = regexp.MustCompile(`(?i)^\s*(元|万元|块)?\s*(或者|或是|抑或|或|还是|\bor\b)\s*$`)
)

type optionLabel struct {
	key        string
	start, end int
}

// optionLabels finds the labels of re in raw; start is where the label's
// words begin (not a separator the pattern consumed before them).
func optionLabels(raw string, re *regexp.Regexp) []optionLabel {
	var out []optionLabel
	for _, loc := range re.FindAllStringSubmatchIndex(raw, -1) {
		start, k := loc[2], loc[4]
		if k < 0 {
			start, k = loc[6], loc[6]
		}
		key := strings.ToLower(raw[k : k+len(string([]rune(raw[k:])[0]))])
		out = append(out, optionLabel{key: optionKey(key), start: start, end: loc[1]})
	}
	return out
}

// optionKey folds the spellings of one option: 甲, 一, 1 and a are the first.
func optionKey(k string) string {
	for _, set := range []string{"a甲一1", "b乙二2", "c丙三3", "d丁四4"} {
		if strings.Contains(set, k) {
			return set[:1]
		}
	}
	return k
}

// withoutUnchosen keeps, of figures offered as alternatives, the one the
// question goes on to choose: by its label said again after every labelled
// figure, or by its figure said again after the alternatives. A question
// that compares the options (相差, 哪个多), sums them, asks each (分别) or
// chooses none keeps them all.
func withoutUnchosen(raw string, ms []yuan.Mention) []yuan.Mention {
	norm := knowledge.Normalize(raw)
	if len(ms) < 2 || reAsksDiff.MatchString(norm) || reAsksTotal.MatchString(norm) || reEachAsked.MatchString(norm) && !reChooseOnly.MatchString(norm) {
		return ms // compared, summed or asked one by one: every option counts
	}
	// By label: each figure belongs to the label just before it in its part.
	labels := optionLabels(raw, reOptionLabel)
	if len(labels) >= 2 {
		of := make([]string, len(ms))
		lastFigure := 0
		for i, m := range ms {
			seg := segmentAround(raw, m)
			for _, l := range labels {
				if l.end <= m.Start && l.start >= seg[0] && (i == 0 || l.start >= ms[i-1].End) {
					of[i] = l.key
				}
			}
			if of[i] != "" {
				lastFigure = m.End
			}
		}
		chosen := map[string]bool{}
		for _, l := range append(labels, optionLabels(raw, reChoose)...) {
			if l.start >= lastFigure && slices.Contains(of, l.key) {
				chosen[l.key] = true
			}
		}
		if len(chosen) == 1 {
			var kept []yuan.Mention
			for i, m := range ms {
				if of[i] == "" || chosen[of[i]] {
					kept = append(kept, m)
				}
			}
			return kept
		}
	}
	// By figure: "400万或者1200万 … 增加1200万时".
	for i := 0; i+1 < len(ms); i++ {
		a, b := ms[i], ms[i+1]
		if a.End > b.Start || !reOr.MatchString(raw[a.End:b.Start]) {
			continue
		}
		for j := i + 2; j < len(ms); j++ {
			again := ms[j]
			if again.Yuan != a.Yuan && again.Yuan != b.Yuan || segmentAround(raw, again)[0] < b.End {
				continue
			}
			keep := a
			if again.Yuan == b.Yuan {
				keep = b
			}
			out := slices.Clone(ms[:i])
			out = append(out, keep)
			out = append(out, ms[i+2:j]...)
			return append(out, ms[j+1:]...)
		}
	}
	return ms
}
