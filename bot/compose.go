package bot

import (
	"fmt"
	"strings"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// compose writes the offline answer: the computed amounts first (what the
// user asked), then the clause that grants them, quoted, its 责任单位 and
// the draft note. Every figure in it comes from a calculation or a quote.
func (e *Engine) compose(a Answer, truncated bool) string {
	var b strings.Builder
	if truncated {
		fmt.Fprintf(&b, "（问题较长，只读取了前%d个字。）\n", MaxQuestionRunes)
	}
	for _, n := range a.notes {
		b.WriteString(n + "\n")
	}
	for i, c := range a.Calculations {
		if i > 0 {
			b.WriteString("\n")
		}
		writeCalculation(&b, c)
	}
	if len(a.Missing) > 0 {
		fmt.Fprintf(&b, "要计算金额，还需要：%s。请直接回复金额，例如“650万”。\n", strings.Join(a.Missing, "、"))
	}
	if len(a.Calculations) > 0 || len(a.Missing) > 0 || len(a.notes) > 0 {
		b.WriteString("\n")
	}
	if len(a.Citations) > 0 {
		top := a.Citations[0]
		cl, err := e.corpus.Clause(top.ID)
		if err == nil {
			if cl.Number > 0 {
				fmt.Fprintf(&b, "依据：%s（%s）[%s]\n", cl.Cite(), cl.Title, cl.ID)
			} else {
				fmt.Fprintf(&b, "依据：%s [%s]\n", cl.Cite(), cl.ID)
			}
			fmt.Fprintf(&b, "原文：“%s”\n", top.Quote)
			if len(cl.Departments) > 0 {
				fmt.Fprintf(&b, "责任单位：%s\n", strings.Join(cl.Departments, "、"))
			} else {
				fmt.Fprintf(&b, "责任单位：该条未列明，可咨询市经信局市新经济委或 %s\n", Hotline)
			}
		}
		var related []string
		for _, c := range a.Citations[1:] {
			if len(related) == 2 {
				break
			}
			if c.Score < top.Score*0.5 {
				continue
			}
			related = append(related, fmt.Sprintf("%s %s", c.ID, c.Title))
		}
		if len(related) > 0 {
			fmt.Fprintf(&b, "相关条款：%s\n", strings.Join(related, "；"))
		}
	}
	b.WriteString(DraftNote)
	return b.String()
}

func writeCalculation(b *strings.Builder, c policies.Calculation) {
	title := c.Title
	if title == "" {
		title = c.Rule
	}
	switch c.Kind {
	case policies.KindUnstated:
		fmt.Fprintf(b, "【%s】文件未规定具体金额。\n", title)
	case policies.KindMaximum:
		fmt.Fprintf(b, "【%s】最高 %s（上限，实际金额以审核为准）\n", title, yuan.Format(c.AmountYuan))
	default:
		fmt.Fprintf(b, "【%s】%s\n", title, yuan.Format(c.AmountYuan))
	}
	for _, s := range c.Steps {
		fmt.Fprintf(b, "  · %s\n", s)
	}
	if c.NearMiss != nil && c.NearMiss.Advice != "" {
		fmt.Fprintf(b, "  提示：%s\n", c.NearMiss.Advice)
	}
	for _, n := range c.Notes {
		if strings.Contains(n, "征求意见稿") {
			continue // DraftNote closes every answer
		}
		fmt.Fprintf(b, "  说明：%s\n", n)
	}
}
