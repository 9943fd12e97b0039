package policies

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestStatesQuotesAreInTheirClauses(t *testing.T) {
	c := MustDefault()
	for _, cl := range c.Clauses() {
		for need, quotes := range cl.States {
			if len(quotes) == 0 {
				t.Errorf("%s %s: no quote", cl.ID, need)
			}
		}
	}
	scope, _ := c.Clause("policy/scope")
	if q, ok := scope.Stating("stacking"); !ok || !strings.Contains(q[0], "就高不就低") {
		t.Errorf("policy/scope stacking = %v, %v", q, ok)
	}
	p1, _ := c.Clause("policy/1")
	if _, ok := p1.Stating("deadline"); ok {
		t.Error("policy/1 states no deadline")
	}
	if _, ok := p1.Stating("department"); !ok {
		t.Error("every clause with 责任单位 states its department")
	}
}

func TestStatesRejectsAQuoteNotInTheClause(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"documents.yaml", "plan.txt", "policy.txt"} {
		b, err := docsFS.ReadFile("docs/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["docs/"+name] = &fstest.MapFile{Data: b}
	}
	fsys["docs/states.yaml"] = &fstest.MapFile{Data: []byte("states:\n  policy/1:\n    amount: [给予60万元奖励]\n")}
	if _, err := LoadCorpus(fsys, "docs"); err == nil || !strings.Contains(err.Error(), "quote not in the clause") {
		t.Fatalf("err = %v, want quote not in the clause", err)
	}
	fsys["docs/states.yaml"] = &fstest.MapFile{Data: []byte("states:\n  policy/99:\n    amount: [x]\n")}
	if _, err := LoadCorpus(fsys, "docs"); err == nil {
		t.Fatal("unknown clause accepted")
	}
}
