package policies

import (
	"fmt"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Calendar tells working days from rest days on the official calendar: the
// State Council's yearly holiday notices (法定节假日 and 调休 make-up working
// days) as carried by github.com/6tail/lunar-go HolidayUtil, with weekends as
// rest days otherwise. Dates are compared by calendar day; the time zone of
// the argument is ignored.
type Calendar struct {
	days     map[string]dayInfo // YYYY-MM-DD -> holiday or make-up working day
	years    map[int]bool       // years with any entry in the data
	verified int                // last year checked against the notices
	extra    map[string]bool
}

type dayInfo struct {
	work bool
	name string
}

// VerifiedThrough is the last year whose lunar-go data has been checked
// against the State Council notice (2023–2026 match; 2027 is carried by the
// library but not checked here).
const VerifiedThrough = 2026

var (
	officialOnce sync.Once
	official     *Calendar
)

// OfficialCalendar returns the calendar built from HolidayUtil, once. It never
// calls HolidayUtil.Fix, which mutates the library's global data.
func OfficialCalendar() *Calendar {
	officialOnce.Do(func() {
		c := &Calendar{days: map[string]dayInfo{}, years: map[int]bool{}, verified: VerifiedThrough}
		for y := 2001; y <= 2100; y++ {
			l := HolidayUtil.GetHolidaysByYear(y)
			for e := l.Front(); e != nil; e = e.Next() {
				h := e.Value.(*HolidayUtil.Holiday)
				name := h.GetName()
				if h.IsWork() {
					name += "调休上班"
				}
				c.days[h.GetDay()] = dayInfo{work: h.IsWork(), name: name}
				c.years[y] = true
			}
		}
		official = c
	})
	return official
}

// WithDays returns a copy of c where the given days (YYYY-MM-DD → working?)
// override the library data, for a notice newer than the library.
func (c *Calendar) WithDays(days map[string]bool) *Calendar {
	n := *c
	n.extra = map[string]bool{}
	for k, v := range c.extra {
		n.extra[k] = v
	}
	n.years = map[int]bool{}
	for y := range c.years {
		n.years[y] = true
	}
	for k, v := range days {
		n.extra[k] = v
		if t, err := time.Parse(time.DateOnly, k); err == nil {
			n.years[t.Year()] = true // a year the operator supplies counts as covered
		}
	}
	return &n
}

// Covered reports whether the calendar has official holiday data for year;
// outside it only weekends are rest days.
func (c *Calendar) Covered(year int) bool { return c.years[year] }

// IsWorkday reports whether d is a working day, and why in words
// (e.g. "国庆中秋放假", "春节调休上班", "周六", "工作日").
func (c *Calendar) IsWorkday(d time.Time) (bool, string) {
	key := d.Format(time.DateOnly)
	if w, ok := c.extra[key]; ok {
		if w {
			return true, "调休上班"
		}
		return false, "放假"
	}
	if info, ok := c.days[key]; ok {
		if info.work {
			return true, info.name
		}
		return false, info.name + "放假"
	}
	switch d.Weekday() {
	case time.Saturday:
		return false, "周六"
	case time.Sunday:
		return false, "周日"
	}
	return true, "工作日"
}

// AddWorkdays returns the n-th working day after from (from itself is not
// counted), n ≥ 1, with notes on the holidays and make-up days it crossed and
// on years without (verified) official data.
func (c *Calendar) AddWorkdays(from time.Time, n int) (time.Time, []string, error) {
	if n < 1 || n > 3660 {
		return time.Time{}, nil, fmt.Errorf("working days %d: must be 1…3660", n)
	}
	d := dateOnly(from)
	var notes []string
	seen := map[string]bool{}
	note := func(s string) {
		if !seen[s] {
			seen[s] = true
			notes = append(notes, s)
		}
	}
	// Consecutive official rest days of one holiday are reported as a range.
	var restName string
	var restFirst, restLast time.Time
	flushRest := func() {
		if restName != "" {
			note(fmt.Sprintf("%s至%s %s，不计", restFirst.Format(time.DateOnly), restLast.Format(time.DateOnly), restName))
			restName = ""
		}
	}
	for count := 0; count < n; {
		d = d.AddDate(0, 0, 1)
		y := d.Year()
		switch {
		case !c.Covered(y):
			note(fmt.Sprintf("%d年没有官方放假安排数据，只按周末计算，节假日公布后需重算", y))
		case y > c.verified && c.extra == nil:
			note(fmt.Sprintf("%d年放假安排取自lunar-go数据，尚未与国务院办公厅通知核对", y))
		}
		work, why := c.IsWorkday(d)
		wd := d.Weekday()
		official := why != "周六" && why != "周日" && why != "工作日"
		switch {
		case work:
			flushRest()
			count++
			if official {
				note(fmt.Sprintf("%s（%s）%s，计入工作日", d.Format(time.DateOnly), weekdayCN[wd], why))
			}
		case official:
			if restName != why {
				flushRest()
				restName, restFirst = why, d
			}
			restLast = d
		default:
			flushRest()
		}
	}
	flushRest()
	return d, notes, nil
}

var weekdayCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
