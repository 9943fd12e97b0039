// Package policies holds the policy corpus as data: the documents, their
// clauses with canonical ids, the rule parameters with citations, and the
// calculators that turn an enterprise's figures into amounts. It knows nothing
// of Redis, Telegram or HTTP.
package policies

import (
	"fmt"
	"strings"
)

// Clause is one citable unit of a document: a numbered measure, the preamble,
// or a prose section such as 发展目标. Its ID is the contract with callers and
// evaluation files ("policy/4", "plan/goal").
type Clause struct {
	ID          string   `json:"id"`
	Doc         string   `json:"doc"`         // document prefix, "plan" or "policy"
	DocTitle    string   `json:"doc_title"`   // 《…》 without the brackets
	Number      int      `json:"number"`      // 1… for numbered measures, 0 otherwise
	Title       string   `json:"title"`       // short heading, e.g. 支持企业创新发展
	Section     []string `json:"section"`     // enclosing headings, outermost first
	Text        string   `json:"text"`        // the clause's lines exactly as in the source, joined by "\n"
	Departments []string `json:"departments"` // 责任单位, in the order the text names them
	// States maps a need the clause answers (amount, criteria, definition,
	// stacking, validity; see docs/states.yaml) to the verbatim phrases that
	// answer it. Eligibility and 责任单位 are stated by every clause.
	States map[string][]string `json:"states,omitempty"`
}

// Stating reports whether the clause states need, and the phrases that do.
func (c Clause) Stating(need string) ([]string, bool) {
	switch need {
	case "eligibility", "other":
		return nil, true
	case "department":
		return c.Departments, len(c.Departments) > 0
	}
	q, ok := c.States[need]
	return q, ok
}

// Body is the clause text without its leading number and trailing 责任单位
// bracket: what a reader quotes.
func (c Clause) Body() string {
	t := c.Text
	if c.Number > 0 {
		t = strings.TrimPrefix(t, fmt.Sprint(c.Number))
		t = strings.TrimLeft(t, ".．")
	}
	if i := deptStart(t); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

// Cite is the human form of the clause's location, e.g.
// 《成都市支持中小企业专精特新发展若干政策》第4条.
func (c Clause) Cite() string {
	switch {
	case c.Number > 0:
		return fmt.Sprintf("《%s》第%d条", c.DocTitle, c.Number)
	default:
		return fmt.Sprintf("《%s》%s", c.DocTitle, c.Title)
	}
}

// Document is one parsed source document.
type Document struct {
	Prefix  string
	Annex   string // 附件1
	Title   string
	Short   string // a short name for lists
	Status  string // （征求意见稿）, empty for a final text
	Source  string // the cleaned text as embedded
	Clauses []Clause
}

// Draft reports whether the document is still a consultation draft.
func (d Document) Draft() bool { return strings.Contains(d.Status, "征求意见") }
