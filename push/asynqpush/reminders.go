package asynqpush

import (
	"context"
	"slices"
	"time"

	"github.com/cdsme/policybot/push"
)

// Reminders (push.Reminders) go through the same queue, quiet hours, rate
// limits, 429 pause and ledger as the bills: one TaskReminder per
// enterprise, reminder kind and due day, under push.ReminderTaskID, sent
// at SendAt of the due day. The worker recomputes the reminder from the
// stored profile on its due day and sends it only that day: a reminder
// whose day has passed ("还有7天" a day late), or that the profile no longer
// gives, is recorded as cancelled and not sent.

// ScheduleReminders enqueues the reminders due on day (its calendar day,
// Beijing) of every subscribed enterprise, with the ScheduleOptions'
// Remind options. Like ScheduleBills it may run again, or on several
// replicas: a reminder is enqueued once (a second run counts it in
// Duplicates). Only day's reminders are enqueued: a day with no run loses
// its reminders, so run it daily and at start-up. Quiet counts the
// enterprises with no reminder that day.
func (s *Scheduler) ScheduleReminders(ctx context.Context, day time.Time) (Report, error) {
	return s.each(ctx, func(p push.Profile) []task { return s.reminderTasks(p, day) })
}

// ScheduleProfileReminders enqueues p's reminders due on day (a profile
// saved that day, after the day's ScheduleReminders); it returns how many
// were new.
func (s *Scheduler) ScheduleProfileReminders(ctx context.Context, p push.Profile, day time.Time) (int, error) {
	if p.ChatID == 0 {
		return 0, nil
	}
	return s.enqueueFor(ctx, p.ChatID, s.reminderTasks(p, day))
}

func (s *Scheduler) reminderTasks(p push.Profile, day time.Time) []task {
	var ts []task
	for _, r := range push.Reminders(p, day, slices.Concat(s.o.Remind, []push.ReminderOption{push.RemindWithin(1)})...) {
		ts = append(ts, task{typ: TaskReminder, pl: billPayload{Enterprise: p.ID, Date: r.Due, Kind: r.Kind}})
	}
	return ts
}

// enqueueFor enqueues one chat's tasks and records the new ones as
// planned; it returns how many were new.
func (s *Scheduler) enqueueFor(ctx context.Context, chat int64, ts []task) (int, error) {
	var batch []planned
	for _, t := range ts {
		isNew, err := s.enqueue(ctx, t)
		if err != nil {
			return len(batch), err
		}
		if isNew {
			batch = append(batch, planned{t.ref(), chat})
		}
	}
	return len(batch), s.o.Ledger.plan(ctx, batch, s.o.Now())
}

// reminderText is the text of p's reminder of kind due on due, recomputed;
// skip says why none is sent (its day passed, the profile no longer gives
// it).
func (w *Worker) reminderText(p push.Profile, due time.Time, kind string) (text, skip string) {
	if chinaDay(w.o.Now()).After(due) {
		return "", "reminder past: due " + due.Format(time.DateOnly)
	}
	id := push.ReminderTaskID(p.ID, kind, due.Format(time.DateOnly))
	for _, r := range push.Reminders(p, due, slices.Concat(w.o.Remind, []push.ReminderOption{push.RemindWithin(1)})...) {
		if r.TaskID == id {
			return r.Text, ""
		}
	}
	return "", "reminder no longer due: the profile or the dates changed"
}

// chinaDay is t's calendar day in Beijing, as a UTC midnight.
func chinaDay(t time.Time) time.Time {
	t = t.In(china)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
