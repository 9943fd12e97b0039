package knowledge

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The reader's vocabulary is data (issue 7, item 2): the files under vocab/
// say which words mean what and where each word comes from. This file loads
// them into the generated tables of vocab_table.go (TestVocabTableFresh
// fails when a table is stale); the code that uses them lives in
// concepts.go, scope.go and lexicon.go.

//go:embed vocab/concepts.yaml
var conceptsYAML []byte

//go:embed vocab/places.yaml
var placesYAML []byte

//go:embed vocab/offtopics.yaml
var offTopicsYAML []byte

//go:embed vocab/lexicon.yaml
var lexiconYAML []byte

// Provenances a word group may name (the field "source").
const (
	sourceDocument = "document" // the two documents' own words
	sourceSynonym  = "synonym"  // general (mainland) Chinese wording
	sourceDialect  = "dialect"  // Sichuan / southwestern Mandarin
	sourceEnglish  = "english"  // English wording and Latin abbreviations
	sourceTaiwan   = "taiwan"   // Taiwan wording (數位, 資訊化, 上櫃)
	sourcePlace    = "place"    // names of places, and institutions named after them
)

var vocabSources = []string{sourceDocument, sourceSynonym, sourceDialect, sourceEnglish, sourceTaiwan, sourcePlace}

// wordGroup is a list of words with one provenance.
type wordGroup struct {
	Source string   `yaml:"source"`
	Words  []string `yaml:"words"`
}

// vocabWord is one word of a group, with the group's provenance.
type vocabWord struct {
	text   string
	source string
}

// decodeVocab decodes one vocab file strictly: an unknown field, a second
// document or a type mismatch is an error naming the file.
func decodeVocab(file string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty", file)
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: more than one YAML document", file)
	}
	return nil
}

// flattenGroups checks the groups (source one of allowed, no empty word)
// and returns their words in order. where names the groups in errors.
func flattenGroups(where string, gs []wordGroup, allowed ...string) ([]vocabWord, error) {
	var out []vocabWord
	for _, g := range gs {
		if !slices.Contains(allowed, g.Source) {
			return nil, fmt.Errorf("%s: source %q is not one of %s", where, g.Source, strings.Join(allowed, ", "))
		}
		if len(g.Words) == 0 {
			return nil, fmt.Errorf("%s: a %s group without words", where, g.Source)
		}
		for _, w := range g.Words {
			if strings.TrimSpace(w) == "" || strings.TrimSpace(w) != w {
				return nil, fmt.Errorf("%s: word %q is empty or has surrounding space", where, w)
			}
			out = append(out, vocabWord{text: w, source: g.Source})
		}
	}
	return out, nil
}

func wordTexts(ws []vocabWord) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}

func noEmpty(where string, words []string) error {
	for _, w := range words {
		if strings.TrimSpace(w) == "" {
			return fmt.Errorf("%s: empty word", where)
		}
	}
	return nil
}

// —— concepts.yaml ——

// maxConcepts is how many concepts matchConcepts can track.
const maxConcepts = 128

// concepts, placeVocab, offTopicVocab and lexicon are generated from the
// YAML into vocab_table.go (TestVocabTableFresh), so that start-up does not
// parse YAML.

func parseConcepts(data []byte) ([]concept, error) {
	const file = "concepts.yaml"
	var doc struct {
		Concepts []struct {
			Name     string      `yaml:"name"`
			Domain   bool        `yaml:"domain"`
			Audience bool        `yaml:"audience"`
			Money    bool        `yaml:"money"`
			Weight   float64     `yaml:"weight"`
			Unless   []string    `yaml:"unless"`
			Triggers []wordGroup `yaml:"triggers"`
			Expand   []string    `yaml:"expand"`
		} `yaml:"concepts"`
	}
	if err := decodeVocab(file, data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Concepts) == 0 {
		return nil, fmt.Errorf("%s: no concepts", file)
	}
	if len(doc.Concepts) > maxConcepts {
		return nil, fmt.Errorf("%s: %d concepts, at most %d", file, len(doc.Concepts), maxConcepts)
	}
	seen := map[string]bool{}
	var out []concept
	for i, c := range doc.Concepts {
		where := fmt.Sprintf("%s: concept %q", file, c.Name)
		if c.Name == "" {
			where = fmt.Sprintf("%s: concept #%d", file, i+1)
			return nil, fmt.Errorf("%s: no name", where)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("%s: named twice", where)
		}
		seen[c.Name] = true
		trig, err := flattenGroups(where, c.Triggers, sourceDocument, sourceSynonym, sourceDialect, sourceEnglish, sourceTaiwan)
		if err != nil {
			return nil, err
		}
		if len(trig) == 0 || len(c.Expand) == 0 {
			return nil, fmt.Errorf("%s: needs triggers and expand", where)
		}
		if c.Weight < 0 {
			return nil, fmt.Errorf("%s: negative weight", where)
		}
		if err := noEmpty(where, append(append([]string{}, c.Unless...), c.Expand...)); err != nil {
			return nil, err
		}
		out = append(out, concept{name: c.Name, triggers: trig, expand: c.Expand, domain: c.Domain,
			audience: c.Audience, money: c.Money, weight: c.Weight, unless: c.Unless})
	}
	return out, nil
}

// —— places.yaml ——

type placeLists struct {
	inScope, other, exceptions []vocabWord
}

var (
	inScopePlaces   = wordTexts(placeVocab.inScope)
	otherPlaces     = wordTexts(placeVocab.other)
	placeExceptions = wordTexts(placeVocab.exceptions)
)

// OtherPlaces are the names of places other than Chengdu (places.yaml
// other), for readers that need them beside a verb ("注册在重庆").
func OtherPlaces() []string { return slices.Clone(otherPlaces) }

func parsePlaces(data []byte) (placeLists, error) {
	const file = "places.yaml"
	var doc struct {
		InScope    []wordGroup `yaml:"in_scope"`
		Other      []wordGroup `yaml:"other"`
		Exceptions []wordGroup `yaml:"exceptions"`
	}
	if err := decodeVocab(file, data, &doc); err != nil {
		return placeLists{}, err
	}
	var p placeLists
	var err error
	if p.inScope, err = flattenGroups(file+": in_scope", doc.InScope, sourceDocument, sourcePlace); err != nil {
		return placeLists{}, err
	}
	if p.other, err = flattenGroups(file+": other", doc.Other, sourcePlace); err != nil {
		return placeLists{}, err
	}
	if p.exceptions, err = flattenGroups(file+": exceptions", doc.Exceptions, sourcePlace); err != nil {
		return placeLists{}, err
	}
	if len(p.inScope) == 0 || len(p.other) == 0 {
		return placeLists{}, fmt.Errorf("%s: in_scope and other must not be empty", file)
	}
	return p, nil
}

// —— offtopics.yaml ——

// offTopicEntry is a subject outside the documents; see offTopics.
type offTopicEntry struct {
	label    string
	triggers []string
	unless   []string
	sources  []vocabWord // triggers with their provenance
}

// maxOffTopics is how many entries offTopic can track.
const maxOffTopics = 64

var (
	offTopics    = offTopicVocab.topics
	supportWords = wordTexts(offTopicVocab.support)
)

type offTopicLists struct {
	topics  []offTopicEntry
	support []vocabWord
}

func parseOffTopics(data []byte) (offTopicLists, error) {
	const file = "offtopics.yaml"
	var doc struct {
		OffTopics []struct {
			Label    string      `yaml:"label"`
			Triggers []wordGroup `yaml:"triggers"`
			Unless   []string    `yaml:"unless"`
		} `yaml:"off_topics"`
		SupportWords []wordGroup `yaml:"support_words"`
	}
	if err := decodeVocab(file, data, &doc); err != nil {
		return offTopicLists{}, err
	}
	if len(doc.OffTopics) == 0 || len(doc.OffTopics) > maxOffTopics {
		return offTopicLists{}, fmt.Errorf("%s: %d off_topics, want 1 to %d", file, len(doc.OffTopics), maxOffTopics)
	}
	var out offTopicLists
	for i, t := range doc.OffTopics {
		where := fmt.Sprintf("%s: off_topics[%d] %q", file, i, t.Label)
		if t.Label == "" {
			return offTopicLists{}, fmt.Errorf("%s: no label", where)
		}
		trig, err := flattenGroups(where, t.Triggers, sourceDocument, sourceSynonym, sourceDialect, sourceEnglish, sourceTaiwan)
		if err != nil {
			return offTopicLists{}, err
		}
		if len(trig) == 0 {
			return offTopicLists{}, fmt.Errorf("%s: no triggers", where)
		}
		if err := noEmpty(where, t.Unless); err != nil {
			return offTopicLists{}, err
		}
		out.topics = append(out.topics, offTopicEntry{label: t.Label, triggers: wordTexts(trig), unless: t.Unless, sources: trig})
	}
	var err error
	if out.support, err = flattenGroups(file+": support_words", doc.SupportWords, sourceDocument, sourceSynonym, sourceEnglish); err != nil {
		return offTopicLists{}, err
	}
	if len(out.support) == 0 {
		return offTopicLists{}, fmt.Errorf("%s: no support_words", file)
	}
	return out, nil
}

// —— lexicon.yaml ——

func parseLexicon(data []byte) ([]string, error) {
	const file = "lexicon.yaml"
	var doc struct {
		Lexicon []struct {
			Topic  string   `yaml:"topic"`
			Source string   `yaml:"source"`
			Words  []string `yaml:"words"`
		} `yaml:"lexicon"`
	}
	if err := decodeVocab(file, data, &doc); err != nil {
		return nil, err
	}
	var out []string
	for _, g := range doc.Lexicon {
		ws, err := flattenGroups(fmt.Sprintf("%s: topic %q", file, g.Topic), []wordGroup{{Source: g.Source, Words: g.Words}}, sourceDocument)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			if Normalize(w.text) != w.text {
				return nil, fmt.Errorf("%s: word %q is not normalised (want %q)", file, w.text, Normalize(w.text))
			}
		}
		out = append(out, wordTexts(ws)...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no words", file)
	}
	return out, nil
}
