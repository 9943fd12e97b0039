package push

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// summary is a reminder without its text: "due kind date days_left clause".
func summary(rs []Reminder) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %s %s %d %s", r.Due, r.Kind, r.Date, r.DaysLeft, r.Clause))
	}
	return out
}

// TestReminderCertReview: the design profile's 小巨人 (2026-07-01) is due
// for review on 2029-07-01; reminders go out exactly 90, 30 and 7 days
// before, and one already past is never returned.
func TestReminderCertReview(t *testing.T) {
	p := designProfile(t)
	for _, c := range []struct {
		today string
		all   []string // Reminders(p, today)
		due   []string // with RemindWithin(1): due today
	}{
		{"2026-11-30", []string{"2029-04-02 cert_review 2029-07-01 90 policy/1", "2029-06-01 cert_review 2029-07-01 30 policy/1", "2029-06-24 cert_review 2029-07-01 7 policy/1"}, []string{}},
		{"2029-04-01", []string{"2029-04-02 cert_review 2029-07-01 90 policy/1", "2029-06-01 cert_review 2029-07-01 30 policy/1", "2029-06-24 cert_review 2029-07-01 7 policy/1"}, []string{}},
		{"2029-04-02", []string{"2029-04-02 cert_review 2029-07-01 90 policy/1", "2029-06-01 cert_review 2029-07-01 30 policy/1", "2029-06-24 cert_review 2029-07-01 7 policy/1"}, []string{"2029-04-02 cert_review 2029-07-01 90 policy/1"}},
		{"2029-04-03", []string{"2029-06-01 cert_review 2029-07-01 30 policy/1", "2029-06-24 cert_review 2029-07-01 7 policy/1"}, []string{}},
		{"2029-06-01", []string{"2029-06-01 cert_review 2029-07-01 30 policy/1", "2029-06-24 cert_review 2029-07-01 7 policy/1"}, []string{"2029-06-01 cert_review 2029-07-01 30 policy/1"}},
		{"2029-06-24", []string{"2029-06-24 cert_review 2029-07-01 7 policy/1"}, []string{"2029-06-24 cert_review 2029-07-01 7 policy/1"}},
		{"2029-06-25", []string{}, []string{}},
		{"2029-07-01", []string{}, []string{}},
	} {
		t.Run(c.today, func(t *testing.T) {
			today := mustDay(t, c.today)
			if d := cmp.Diff(c.all, summary(Reminders(p, today))); d != "" {
				t.Errorf("all (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.due, summary(Reminders(p, today, RemindWithin(1)))); d != "" {
				t.Errorf("due today (-want +got):\n%s", d)
			}
		})
	}
	r := Reminders(p, day(2029, 4, 2), RemindWithin(1))[0]
	for _, s := range []string{"【复核提醒】还有90天", "国家专精特新“小巨人”企业认定（2026-07-01）将于2029-07-01满3年", "复核材料", "第1条“支持企业提档升位”", "市经信局市新经济委"} {
		if !strings.Contains(r.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, r.Text)
		}
	}
	if r.Enterprise != "91510100MA6XXXXXXX" || r.Name != "成都示例科技有限公司" || r.ChatID != 123456789 ||
		r.TaskID != "reminder:cert_review:2029-04-02:91510100MA6XXXXXXX" || !r.DueDay().Equal(day(2029, 4, 2)) {
		t.Errorf("reminder %+v", r)
	}
}

// TestReminderPolicyDates: with the issue date, the effective day and 90,
// 30, 7 days before the last valid day; without it, none.
func TestReminderPolicyDates(t *testing.T) {
	p := Profile{ID: "E1"}
	issued := RemindIssued(day(2026, 12, 1)) // effective 2027-01-13, last valid day 2030-01-12
	for _, c := range []struct {
		name  string
		today string
		opts  []ReminderOption
		want  []string
	}{
		{"no issue date", "2026-12-01", nil, []string{}},
		{"before", "2026-12-01", []ReminderOption{issued}, []string{
			"2027-01-13 policy_effective 2027-01-13 0 policy/scope", "2029-10-14 policy_expiry 2030-01-12 90 policy/scope",
			"2029-12-13 policy_expiry 2030-01-12 30 policy/scope", "2030-01-05 policy_expiry 2030-01-12 7 policy/scope"}},
		{"on the effective day", "2027-01-13", []ReminderOption{issued, RemindWithin(1)}, []string{"2027-01-13 policy_effective 2027-01-13 0 policy/scope"}},
		{"the day after", "2027-01-14", []ReminderOption{issued, RemindWithin(300)}, []string{}},
		{"the 7-day one", "2030-01-05", []ReminderOption{issued}, []string{"2030-01-05 policy_expiry 2030-01-12 7 policy/scope"}},
		{"expired", "2030-01-13", []ReminderOption{issued}, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, summary(Reminders(p, mustDay(t, c.today), c.opts...))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	rs := Reminders(p, day(2026, 12, 1), issued)
	for _, s := range []string{"今天（2027-01-13）起施行", "2026-12-01印发", "有效期至2030-01-12", "还有90天", "适用对象"} {
		if !strings.Contains(rs[0].Text+rs[1].Text, s) {
			t.Errorf("texts lack %q:\n%s\n%s", s, rs[0].Text, rs[1].Text)
		}
	}
}

// TestReminderWindows: a reminder N days before a window closes, to the
// enterprises that qualify; two windows closing together are one reminder.
func TestReminderWindows(t *testing.T) {
	p := designProfile(t)
	ws := loadTestWindows(t) // 小巨人 and R&D close 2026-12-31; 壮大贷 2027-01-04…01-29; standards 2027-03-01…03-31
	windows := RemindWindows(ws)
	short := RemindWindows([]Window{{Name: "短窗口", Clause: "policy/2", Opens: day(2027, 2, 26), Closes: day(2027, 3, 1)}})
	for _, c := range []struct {
		name    string
		p       Profile
		today   string
		opts    []ReminderOption
		want    []string
		texts   []string
		notText []string
	}{
		{"default 7 days", p, "2026-12-01", []ReminderOption{windows, RemindWithin(200)}, []string{
			"2026-12-24 window_close 2026-12-31 7 policy/1,policy/4",
			"2027-01-22 window_close 2027-01-29 7 policy/6",
			"2027-03-24 window_close 2027-03-31 7 policy/5"},
			[]string{"【申报截止提醒】\n· 2026年度专精特新“小巨人”企业奖励申报：申报期2026-12-01至2026-12-31，还有7天截止",
				"2026年研发投入比2025年增加430万（不少于200万）", "研发费用专项审计报告须由会计师事务所出具。", "第4条“支持企业创新发展”"}, nil},
		{"14 days", p, "2026-12-01", []ReminderOption{windows, RemindDaysBeforeClose(14), RemindWithin(60)}, []string{
			"2026-12-17 window_close 2026-12-31 14 policy/1,policy/4",
			"2027-01-15 window_close 2027-01-29 14 policy/6"}, []string{"还有14天截止"}, nil},
		{"on the closing day", p, "2026-12-31", []ReminderOption{windows, RemindDaysBeforeClose(0), RemindWithin(1)}, []string{
			"2026-12-31 window_close 2026-12-31 0 policy/1,policy/4"}, []string{"今天截止"}, nil},
		{"past is omitted", p, "2026-12-25", []ReminderOption{windows, RemindWithin(40)}, []string{
			"2027-01-22 window_close 2027-01-29 7 policy/6"}, nil, nil},
		{"a short window is reminded of when it opens", p, "2027-02-01", []ReminderOption{short, RemindWithin(30)}, []string{
			"2027-02-26 window_close 2027-03-01 3 policy/2"}, []string{"短窗口：申报期2027-02-26至2027-03-01，还有3天截止。请在截止前"}, []string{"符合申报条件"}},
		{"not qualified: no certification, no R&D", Profile{ID: "E9", Loans: []Loan{{Product: ProductZhuangda, InterestPaidYuan: 1, LPRInterestYuan: 1}}},
			"2026-12-01", []ReminderOption{windows}, []string{}, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs := Reminders(c.p, mustDay(t, c.today), c.opts...)
			if d := cmp.Diff(c.want, summary(rs)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if len(rs) == 0 {
				return
			}
			for _, s := range c.texts {
				if !strings.Contains(rs[0].Text, s) {
					t.Errorf("text lacks %q:\n%s", s, rs[0].Text)
				}
			}
			for _, s := range c.notText {
				if strings.Contains(rs[0].Text, s) {
					t.Errorf("text has %q:\n%s", s, rs[0].Text)
				}
			}
		})
	}
}

// TestReminderTaskIDs: the same reminder has the same TaskID and text
// whichever day it is computed on; different reminders, enterprises, kinds
// or days have different ones; two certifications due on one day are one
// reminder.
func TestReminderTaskIDs(t *testing.T) {
	p := designProfile(t)
	p.Tiers = append(p.Tiers, Tier{Tier: TierProvincial, Recognized: "2026-07-01", Kind: KindNew})
	opts := []ReminderOption{RemindIssued(day(2026, 12, 1)), RemindWindows(loadTestWindows(t))}
	early := Reminders(p, day(2026, 11, 30), opts...)
	late := Reminders(p, day(2029, 4, 2), opts...)
	byID := map[string]Reminder{}
	for _, r := range early {
		if _, dup := byID[r.TaskID]; dup {
			t.Errorf("TaskID %s twice", r.TaskID)
		}
		byID[r.TaskID] = r
		if r.TaskID != ReminderTaskID(r.Enterprise, r.Kind, r.Due) {
			t.Errorf("TaskID %s for %s %s %s", r.TaskID, r.Enterprise, r.Kind, r.Due)
		}
	}
	if len(early) != 10 {
		t.Errorf("%d reminders, want 10 (4 windows in 3, 3 reviews, 4 policy dates):\n%s", len(early), strings.Join(summary(early), "\n"))
	}
	for _, r := range late {
		if d := cmp.Diff(byID[r.TaskID], r); d != "" {
			t.Errorf("%s differs when computed later (-early +late):\n%s", r.TaskID, d)
		}
	}
	review := Reminders(p, day(2029, 4, 2), RemindWithin(1))
	if len(review) != 1 || !strings.Contains(review[0].Text, "\n· 还有90天：省级") || !strings.Contains(review[0].Text, "\n· 还有90天：国家") {
		t.Errorf("two reviews on one day should be one reminder listing both: %+v", review)
	}
	q := p
	q.ID = p.ID + "X"
	if a, b := Reminders(p, day(2029, 4, 2))[0].TaskID, Reminders(q, day(2029, 4, 2))[0].TaskID; a == b {
		t.Errorf("two enterprises share TaskID %s", a)
	}
	if ReminderTaskID("a:b", "cert_review", "2029-04-02") == ReminderTaskID("a", "cert_review", "b:2029-04-02") {
		t.Error("TaskIDs of different enterprises collide")
	}
}

// TestReminderTextsArePlainChinese: no code words (clause ids, kinds) in
// any reminder a user reads.
func TestReminderTextsArePlainChinese(t *testing.T) {
	p := designProfile(t)
	for _, r := range Reminders(p, day(2026, 11, 30), RemindIssued(day(2026, 12, 1)), RemindWindows(loadTestWindows(t))) {
		if w := CodeWords(r.Text, p.ID); len(w) > 0 {
			t.Errorf("%s: code words %q in:\n%s", r.TaskID, w, r.Text)
		}
		if !strings.Contains(r.Text, "依据：《成都市支持中小企业专精特新发展若干政策》") {
			t.Errorf("%s: no clause cited:\n%s", r.TaskID, r.Text)
		}
	}
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := parseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
