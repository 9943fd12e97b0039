package push

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func loadTestWindows(t *testing.T) []Window {
	t.Helper()
	f, err := os.Open("testdata/windows.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ws, err := LoadWindows(f)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestLoadWindowsExample(t *testing.T) {
	ws := loadTestWindows(t)
	if len(ws) != 4 {
		t.Fatalf("%d windows, want 4", len(ws))
	}
	w := ws[1]
	if w.Name != "2026年度研发投入增量补助申报" || w.Clause != "policy/4" ||
		!w.Opens.Equal(day(2026, 12, 1)) || !w.Closes.Equal(day(2026, 12, 31)) ||
		w.Who.MinRDIncreaseYuan == nil || *w.Who.MinRDIncreaseYuan != 2000000 || len(w.Who.Tiers) != 3 {
		t.Errorf("window 1: %+v", w)
	}
	if !ws[0].Who.RecognizedSince.Equal(day(2025, 12, 1)) {
		t.Errorf("recognized_since: %v", ws[0].Who.RecognizedSince)
	}
}

// TestLoadWindowsErrors: every kind of bad file is refused with the field
// named (and its line where there is one).
func TestLoadWindowsErrors(t *testing.T) {
	const ok = "name: A\n    clause: policy/1\n    opens: 2026-12-01\n    closes: 2026-12-31\n"
	one := func(extra string) string { return "windows:\n  - " + ok + extra }
	for _, c := range []struct {
		name, file string
		want       []string // substrings of the error
	}{
		{"empty", "", []string{"empty file"}},
		{"not YAML", "windows: [", []string{"not valid YAML"}},
		{"a list at the top", "- name: A\n", []string{"(top level)", "want a mapping"}},
		{"no windows key", "other: 1\n", []string{"other (line 1): unknown field", "known here: windows"}},
		{"windows missing", "windows:\n", []string{"windows", "required"}},
		{"windows not a list", "windows: 3\n", []string{"windows (line 1): want a list"}},
		{"unknown window field", one("    closing: 2026-12-31\n"), []string{"windows[0].closing (line 6): unknown field", "name, clause, opens, closes, note, who"}},
		{"unknown who field", one("    who: {min_rd_increase: 1}\n"), []string{"windows[0].who.min_rd_increase", "unknown field", "min_rd_increase_yuan"}},
		{"repeated key", one("    name: B\n"), []string{"windows[0].name (line 6): repeated key"}},
		{"no name", "windows:\n  - clause: policy/1\n    opens: 2026-12-01\n    closes: 2026-12-31\n", []string{"windows[0].name", "required"}},
		{"no clause", "windows:\n  - name: A\n    opens: 2026-12-01\n    closes: 2026-12-31\n", []string{"windows[0].clause", "required"}},
		{"unknown clause", strings.Replace(one(""), "policy/1", "policy/99", 1), []string{"windows[0].clause (line 3)", `"policy/99" is not a clause id`}},
		{"no opens", "windows:\n  - name: A\n    clause: policy/1\n    closes: 2026-12-31\n", []string{"windows[0].opens", "required"}},
		{"bad opens", strings.Replace(one(""), "2026-12-01", "2026-13-01", 1), []string{"windows[0].opens (line 4)", `"2026-13-01" is not a date`}},
		{"bad closes", strings.Replace(one(""), "2026-12-31", "31.12.2026", 1), []string{"windows[0].closes (line 5)", "not a date"}},
		{"closes before opens", strings.Replace(one(""), "2026-12-31", "2026-11-30", 1), []string{"windows[0].closes (line 5): 2026-11-30 is before opens 2026-12-01"}},
		{"bad tier", one("    who: {tiers: [little_giant, gold]}\n"), []string{"windows[0].who.tiers[1]", `"gold" is not one of`}},
		{"bad loan", one("    who: {loans: [mortgage]}\n"), []string{"windows[0].who.loans[0]", "mortgage"}},
		{"bad level", one("    who: {standards: [city]}\n"), []string{"windows[0].who.standards[0]", "city"}},
		{"tiers not a list", one("    who: {tiers: little_giant}\n"), []string{"windows[0].who.tiers", "want a list"}},
		{"amount as text", one("    who: {min_rd_increase_yuan: 200万}\n"), []string{"windows[0].who.min_rd_increase_yuan", "whole number of yuan"}},
		{"negative amount", one("    who:\n      min_revenue_yuan: -5\n"), []string{"windows[0].who.min_revenue_yuan (line 7): -5"}},
		{"bad recognized_since", one("    who: {recognized_since: soon}\n"), []string{"windows[0].who.recognized_since", `"soon" is not a date`}},
		{"name as a list", strings.Replace(one(""), "name: A", "name: [A]", 1), []string{"windows[0].name", "want text"}},
		{"duplicate names", one("  - " + ok), []string{"windows[1].name (line 6)", "windows[0] too"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadWindows(strings.NewReader(c.file))
			if err == nil {
				t.Fatalf("no error for:\n%s", c.file)
			}
			if !errors.Is(err, ErrInvalidWindows) {
				t.Errorf("error %v does not wrap ErrInvalidWindows", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadWindowsEmptyList(t *testing.T) {
	ws, err := LoadWindows(strings.NewReader("# none yet\nwindows: []\n"))
	if err != nil || len(ws) != 0 {
		t.Errorf("%v %v", ws, err)
	}
}

// TestWindowQualifies: each criterion, met and not, on a day.
func TestWindowQualifies(t *testing.T) {
	p := designProfile(t) // 小巨人 2026-07-01; R&D 2025 500万, 2026 930万; 壮大贷, 新易贷; national standard 2026-05-10
	n := func(v int64) *int64 { return &v }
	on := day(2026, 12, 24)
	for _, c := range []struct {
		name string
		who  Who
		on   time.Time
		ok   bool
		why  string
	}{
		{"anyone", Who{}, on, true, ""},
		{"tier held", Who{Tiers: []string{TierLittleGiant}}, on, true, "国家专精特新“小巨人”企业（2026-07-01认定）"},
		{"tier not held", Who{Tiers: []string{TierProvincial}}, on, false, ""},
		{"recognised since", Who{Tiers: []string{TierLittleGiant}, RecognizedSince: day(2026, 7, 1)}, on, true, "2026-07-01认定"},
		{"recognised before since", Who{RecognizedSince: day(2026, 7, 2)}, on, false, ""},
		{"certification lapsed", Who{Tiers: []string{TierLittleGiant}}, day(2029, 7, 1), false, ""},
		{"recognised after the day", Who{Tiers: []string{TierLittleGiant}}, day(2026, 6, 30), false, ""},
		{"R&D increase met", Who{MinRDIncreaseYuan: n(4300000)}, on, true, "2026年研发投入比2025年增加430万（不少于430万）"},
		{"R&D increase short", Who{MinRDIncreaseYuan: n(4300001)}, on, false, ""},
		{"R&D figures too old", Who{MinRDIncreaseYuan: n(0)}, day(2028, 1, 5), false, ""},
		{"revenue met", Who{MinRevenueYuan: n(100000000)}, on, true, "2026年营业收入1.2亿（不少于1亿）"},
		{"R&D spend short", Who{MinRDSpendYuan: n(10000000)}, on, false, ""},
		{"digital met", Who{MinDigitalInvestmentYuan: n(1000000)}, on, true, "数字化智能化投资260万（不少于100万）"},
		{"commercialisation absent", Who{MinCommercializationRDYuan: n(0)}, on, false, ""},
		{"loan held", Who{Loans: []string{ProductXinyidai}}, on, true, "有“新易贷”贷款"},
		{"standard in the window", Who{Standards: []string{"national"}}, on, true, "国家标准（2026-05-10获批）"},
		{"standard too old", Who{Standards: []string{"national"}}, day(2027, 5, 10), false, ""},
		{"standard of another level", Who{Standards: []string{"international"}}, on, false, ""},
		{"all of several", Who{Tiers: []string{TierLittleGiant}, Loans: []string{ProductZhuangda}, MinRDIncreaseYuan: n(2000000)}, on, true, "有“壮大贷”贷款"},
		{"one of several fails", Who{Tiers: []string{TierLittleGiant}, Loans: []string{ProductZhuangda}, MinRevenueYuan: n(500000000)}, on, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			why, ok := Window{Who: c.who}.Qualifies(p, c.on)
			if ok != c.ok || !strings.Contains(strings.Join(why, "、"), c.why) {
				t.Errorf("Qualifies = %q, %v; want %v with %q", why, ok, c.ok, c.why)
			}
		})
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
