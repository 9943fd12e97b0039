package push

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/policies"
)

// TestBillChanges: a profile saved with other figures; the message says
// only what changed.
func TestBillChanges(t *testing.T) {
	base := designProfile(t) // 251万: rd_increase 40万, digital 26万, 新易贷 最高40万 …
	edit := func(f func(*Profile)) Profile {
		p := designProfile(t)
		f(&p)
		return p
	}
	for _, c := range []struct {
		name     string
		old, new Profile
		ok       bool
		text     string // the whole Text, when given
		has      []string
		changed  []ItemChange
		added    []string // rules
		removed  []string // rules
	}{
		{name: "no change", old: base, new: base},
		{name: "figures changed, amounts not", old: base, new: edit(func(p *Profile) { p.RDSpendYuan["2026"] = 9400000 })},
		{name: "increase", old: base, new: edit(func(p *Profile) { p.RDSpendYuan["2026"] = 11500000 }), ok: true,
			text: "您的账单有变化：研发投入增量补助 40万 → 60万（2026年研发投入登记为1150万）；可申请合计 251万 → 271万。",
			changed: []ItemChange{{Rule: "rd_increase", Clause: "policy/4", Title: "研发投入增量补助", Kind: policies.KindComputed,
				OldYuan: 400000, NewYuan: 600000, Reason: "2026年研发投入登记为1150万"}}},
		{name: "new item", old: edit(func(p *Profile) { p.DigitalInvestmentYuan = 0 }), new: base, ok: true,
			text: "您的账单有变化：新增：数字化智能化转型补助 26万（第2条）；可申请合计 225万 → 251万。", added: []string{"digital_transformation"}},
		{name: "removed item", old: base, new: edit(func(p *Profile) { p.Loans = p.Loans[:1] }), ok: true,
			text: "您的账单有变化：不再适用：“新易贷”贷款利息补贴 最高40万（第6条）；可申请合计 251万 → 211万。", removed: []string{"xinyidai_loan"}},
		{name: "all three", old: edit(func(p *Profile) { p.DigitalInvestmentYuan = 0 }),
			new: edit(func(p *Profile) { p.Loans = p.Loans[:1]; p.RDSpendYuan["2026"] = 11500000 }), ok: true,
			has:   []string{"研发投入增量补助 40万 → 60万（2026年研发投入登记为1150万）；新增：数字化智能化转型补助 26万（第2条）；不再适用：“新易贷”贷款利息补贴 最高40万（第6条）；可申请合计 225万 → 231万。"},
			added: []string{"digital_transformation"}, removed: []string{"xinyidai_loan"}},
		{name: "the last year's figure changes the award", old: base, new: edit(func(p *Profile) { p.RDSpendYuan["2025"] = 1000000 }), ok: true,
			has: []string{"研发投入增量补助 40万 → 80万（2025年研发投入登记为100万）"}},
		{name: "a higher award replaces a lower one", old: edit(func(p *Profile) { p.Tiers[0].Tier = TierProvincial }), new: base, ok: true,
			has: []string{"新增：新获评国家专精特新“小巨人”企业奖励 50万（第1条）；不再适用：省级专精特新中小企业奖励 10万（第1条）"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			old, new := ComputeBill(c.old, billDate), ComputeBill(c.new, billDate)
			ch, ok := BillChanges(old, new)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v: %+v", ok, c.ok, ch)
			}
			if !ok {
				if ch.Text != "" || len(ch.Changed)+len(ch.Added)+len(ch.Removed) > 0 {
					t.Errorf("no change, yet %+v", ch)
				}
				return
			}
			if c.text != "" && ch.Text != c.text {
				t.Errorf("text\n got %s\nwant %s", ch.Text, c.text)
			}
			for _, s := range c.has {
				if !strings.Contains(ch.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, ch.Text)
				}
			}
			if c.changed != nil {
				if d := cmp.Diff(c.changed, ch.Changed); d != "" {
					t.Errorf("changed (-want +got):\n%s", d)
				}
			}
			if d := cmp.Diff(c.added, rules(ch.Added)); c.added != nil && d != "" {
				t.Errorf("added (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.removed, rules(ch.Removed)); c.removed != nil && d != "" {
				t.Errorf("removed (-want +got):\n%s", d)
			}
			if w := CodeWords(ch.Text); len(w) > 0 {
				t.Errorf("code words %q in %s", w, ch.Text)
			}
			if ch.Enterprise != c.new.ID || ch.OldTotalYuan != old.TotalYuan || ch.NewTotalYuan != new.TotalYuan {
				t.Errorf("change %+v", ch)
			}
		})
	}
}

func rules(ics []ItemChange) []string {
	out := []string{}
	for _, ic := range ics {
		out = append(out, ic.Rule)
	}
	return out
}

// TestBillChangesStoredBill: an old bill read back from JSON (numbers as
// float64) compares as the bill it was.
func TestBillChangesStoredBill(t *testing.T) {
	p := designProfile(t)
	raw, err := json.Marshal(ComputeBill(p, billDate))
	if err != nil {
		t.Fatal(err)
	}
	var stored Bill
	if err := json.Unmarshal(raw, &stored); err != nil {
		t.Fatal(err)
	}
	if ch, ok := BillChanges(stored, ComputeBill(p, billDate)); ok {
		t.Errorf("no change expected: %s", ch.Text)
	}
	p.RDSpendYuan["2026"] = 11500000
	ch, ok := BillChanges(stored, ComputeBill(p, billDate))
	if !ok || !strings.Contains(ch.Text, "（2026年研发投入登记为1150万）") {
		t.Errorf("%v %s", ok, ch.Text)
	}
}

// TestBillChangesParameter: an amount that changed because a parameter
// value did (no input differs) says so.
func TestBillChangesParameter(t *testing.T) {
	b := ComputeBill(designProfile(t), billDate)
	nb := b
	nb.Items = append([]Item(nil), b.Items...)
	for i, it := range nb.Items {
		if it.Rule != "little_giant" {
			continue
		}
		it.AmountYuan = 600000
		it.Params = []policies.ParamRef{{Name: "little_giant_award", Clause: "policy/1", Quote: "一次性给予60万元奖励", Value: 600000, Unit: policies.UnitYuan}}
		nb.Items[i] = it
	}
	nb.TotalYuan += 100000
	ch, ok := BillChanges(b, nb)
	if !ok || !strings.Contains(ch.Text, "新获评国家专精特新“小巨人”企业奖励 50万 → 60万（条文标准调整为“一次性给予60万元奖励”）") {
		t.Errorf("%v %s", ok, ch.Text)
	}
}

// TestParamChanges: the parameters whose value changes in (from, to].
func TestParamChanges(t *testing.T) {
	ps, err := policies.LoadParams([]byte(`
award:
  clause: policy/1
  quote: 一次性给予50万元奖励
  unit: yuan
  values:
    - {value: 500000, written: 50万, status: draft}
    - {value: 600000, written: 60万, status: final, from: 2027-01-01}
cap:
  clause: policy/4
  quote: 最高500万元
  unit: yuan
  values:
    - {value: 5000000, written: 500万, status: draft, to: 2027-06-30}
same:
  clause: policy/2
  quote: 按10%补助
  unit: percent
  values:
    - {value: 10, written: 10%, status: draft}
    - {value: 10, written: 10%, status: final, from: 2027-01-01}
text:
  clause: policy/1
  quote: 支持企业申报认定
  unit: text
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to string
		want     []string
	}{
		{"2026-12-31", "2027-01-01", []string{"award"}},
		{"2026-12-30", "2026-12-31", nil},
		{"2027-01-01", "2027-06-30", nil},
		{"2027-06-30", "2027-07-01", []string{"cap"}},
		{"2026-01-01", "2028-01-01", []string{"award", "cap"}},
		{"2027-07-01", "2026-01-01", nil},
	} {
		got := paramChanges(ps, mustDay(t, c.from), mustDay(t, c.to).Add(15*time.Hour))
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("(%s, %s] (-want +got):\n%s", c.from, c.to, d)
		}
	}
	if got := ParamChanges(day(2027, 1, 1), day(2026, 1, 1)); got != nil {
		t.Errorf("to before from: %v", got)
	}
}
