package push

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// The bill as a chat message: what it rests on, how to act on it, and the
// reference (enterprise, date) a correction names.

// ChatFooter ends every bill a chat receives (pushed or asked for with
// /bill): the commands that act on it.
const ChatFooter = "/profile 修改资料 · /unsubscribe 退订 · /correct 反馈有误"

// ChatText is the bill as a chat sends it: Text and ChatFooter.
func (b Bill) ChatText() string { return WithChatFooter(b.Text()) }

// WithChatFooter appends ChatFooter to a bill's Text (push workers hand
// senders the text only).
func WithChatFooter(text string) string {
	return strings.TrimRight(text, "\n") + "\n\n" + ChatFooter
}

// Header of Bill.Text, read back by ParseBillRef.
const (
	billTitle     = "【红利账单】"
	billDateLabel = "账单日期："
)

// billWho names the enterprise in the bill's first line: 名称（编号）, or
// the id alone. An id ending in "）" without a name is bracketed too, so
// that ParseBillRef cannot take part of the id for a name.
func billWho(name, id string) string {
	switch {
	case name == "" && strings.HasSuffix(id, "）"):
		return "（" + id + "）"
	case name == "":
		return id
	case id == "":
		return name
	}
	return name + "（" + id + "）"
}

// ParseBillRef reads the enterprise id and the bill date from the first two
// lines of a Bill.Text (or ChatText), and reports whether text is a bill
// with an id and a valid date. A bill of a profile without an id gives ok
// false (every validated profile has one).
func ParseBillRef(text string) (enterprise, date string, ok bool) {
	first, rest, _ := strings.Cut(text, "\n")
	second, _, _ := strings.Cut(rest, "\n")
	who, ok1 := strings.CutPrefix(first, billTitle)
	date, ok2 := strings.CutPrefix(second, billDateLabel)
	if !ok1 || !ok2 || who == "" {
		return "", "", false
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return "", "", false
	}
	enterprise = who
	if strings.HasSuffix(who, "）") {
		// The id is in the last balanced （…）.
		depth := 0
		rs := []rune(who)
		for i := len(rs) - 1; i >= 0; i-- {
			switch rs[i] {
			case '）':
				depth++
			case '（':
				depth--
			}
			if depth == 0 {
				enterprise = string(rs[i+1 : len(rs)-1])
				break
			}
		}
	}
	return enterprise, date, enterprise != ""
}

// profileFacts are the profile's figures and dates in Chinese, in the order
// a bill uses them: certifications, revenue, R&D, investments, loans,
// standards.
func profileFacts(p Profile) []string {
	facts := []string{}
	for _, t := range p.Tiers {
		name := cmp.Or(tierNames[t.Tier], "认定")
		kind := map[string]string{KindNew: "新认定", KindReview: "复核通过"}[t.Kind]
		switch {
		case t.Recognized != "" && kind != "":
			facts = append(facts, fmt.Sprintf("%s（%s%s）", name, t.Recognized, kind))
		case t.Recognized != "":
			facts = append(facts, fmt.Sprintf("%s（%s认定）", name, t.Recognized))
		case kind != "":
			facts = append(facts, fmt.Sprintf("%s（%s，未填认定日期）", name, kind))
		default:
			facts = append(facts, name)
		}
	}
	facts = appendYears(facts, "营业收入", p.RevenueYuan)
	facts = appendYears(facts, "研发投入", p.RDSpendYuan)
	if p.DigitalInvestmentYuan > 0 {
		facts = append(facts, "数字化智能化投资"+yuan.Format(p.DigitalInvestmentYuan))
	}
	if p.CommercializationRDYuan > 0 {
		facts = append(facts, "研发成果产业化项目技术研发投入"+yuan.Format(p.CommercializationRDYuan))
	}
	for _, l := range p.Loans {
		switch l.Product {
		case ProductZhuangda:
			var parts []string
			if l.InterestPaidYuan > 0 {
				parts = append(parts, "实际支付利息"+yuan.Format(l.InterestPaidYuan))
			}
			if l.LPRInterestYuan > 0 {
				parts = append(parts, "按同期LPR计算的利息"+yuan.Format(l.LPRInterestYuan))
			}
			facts = append(facts, "“壮大贷”"+cmp.Or(strings.Join(parts, "、"), "（未填利息）"))
		case ProductXinyidai:
			if l.PrincipalYuan > 0 {
				facts = append(facts, "“新易贷”贷款"+yuan.Format(l.PrincipalYuan))
			} else {
				facts = append(facts, "“新易贷”（未填贷款金额）")
			}
		}
	}
	facts = append(facts, standardFacts(p.Standards)...)
	return facts
}

// appendYears adds "2026年研发投入930万（2025年500万）": the latest year
// first, earlier years in brackets, latest first. Keys that are not years
// (only in unvalidated profiles) are left out.
func appendYears(facts []string, what string, m map[string]int64) []string {
	var ys []int
	for k := range m {
		if y, ok := parseYear(k); ok {
			ys = append(ys, y)
		}
	}
	if len(ys) == 0 {
		return facts
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	s := fmt.Sprintf("%d年%s%s", ys[0], what, yuan.Format(m[strconv.Itoa(ys[0])]))
	if len(ys) > 1 {
		older := make([]string, len(ys)-1)
		for i, y := range ys[1:] {
			older[i] = fmt.Sprintf("%d年%s", y, yuan.Format(m[strconv.Itoa(y)]))
		}
		s += "（" + strings.Join(older, "、") + "）"
	}
	return append(facts, s)
}

var levelNames = map[string]string{"international": "国际标准", "national": "国家标准", "industry": "行业标准"}

// standardFacts counts standards per level: "国家标准1项（2026-05-10获批）".
func standardFacts(ss []Standard) []string {
	var out []string
	for _, level := range levelChoices {
		var dates []string
		n := 0
		for _, s := range ss {
			if s.Level != level {
				continue
			}
			n++
			if s.Approved != "" {
				dates = append(dates, s.Approved)
			}
		}
		if n == 0 {
			continue
		}
		f := fmt.Sprintf("%s%d项", levelNames[level], n)
		if len(dates) > 0 {
			slices.Sort(dates)
			f += "（" + strings.Join(dates, "、") + "获批）"
		}
		out = append(out, f)
	}
	return out
}

// clauseList names the clauses the bill's items, near misses and dates rest
// on: 《文件》（征求意见稿）第1条“支持企业提档升位”、…
func (b Bill) clauseList() string {
	seen := map[string]bool{}
	var cs []policies.Clause
	add := func(id string) {
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		if c, err := policies.MustDefault().Clause(id); err == nil {
			cs = append(cs, c)
		}
	}
	for _, it := range b.Items {
		add(it.Clause)
	}
	for _, n := range b.NearMisses {
		add(n.Clause)
	}
	for _, d := range b.Deadlines {
		add(d.Clause)
	}
	// Numbered measures in order, unnumbered ones (适用对象) after them.
	slices.SortStableFunc(cs, func(x, y policies.Clause) int {
		return cmp.Or(strings.Compare(x.Doc, y.Doc), cmp.Compare(order(x), order(y)))
	})
	var s strings.Builder
	doc := ""
	for i, c := range cs {
		if c.Doc != doc {
			if i > 0 {
				s.WriteString("；")
			}
			doc = c.Doc
			s.WriteString("《" + c.DocTitle + "》")
			if d, ok := policies.MustDefault().Document(c.Doc); ok {
				s.WriteString(d.Status)
			}
		} else {
			s.WriteString("、")
		}
		if c.Number > 0 {
			fmt.Fprintf(&s, "第%d条“%s”", c.Number, c.Title)
		} else {
			fmt.Fprintf(&s, "“%s”", c.Title)
		}
	}
	return s.String()
}

// order puts numbered measures first, in their order.
func order(c policies.Clause) int {
	if c.Number == 0 {
		return 1 << 20
	}
	return c.Number
}

// unissuedNote explains the dates a bill cannot give while 附件2's issue
// date is unknown.
func unissuedNote() string {
	const rule = "政策自印发之日起30个工作日后施行、有效期3年，具体日期待印发后计算。"
	plan, _ := policies.MustDefault().Document("plan")
	policy, ok := policies.MustDefault().Document("policy")
	switch {
	case ok && policy.Draft() && plan.Draft():
		return "两份文件尚未正式印发，施行日期暂不能确定：" + rule
	case ok && policy.Draft():
		return "《" + policy.Title + "》尚未正式印发，施行日期暂不能确定：" + rule
	}
	return "印发日期尚未登记，施行日期暂不能确定：" + rule
}
