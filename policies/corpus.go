package policies

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed docs
var docsFS embed.FS

// Corpus is the set of documents and their clauses, in source order.
type Corpus struct {
	Documents []Document
	byID      map[string]int // clause id -> index in Clauses()
	clauses   []Clause
}

// ErrUnknownClause is returned when a clause id is not in the corpus.
var ErrUnknownClause = errors.New("unknown clause")

var (
	defaultOnce   sync.Once
	defaultCorpus *Corpus
	defaultErr    error
)

// Default returns the embedded corpus, parsed once. The embedded data is
// covered by tests, so an error here means a broken build.
func Default() (*Corpus, error) {
	defaultOnce.Do(func() { defaultCorpus, defaultErr = LoadCorpus(docsFS, "docs") })
	return defaultCorpus, defaultErr
}

// MustDefault is Default for callers that cannot proceed without the corpus.
func MustDefault() *Corpus {
	c, err := Default()
	if err != nil {
		panic(err)
	}
	return c
}

type manifest struct {
	Documents []struct {
		File         string            `yaml:"file"`
		Prefix       string            `yaml:"prefix"`
		Short        string            `yaml:"short"`
		Sections     map[string]string `yaml:"sections"`
		Closing      string            `yaml:"closing"`
		ClosingTitle string            `yaml:"closing_title"`
	} `yaml:"documents"`
}

// FS is the subset of fs.FS that LoadCorpus reads.
type FS interface {
	ReadFile(name string) ([]byte, error)
}

// LoadCorpus reads documents.yaml and the documents it lists from dir in fsys.
func LoadCorpus(fsys FS, dir string) (*Corpus, error) {
	raw, err := fsys.ReadFile(dir + "/documents.yaml")
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m manifest
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parse documents.yaml: %w", err)
	}
	c := &Corpus{byID: map[string]int{}}
	for _, d := range m.Documents {
		src, err := fsys.ReadFile(dir + "/" + d.File)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", d.File, err)
		}
		doc, err := parseDocument(string(src), d.Prefix, d.Sections, d.Closing, d.ClosingTitle)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", d.File, err)
		}
		doc.Short = d.Short
		c.Documents = append(c.Documents, doc)
		for _, cl := range doc.Clauses {
			if _, dup := c.byID[cl.ID]; dup {
				return nil, fmt.Errorf("duplicate clause id %s", cl.ID)
			}
			c.byID[cl.ID] = len(c.clauses)
			c.clauses = append(c.clauses, cl)
		}
	}
	if err := c.loadStates(fsys, dir); err != nil {
		return nil, err
	}
	return c, nil
}

// loadStates reads states.yaml, if the folder has one: what each clause
// states, as verbatim quotes. A quote not found in its clause is an error,
// so the data cannot drift from the text.
func (c *Corpus) loadStates(fsys FS, dir string) error {
	raw, err := fsys.ReadFile(dir + "/states.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read states.yaml: %w", err)
	}
	var doc struct {
		States map[string]map[string][]string `yaml:"states"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("parse states.yaml: %w", err)
	}
	for id, needs := range doc.States {
		i, ok := c.byID[id]
		if !ok {
			return fmt.Errorf("states.yaml: %w: %q", ErrUnknownClause, id)
		}
		cl := &c.clauses[i]
		for need, quotes := range needs {
			for _, q := range quotes {
				if !strings.Contains(cl.Text, q) {
					return fmt.Errorf("states.yaml: %s %s: quote not in the clause: %.30s…", id, need, q)
				}
			}
		}
		cl.States = needs
	}
	for di := range c.Documents {
		for ci := range c.Documents[di].Clauses {
			c.Documents[di].Clauses[ci].States = c.clauses[c.byID[c.Documents[di].Clauses[ci].ID]].States
		}
	}
	return nil
}

// Clauses returns every clause in corpus order. Callers must not modify it.
func (c *Corpus) Clauses() []Clause { return c.clauses }

// Clause returns the clause with the given id.
func (c *Corpus) Clause(id string) (Clause, error) {
	i, ok := c.byID[id]
	if !ok {
		return Clause{}, fmt.Errorf("%w: %q", ErrUnknownClause, id)
	}
	return c.clauses[i], nil
}

// Document returns the document a clause belongs to.
func (c *Corpus) Document(prefix string) (Document, bool) {
	for _, d := range c.Documents {
		if d.Prefix == prefix {
			return d, true
		}
	}
	return Document{}, false
}

var (
	reLevel1 = regexp.MustCompile(`^([一二三四五六七八九十]+)、(.+)$`)
	reLevel2 = regexp.MustCompile(`^（([一二三四五六七八九十]+)）(.+)$`)
	reItem   = regexp.MustCompile(`^(\d+)[．.](.*)$`)
	// The 责任单位 bracket ends a measure. Its content may hold nested
	// full-width parentheses (各区（市）县), so match to the line's end.
	reDept = regexp.MustCompile(`(?:\[责任单位[：:]([^\]]*)\]|〔责任单位[：:]([^〕]*)〕|（责任单位[：:](.*)）)\s*$`)
)

// deptStart is the byte offset of the trailing 责任单位 bracket, or -1.
func deptStart(s string) int {
	loc := reDept.FindStringIndex(s)
	if loc == nil {
		return -1
	}
	return loc[0]
}

func departments(s string) []string {
	m := reDept.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	var out []string
	for _, part := range strings.FieldsFunc(m[1]+m[2]+m[3], func(r rune) bool { return r == '、' || r == '；' || r == ';' || r == '，' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseDocument splits a cleaned document into clauses. Every line of the
// source ends up in the header (annex, title, status), a heading, or exactly
// one clause: TestNoTextLost checks that.
func parseDocument(src, prefix string, sections map[string]string, closing, closingTitle string) (Document, error) {
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	if len(lines) < 3 {
		return Document{}, errors.New("too short: need annex, title and text lines")
	}
	doc := Document{Prefix: prefix, Annex: lines[0], Title: lines[1], Source: src}
	rest := lines[2:]
	if strings.HasPrefix(rest[0], "（") && strings.HasSuffix(rest[0], "）") && len([]rune(rest[0])) <= 12 {
		doc.Status = rest[0]
		rest = rest[1:]
	}
	var (
		cur       *Clause
		l1, l2    string
		sawItem   bool
		lastEnded bool // the previous numbered item ended with its 责任单位
	)
	flush := func() {
		if cur != nil {
			doc.Clauses = append(doc.Clauses, *cur)
			cur = nil
		}
	}
	open := func(id, title string, num int) {
		flush()
		sec := []string{}
		if l1 != "" {
			sec = append(sec, l1)
		}
		if l2 != "" {
			sec = append(sec, l2)
		}
		cur = &Clause{ID: prefix + "/" + id, Doc: prefix, DocTitle: doc.Title, Number: num, Title: title, Section: sec}
	}
	add := func(line string) {
		if cur.Text != "" {
			cur.Text += "\n"
		}
		cur.Text += line
	}
	for _, line := range rest {
		switch {
		case reLevel1.MatchString(line):
			flush()
			l1, l2 = line, ""
			name := reLevel1.FindStringSubmatch(line)[2]
			if id, ok := sections[name]; ok {
				open(id, name, 0)
			}
		case reLevel2.MatchString(line):
			flush()
			l2 = line
		case reItem.MatchString(line):
			m := reItem.FindStringSubmatch(line)
			n, _ := strconv.Atoi(m[1])
			open(m[1], itemTitle(m[2], l2), n)
			add(line)
			sawItem = true
			lastEnded = deptStart(line) >= 0
		default:
			switch {
			case !sawItem && cur == nil && l1 == "":
				open("preamble", "前言", 0)
			case sawItem && lastEnded && cur != nil && cur.Number > 0:
				if closing == "" {
					return doc, fmt.Errorf("prose after the last measure but no closing id in documents.yaml: %.20s…", line)
				}
				l1, l2 = "", ""
				open(closing, closingTitle, 0)
			case cur == nil:
				return doc, fmt.Errorf("prose under a heading with no clause id (add it to sections in documents.yaml): %.20s…", line)
			}
			add(line)
		}
	}
	flush()
	for i := range doc.Clauses {
		doc.Clauses[i].Departments = departments(doc.Clauses[i].Text)
	}
	return doc, nil
}

// itemTitle is the lead sentence of a measure when it is a short heading
// ("支持企业创新发展。…"), else the name of its section.
func itemTitle(body, section string) string {
	if i := strings.Index(body, "。"); i > 0 && len([]rune(body[:i])) <= 16 {
		return body[:i]
	}
	if m := reLevel2.FindStringSubmatch(section); m != nil {
		return m[2]
	}
	r := []rune(body)
	if len(r) > 16 {
		r = r[:16]
	}
	return string(r)
}
