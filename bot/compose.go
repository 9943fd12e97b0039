package bot

import (
	"fmt"
	"strings"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// wording is what an offline answer says around its figures, in one
// language: wordingZH here, wordingEN in english.go.
type wording struct {
	truncated string // %d: MaxQuestionRunes
	missing   string // %s: the figures still needed
	listSep   string // between the figures still needed
	// basis names the clause: numbered (cite, title, id) or not (cite, id).
	basisNumbered, basis string
	quote                string                              // %s: the quoted text
	departments          func(e *Engine, ds []string) string // the 责任单位 line
	related              string                              // %s: the related clauses
	relatedSep           string
	draft                string

	// A calculation: its heading by kind (title, amount), each step, the
	// near-miss advice and each note.
	unstated, maximum, threshold, amount string
	step, tip, note                      string
	money                                func(int64) string

	cite       func(policies.Clause) string
	clauseName func(id, title string) string
	note1      func(e *Engine, a Answer, n string) string // a note before the amounts
}

var wordingZH = wording{
	truncated: "（问题较长，只读取了前%d个字。）\n",
	missing:   "要计算金额，还需要：%s。请直接回复金额，例如“650万”。\n", listSep: "、",
	basisNumbered: "依据：%s（%s）[%s]\n", basis: "依据：%s [%s]\n",
	quote: "原文：“%s”\n",
	departments: func(_ *Engine, ds []string) string {
		if len(ds) == 0 {
			return fmt.Sprintf("责任单位：该条未列明，可咨询市经信局市新经济委或 %s", Hotline)
		}
		return "责任单位：" + strings.Join(ds, "、")
	},
	related: "相关条款：%s\n", relatedSep: "；",
	draft:    DraftNote,
	unstated: "【%s】文件未规定具体金额。\n", maximum: "【%s】最高 %s（上限，实际金额以审核为准）\n", threshold: "【%s】门槛：%s（达到才可享受，不是补助金额）\n", amount: "【%s】%s\n",
	step: "  · %s\n", tip: "  提示：%s\n", note: "  说明：%s\n",
	money:      yuan.Format,
	cite:       policies.Clause.Cite,
	clauseName: func(_, title string) string { return title },
	note1:      func(_ *Engine, _ Answer, n string) string { return n },
}

// compose writes the offline answer: the computed amounts first (what the
// user asked), then the clause that grants them, quoted, its 责任单位 and
// the draft note. Every figure in it comes from a calculation or a quote.
// An English question gets it in English (english.go).
func (e *Engine) compose(a Answer, truncated bool) string {
	w := wordingZH
	if a.Lang == "en" {
		w = wordingEN
	}
	var b strings.Builder
	if truncated {
		fmt.Fprintf(&b, w.truncated, MaxQuestionRunes)
	}
	for _, n := range a.notes {
		b.WriteString(w.note1(e, a, n) + "\n")
	}
	for i, c := range localized(a.Calculations, a.Lang) {
		if i > 0 {
			b.WriteString("\n")
		}
		writeCalculation(&b, c, w)
	}
	if len(a.Missing) > 0 {
		missing := a.Missing
		if a.Lang == "en" {
			missing = missingEN(missing)
		}
		fmt.Fprintf(&b, w.missing, strings.Join(missing, w.listSep))
	}
	if len(a.Calculations) > 0 || len(a.Missing) > 0 || len(a.notes) > 0 {
		b.WriteString("\n")
	}
	if len(a.Citations) > 0 {
		top := a.Citations[0]
		cl, err := e.corpus.Clause(top.ID)
		if err == nil {
			if cl.Number > 0 {
				fmt.Fprintf(&b, w.basisNumbered, w.cite(cl), w.clauseName(cl.ID, cl.Title), cl.ID)
			} else {
				fmt.Fprintf(&b, w.basis, w.cite(cl), cl.ID)
			}
			fmt.Fprintf(&b, w.quote, top.Quote)
			b.WriteString(w.departments(e, cl.Departments) + "\n")
		}
		var related []string
		for _, c := range a.Citations[1:] {
			if len(related) == 2 {
				break
			}
			if c.Score < top.Score*0.5 {
				continue
			}
			related = append(related, fmt.Sprintf("%s %s", c.ID, w.clauseName(c.ID, c.Title)))
		}
		if len(related) > 0 {
			fmt.Fprintf(&b, w.related, strings.Join(related, w.relatedSep))
		}
	}
	b.WriteString(w.draft)
	return b.String()
}

func writeCalculation(b *strings.Builder, c policies.Calculation, w wording) {
	title := c.Title
	if title == "" {
		title = c.Rule
	}
	switch c.Kind {
	case policies.KindUnstated:
		fmt.Fprintf(b, w.unstated, title)
	case policies.KindMaximum:
		fmt.Fprintf(b, w.maximum, title, w.money(c.AmountYuan))
	case policies.KindThreshold:
		fmt.Fprintf(b, w.threshold, title, w.money(c.AmountYuan))
	default:
		fmt.Fprintf(b, w.amount, title, w.money(c.AmountYuan))
	}
	for _, s := range c.Steps {
		fmt.Fprintf(b, w.step, s)
	}
	if c.NearMiss != nil && c.NearMiss.Advice != "" {
		fmt.Fprintf(b, w.tip, c.NearMiss.Advice)
	}
	for _, n := range c.Notes {
		if strings.Contains(n, "征求意见稿") {
			continue // the draft note closes every answer
		}
		fmt.Fprintf(b, w.note, n)
	}
}
