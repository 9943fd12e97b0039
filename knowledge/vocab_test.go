package knowledge

import (
	"strings"
	"testing"
)

// TestVocabLoads loads every embedded vocab file through its parser (init
// did too, panicking on an error; this names the file instead).
func TestVocabLoads(t *testing.T) {
	if _, err := parseConcepts(conceptsYAML); err != nil {
		t.Error(err)
	}
	if _, err := parsePlaces(placesYAML); err != nil {
		t.Error(err)
	}
	if _, err := parseOffTopics(offTopicsYAML); err != nil {
		t.Error(err)
	}
	if _, err := parseLexicon(lexiconYAML); err != nil {
		t.Error(err)
	}
}

func TestVocabRejects(t *testing.T) {
	concept := func(body string) string {
		return "concepts:\n  - name: x\n    triggers: [{source: synonym, words: [钱]}]\n    expand: [奖励]\n" + body
	}
	cases := []struct {
		file string
		err  string // part of the error
		data string
	}{
		{"concepts.yaml", "field colour not found", concept("    colour: red\n")},
		{"concepts.yaml", `source "guess"`, "concepts:\n  - name: x\n    triggers: [{source: guess, words: [钱]}]\n    expand: [奖励]\n"},
		{"concepts.yaml", `source "place"`, "concepts:\n  - name: x\n    triggers: [{source: place, words: [北京]}]\n    expand: [奖励]\n"},
		{"concepts.yaml", "named twice", concept("  - name: x\n    triggers: [{source: synonym, words: [钱]}]\n    expand: [奖励]\n")},
		{"concepts.yaml", "no name", "concepts:\n  - triggers: [{source: synonym, words: [钱]}]\n    expand: [奖励]\n"},
		{"concepts.yaml", "needs triggers and expand", "concepts:\n  - name: x\n    triggers: [{source: synonym, words: [钱]}]\n"},
		{"concepts.yaml", "group without words", "concepts:\n  - name: x\n    triggers: [{source: synonym}]\n    expand: [奖励]\n"},
		{"concepts.yaml", "surrounding space", "concepts:\n  - name: x\n    triggers: [{source: synonym, words: [' 钱']}]\n    expand: [奖励]\n"},
		{"concepts.yaml", "negative weight", concept("    weight: -1\n")},
		{"concepts.yaml", "no concepts", "concepts: []\n"},
		{"concepts.yaml", "empty", ""},
		{"concepts.yaml", "more than one YAML document", concept("---\nconcepts: []\n")},
		{"places.yaml", "field towns not found", "in_scope: [{source: document, words: [成都]}]\nother: [{source: place, words: [北京]}]\ntowns: []\n"},
		{"places.yaml", `source "synonym"`, "in_scope: [{source: document, words: [成都]}]\nother: [{source: synonym, words: [北京]}]\n"},
		{"places.yaml", "must not be empty", "in_scope: [{source: document, words: [成都]}]\n"},
		{"offtopics.yaml", "field trigger not found", "off_topics: [{label: 天气, trigger: [天气]}]\nsupport_words: [{source: document, words: [奖励]}]\n"},
		{"offtopics.yaml", "no label", "off_topics: [{triggers: [{source: synonym, words: [天气]}]}]\nsupport_words: [{source: document, words: [奖励]}]\n"},
		{"offtopics.yaml", `source "place"`, "off_topics: [{label: 天气, triggers: [{source: place, words: [天气]}]}]\nsupport_words: [{source: document, words: [奖励]}]\n"},
		{"offtopics.yaml", "no support_words", "off_topics: [{label: 天气, triggers: [{source: synonym, words: [天气]}]}]\n"},
		{"lexicon.yaml", `source "synonym"`, "lexicon: [{topic: money, source: synonym, words: [奖励]}]\n"},
		{"lexicon.yaml", "not normalised", "lexicon: [{topic: money, source: document, words: [獎勵]}]\n"},
		{"lexicon.yaml", "field word not found", "lexicon: [{topic: money, source: document, word: [奖励]}]\n"},
	}
	for _, c := range cases {
		var err error
		switch c.file {
		case "concepts.yaml":
			_, err = parseConcepts([]byte(c.data))
		case "places.yaml":
			_, err = parsePlaces([]byte(c.data))
		case "offtopics.yaml":
			_, err = parseOffTopics([]byte(c.data))
		case "lexicon.yaml":
			_, err = parseLexicon([]byte(c.data))
		}
		if err == nil || !strings.HasPrefix(err.Error(), c.file+":") || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s %q: error %v, want one starting %q and containing %q", c.file, c.data, err, c.file+":", c.err)
		}
	}
}
