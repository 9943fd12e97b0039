package push

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// Change is what changed between two bills of one enterprise — after its
// profile was saved, or when a dated parameter value took effect
// (ParamChanges): the amounts that changed, the items that are new and
// those that no longer apply, and a message saying only that.
type Change struct {
	Enterprise   string       `json:"enterprise"`
	Name         string       `json:"name,omitempty"`
	ChatID       int64        `json:"chat_id,omitempty"`
	OldDate      string       `json:"old_date"`
	NewDate      string       `json:"new_date"`
	OldTotalYuan int64        `json:"old_total_yuan"`
	NewTotalYuan int64        `json:"new_total_yuan"`
	Changed      []ItemChange `json:"changed"`
	Added        []ItemChange `json:"added"`
	Removed      []ItemChange `json:"removed"`
	// Text is the message, in Chinese: 您的账单有变化：研发投入增量补助
	// 40万 → 60万（2026年研发投入登记为1150万）；新增：…；不再适用：…
	Text string `json:"text"`
}

// ItemChange is one bill item that changed, appeared (OldYuan 0) or no
// longer applies (NewYuan 0).
type ItemChange struct {
	Rule    string              `json:"rule"`
	Clause  string              `json:"clause"`
	Title   string              `json:"title"`
	Kind    policies.AmountKind `json:"kind"`
	OldYuan int64               `json:"old_yuan"`
	NewYuan int64               `json:"new_yuan"`
	// Reason says, for a changed amount, which of the enterprise's figures
	// or which parameter value changed (2026年研发投入登记为1150万).
	Reason string `json:"reason,omitempty"`
}

// BillChanges compares two bills of one enterprise (old before new) and
// reports whether an item's amount changed, an item appeared or one no
// longer applies. An item of amount 0 (lost to 就高不就低) counts as absent.
// Without a change the Change is empty (no Text) and ok is false.
func BillChanges(old, new Bill) (c Change, ok bool) {
	c = Change{
		Enterprise: new.Enterprise, Name: new.Name, ChatID: new.ChatID,
		OldDate: old.Date, NewDate: new.Date, OldTotalYuan: old.TotalYuan, NewTotalYuan: new.TotalYuan,
		Changed: []ItemChange{}, Added: []ItemChange{}, Removed: []ItemChange{},
	}
	before, after := itemsByRule(old), itemsByRule(new)
	for _, it := range new.Items {
		if it.AmountYuan == 0 {
			continue
		}
		k := before.take(it.Rule)
		ic := ItemChange{Rule: it.Rule, Clause: it.Clause, Title: it.Title, Kind: it.Kind, NewYuan: it.AmountYuan}
		switch {
		case k == nil:
			c.Added = append(c.Added, ic)
		case k.AmountYuan != it.AmountYuan:
			ic.OldYuan, ic.Reason = k.AmountYuan, changeReason(*k, it)
			c.Changed = append(c.Changed, ic)
		}
	}
	for _, it := range old.Items {
		if it.AmountYuan == 0 {
			continue
		}
		if after.take(it.Rule) == nil {
			c.Removed = append(c.Removed, ItemChange{Rule: it.Rule, Clause: it.Clause, Title: it.Title, Kind: it.Kind, OldYuan: it.AmountYuan})
		}
	}
	if len(c.Changed)+len(c.Added)+len(c.Removed) == 0 {
		return c, false
	}
	c.Text = c.text()
	return c, true
}

// itemQueue holds a bill's items of amount > 0 by rule, in order: a rule
// may give more than one item (standards in chunks).
type itemQueue map[string][]Item

func itemsByRule(b Bill) itemQueue {
	q := itemQueue{}
	for _, it := range b.Items {
		if it.AmountYuan != 0 {
			q[it.Rule] = append(q[it.Rule], it)
		}
	}
	return q
}

// take removes and returns the first item of rule, or nil.
func (q itemQueue) take(rule string) *Item {
	its := q[rule]
	if len(its) == 0 {
		return nil
	}
	q[rule] = its[1:]
	return &its[0]
}

func (c Change) text() string {
	var parts []string
	for _, ic := range c.Changed {
		s := fmt.Sprintf("%s %s → %s", ic.Title, amountText(ic.Kind, ic.OldYuan), amountText(ic.Kind, ic.NewYuan))
		if ic.Reason != "" {
			s += "（" + ic.Reason + "）"
		}
		parts = append(parts, s)
	}
	list := func(head string, ics []ItemChange, amount func(ItemChange) int64) {
		if len(ics) == 0 {
			return
		}
		items := make([]string, len(ics))
		for i, ic := range ics {
			items[i] = fmt.Sprintf("%s %s（%s）", ic.Title, amountText(ic.Kind, amount(ic)), clauseInfo(ic.Clause).short)
		}
		parts = append(parts, head+strings.Join(items, "、"))
	}
	list("新增：", c.Added, func(ic ItemChange) int64 { return ic.NewYuan })
	list("不再适用：", c.Removed, func(ic ItemChange) int64 { return ic.OldYuan })
	if c.OldTotalYuan != c.NewTotalYuan {
		parts = append(parts, fmt.Sprintf("可申请合计 %s → %s", yuan.Format(c.OldTotalYuan), yuan.Format(c.NewTotalYuan)))
	}
	return "您的账单有变化：" + strings.Join(parts, "；") + "。"
}

func amountText(kind policies.AmountKind, v int64) string {
	if kind == policies.KindMaximum {
		return "最高" + yuan.Format(v)
	}
	return yuan.Format(v)
}

// noteYear finds the year a bill item was computed on in its notes
// ("按2026年比2025年的研发投入增量计算", "按2026年营收计算").
var noteYear = regexp.MustCompile(`^按(\d{4})年`)

// changeReason says why an item's amount changed: the inputs that differ,
// by their labels (本年度 and 上年度 as the years the item was computed
// on), else the parameter values that differ.
func changeReason(old, new Item) string {
	year := 0
	for _, n := range new.Notes {
		if m := noteYear.FindStringSubmatch(n); m != nil {
			year, _ = strconv.Atoi(m[1])
			break
		}
	}
	var why []string
	if r, ok := policies.RuleByName(new.Rule); ok {
		for _, in := range r.Inputs {
			v, had := new.Inputs[in.Name]
			if !had || sameValue(old.Inputs[in.Name], v) {
				continue
			}
			label := strings.TrimSuffix(in.Label, "（元）")
			if year > 0 {
				label = strings.NewReplacer("本年度", strconv.Itoa(year)+"年", "上年度", strconv.Itoa(year-1)+"年").Replace(label)
			}
			why = append(why, label+"登记为"+valueText(v))
		}
	}
	if len(why) > 0 {
		return strings.Join(why, "、")
	}
	for _, p := range new.Params {
		i := slices.IndexFunc(old.Params, func(o policies.ParamRef) bool { return o.Name == p.Name })
		switch {
		case i >= 0 && old.Params[i].Value == p.Value:
		case p.Quote != "" && (i < 0 || old.Params[i].Quote != p.Quote):
			why = append(why, "条文标准调整为“"+p.Quote+"”")
		default:
			why = append(why, "条文标准调整为"+paramText(p))
		}
	}
	return strings.Join(slices.Compact(why), "、")
}

// sameValue compares two input values, also after a JSON round trip (a
// bill read back from JSON has float64 where ComputeBill put int64).
func sameValue(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// valueText writes an input value for a reader: amounts in 万/亿, enum
// values by their Chinese names.
func valueText(v any) string {
	switch x := v.(type) {
	case int64:
		return yuan.Format(x)
	case int:
		return yuan.Format(int64(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= float64(policies.MaxYuan) {
			return yuan.Format(int64(x))
		}
	case string:
		if n, ok := valueNames[x]; ok {
			return n
		}
		return x
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = valueText(s)
		}
		return strings.Join(out, "、")
	case []any:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = valueText(s)
		}
		return strings.Join(out, "、")
	}
	return fmt.Sprint(v)
}

func paramText(p policies.ParamRef) string {
	switch p.Unit {
	case policies.UnitYuan:
		return yuan.Format(p.Value)
	case policies.UnitPercent:
		return fmt.Sprintf("%d%%", p.Value)
	case policies.UnitYear:
		return fmt.Sprintf("%d年", p.Value)
	case policies.UnitWorkingDay:
		return fmt.Sprintf("%d个工作日", p.Value)
	}
	return strconv.FormatInt(p.Value, 10)
}

// ParamChanges lists, in the parameter file's order, the parameters whose
// value changes on some day in (from, to]: whose value on that day differs
// from the day before's, or which gain or lose a value. ParamChanges(
// yesterday, today) names the values that take effect today; a bill
// computed on a day after such a change may differ from one before it
// (BillChanges). Days are calendar days; to before from gives nil.
func ParamChanges(from, to time.Time) []string {
	ps, err := policies.DefaultParams()
	if err != nil {
		return nil
	}
	return paramChanges(ps, from, to)
}

// ParamChangesIn is ParamChanges on the parameter table ps (a table with
// a dated value the release does not embed yet).
func ParamChangesIn(ps *policies.Params, from, to time.Time) []string {
	return paramChanges(ps, from, to)
}

func paramChanges(ps *policies.Params, from, to time.Time) []string {
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	var out []string
	for _, p := range ps.All() {
		if p.Unit == policies.UnitText {
			continue
		}
		// A value can change only where a period begins or ends.
		var edges []time.Time
		for _, v := range p.Values {
			if !v.From.IsZero() {
				edges = append(edges, v.From)
			}
			if !v.To.IsZero() {
				edges = append(edges, v.To.AddDate(0, 0, 1))
			}
		}
		changed := slices.ContainsFunc(edges, func(d time.Time) bool {
			if !d.After(from) || d.After(to) {
				return false
			}
			a, _, errA := ps.At(p.Name, d.AddDate(0, 0, -1))
			b, _, errB := ps.At(p.Name, d)
			return (errA == nil) != (errB == nil) || a.Value != b.Value
		})
		if changed {
			out = append(out, p.Name)
		}
	}
	return out
}
