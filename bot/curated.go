package bot

import (
	"context"
	"fmt"
	"strings"
)

// Curated is an answer bureau staff wrote or approved for a question, with
// the clauses it rests on (the first is the one it is about). It carries no
// figures: staff text is held to the number rules of the LLM mode.
type Curated struct {
	Answer  string
	Clauses []string
}

// CuratedAnswers finds the curated answer for a question, if staff wrote
// one. Implementations match on the normalised question.
type CuratedAnswers interface {
	Match(ctx context.Context, question string) (Curated, bool)
}

// curatedAnswer asks the curated answers, if any are configured.
func (e *Engine) curatedAnswer(ctx context.Context, q string) (Curated, bool) {
	if e.opts.curated == nil {
		return Curated{}, false
	}
	c, ok := e.opts.curated.Match(ctx, q)
	if !ok || strings.TrimSpace(c.Answer) == "" || len(c.Clauses) == 0 {
		return Curated{}, false
	}
	for _, id := range c.Clauses {
		if _, err := e.corpus.Clause(id); err != nil {
			e.opts.log.Warn("curated answer cites an unknown clause; not served", "clause", id)
			return Curated{}, false
		}
	}
	return c, true
}

// composeCurated answers with the bureau's text, marked as reviewed, the
// clause it rests on quoted with its 责任单位, and the draft note.
func (e *Engine) composeCurated(a Answer, c Curated) Answer {
	a.Answered, a.Mode, a.Need = true, ModeCurated, "other"
	var b strings.Builder
	b.WriteString("【经主管部门审核的答复】\n")
	b.WriteString(strings.TrimSpace(c.Answer) + "\n\n")
	for i, id := range c.Clauses {
		cl, _ := e.corpus.Clause(id)
		a.Citations = append(a.Citations, Citation{ID: id, Score: 1, Quote: firstRunes(cl.Body(), 120), Title: cl.Title})
		if i == 0 {
			fmt.Fprintf(&b, "依据：%s（%s）[%s]\n原文：“%s”\n", cl.Cite(), cl.Title, cl.ID, firstRunes(cl.Body(), 120))
			if len(cl.Departments) > 0 {
				fmt.Fprintf(&b, "责任单位：%s\n", strings.Join(cl.Departments, "、"))
			}
		}
	}
	b.WriteString(DraftNote)
	a.Answer = b.String()
	return a
}
