package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cdsme/policybot/push"
)

const remindersUsage = "usage: policybot push reminders --roster F.json [--date YYYY-MM-DD] [--windows F.yaml] [--days N] [--lead-days N] [--json]"

// remindersHelp is `policybot push reminders --help`.
const remindersHelp = remindersUsage + `

Prints the reminders due on a day for the enterprises of a roster: their
certification reviews (90, 30 and 7 days ahead), 附件2 taking effect and
expiring (with POLICY_ISSUED), and declaration windows closing (with
--windows, to the enterprises that qualify). Nothing is sent or stored.

  --roster F.json    profiles: a JSON array or one object per line (- for stdin)
  --date YYYY-MM-DD  the day (default: today in Beijing)
  --windows F.yaml   the declaration windows (push/testdata/windows.yaml shows the format)
  --days N           the reminders due in the N days from --date (default 1: that day)
  --lead-days N      days before a window closes its reminder is due (default 7)
  --json             {"date", "days", "profiles", "reminders": [{enterprise, kind, due,
                     date, days_left, clause, text, task_id, …}]}

Exit status: 0 success, 2 a bad command line, roster or windows file (the
error names the field), 1 other failures.
`

// runPushReminders is `policybot push reminders`: the reminders due, read
// from files only (no Redis), as text or JSON.
func runPushReminders(_ context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("push reminders", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the error says it; --help prints remindersHelp
	roster := fs.String("roster", "", "the roster")
	date := fs.String("date", "", "the day")
	windows := fs.String("windows", "", "the declaration windows")
	days := fs.Int("days", 1, "days from --date")
	lead := fs.Int("lead-days", push.DefaultWindowLeadDays, "days before a window closes")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, remindersHelp)
		return err
	} else if err != nil {
		return usagef("push reminders: %v (%s)", err, remindersUsage)
	}
	switch {
	case fs.NArg() > 0:
		return usagef("push reminders: unexpected argument %q (%s)", fs.Arg(0), remindersUsage)
	case *roster == "":
		return usagef("push reminders: --roster is required (%s)", remindersUsage)
	case *days < 1:
		return usagef("push reminders: --days %d: want a number of days ≥ 1", *days)
	case *lead < 0:
		return usagef("push reminders: --lead-days %d: want a number of days ≥ 0", *lead)
	}
	day := beijingDay(time.Now())
	if *date != "" {
		t, err := time.Parse(time.DateOnly, *date)
		if err != nil {
			return usagef("push reminders: --date %q: want a date YYYY-MM-DD", *date)
		}
		day = t
	}
	opts := []push.ReminderOption{push.RemindWithin(*days), push.RemindDaysBeforeClose(*lead)}
	if s := getenv("POLICY_ISSUED"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return usagef("push reminders: POLICY_ISSUED=%q: want a date YYYY-MM-DD", s)
		}
		opts = append(opts, push.RemindIssued(t))
	}
	if *windows != "" {
		ws, err := readWindows(*windows)
		if err != nil {
			return err
		}
		opts = append(opts, push.RemindWindows(ws))
	}
	profiles, err := readReminderRoster(*roster, stdin)
	if err != nil {
		return err
	}
	rs := []push.Reminder{}
	for _, p := range profiles {
		rs = append(rs, push.Reminders(p, day, opts...)...)
	}
	slices.SortStableFunc(rs, func(a, b push.Reminder) int { return strings.Compare(a.Due, b.Due) })
	if *asJSON {
		return writeJSON(stdout, struct {
			Date      string          `json:"date"`
			Days      int             `json:"days"`
			Profiles  int             `json:"profiles"`
			Reminders []push.Reminder `json:"reminders"`
		}{day.Format(time.DateOnly), *days, len(profiles), rs})
	}
	var s strings.Builder
	period := "on " + day.Format(time.DateOnly)
	if *days > 1 {
		period = fmt.Sprintf("from %s to %s", day.Format(time.DateOnly), day.AddDate(0, 0, *days-1).Format(time.DateOnly))
	}
	fmt.Fprintf(&s, "%d reminders due %s (%d profiles)\n", len(rs), period, len(profiles))
	for _, r := range rs {
		fmt.Fprintf(&s, "\n%s  %s  %s", r.Due, r.Kind, r.Enterprise)
		if r.Name != "" {
			fmt.Fprintf(&s, " %s", r.Name)
		}
		fmt.Fprintf(&s, "  task %s\n  %s\n", r.TaskID, strings.ReplaceAll(r.Text, "\n", "\n  "))
	}
	_, err = io.WriteString(stdout, s.String())
	return err
}

// readReminderRoster reads --roster: a missing file or an invalid profile
// is a usage error naming the record and field.
func readReminderRoster(name string, stdin io.Reader) ([]push.Profile, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("push reminders: --roster: %v", err)
		}
		defer f.Close()
		r = f
	}
	ps, err := push.ParseRoster(r)
	if errors.Is(err, push.ErrInvalidProfile) {
		return nil, usagef("push reminders: --roster: %v", err)
	}
	return ps, err
}

// readWindows reads --windows: a missing file or a bad window is a usage
// error naming the field and line.
func readWindows(name string) ([]push.Window, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("push reminders: --windows: %v", err)
	}
	defer f.Close()
	ws, err := push.LoadWindows(f)
	if errors.Is(err, push.ErrInvalidWindows) {
		return nil, usagef("push reminders: --windows %s: %v", name, err)
	}
	return ws, err
}
