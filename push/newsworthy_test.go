package push

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// randomProfile is a profile drawn from every field's choices, with dates
// and years around the bill dates TestNewsworthy uses; a few fields are
// left empty or half filled, as rosters have them.
func randomProfile(r *rand.Rand, i int) Profile {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	date := func() string {
		if r.IntN(8) == 0 {
			return ""
		}
		return time.Date(2022+r.IntN(6), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	amount := func(max int64) int64 {
		if r.IntN(4) == 0 {
			return 0
		}
		return r.Int64N(max)
	}
	years := func(max int64) map[string]int64 {
		m := map[string]int64{}
		for y := 2023 + r.IntN(3); y <= 2027; y++ {
			if r.IntN(3) > 0 {
				m[fmt.Sprint(y)] = amount(max)
			}
		}
		return m
	}
	p := Profile{ID: fmt.Sprintf("R%d", i), RevenueYuan: years(800_000_000), RDSpendYuan: years(40_000_000),
		DigitalInvestmentYuan: amount(20_000_000), CommercializationRDYuan: amount(10_000_000)}
	for range r.IntN(3) {
		p.Tiers = append(p.Tiers, Tier{Tier: pick(tierChoices), Recognized: date(), Kind: pick(kindChoices)})
	}
	for range r.IntN(3) {
		p.Loans = append(p.Loans, Loan{Product: pick(productChoices), InterestPaidYuan: amount(3_000_000),
			LPRInterestYuan: amount(3_000_000), PrincipalYuan: amount(50_000_000)})
	}
	for range r.IntN(4) {
		p.Standards = append(p.Standards, Standard{Level: pick(levelChoices), Approved: date()})
	}
	return p
}

// TestNewsworthy: Newsworthy says what ComputeBill's bill says — items,
// near misses or deadlines — and the bare bill (no texts) has the same
// items (amounts, inputs, parameters; not their steps and notes), near
// misses and deadlines (but their advice) as the full one, for the design profile and 2,000 drawn ones, on dates
// across five years, with and without an issue date.
func TestNewsworthy(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	profiles := []Profile{designProfile(t), {ID: "EMPTY"}}
	for i := range 2000 {
		profiles = append(profiles, randomProfile(r, i))
	}
	issued := WithIssued(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	type view struct {
		Items      []Item
		NearMisses []NearMiss
		Deadlines  []Deadline
		Total, Max int64
	}
	seen := map[bool]int{}
	for i, p := range profiles {
		date := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(5*365))
		opts := [][]BillOption{nil, {issued}}[i%2]
		full := ComputeBill(p, date, opts...)
		bare := computeBill(p, date, true, opts)
		want := view{full.Items, full.NearMisses, full.Deadlines, full.TotalYuan, full.MaximumYuan}
		// The bare bill writes no texts (the calculators run AmountOnly):
		// steps, notes and actions are not compared.
		for _, items := range [][]Item{want.Items, bare.Items} {
			for i := range items {
				items[i].Action, items[i].Steps, items[i].Notes = "", nil, nil
			}
		}
		for i := range want.Deadlines {
			want.Deadlines[i].Advice = ""
		}
		for i := range bare.Deadlines {
			bare.Deadlines[i].Advice = ""
		}
		if d := cmp.Diff(want, view{bare.Items, bare.NearMisses, bare.Deadlines, bare.TotalYuan, bare.MaximumYuan}); d != "" {
			t.Fatalf("%+v on %s: bare bill (-full +bare):\n%s", p, date.Format(time.DateOnly), d)
		}
		says := len(full.Items) > 0 || len(full.NearMisses) > 0 || len(full.Deadlines) > 0
		if got := Newsworthy(p, date, opts...); got != says {
			t.Fatalf("%+v on %s: Newsworthy %v, the bill says something: %v", p, date.Format(time.DateOnly), got, says)
		}
		seen[says]++
	}
	t.Logf("says something: %d, quiet: %d", seen[true], seen[false])
	if seen[true] == 0 || seen[false] == 0 {
		t.Errorf("the drawn profiles cover one answer only: %v", seen)
	}
}

// BenchmarkNewsworthy is BenchmarkComputeBill's profile through
// Newsworthy, as the scheduler asks it.
func BenchmarkNewsworthy(b *testing.B) {
	p := designProfile(b)
	issued := WithIssued(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	b.ReportAllocs()
	for b.Loop() {
		Newsworthy(p, billDate, issued)
	}
}
