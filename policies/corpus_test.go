package policies

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCorpusClauseIDs(t *testing.T) {
	c := MustDefault()
	want := []string{"plan/preamble", "plan/goal"}
	for i := 1; i <= 18; i++ {
		want = append(want, "plan/"+strconv.Itoa(i))
	}
	want = append(want, "policy/preamble")
	for i := 1; i <= 12; i++ {
		want = append(want, "policy/"+strconv.Itoa(i))
	}
	want = append(want, "policy/scope")
	var got []string
	for _, cl := range c.Clauses() {
		got = append(got, cl.ID)
	}
	if len(got) != 34 || !slices.Equal(got, want) {
		t.Fatalf("clause ids:\n got %v\nwant %v", got, want)
	}
}

// TestNoTextLost rebuilds each cleaned source from its header, headings and
// clause texts: nothing may be dropped or duplicated by the parser.
func TestNoTextLost(t *testing.T) {
	c := MustDefault()
	for _, d := range c.Documents {
		var b strings.Builder
		b.WriteString(d.Annex + "\n" + d.Title + "\n")
		if d.Status != "" {
			b.WriteString(d.Status + "\n")
		}
		var l1, l2 string
		for _, cl := range d.Clauses {
			var s1, s2 string
			if len(cl.Section) > 0 {
				s1 = cl.Section[0]
			}
			if len(cl.Section) > 1 {
				s2 = cl.Section[1]
			}
			if s1 != l1 && s1 != "" {
				b.WriteString(s1 + "\n")
			}
			if s2 != l2 && s2 != "" {
				b.WriteString(s2 + "\n")
			}
			l1, l2 = s1, s2
			// A prose section's heading is its own first line in Section.
			b.WriteString(cl.Text + "\n")
		}
		if got := b.String(); got != d.Source {
			t.Errorf("%s: rebuilt text differs from source\n got %q\nwant %q", d.Prefix, got, d.Source)
		}
		if strings.Contains(d.Source, "[bookmark") || strings.Contains(d.Source, "\n\n") {
			t.Errorf("%s: conversion debris left in the cleaned source", d.Prefix)
		}
	}
}

func TestClauseFields(t *testing.T) {
	c := MustDefault()
	tests := []struct {
		id, title string
		depts     []string
		bodyHas   string
	}{
		{"policy/4", "支持企业创新发展", []string{"市经信局市新经济委", "市科技局"}, "按年度每增加200万元研发投入给予20万元"},
		{"policy/10", "支持企业引进人才", []string{"市委组织部"}, "蓉漂计划"},
		{"policy/12", "落实减税降费优惠政策", []string{"国家税务总局成都市税务局", "市财政局", "市经信局市新经济委"}, "红利账单"},
		{"plan/1", "健全培育体系", []string{"市经信局市新经济委", "各区（市）县"}, "优质中小企业培育库"},
		{"plan/7", "支持企业数字转型绿色发展", []string{"市经信局市新经济委"}, "智能工厂"},
		{"plan/10", "强化人才引进", []string{"市委组织部（市委人才办）", "市人社局", "市总工会"}, "成都工匠"},
		{"plan/goal", "发展目标", nil, "10000家以上创新型中小企业"},
		{"policy/scope", "适用对象、执行原则与施行期限", nil, "就高不就低"},
		{"policy/preamble", "前言", nil, "制定如下政策"},
	}
	for _, tt := range tests {
		cl, err := c.Clause(tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if cl.Title != tt.title {
			t.Errorf("%s title = %q, want %q", tt.id, cl.Title, tt.title)
		}
		if !slices.Equal(cl.Departments, tt.depts) {
			t.Errorf("%s departments = %q, want %q", tt.id, cl.Departments, tt.depts)
		}
		if !strings.Contains(cl.Body(), tt.bodyHas) {
			t.Errorf("%s body lacks %q: %s", tt.id, tt.bodyHas, cl.Body())
		}
		if strings.Contains(cl.Body(), "责任单位") {
			t.Errorf("%s body keeps the 责任单位 bracket", tt.id)
		}
	}
	if _, err := c.Clause("policy/99"); err == nil {
		t.Error("unknown clause id gave no error")
	}
}

// TestThirdDocument shows that a new document is a data change: a manifest
// entry and a text file.
func TestThirdDocument(t *testing.T) {
	fsys := fstest.MapFS{
		"d/documents.yaml": {Data: []byte("documents:\n  - file: x.txt\n    prefix: extra\n    closing: scope\n    closing_title: 附则\n")},
		"d/x.txt":          {Data: []byte("附件3\n某某办法\n前言一句。\n1.第一条。内容。（责任单位：市经信局）\n2.第二条。内容。（责任单位：市财政局、市科技局）\n本办法自印发之日起施行。\n")},
	}
	c, err := LoadCorpus(fsys, "d")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, cl := range c.Clauses() {
		ids = append(ids, cl.ID)
	}
	if want := []string{"extra/preamble", "extra/1", "extra/2", "extra/scope"}; !slices.Equal(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
	if cl, _ := c.Clause("extra/2"); !slices.Equal(cl.Departments, []string{"市财政局", "市科技局"}) {
		t.Errorf("departments = %v", cl.Departments)
	}
}

func TestLoadCorpusErrors(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"missing manifest": {},
		"unknown field":    {"d/documents.yaml": {Data: []byte("documents:\n  - file: x.txt\n    bogus: 1\n")}},
		"missing file":     {"d/documents.yaml": {Data: []byte("documents:\n  - file: x.txt\n    prefix: x\n")}},
		"unmapped section": {
			"d/documents.yaml": {Data: []byte("documents:\n  - file: x.txt\n    prefix: x\n")},
			"d/x.txt":          {Data: []byte("附件\n标题\n一、目标\n散文。\n")},
		},
	}
	for name, fsys := range tests {
		if _, err := LoadCorpus(fsys, "d"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
