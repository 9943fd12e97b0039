package policies

import (
	_ "embed"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// A Frame says how a question speaks of one calculator: the cues that it is
// about the rule, the rules it makes irrelevant, and the cues that give a
// figure its input's role. Frames are data (rules/frames.yaml), each cue with
// its provenance, so that adding a calculator is a Go function, its
// parameters and a frame — no reader code.
type Frame struct {
	Rule     string
	Subject  []Cue
	Suppress []string
	// Inputs maps an input name to the cues, just before a figure, that make
	// the figure that input.
	Inputs map[string][]Cue
	// Matter names the matter (同一事项) the rule rewards, shared by rules
	// whose rewards are not received together (就高不就低); "" for none.
	Matter string
	// Separate: several calculations of the rule in one question are
	// separate awards (summed when a total is asked), not alternatives.
	Separate bool
	// Sums: the rule's amount input may be several listed items added up.
	Sums bool
	// Unmet are the clause's conditions a question can say are not met
	// ("只是参与起草", "投的只是创新型中小企业"): then the rule pays 0, the
	// condition quoted as the reason.
	Unmet []Condition
}

// A Condition is one of a clause's conditions, quoted from it, with the cues
// that say a question's enterprise (or one of its items) does not meet it.
type Condition struct {
	// Quote is the clause's words that set the condition (checked against
	// the clause by the tests).
	Quote string
	// Says is the condition in a short sentence, for the answer; SaysEN in
	// English.
	Says, SaysEN string
	// PerItem: the cues, said beside one of several listed figures ("D只是
	// 创新型中小企业200万"), exclude that item only.
	PerItem bool
	Cues    []Cue
	// Unless are cues that the condition is met after all ("去年还没有任何
	// 认定，今年刚评上省级"): then the cues above say nothing.
	Unless []Cue
}

// A Cue is a group of words or patterns with where they come from.
type Cue struct {
	Source   string   // document, synonym, taiwan, dialect, english
	Words    []string // literal phrases, matched as substrings of normalised text
	Patterns []string // regular expressions for shapes no word list says
	Why      string   // what the patterns catch
}

var cueSources = map[string]bool{"document": true, "synonym": true, "taiwan": true, "dialect": true, "english": true}

//go:embed rules/frames.yaml
var framesYAML []byte

// Frames returns the embedded frames in file order. The data is covered by
// tests, so an error means a broken build.
var Frames = sync.OnceValues(func() ([]Frame, error) { return LoadFrames(framesYAML) })

// LoadFrames parses a frames file and checks it against the calculators:
// every frame names a known rule and inputs it has, every rule but none has
// a frame, every cue has a known source and words or patterns that compile.
func LoadFrames(raw []byte) ([]Frame, error) {
	type cueYAML struct {
		Source   string   `yaml:"source"`
		Words    []string `yaml:"words"`
		Patterns []string `yaml:"patterns"`
		Why      string   `yaml:"why"`
	}
	var doc struct {
		Frames []struct {
			Rule     string                          `yaml:"rule"`
			Subject  []cueYAML                       `yaml:"subject"`
			Suppress []string                        `yaml:"suppress"`
			Inputs   map[string]map[string][]cueYAML `yaml:"inputs"`
			Matter   string                          `yaml:"matter"`
			Separate bool                            `yaml:"separate"`
			Sums     bool                            `yaml:"sums"`
			Unmet    []struct {
				Quote   string    `yaml:"quote"`
				Says    string    `yaml:"says"`
				SaysEN  string    `yaml:"says_en"`
				PerItem bool      `yaml:"per_item"`
				Cues    []cueYAML `yaml:"cues"`
				Unless  []cueYAML `yaml:"unless"`
			} `yaml:"unmet"`
		} `yaml:"frames"`
		// Shared holds YAML anchors for cues several frames use.
		Shared map[string]any `yaml:"shared"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("frames.yaml: %w", err)
	}
	checked := map[string]bool{}
	conv := func(where string, cs []cueYAML) ([]Cue, error) {
		var out []Cue
		for _, c := range cs {
			if !cueSources[c.Source] {
				return nil, fmt.Errorf("frames.yaml: %s: cue source %q is not one of document, synonym, taiwan, dialect, english", where, c.Source)
			}
			if len(c.Words) == 0 && len(c.Patterns) == 0 {
				return nil, fmt.Errorf("frames.yaml: %s: a cue needs words or patterns", where)
			}
			if len(c.Patterns) > 0 && c.Why == "" {
				return nil, fmt.Errorf("frames.yaml: %s: patterns need a why", where)
			}
			for _, p := range c.Patterns {
				// Parsing checks the syntax without building the program
				// (compiling every pattern here cost start-up ~15 ms).
				if checked[p] {
					continue
				}
				if _, err := syntax.Parse(p, syntax.Perl); err != nil {
					return nil, fmt.Errorf("frames.yaml: %s: %w", where, err)
				}
				checked[p] = true
			}
			out = append(out, Cue{Source: c.Source, Words: c.Words, Patterns: c.Patterns, Why: c.Why})
		}
		return out, nil
	}
	var out []Frame
	seen := map[string]bool{}
	for _, f := range doc.Frames {
		r, ok := RuleByName(f.Rule)
		if !ok {
			return nil, fmt.Errorf("frames.yaml: %w: %q", ErrUnknownRule, f.Rule)
		}
		if seen[f.Rule] {
			return nil, fmt.Errorf("frames.yaml: rule %s has two frames", f.Rule)
		}
		seen[f.Rule] = true
		fr := Frame{Rule: f.Rule, Suppress: f.Suppress, Inputs: map[string][]Cue{}, Matter: f.Matter, Separate: f.Separate, Sums: f.Sums}
		var err error
		if fr.Subject, err = conv(f.Rule+" subject", f.Subject); err != nil {
			return nil, err
		}
		if len(fr.Subject) == 0 {
			return nil, fmt.Errorf("frames.yaml: rule %s: no subject cues", f.Rule)
		}
		for _, s := range f.Suppress {
			if _, ok := RuleByName(s); !ok {
				return nil, fmt.Errorf("frames.yaml: rule %s suppresses %w: %q", f.Rule, ErrUnknownRule, s)
			}
		}
		for _, u := range f.Unmet {
			if u.Quote == "" || u.Says == "" || u.SaysEN == "" || len(u.Cues) == 0 {
				return nil, fmt.Errorf("frames.yaml: rule %s: an unmet condition needs quote, says, says_en and cues", f.Rule)
			}
			cues, err := conv(f.Rule+" unmet", u.Cues)
			if err != nil {
				return nil, err
			}
			unless, err := conv(f.Rule+" unmet unless", u.Unless)
			if err != nil {
				return nil, err
			}
			fr.Unmet = append(fr.Unmet, Condition{Quote: u.Quote, Says: u.Says, SaysEN: u.SaysEN, PerItem: u.PerItem, Cues: cues, Unless: unless})
		}
		for name, cues := range f.Inputs {
			if !slices.ContainsFunc(r.Inputs, func(in Input) bool { return in.Name == name }) {
				return nil, fmt.Errorf("frames.yaml: rule %s: %w: %q", f.Rule, ErrUnknownInput, name)
			}
			if fr.Inputs[name], err = conv(f.Rule+" "+name, cues["before"]); err != nil {
				return nil, err
			}
		}
		out = append(out, fr)
	}
	for _, r := range rules {
		if !seen[r.Name] {
			return nil, fmt.Errorf("frames.yaml: rule %s has no frame", r.Name)
		}
	}
	return out, nil
}

// Regexp compiles cues into one matcher: the words, quoted, and the
// patterns, as alternatives.
func Regexp(cues []Cue) *regexp.Regexp { return regexp.MustCompile(Pattern(cues)) }

// Pattern is the source of Regexp(cues).
func Pattern(cues []Cue) string {
	var alts []string
	for _, c := range cues {
		for _, w := range c.Words {
			alts = append(alts, regexp.QuoteMeta(w))
		}
		alts = append(alts, c.Patterns...)
	}
	return strings.Join(alts, "|")
}

// NotMet is rule's receipt when the question says one of its conditions is
// not met: 0 yuan, the condition quoted as the reason, said is the user's
// words. lang "en" writes the steps in English (the quote stays Chinese).
func NotMet(rule string, c Condition, said, lang string) (Calculation, error) {
	r, ok := RuleByName(rule)
	if !ok {
		return Calculation{}, fmt.Errorf("%w: %q", ErrUnknownRule, rule)
	}
	out := Calculation{Rule: r.Name, Clause: r.Clause, Title: r.Title, Kind: KindComputed, Inputs: map[string]any{}}
	if lang == "en" {
		out.Title = ruleTitlesEN[r.Name]
		out.Steps = []string{fmt.Sprintf("Condition: %s (the clause: “%s”)", c.SaysEN, c.Quote),
			fmt.Sprintf("You said “%s”: the condition is not met, 0 yuan", said)}
		out.Notes = []string{"If the facts are otherwise (the condition is met), say so and I will calculate the amount."}
		return out, nil
	}
	out.Steps = []string{fmt.Sprintf("条件：%s（原文“%s”）", c.Says, c.Quote),
		fmt.Sprintf("您说“%s”，不符合这一条件：0元", said)}
	out.Notes = []string{"如实际情况不同（例如已经符合），请补充说明，我再按实际计算。"}
	return out, nil
}

// SameMatter groups the calculations that reward one matter (frames'
// matter) and applies ApplyNoDoubleDipping to each group of two or more;
// the others are returned unchanged, in order.
func SameMatter(cs []Calculation) []Calculation {
	fs, err := Frames()
	if err != nil {
		return cs
	}
	matter := map[string]string{}
	for _, f := range fs {
		matter[f.Rule] = f.Matter
	}
	groups := map[string][]int{}
	for i, c := range cs {
		if m := matter[c.Rule]; m != "" && c.AmountYuan > 0 {
			groups[m] = append(groups[m], i)
		}
	}
	out := slices.Clone(cs)
	for _, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		var part []Calculation
		for _, i := range idx {
			part = append(part, cs[i])
		}
		for k, c := range ApplyNoDoubleDipping(part) {
			out[idx[k]] = c
		}
	}
	return out
}

// SeparateAwards reports whether several calculations of rule in one
// question are separate awards (its frame's separate).
func SeparateAwards(rule string) bool {
	fs, err := Frames()
	if err != nil {
		return false
	}
	for _, f := range fs {
		if f.Rule == rule {
			return f.Separate
		}
	}
	return false
}

// SumsItems reports whether rule's amount input may be several listed
// items added up (its frame's sums).
func SumsItems(rule string) bool {
	fs, err := Frames()
	if err != nil {
		return false
	}
	for _, f := range fs {
		if f.Rule == rule {
			return f.Sums
		}
	}
	return false
}
