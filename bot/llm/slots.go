package llm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// The model writes no figure: it writes placeholders, and the engine fills
// them with its own values. The placeholders offered for one answer:
//
//	{{amount:RULE}}    a calculation's amount_yuan as the offline answer writes
//	                   it (60万; 最高1000万 for a maximum); the second
//	                   calculation of the same rule is {{amount:RULE#2}}, …
//	{{steps:RULE}}     its steps, joined with "；"
//	{{advice:RULE}}    its near-miss advice (再增加150万研发投入可多得20万), if any
//	{{input:RULE.NAME}} an amount input as the engine read it from the user
//	                   (650万 for input:rd_increase.increase_yuan)
//	{{clause:ID}}      a clause's label, e.g. 《…若干政策》第4条（支持企业创新发展）
//	{{quote:ID}}       a clause's text, verbatim, in “”
//	{{total}}          the sum of two or more payouts, each of its own rule
//
// for every calculation of the answer (the engine's and those the model
// obtained through the calculate tool) and every clause it cites or a
// calculation rests on. A placeholder not offered, two placeholders with
// nothing but spaces or marks that join numbers (. , / - ~) between them,
// a placeholder right after a character that is neither Han nor a space nor
// common punctuation (l{{…}} reads as 1…), or a stray brace rejects the reply
// (ErrPlaceholder).

// slot is one placeholder offered for an answer.
type slot struct {
	name    string // what goes between the braces, e.g. "amount:rd_increase"
	value   string // the engine's text that replaces it
	meaning string // for the model
}

// slots are the placeholders offered for one answer, in a stable order.
type slots []slot

// newSlots offers placeholders for the clauses and calculations of an
// answer.
func newSlots(clauses []policies.Clause, calcs []policies.Calculation) slots {
	var s slots
	seenRule := map[string]int{}
	var total int64
	payouts := 0
	payoutRules := map[string]bool{}
	for _, c := range calcs {
		seenRule[c.Rule]++
		key := calcKey(c.Rule, seenRule[c.Rule])
		title := c.Title
		if title == "" {
			title = c.Rule
		}
		switch c.Kind {
		case policies.KindComputed, policies.KindFixed, "":
			s = append(s, slot{"amount:" + key, yuan.Format(c.AmountYuan), title + "的金额"})
			if r, ok := policies.RuleByName(c.Rule); ok && !r.NotPayout && c.AmountYuan > 0 {
				total += c.AmountYuan
				payouts++
				payoutRules[c.Rule] = true
			}
		case policies.KindMaximum:
			s = append(s, slot{"amount:" + key, "最高" + yuan.Format(c.AmountYuan), title + "的上限（实际金额以审核为准）"})
		}
		if len(c.Steps) > 0 {
			s = append(s, slot{"steps:" + key, strings.Join(c.Steps, "；"), title + "的计算步骤"})
		}
		if c.NearMiss != nil && c.NearMiss.Advice != "" {
			s = append(s, slot{"advice:" + key, c.NearMiss.Advice, title + "再进一档的提示"})
		}
		if r, ok := policies.RuleByName(c.Rule); ok {
			for _, in := range r.Inputs {
				if v, ok := c.Inputs[in.Name].(int64); ok && in.Unit == policies.InputYuan {
					s = append(s, slot{"input:" + key + "." + in.Name, yuan.Format(v), in.Label + "（用户给出的数字）"})
				}
			}
		}
	}
	if len(payoutRules) > 1 && payouts == len(payoutRules) { // no total over both ends of a range
		s = append(s, slot{"total", yuan.Format(total), "以上各项金额合计"})
	}
	for _, c := range clauses {
		label := c.Cite()
		if c.Number > 0 {
			label += "（" + c.Title + "）"
		}
		s = append(s,
			slot{"clause:" + c.ID, label, "条款名称"},
			slot{"quote:" + c.ID, "“" + c.Body() + "”", "该条原文"})
	}
	return s
}

// calcKey names the n-th calculation (from 1) of a rule in placeholders.
func calcKey(rule string, n int) string {
	if n <= 1 {
		return rule
	}
	return rule + "#" + strconv.Itoa(n)
}

// lookup returns the value of a placeholder name.
func (s slots) lookup(name string) (string, bool) {
	for _, sl := range s {
		if sl.name == name {
			return sl.value, true
		}
	}
	return "", false
}

// forCalc lists the placeholders of the calculation with the given key.
func (s slots) forCalc(key string) []string {
	var out []string
	for _, sl := range s {
		// Rule names never equal clause ids; inputs are key.NAME.
		if _, k, _ := strings.Cut(sl.name, ":"); k == key || strings.HasPrefix(k, key+".") {
			out = append(out, "{{"+sl.name+"}}")
		}
	}
	return out
}

// describe lists the placeholders for the system prompt.
func (s slots) describe() string {
	if len(s) == 0 {
		return "（本次没有可用占位符：回答中不要出现任何金额。）\n"
	}
	var b strings.Builder
	for _, sl := range s {
		fmt.Fprintf(&b, "- {{%s}}：%s（系统将填入：%s）\n", sl.name, sl.meaning, sl.value)
	}
	return b.String()
}

// placeholderRe finds placeholders, half- or full-width braces.
var placeholderRe = regexp.MustCompile(`(?:\{\{|｛｛)([^{}｛｝]{0,80}?)(?:\}\}|｝｝)`)

// fill replaces every placeholder in text by its value. filled is what the
// user sees; prose is text with each placeholder cut out (replaced by "|",
// which joins nothing), for the guard. An unknown placeholder or a stray
// brace is a *RejectError wrapping ErrPlaceholder.
func (s slots) fill(text string) (filled, prose string, err error) {
	var f, p strings.Builder
	last := 0
	for _, m := range placeholderRe.FindAllStringSubmatchIndex(text, -1) {
		name := strings.Join(strings.Fields(text[m[2]:m[3]]), "")
		name = strings.ReplaceAll(strings.ToLower(name), "：", ":")
		v, ok := s.lookup(name)
		if !ok {
			return "", "", reject(ErrPlaceholder, text[m[0]:m[1]], "is not offered for this answer")
		}
		if !fitsBefore(text[:m[0]]) {
			// l60万, |60万, 丨60万 read as 160万.
			r, _ := utf8.DecodeLastRuneInString(text[:m[0]])
			return "", "", reject(ErrPlaceholder, string(r)+text[m[0]:m[1]], "is glued to the character before it")
		}
		if last > 0 && strings.Trim(fold(text[last:m[0]]), " .,/-~_·") == "" {
			// 50万10万, 50万.10万 would read as one new figure.
			return "", "", reject(ErrPlaceholder, text[m[0]:m[1]], "follows another placeholder directly")
		}
		f.WriteString(text[last:m[0]])
		f.WriteString(v)
		p.WriteString(text[last:m[0]])
		p.WriteString("|")
		last = m[1]
	}
	f.WriteString(text[last:])
	p.WriteString(text[last:])
	if i := strings.IndexAny(p.String(), "{}｛｝"); i >= 0 {
		rest := []rune(p.String()[i:])
		return "", "", reject(ErrPlaceholder, string(rest[:min(len(rest), 24)]), "is a malformed placeholder")
	}
	return f.String(), p.String(), nil
}

// fitsBefore reports whether the text before a placeholder ends in a
// character that cannot join the placeholder's value into another figure:
// nothing, a space, a Han character other than 丨, or common punctuation.
func fitsBefore(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	switch {
	case before == "" || unicode.IsSpace(r):
		return true
	case r == '丨':
		return false
	case unicode.Is(unicode.Han, r):
		return true
	}
	return strings.ContainsRune("，。、；：！？（“‘《【「—…,;:!?(\"'", r)
}
