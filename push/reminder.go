package push

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cdsme/policybot/policies"
)

// Reminder is a message to send an enterprise on a day (Due) about a date
// ahead of it: a certification review, 附件2 taking effect or expiring, a
// declaration window closing. It is data for a scheduler: enqueue it under
// TaskID to be sent on Due, and recompute it when sending (the profile may
// have changed; Reminders on Due with RemindWithin(1) gives the reminders
// of that day).
type Reminder struct {
	Enterprise string `json:"enterprise"`
	Name       string `json:"name,omitempty"`
	ChatID     int64  `json:"chat_id,omitempty"`
	Kind       string `json:"kind"` // ReminderCertReview | ReminderPolicyEffective | ReminderPolicyExpiry | ReminderWindowClose
	Due        string `json:"due"`  // YYYY-MM-DD: the day to send it
	// Date is the day the reminder is about (the review, effective, last
	// valid or closing day; the earliest when it speaks of several), and
	// DaysLeft the days from Due to Date.
	Date     string `json:"date"`
	DaysLeft int    `json:"days_left"`
	// Clause is the clause id the reminder rests on; ids joined by "," in
	// the rare reminder that speaks of several (two windows closing on one
	// day).
	Clause string `json:"clause"`
	Text   string `json:"text"`    // plain Chinese: what, when, what to do, which clause
	TaskID string `json:"task_id"` // ReminderTaskID(Enterprise, Kind, Due)
}

// Reminder kinds.
const (
	ReminderCertReview      = "cert_review"      // a certification reaches 3 years: 复核
	ReminderPolicyEffective = "policy_effective" // 附件2 takes effect
	ReminderPolicyExpiry    = "policy_expiry"    // 附件2's last valid day
	ReminderWindowClose     = "window_close"     // a declaration window closes
)

// How many days before its date each reminder is sent.
var (
	reviewLeadDays    = []int{90, 30, 7}
	effectiveLeadDays = []int{0} // on the day
	expiryLeadDays    = []int{90, 30, 7}
)

// DefaultWindowLeadDays is how many days before a window closes its
// reminder is sent (RemindDaysBeforeClose).
const DefaultWindowLeadDays = 7

// ReminderTaskID is the asynq TaskID of one reminder: the same for the same
// enterprise, kind and due day (YYYY-MM-DD) from every run and replica, so
// a scheduler enqueues it once. The enterprise id comes last: ids may hold
// any character, the kind and the day no colon.
func ReminderTaskID(enterprise, kind, due string) string {
	return "reminder:" + kind + ":" + due + ":" + enterprise
}

// DueDay is Due as a UTC midnight (the zero time if Due is malformed).
func (r Reminder) DueDay() time.Time {
	t, _ := time.Parse(time.DateOnly, r.Due)
	return t
}

// ReminderOption adjusts Reminders.
type ReminderOption func(*reminderConfig)

type reminderConfig struct {
	bill    billConfig
	windows []Window
	lead    int
	within  int
}

// RemindIssued gives 附件2's issue date (POLICY_ISSUED): reminders of its
// effective day and last valid day follow. A zero time is ignored. The
// dates are computed here, once: reuse the option across a roster.
func RemindIssued(issued time.Time) ReminderOption {
	o := WithIssued(issued)
	return func(c *reminderConfig) { o(&c.bill) }
}

// RemindWindows gives the declaration windows (LoadWindows).
func RemindWindows(ws []Window) ReminderOption {
	return func(c *reminderConfig) { c.windows = ws }
}

// RemindDaysBeforeClose sets how many days before a window closes its
// reminder is due (default DefaultWindowLeadDays; 0 is the closing day; a
// negative n is ignored). A window shorter than that is reminded of on the
// day it opens.
func RemindDaysBeforeClose(n int) ReminderOption {
	return func(c *reminderConfig) {
		if n >= 0 {
			c.lead = n
		}
	}
}

// RemindWithin keeps only the reminders due in the days days from today:
// 1 is today's only. days ≤ 0 keeps all (the default).
func RemindWithin(days int) ReminderOption {
	return func(c *reminderConfig) { c.within = days }
}

// Reminders lists p's reminders due on or after today (its calendar day),
// by due day, then kind:
//
//   - cert_review 90, 30 and 7 days before each review date, as the bill
//     computes them (a certification's latest recognition plus 3 years);
//   - policy_effective on 附件2's effective day and policy_expiry 90, 30 and
//     7 days before its last valid day (with RemindIssued);
//   - window_close RemindDaysBeforeClose days before each window closes
//     (with RemindWindows), if p qualifies on that day (Window.Qualifies).
//
// A reminder already past is never returned. Reminders of one kind due on
// one day are one reminder (one TaskID), its text listing each. Texts
// depend on the profile and the due day, not on today.
func Reminders(p Profile, today time.Time, opts ...ReminderOption) []Reminder {
	cfg := reminderConfig{lead: DefaultWindowLeadDays}
	for _, o := range opts {
		o(&cfg)
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var rs reminderSet
	add := func(kind string, date time.Time, leads []int, clause string, line func(daysLeft int) string) {
		for _, l := range leads {
			if due := date.AddDate(0, 0, -l); !due.Before(day) {
				rs.add(kind, due, date, clause, line(l))
			}
		}
	}
	for _, d := range ComputeBill(p, day).Deadlines {
		if d.Kind != DeadlineReview {
			continue
		}
		date, _ := parseDate(d.Date)
		add(ReminderCertReview, date, reviewLeadDays, d.Clause, func(n int) string {
			return fmt.Sprintf("还有%d天：%s。", n, d.Advice)
		})
	}
	if b := cfg.bill; !b.effective.IsZero() {
		title := policyTitle()
		add(ReminderPolicyEffective, b.effective, effectiveLeadDays, "policy/scope", func(n int) string {
			when := fmt.Sprintf("今天（%s）起施行", b.effective.Format(time.DateOnly))
			if n > 0 {
				when = fmt.Sprintf("将于%s施行，还有%d天", b.effective.Format(time.DateOnly), n)
			}
			return fmt.Sprintf("《%s》%s（%s印发，自印发之日起30个工作日后施行）。施行后即可按申报通知申报，您可申请的项目和金额见红利账单。",
				title, when, b.issued.Format(time.DateOnly))
		})
		add(ReminderPolicyExpiry, b.expires, expiryLeadDays, "policy/scope", func(n int) string {
			return fmt.Sprintf("《%s》有效期至%s（施行之日起3年），还有%d天。有效期届满后不再受理，请在此前完成申报。",
				title, b.expires.Format(time.DateOnly), n)
		})
	}
	for _, w := range cfg.windows {
		due := w.Closes.AddDate(0, 0, -cfg.lead)
		if due.Before(w.Opens) {
			due = w.Opens
		}
		if due.Before(day) {
			continue
		}
		why, ok := w.Qualifies(p, due)
		if !ok {
			continue
		}
		rs.add(ReminderWindowClose, due, w.Closes, w.Clause, windowLine(w, due, why))
	}
	out := rs.reminders(p)
	if cfg.within > 0 {
		end := day.AddDate(0, 0, cfg.within).Format(time.DateOnly)
		out = slices.DeleteFunc(out, func(r Reminder) bool { return r.Due >= end })
	}
	return out
}

// windowLine is one window's part of a window_close reminder.
func windowLine(w Window, due time.Time, why []string) string {
	ci := clauseInfo(w.Clause)
	dept := "主管部门"
	if len(ci.depts) > 0 {
		dept = strings.Join(ci.depts, "、")
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s：申报期%s至%s，", w.Name, w.Opens.Format(time.DateOnly), w.Closes.Format(time.DateOnly))
	if n := days(due, w.Closes); n > 0 {
		fmt.Fprintf(&s, "还有%d天截止。", n)
	} else {
		s.WriteString("今天截止。")
	}
	if len(why) > 0 {
		fmt.Fprintf(&s, "按您登记的资料符合申报条件：%s。", strings.Join(why, "、"))
	}
	fmt.Fprintf(&s, "请在截止前按申报通知准备材料，向%s申报（%s）。", dept, ci.short)
	if w.Note != "" {
		s.WriteString(strings.TrimRight(w.Note, "。") + "。")
	}
	return s.String()
}

// days counts the calendar days from a to b.
func days(a, b time.Time) int { return int(b.Sub(a).Hours()+12) / 24 }

// policyTitle is 附件2's title.
func policyTitle() string {
	if d, ok := policies.MustDefault().Document("policy"); ok {
		return d.Title
	}
	return "成都市支持中小企业专精特新发展若干政策"
}

// reminderSet gathers reminder parts by kind and due day.
type reminderSet struct {
	parts []reminderPart
}

type reminderPart struct {
	kind        string
	due, date   time.Time
	clause, txt string
}

func (rs *reminderSet) add(kind string, due, date time.Time, clause, txt string) {
	rs.parts = append(rs.parts, reminderPart{kind, due, date, clause, txt})
}

// kindOrder orders reminders of one day.
var kindOrder = []string{ReminderCertReview, ReminderPolicyEffective, ReminderPolicyExpiry, ReminderWindowClose}

var reminderTitles = map[string]string{
	ReminderCertReview:      "【复核提醒】",
	ReminderPolicyEffective: "【政策施行】",
	ReminderPolicyExpiry:    "【政策到期提醒】",
	ReminderWindowClose:     "【申报截止提醒】",
}

// reminders merges the parts into one reminder per kind and due day.
func (rs *reminderSet) reminders(p Profile) []Reminder {
	slices.SortStableFunc(rs.parts, func(a, b reminderPart) int {
		return cmp.Or(a.due.Compare(b.due), cmp.Compare(slices.Index(kindOrder, a.kind), slices.Index(kindOrder, b.kind)),
			a.date.Compare(b.date))
	})
	out := []Reminder{}
	for i := 0; i < len(rs.parts); {
		j := i + 1
		for j < len(rs.parts) && rs.parts[j].kind == rs.parts[i].kind && rs.parts[j].due.Equal(rs.parts[i].due) {
			j++
		}
		group := rs.parts[i:j]
		first := group[0]
		var clauses, lines []string
		for _, g := range group {
			if !slices.Contains(clauses, g.clause) {
				clauses = append(clauses, g.clause)
			}
			if !slices.Contains(lines, g.txt) {
				lines = append(lines, g.txt)
			}
		}
		due := first.due.Format(time.DateOnly)
		out = append(out, Reminder{
			Enterprise: p.ID, Name: p.Name, ChatID: p.ChatID, Kind: first.kind,
			Due: due, Date: first.date.Format(time.DateOnly), DaysLeft: days(first.due, first.date),
			Clause: strings.Join(clauses, ","),
			Text:   reminderText(reminderTitles[first.kind], lines, clauses),
			TaskID: ReminderTaskID(p.ID, first.kind, due),
		})
		i = j
	}
	return out
}

// reminderText is the title, the lines (one inline, several as a list) and
// the clauses cited with their 责任单位.
func reminderText(title string, lines, clauses []string) string {
	var s strings.Builder
	s.WriteString(title)
	if len(lines) == 1 {
		s.WriteString(lines[0])
	} else {
		for _, l := range lines {
			s.WriteString("\n· " + l)
		}
	}
	cites := make([]string, 0, len(clauses))
	for _, id := range clauses {
		cites = append(cites, citeClause(id))
	}
	s.WriteString("\n依据：" + strings.Join(cites, "；") + "。")
	return s.String()
}

// citeClause is 《文件》（征求意见稿）第1条“支持企业提档升位”（责任单位：…）.
func citeClause(id string) string {
	c, err := policies.MustDefault().Clause(id)
	if err != nil {
		return clauseInfo(id).short
	}
	s := "《" + c.DocTitle + "》"
	if d, ok := policies.MustDefault().Document(c.Doc); ok {
		s += d.Status
	}
	if c.Number > 0 {
		s += fmt.Sprintf("第%d条“%s”", c.Number, c.Title)
	} else {
		s += "“" + c.Title + "”"
	}
	if len(c.Departments) > 0 {
		s += "（责任单位：" + strings.Join(c.Departments, "、") + "）"
	}
	return s
}
