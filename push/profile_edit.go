package push

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cdsme/policybot/yuan"
)

// Editing a profile one field at a time, in plain Chinese (the chat's
// /profile). Pure domain code: the chat keeps the pending step and saves.

// EditField is one field /profile edits: its profile key, its Chinese name
// and what to type, with an example.
type EditField struct {
	Key    string // the profile JSON key
	Name   string // Chinese name shown on the button
	Prompt string // how to type the value, with an example
}

// EditFields are the editable fields, in the order of the buttons.
var EditFields = []EditField{
	{"tiers", "认定等级与日期", "请发送认定等级、认定日期和认定类型（新认定或复核），例如：小巨人 2025-06-30 新认定。等级可写 创新型中小企业、省级专精特新、小巨人；同一等级已登记的会被替换。"},
	{"revenue_yuan", "各年营收", "请发送年份和当年营业收入，例如：2025 650万（也可写 2025 6,500,000）；多个年份用“；”或换行分开。"},
	{"rd_spend_yuan", "各年研发投入", "请发送年份和当年研发投入，例如：2026 930万（也可写 2026 9,300,000）；多个年份用“；”或换行分开。"},
	{"digital_investment_yuan", "数字化投资", "请发送数字化智能化投资金额，例如：120万（也可写 1,200,000）。"},
	{"loans", "贷款", "请发送贷款产品和金额。壮大贷写实际支付利息和按同期LPR计算的利息，例如：壮大贷 30万 40万；新易贷写贷款金额，例如：新易贷 500万。同一产品已登记的会被替换。"},
	{"standards", "标准", "请发送标准级别和批准日期，例如：国家标准 2025-03-01。级别可写 国际标准、国家标准、行业标准。"},
	{"commercialization_rd_yuan", "产业化研发投入", "请发送研发成果产业化项目的技术研发投入，例如：200万（也可写 2,000,000）。"},
}

// clearWords empty a field.
var clearWords = []string{"无", "清空", "没有"}

// FindEditField finds a field by its key or Chinese name.
func FindEditField(s string) (EditField, bool) {
	s = strings.TrimSpace(s)
	for _, f := range EditFields {
		if s == f.Key || s == f.Name {
			return f, true
		}
	}
	return EditField{}, false
}

// EditError is a value the user typed that cannot be saved: Field names the
// field in Chinese, Reason says why.
type EditError struct {
	Field  string
	Reason string
}

func (e *EditError) Error() string { return "“" + e.Field + "”填写有误：" + e.Reason }

// ApplyEdit returns p with field key set from the user's text: amounts
// through yuan.Parse, years of 4 digits not after today's, dates
// YYYY-MM-DD not after today, enums from the profile's allowed values.
// “无” or “清空” empties the field. A bad value is an *EditError; p is not
// changed.
func ApplyEdit(p Profile, key, text string, today time.Time) (Profile, error) {
	f, ok := FindEditField(key)
	if !ok {
		return p, fmt.Errorf("push: no editable field %q", key)
	}
	text = strings.TrimSpace(text)
	bad := func(format string, a ...any) (Profile, error) {
		return p, &EditError{Field: f.Name, Reason: fmt.Sprintf(format, a...)}
	}
	if text == "" {
		return bad("没有内容。")
	}
	q := p
	clear := slices.Contains(clearWords, text)
	switch f.Key {
	case "revenue_yuan", "rd_spend_yuan":
		var m map[string]int64
		if !clear {
			old := p.RevenueYuan
			if f.Key == "rd_spend_yuan" {
				old = p.RDSpendYuan
			}
			m = make(map[string]int64, len(old)+1)
			for y, v := range old {
				m[y] = v
			}
			for _, part := range splitEntries(text) {
				mm := yearAmountRE.FindStringSubmatch(part)
				if mm == nil {
					return bad("“%s”应写成年份加金额，例如 2025 650万。", clip(part))
				}
				y, ok := parseYear(mm[1])
				if !ok || y > today.Year() {
					return bad("年份“%s”应是1990年至今年（%d年）之间的4位数字。", mm[1], today.Year())
				}
				v, err := editAmount(mm[2])
				if err != nil {
					return bad("%s", err)
				}
				m[mm[1]] = v
			}
		}
		if f.Key == "revenue_yuan" {
			q.RevenueYuan = m
		} else {
			q.RDSpendYuan = m
		}
	case "digital_investment_yuan", "commercialization_rd_yuan":
		var v int64
		if !clear {
			var err error
			if v, err = editAmount(text); err != nil {
				return bad("%s", err)
			}
		}
		if f.Key == "digital_investment_yuan" {
			q.DigitalInvestmentYuan = v
		} else {
			q.CommercializationRDYuan = v
		}
	case "tiers":
		if clear {
			q.Tiers = nil
			break
		}
		w := strings.Fields(text)
		if len(w) < 2 || len(w) > 3 {
			return bad("应写成等级、日期和类型，例如 小巨人 2025-06-30 新认定。")
		}
		t := Tier{Tier: matchWord(w[0], tierWords), Kind: KindNew}
		if t.Tier == "" {
			return bad("等级“%s”不是可选的值（可写 创新型中小企业、省级专精特新、小巨人）。", clip(w[0]))
		}
		d, err := editDate(w[1], today)
		if err != nil {
			return bad("认定日期%s", err)
		}
		t.Recognized = d
		if len(w) == 3 {
			if t.Kind = matchWord(w[2], kindWords); t.Kind == "" {
				return bad("认定类型“%s”不是可选的值（可写 新认定 或 复核）。", clip(w[2]))
			}
		}
		q.Tiers = replaceOrAdd(p.Tiers, t, func(o Tier) bool { return o.Tier == t.Tier })
	case "loans":
		if clear {
			q.Loans = nil
			break
		}
		w := strings.Fields(text)
		l := Loan{}
		if len(w) > 0 {
			l.Product = matchWord(w[0], productWords)
		}
		switch {
		case l.Product == ProductZhuangda && len(w) == 3:
			var err error
			if l.InterestPaidYuan, err = editAmount(w[1]); err != nil {
				return bad("实际支付利息%s", err)
			}
			if l.LPRInterestYuan, err = editAmount(w[2]); err != nil {
				return bad("按同期LPR计算的利息%s", err)
			}
		case l.Product == ProductXinyidai && len(w) == 2:
			var err error
			if l.PrincipalYuan, err = editAmount(w[1]); err != nil {
				return bad("贷款金额%s", err)
			}
		default:
			return bad("应写成 壮大贷 实际支付利息 按同期LPR计算的利息（例如 壮大贷 30万 40万），或 新易贷 贷款金额（例如 新易贷 500万）。")
		}
		q.Loans = replaceOrAdd(p.Loans, l, func(o Loan) bool { return o.Product == l.Product })
	case "standards":
		if clear {
			q.Standards = nil
			break
		}
		w := strings.Fields(text)
		if len(w) != 2 {
			return bad("应写成级别和批准日期，例如 国家标准 2025-03-01。")
		}
		s := Standard{Level: matchWord(w[0], levelWords)}
		if s.Level == "" {
			return bad("级别“%s”不是可选的值（可写 国际标准、国家标准、行业标准）。", clip(w[0]))
		}
		d, err := editDate(w[1], today)
		if err != nil {
			return bad("批准日期%s", err)
		}
		s.Approved = d
		q.Standards = replaceOrAdd(p.Standards, s, func(o Standard) bool { return o == s })
	}
	if err := q.Validate(); err != nil {
		return bad("%s", ProfileErrorText(err))
	}
	return q, nil
}

var yearAmountRE = regexp.MustCompile(`^(\d{4})\s*年?\s*[:：]?\s*(\S.*)$`)

// splitEntries splits "2025 650万；2026 930万" (full-width comma, semicolons,
// new lines; not ",", which groups digits).
func splitEntries(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("；;，\n", r) }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func editAmount(s string) (int64, error) {
	v, err := yuan.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("“%s”不是金额，请写成如 650万 或 6,500,000 的整数元金额。", clip(s))
	}
	return v, nil
}

func editDate(s string, today time.Time) (string, error) {
	t, err := parseDate(s)
	if err != nil {
		return "", fmt.Errorf("“%s”不是日期，请写成如 2025-06-30。", clip(s))
	}
	if t.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
		return "", fmt.Errorf("“%s”晚于今天，请填写已经发生的日期。", s)
	}
	return s, nil
}

func replaceOrAdd[T any](list []T, v T, same func(T) bool) []T {
	out := slices.Clone(list)
	if i := slices.IndexFunc(out, same); i >= 0 {
		out[i] = v
		return out
	}
	return append(out, v)
}

// Words the user may type for an enum value, besides the value itself and
// its Chinese name.
var (
	tierWords = map[string][]string{
		TierInnovative:  {"创新型", "创新型中小企业"},
		TierProvincial:  {"省级", "省级专精特新", "专精特新", "省级专精特新中小企业"},
		TierLittleGiant: {"小巨人", "国家级小巨人", "专精特新小巨人"},
	}
	kindWords    = map[string][]string{KindNew: {"新认定", "新"}, KindReview: {"复核"}}
	productWords = map[string][]string{ProductZhuangda: {"壮大贷"}, ProductXinyidai: {"新易贷"}}
	levelWords   = map[string][]string{
		"international": {"国际", "国际标准"}, "national": {"国家", "国家标准"}, "industry": {"行业", "行业标准"},
	}
)

func matchWord(w string, words map[string][]string) string {
	for v, ws := range words {
		if w == v || w == valueNames[v] || slices.Contains(ws, w) {
			return v
		}
	}
	return ""
}

// ProfileText shows a profile in plain Chinese, one field a line, each
// with its Chinese name ("未填写" for an empty one).
func ProfileText(p Profile) string {
	var b strings.Builder
	name := p.Name
	if name == "" {
		name = "（未填写名称）"
	}
	fmt.Fprintf(&b, "企业名称：%s\n企业编号：%s\n", name, p.ID)
	none := "未填写"
	line := func(label string, items []string) {
		v := none
		if len(items) > 0 {
			v = strings.Join(items, "；")
		}
		fmt.Fprintf(&b, "%s：%s\n", label, v)
	}
	var items []string
	for _, t := range p.Tiers {
		s := valueNames[t.Tier]
		if t.Recognized != "" {
			s += "，" + t.Recognized
		}
		items = append(items, s+"，"+valueNames[t.Kind])
	}
	line(EditFields[0].Name, items)
	years := func(m map[string]int64) []string {
		var out []string
		for _, y := range slices.Sorted(maps.Keys(m)) {
			out = append(out, y+"年 "+yuan.Format(m[y]))
		}
		return out
	}
	line(EditFields[1].Name, years(p.RevenueYuan))
	line(EditFields[2].Name, years(p.RDSpendYuan))
	amount := func(v int64) []string {
		if v == 0 {
			return nil
		}
		return []string{yuan.Format(v)}
	}
	line(EditFields[3].Name, amount(p.DigitalInvestmentYuan))
	items = nil
	for _, l := range p.Loans {
		if l.Product == ProductXinyidai {
			items = append(items, "新易贷，贷款金额 "+yuan.Format(l.PrincipalYuan))
		} else {
			items = append(items, valueNames[l.Product]+"，实际支付利息 "+yuan.Format(l.InterestPaidYuan)+"，按同期LPR计算的利息 "+yuan.Format(l.LPRInterestYuan))
		}
	}
	line(EditFields[4].Name, items)
	items = nil
	for _, s := range p.Standards {
		v := valueNames[s.Level]
		if s.Approved != "" {
			v += "，" + s.Approved + "批准"
		}
		items = append(items, v)
	}
	line(EditFields[5].Name, items)
	line(EditFields[6].Name, amount(p.CommercializationRDYuan))
	return strings.TrimRight(b.String(), "\n")
}
