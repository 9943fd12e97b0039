package push

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

var billDate = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

type itemKey struct {
	Rule       string `yaml:"rule"`
	Clause     string `yaml:"clause"`
	AmountYuan int64  `yaml:"amount_yuan"`
}

func itemKeys(b Bill) []itemKey {
	out := []itemKey{}
	for _, it := range b.Items {
		out = append(out, itemKey{it.Rule, it.Clause, it.AmountYuan})
	}
	return out
}

// TestDesignBill is DESIGN.md's worked example: 251万 in seven items and the
// 170万 R&D near miss.
func TestDesignBill(t *testing.T) {
	b := ComputeBill(designProfile(t), billDate)
	if b.Enterprise != "91510100MA6XXXXXXX" || b.Date != "2026-11-30" || b.TotalYuan != 2510000 {
		t.Errorf("enterprise %q date %q total %d", b.Enterprise, b.Date, b.TotalYuan)
	}
	want := []itemKey{
		{"little_giant", "policy/1", 500000},
		{"digital_transformation", "policy/2", 260000},
		{"revenue_milestone", "policy/3", 50000},
		{"rd_increase", "policy/4", 400000},
		{"standard", "policy/5", 400000},
		{"zhuangda_loan", "policy/6", 500000},
		{"xinyidai_loan", "policy/6", 400000},
	}
	if d := cmp.Diff(want, itemKeys(b)); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	wantNM := []NearMiss{{Rule: "rd_increase", Clause: "policy/4", GapYuan: 1700000, GainYuan: 200000, Advice: "再增加170万研发投入可多得20万"}}
	if d := cmp.Diff(wantNM, b.NearMisses); d != "" {
		t.Errorf("near misses (-want +got):\n%s", d)
	}
	for _, it := range b.Items {
		if len(it.Steps) == 0 || !strings.Contains(it.Action, "市经信局市新经济委") || !strings.Contains(it.Action, "申报") {
			t.Errorf("%s: steps %v action %q", it.Rule, it.Steps, it.Action)
		}
	}
	if d := cmp.Diff([]Deadline{{Kind: DeadlineReview, Date: "2029-07-01", Clause: "policy/1", Tier: "little_giant",
		Advice: b.Deadlines[0].Advice}}, b.Deadlines); d != "" {
		t.Errorf("deadlines (-want +got):\n%s", d)
	}
	// The JSON contract: the listed keys, arrays never null.
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"enterprise", "date", "total_yuan", "items", "near_misses", "missing", "deadlines"} {
		if m[k] == nil {
			t.Errorf("JSON lacks %s: %s", k, raw)
		}
	}
	item := m["items"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "clause", "amount_yuan", "steps", "action"} {
		if item[k] == nil {
			t.Errorf("item lacks %s", k)
		}
	}
	nm := m["near_misses"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "clause", "gap_yuan", "gain_yuan", "advice"} {
		if nm[k] == nil {
			t.Errorf("near miss lacks %s", k)
		}
	}
}

func TestBillText(t *testing.T) {
	txt := ComputeBill(designProfile(t), billDate).Text()
	for _, s := range []string{"红利账单", "成都示例科技有限公司", "2026-11-30", "251万", "50万（第1条）", "最高40万（第6条）",
		"再增加170万研发投入可多得20万", "2029-07-01", "征求意见稿"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text lacks %q:\n%s", s, txt)
		}
	}
}

func TestBillIssued(t *testing.T) {
	issued := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b := ComputeBill(designProfile(t), billDate, WithIssued(issued))
	var got []string
	for _, d := range b.Deadlines {
		got = append(got, d.Kind+" "+d.Date)
	}
	// 30 working days after 2026-12-01 (New Year's Day off) is 2027-01-13.
	want := []string{"policy_effective 2027-01-13", "certification_review 2029-07-01", "policy_expiry 2030-01-12"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("deadlines (-want +got):\n%s", d)
	}
	// Long after: no past deadline is listed, and the expiry is noted.
	late := ComputeBill(designProfile(t), time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC), WithIssued(issued))
	if len(late.Deadlines) != 0 || !strings.Contains(strings.Join(late.Notes, "\n"), "届满") {
		t.Errorf("deadlines %v notes %v", late.Deadlines, late.Notes)
	}
}

// billCase is one case of testdata/bills.yaml.
type billCase struct {
	Name       string         `yaml:"name"`
	Profile    map[string]any `yaml:"profile"`
	Date       string         `yaml:"date"`
	Issued     string         `yaml:"issued"`
	TotalYuan  int64          `yaml:"total_yuan"`
	Items      []itemKey      `yaml:"items"`
	NearMisses []string       `yaml:"near_misses"` // rules, in order
	Missing    []string       `yaml:"missing"`     // substrings, each in some line
	Notes      []string       `yaml:"notes"`       // substrings, each in some line
	Deadlines  []string       `yaml:"deadlines"`   // "kind date", in order
}

// TestBillCases runs testdata/bills.yaml: profiles (through ParseProfile)
// and their expected bills.
func TestBillCases(t *testing.T) {
	raw, err := os.ReadFile("testdata/bills.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []billCase
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			js, err := json.Marshal(tc.Profile)
			if err != nil {
				t.Fatalf("profile: %v (quote year keys)", err)
			}
			p, err := ParseProfile(strings.NewReader(string(js)))
			if err != nil {
				t.Fatal(err)
			}
			date := billDate
			if tc.Date != "" {
				date, _ = time.Parse(time.DateOnly, tc.Date)
			}
			var opts []BillOption
			if tc.Issued != "" {
				issued, _ := time.Parse(time.DateOnly, tc.Issued)
				opts = append(opts, WithIssued(issued))
			}
			b := ComputeBill(p, date, opts...)
			if b.TotalYuan != tc.TotalYuan {
				t.Errorf("total %d, want %d\n%s", b.TotalYuan, tc.TotalYuan, b.Text())
			}
			if tc.Items == nil {
				tc.Items = []itemKey{}
			}
			if d := cmp.Diff(tc.Items, itemKeys(b)); d != "" {
				t.Errorf("items (-want +got):\n%s", d)
			}
			nms := []string{}
			for _, n := range b.NearMisses {
				nms = append(nms, n.Rule)
			}
			if tc.NearMisses == nil {
				tc.NearMisses = []string{}
			}
			if d := cmp.Diff(tc.NearMisses, nms); d != "" {
				t.Errorf("near misses (-want +got):\n%s", d)
			}
			for _, s := range tc.Missing {
				if !containsIn(b.Missing, s) {
					t.Errorf("missing lacks %q: %q", s, b.Missing)
				}
			}
			for _, s := range tc.Notes {
				if !containsIn(b.Notes, s) {
					t.Errorf("notes lack %q: %q", s, b.Notes)
				}
			}
			dls := []string{}
			for _, d := range b.Deadlines {
				dls = append(dls, d.Kind+" "+d.Date)
			}
			if tc.Deadlines == nil {
				tc.Deadlines = []string{}
			}
			if d := cmp.Diff(tc.Deadlines, dls); d != "" {
				t.Errorf("deadlines (-want +got):\n%s", d)
			}
			checkBill(t, b)
		})
	}
}

// checkBill holds for every bill.
func checkBill(t *testing.T, b Bill) {
	t.Helper()
	for _, txt := range []string{b.Text(), b.ChatText()} {
		if w := CodeWords(txt, b.Enterprise); len(w) > 0 {
			t.Errorf("bill text shows code words %q:\n%s", w, txt)
		}
	}
	var sum int64
	for _, it := range b.Items {
		sum += it.AmountYuan
		if it.Rule == "" || it.Clause == "" || it.Action == "" || len(it.Steps) == 0 {
			t.Errorf("malformed item %+v", it)
		}
	}
	if sum != b.TotalYuan {
		t.Errorf("items sum to %d, total %d", sum, b.TotalYuan)
	}
	for i := 1; i < len(b.Deadlines); i++ {
		if b.Deadlines[i].Date < b.Deadlines[i-1].Date {
			t.Errorf("deadlines not sorted: %v", b.Deadlines)
		}
	}
	for _, d := range b.Deadlines {
		if d.Date < b.Date {
			t.Errorf("past deadline %v on %s", d, b.Date)
		}
	}
}

func containsIn(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// BenchmarkComputeBill bills DESIGN's sample profile. The target is 100 000
// enterprises in < 10 s on 2 cores: < 100 µs per bill per core.
func BenchmarkComputeBill(b *testing.B) {
	p := designProfile(b)
	issued := WithIssued(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	b.ReportAllocs()
	for b.Loop() {
		ComputeBill(p, billDate, issued)
	}
}

// BenchmarkBill100k bills 100 000 profiles with 2 workers, the push target,
// and reports the wall time per 100 000.
func BenchmarkBill100k(b *testing.B) {
	if testing.Short() {
		b.Skip("long")
	}
	base := designProfile(b)
	const n, workers = 100_000, 2
	profiles := make([]Profile, n)
	for i := range profiles {
		p := base
		p.ID = fmt.Sprintf("E%06d", i)
		p.RDSpendYuan = map[string]int64{"2025": 5000000, "2026": 5000000 + int64(i%50)*100000}
		profiles[i] = p
	}
	prev := runtime.GOMAXPROCS(workers)
	defer runtime.GOMAXPROCS(prev)
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < n; i += workers {
					ComputeBill(profiles[i], billDate)
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/100k")
}
