package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot/redisstore"
)

// MaxPeriodDays is the longest date range the overview and the clusters
// page accept.
const MaxPeriodDays = 366

// Presets are the period lengths offered as links (days ending today).
var Presets = []int{1, 7, 30}

// period is a range of whole days in Asia/Shanghai: a preset (the last
// Days days, today included) or a custom from/to.
type period struct {
	Preset   int    // 1, 7 or 30; 0 for a custom range
	From, To string // YYYY-MM-DD, both included
	N        int    // days
	start    time.Time
	end      time.Time // exclusive: the start of the day after To
}

var errBadPeriod = errors.New("bad period")

// parsePeriod reads ?days=1|7|30 or ?from=YYYY-MM-DD&to=YYYY-MM-DD (either
// may be left out: to defaults to today, from to six days before to). With
// neither, the last DefaultPeriodDays days.
func (c *Console) parsePeriod(r *http.Request) (period, error) {
	v := r.URL.Query()
	today := c.now().In(c.loc)
	todayStart := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, c.loc)
	from, to := strings.TrimSpace(v.Get("from")), strings.TrimSpace(v.Get("to"))
	if from == "" && to == "" {
		days := DefaultPeriodDays
		if n, err := strconv.Atoi(v.Get("days")); err == nil {
			for _, p := range Presets {
				if n == p {
					days = n
				}
			}
		}
		return c.makePeriod(todayStart.AddDate(0, 0, 1-days), todayStart, days), nil
	}
	end := todayStart
	if to != "" {
		t, err := time.ParseInLocation(redisstore.DayLayout, to, c.loc)
		if err != nil {
			return period{}, errBadPeriod
		}
		end = t
	}
	start := end.AddDate(0, 0, 1-DefaultPeriodDays)
	if from != "" {
		t, err := time.ParseInLocation(redisstore.DayLayout, from, c.loc)
		if err != nil {
			return period{}, errBadPeriod
		}
		start = t
	}
	if end.Before(start) || end.Sub(start) > time.Duration(MaxPeriodDays)*24*time.Hour {
		return period{}, errBadPeriod
	}
	return c.makePeriod(start, end, 0), nil
}

// makePeriod is the period of the days first..last (day starts in c.loc).
func (c *Console) makePeriod(first, last time.Time, preset int) period {
	n := 0
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		n++
	}
	return period{Preset: preset, From: first.Format(redisstore.DayLayout), To: last.Format(redisstore.DayLayout),
		N: n, start: first, end: last.AddDate(0, 0, 1)}
}

// previous is the period of the same length just before p.
func (c *Console) previous(p period) period {
	return c.makePeriod(p.start.AddDate(0, 0, -p.N), p.start.AddDate(0, 0, -1), 0)
}

// query is the period as URL query.
func (p period) query() string {
	if p.Preset != 0 {
		return "days=" + strconv.Itoa(p.Preset)
	}
	return "from=" + url.QueryEscape(p.From) + "&to=" + url.QueryEscape(p.To)
}

// Label is the period in words.
func (p period) Label() string {
	if p.Preset == 1 {
		return "今天（" + p.From + "）"
	}
	if p.Preset != 0 {
		return "最近 " + strconv.Itoa(p.Preset) + " 天（" + p.From + " — " + p.To + "）"
	}
	return p.From + " — " + p.To + "（" + strconv.Itoa(p.N) + " 天）"
}

// Query is the period as URL query, for templates.
func (p period) Query() string { return p.query() }
