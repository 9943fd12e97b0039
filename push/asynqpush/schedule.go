package asynqpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/push"
)

// The asynq task types of the pushes.
const (
	TaskBill     = "push:bill"     // the monthly bill
	TaskReminder = "push:reminder" // a push.Reminder (reminders.go)
	TaskRebill   = "push:rebill"   // a bill's change (rebill.go)
)

// DefaultQueue is the asynq queue bills go through.
const DefaultQueue = "push"

// china is Asia/Shanghai: UTC+8 all year (no daylight saving since 1991),
// so no tzdata is needed.
var china = time.FixedZone("CST", 8*3600)

// BillTaskID is the asynq TaskID of one enterprise's bill on one date: the
// same id from every run and every replica, so asynq enqueues it once.
func BillTaskID(enterprise, date string) string { return "bill:" + enterprise + ":" + date }

// billPayload is the payload of every push task (TaskBill, TaskReminder,
// TaskRebill). The worker recomputes a bill or reminder from the stored
// profile when it sends: the profile may have changed, been deleted
// (/forget) or unsubscribed since scheduling, and 100 000 bill texts would
// cost Redis memory for nothing. A re-bill carries its text: the bill it
// compares with is gone.
type billPayload struct {
	Enterprise string `json:"e"`
	Date       string `json:"d"`           // YYYY-MM-DD: the bill date, the reminder's due day, the re-bill's day
	Kind       string `json:"k,omitempty"` // a reminder's kind (push.Reminder.Kind)
	Hash       string `json:"h,omitempty"` // a re-bill's change hash
	Text       string `json:"t,omitempty"` // a re-bill's text
	Bill       string `json:"b,omitempty"` // a re-bill: the new bill's fingerprint (billPrint)
}

// ref names the push of a task of type typ with this payload.
func (pl billPayload) ref(typ string) pushRef {
	switch typ {
	case TaskReminder:
		return pushRef{KindReminder, pl.Enterprise, pl.Date, pl.Kind}
	case TaskRebill:
		return pushRef{KindRebill, pl.Enterprise, pl.Date, pl.Hash}
	case TaskNotice:
		return pushRef{KindNotice, pl.Enterprise, pl.Date, pl.Hash}
	}
	return pushRef{KindBill, pl.Enterprise, pl.Date, ""}
}

// ScheduleOptions adjust a Scheduler. Zero values take the defaults.
type ScheduleOptions struct {
	Queue     string        // DefaultQueue
	SendHour  int           // hour of the day, Asia/Shanghai, the bills go out: 9
	Retention time.Duration // how long a delivered task (and its id) stays: 8 days
	MaxRetry  int           // retries of a failed delivery (429s not counted): 12
	Workers   int           // goroutines billing and enqueueing: 16 × GOMAXPROCS
	Now       func() time.Time
	Bill      []push.BillOption // e.g. push.WithIssued, built once
	// Remind gives the reminders' dates (push.RemindIssued,
	// push.RemindWindows, push.RemindDaysBeforeClose), built once.
	Remind []push.ReminderOption
	// Quiet holds back the sends falling inside it (QUIET_HOURS); the zero
	// value has no window.
	Quiet QuietHours
	// Ledger records each new task as planned: NewLedger on the store's
	// Redis by default.
	Ledger *Ledger
}

// Scheduler enqueues the bills of the subscribed enterprises.
type Scheduler struct {
	store  *Store
	client *asynq.Client
	o      ScheduleOptions
}

// NewScheduler returns a scheduler enqueueing through client (nil: a
// client on the store's Redis).
func NewScheduler(store *Store, client *asynq.Client, o ScheduleOptions) *Scheduler {
	if client == nil && store != nil {
		client = asynq.NewClientFromRedisClient(store.rdb)
	}
	if o.Queue == "" {
		o.Queue = DefaultQueue
	}
	if o.SendHour == 0 {
		o.SendHour = 9
	}
	if o.Retention == 0 {
		o.Retention = 8 * 24 * time.Hour
	}
	if o.MaxRetry == 0 {
		o.MaxRetry = 12
	}
	if o.Workers <= 0 {
		o.Workers = 16 * runtime.GOMAXPROCS(0)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ledger == nil && store != nil {
		o.Ledger = NewLedger(store.rdb, LedgerOptions{})
	}
	return &Scheduler{store: store, client: client, o: o}
}

// Report counts one ScheduleBills run.
type Report struct {
	Subscribed int `json:"subscribed"` // subscribed enterprises read
	Quiet      int `json:"quiet"`      // their bill had nothing to say: no task
	Enqueued   int `json:"enqueued"`   // new tasks
	Duplicates int `json:"duplicates"` // tasks that already existed (an earlier run or another replica)
}

// SendAt is when the bill task id of date goes out: SendHour:00
// Asia/Shanghai on that calendar day, or now if that is past; and if that
// falls inside quiet hours, the next allowed time, spread by id over the
// window's start (QuietHours.Next) — never now inside the window.
func (s *Scheduler) SendAt(date time.Time, id string) time.Time {
	at := time.Date(date.Year(), date.Month(), date.Day(), s.o.SendHour, 0, 0, 0, china)
	if now := s.o.Now(); at.Before(now) {
		at = now
	}
	return s.o.Quiet.Next(at, id)
}

// ScheduleBills computes the bill on date (its calendar day) of every
// subscribed enterprise and enqueues one task per enterprise whose bill has
// something to say (items, near misses or deadlines), with TaskID
// BillTaskID, processed at SendAt(date, id). Running it again, or on two
// replicas at once, enqueues nothing twice: asynq refuses a TaskID it still
// holds (pending, scheduled, retrying or, for Retention, completed).
func (s *Scheduler) ScheduleBills(ctx context.Context, date time.Time) (Report, error) {
	day := date.Format(time.DateOnly)
	return s.each(ctx, func(p push.Profile) []task {
		b := push.ComputeBill(p, date, s.o.Bill...)
		if len(b.Items) == 0 && len(b.NearMisses) == 0 && len(b.Deadlines) == 0 {
			return nil
		}
		return []task{{typ: TaskBill, pl: billPayload{Enterprise: p.ID, Date: day}}}
	})
}

// task is one push task to enqueue: its type and payload, and when it
// goes out (zero: SendAt of its date).
type task struct {
	typ string
	pl  billPayload
	at  time.Time
}

// each runs tasks over every subscribed enterprise on Workers goroutines
// and enqueues what it returns (enqueue); a profile given no task counts as
// quiet. New tasks are recorded in the ledger as planned, in batches.
func (s *Scheduler) each(ctx context.Context, tasks func(p push.Profile) []task) (Report, error) {
	var subscribed, quiet, enqueued, dups atomic.Int64

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan push.Profile, 1024)
	var wg sync.WaitGroup
	for range s.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// New tasks are recorded as planned in pipelined batches.
			var batch []planned
			flush := func() {
				if err := s.o.Ledger.plan(ctx, batch, s.o.Now()); err != nil {
					cancel(err)
				}
				batch = batch[:0]
			}
			defer flush()
			for p := range jobs {
				ts := tasks(p)
				if len(ts) == 0 {
					quiet.Add(1)
				}
				for _, t := range ts {
					isNew, err := s.enqueue(ctx, t)
					switch {
					case err != nil:
						cancel(err)
					case isNew:
						enqueued.Add(1)
						if batch = append(batch, planned{t.ref(), p.ChatID}); len(batch) == 256 {
							flush()
						}
					default:
						dups.Add(1)
					}
				}
			}
		}()
	}
	var listErr error
	for after := ""; ; {
		ps, next, err := s.store.Subscribed(ctx, after, 1000)
		if err != nil {
			listErr = err
			break
		}
		for _, p := range ps {
			subscribed.Add(1)
			select {
			case jobs <- p:
			case <-ctx.Done():
			}
		}
		if next == "" || ctx.Err() != nil {
			break
		}
		after = next
	}
	close(jobs)
	wg.Wait()
	r := Report{Subscribed: int(subscribed.Load()), Quiet: int(quiet.Load()),
		Enqueued: int(enqueued.Load()), Duplicates: int(dups.Load())}
	if err := context.Cause(ctx); err != nil && listErr == nil {
		listErr = err
	}
	return r, listErr
}

// ref names t's push.
func (t task) ref() pushRef { return t.pl.ref(t.typ) }

// enqueue enqueues t under its push's task id, processed at t.at out of
// quiet hours, or SendAt of its date; isNew is false when asynq already
// holds that id (a duplicate).
func (s *Scheduler) enqueue(ctx context.Context, t task) (isNew bool, err error) {
	date, err := time.Parse(time.DateOnly, t.pl.Date)
	if err != nil {
		return false, fmt.Errorf("asynqpush: enqueue %s: bad date %q", t.pl.Enterprise, t.pl.Date)
	}
	payload, _ := json.Marshal(t.pl)
	id := t.ref().taskID()
	at := s.SendAt(date, id)
	if !t.at.IsZero() {
		at = s.o.Quiet.Next(t.at, id)
	}
	_, err = s.client.EnqueueContext(ctx, asynq.NewTask(t.typ, payload),
		asynq.TaskID(id), asynq.Queue(s.o.Queue), asynq.ProcessAt(at),
		asynq.Retention(s.o.Retention), asynq.MaxRetry(s.o.MaxRetry))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, asynq.ErrTaskIDConflict):
		return false, nil
	}
	return false, fmt.Errorf("asynqpush: enqueue %s: %w", id, err)
}
