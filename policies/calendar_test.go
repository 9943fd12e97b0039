package policies

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCalendarIsWorkday(t *testing.T) {
	c := OfficialCalendar()
	for _, tc := range []struct {
		d    string
		work bool
	}{
		{"2025-09-26", true},  // Friday
		{"2025-09-27", false}, // Saturday
		{"2025-09-28", true},  // Sunday, 国庆中秋 make-up working day
		{"2025-10-01", false}, // 国庆
		{"2025-10-08", false}, // last day of the 2025 国庆中秋 break
		{"2025-10-09", true},
		{"2025-10-11", true}, // Saturday, make-up
		{"2026-01-02", false},
		{"2026-01-04", true}, // Sunday, make-up after 元旦
		{"2026-02-14", true}, // Saturday, make-up before 春节
		{"2026-02-16", false},
		{"2026-02-23", false}, // Monday, last day of 春节
		{"2026-02-24", true},
		{"2026-02-28", true}, // Saturday, make-up
		{"2026-09-20", true}, // Sunday, make-up for 国庆
		{"2026-09-25", false},
		{"2026-10-07", false},
		{"2026-10-10", true},
	} {
		if got, why := c.IsWorkday(day(tc.d)); got != tc.work {
			t.Errorf("%s: work=%v (%s), want %v", tc.d, got, why, tc.work)
		}
	}
}

func TestEffectiveDate(t *testing.T) {
	for _, tc := range []struct{ issued, start, end string }{
		// Counted by hand: Sep 16–26 gives 9, Sep 28 (make-up) 10, Sep 29–30 12,
		// Oct 1–8 off, Oct 9–10 14, Oct 11 (make-up) 15, Oct 13–31 30.
		{"2025-09-15", "2025-10-31", "2028-10-30"},
		// Feb 3–13 gives 9, Feb 14 (make-up) 10, Feb 15–23 off, Feb 24–27 14,
		// Feb 28 (make-up) 15, Mar 2–20 30.
		{"2026-02-02", "2026-03-20", "2029-03-19"},
		// No holiday: six plain weeks. Issued on a Monday.
		{"2026-03-02", "2026-04-14", "2029-04-13"}, // Apr 4–6 清明 (Sat–Mon) costs Apr 6
	} {
		s, e, steps := EffectiveDate(day(tc.issued))
		if got := s.Format(time.DateOnly); got != tc.start {
			t.Errorf("issued %s: effective %s, want %s\n%v", tc.issued, got, tc.start, steps)
		}
		if got := e.Format(time.DateOnly); got != tc.end {
			t.Errorf("issued %s: expires %s, want %s", tc.issued, got, tc.end)
		}
	}
}

func TestAddWorkdaysUncoveredYear(t *testing.T) {
	c := OfficialCalendar()
	d, notes, err := c.AddWorkdays(day("2030-01-04"), 1) // Friday
	if err != nil || d.Format(time.DateOnly) != "2030-01-07" {
		t.Fatalf("got %v %v", d, err)
	}
	if len(notes) == 0 {
		t.Errorf("no note that 2030 has no official data")
	}
	// An operator-supplied notice makes the year covered and overrides days.
	c2 := c.WithDays(map[string]bool{"2030-01-07": false})
	d, notes, _ = c2.AddWorkdays(day("2030-01-04"), 1)
	if d.Format(time.DateOnly) != "2030-01-08" || len(notes) == 0 {
		t.Errorf("override: got %v %v", d, notes)
	}
	if _, _, err := c.AddWorkdays(day("2026-01-01"), 0); err == nil {
		t.Errorf("0 working days accepted")
	}
}
