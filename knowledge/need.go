package knowledge

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A Need is what a question asks for: an amount, a deadline, the materials
// to hand in … The engine answers a need only from a clause that states it
// (policies.Clause.States); for any other it says the documents are silent.
type Need struct {
	ID       string // the reader's need, e.g. "deadline", "payout", "amount"
	Contract string // the `ask --json` value: amount | eligibility | deadline | procedure | materials | definition | department | stacking | validity | other
	// Whole is true for needs about the documents as a whole (validity,
	// stacking): whichever clause states it answers, however it ranks.
	Whole bool
}

// NeedOther is the need of a question no cue classifies.
var NeedOther = Need{ID: "other", Contract: "other"}

//go:embed vocab/needs.yaml
var needsYAML []byte

type needEntry struct {
	Need
	cues []cue
}

// A cue is parts that must all occur: Han parts as substrings of the
// normalised question, Latin parts as whole stemmed words (" w ").
type cue []string

func (c cue) match(norm, padded string) bool {
	for _, p := range c {
		if !strings.Contains(norm, p) && !strings.Contains(padded, p) {
			return false
		}
	}
	return true
}

var contracts = map[string]bool{"amount": true, "eligibility": true, "deadline": true, "procedure": true,
	"materials": true, "definition": true, "department": true, "stacking": true, "validity": true, "other": true}

var sources = map[string]bool{"document": true, "synonym": true, "dialect": true, "english": true}

func parseNeeds(data []byte) ([]needEntry, error) {
	var doc struct {
		// Classes name word sets a cue part may stand for ("@when"): a cue
		// "印发+@when" is one cue per word of the class.
		Classes map[string]struct {
			Words  []string `yaml:"words"`
			Source string   `yaml:"source"`
		} `yaml:"classes"`
		Needs []struct {
			ID       string `yaml:"id"`
			Contract string `yaml:"contract"`
			Whole    bool   `yaml:"whole_documents"`
			Cues     []struct {
				Words  []string `yaml:"words"`
				Source string   `yaml:"source"`
			} `yaml:"cues"`
		} `yaml:"needs"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("needs.yaml: %w", err)
	}
	classes := map[string][]string{}
	for name, c := range doc.Classes {
		if !sources[c.Source] || len(c.Words) == 0 {
			return nil, fmt.Errorf("needs.yaml: class %s: no words, or source %q is not one of document, synonym, dialect, english", name, c.Source)
		}
		classes[name] = c.Words
	}
	var out []needEntry
	for _, n := range doc.Needs {
		if n.ID == "" || !contracts[n.Contract] {
			return nil, fmt.Errorf("needs.yaml: need %q: bad id or contract %q", n.ID, n.Contract)
		}
		e := needEntry{Need: Need{ID: n.ID, Contract: n.Contract, Whole: n.Whole}}
		for _, c := range n.Cues {
			if !sources[c.Source] {
				return nil, fmt.Errorf("needs.yaml: need %s: cue source %q is not one of document, synonym, dialect, english", n.ID, c.Source)
			}
			for _, w := range c.Words {
				alts, err := expandCue(w, classes)
				if err != nil {
					return nil, fmt.Errorf("needs.yaml: need %s: %w", n.ID, err)
				}
				e.cues = append(e.cues, alts...)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// expandCue reads a cue "a+b+@class": parts joined by "+", each a word or
// a class name; the result is one cue per choice of a word in each class.
func expandCue(w string, classes map[string][]string) ([]cue, error) {
	out := []cue{nil}
	for _, p := range strings.Split(w, "+") {
		words := []string{p}
		if name, ok := strings.CutPrefix(p, "@"); ok {
			if words, ok = classes[name]; !ok {
				return nil, fmt.Errorf("cue %q: no class %q", w, name)
			}
		}
		var next []cue
		for _, c := range out {
			for _, word := range words {
				if isASCII(word) {
					word = " " + strings.Join(englishWords(Normalize(word)), " ") + " "
				} else {
					word = Normalize(word)
				}
				next = append(next, append(slices.Clip(c), word))
			}
		}
		out = next
	}
	return out, nil
}

// Needs classifies a question (needTable is generated from vocab/needs.yaml
// into vocab_table.go): every need with a matching cue, in the
// table's order (most specific first). The first is the question's main
// need; an empty result means NeedOther.
func Needs(question string) []Need {
	// "在政策有效期内…两次奖励一共多少": a condition the user states, not a
	// question about the validity (that would end in 吗 or ask 还…吗).
	norm := reWithinValidity.ReplaceAllString(Normalize(question), " $1")
	padded := " " + strings.Join(englishWords(norm), " ") + " "
	var out []Need
	for _, e := range needTable {
		for _, c := range e.cues {
			if c.match(norm, padded) {
				out = append(out, e.Need)
				break
			}
		}
	}
	return out
}

// reWithinValidity: "(都)在政策有效期内" said as a condition, not asked
// (the policy's: a title's 有效期内 is a question of its own).
var reWithinValidity = regexp.MustCompile(`(?:都|均)?(?:在|处于)?(?:本|这个|该)?政策(?:的)?有效期(?:内|之内)([^吗么?]|$)`)

// AllNeeds lists the needs the reader knows, in classification order.
func AllNeeds() []Need {
	out := make([]Need, len(needTable))
	for i, e := range needTable {
		out[i] = e.Need
	}
	return out
}

// NeedCueParts lists the normalised parts of every cue of need id (each
// cue's parts in order), for tests that check a cue list's provenance.
func NeedCueParts(id string) [][]string {
	var out [][]string
	for _, e := range needTable {
		if e.ID == id {
			for _, c := range e.cues {
				out = append(out, slices.Clone([]string(c)))
			}
		}
	}
	return out
}

// reSentenceEnd ends a sentence of a normalised question (half-width).
// An English full stop ends a sentence when a space or the end follows it
// (not in 1.5 or 3.45%).
var reSentenceEnd = regexp.MustCompile(`(?:[^。!?;:\n.]|\.[^\s])*(?:[。!?;:\n]|\.\s|\.$)?`)

// reAskWord marks a sentence that asks something; an English auxiliary
// asks only where it opens the sentence ("Can we…", not "We are…").
var reAskWord = regexp.MustCompile(`\?|吗|么|呢|多少|好多|(^|[^好])几|什么|啥|哪|怎么|怎样|如何|咋|是否|能否|可否|有没有|能不能|可不可以|是不是|算不算|行不行|(?i)\b(how|what|when|which|who|whom|where|whether)\b|(?i)^\s*(can|could|is|are|does|do|did|will|should|would|may)\b`)

// AskedPart is the part of a question that asks: its sentences with a
// question mark or word, without bracketed asides — so that a statement
// around it ("都在政策有效期内：…", "2022年认定为省级。…能拿多少？") does not
// set what is asked. It is the whole normalised question, asides blanked,
// when every sentence asks, or none does.
func AskedPart(question string) string {
	norm := Normalize(question)
	bare := BlankAsides(norm)
	var asked []string
	n := 0
	for _, s := range reSentenceEnd.FindAllString(bare, -1) {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n++
		if reAskWord.MatchString(s) {
			asked = append(asked, s)
		}
	}
	if len(asked) == 0 || len(asked) == n {
		return bare
	}
	return strings.Join(asked, " ")
}
