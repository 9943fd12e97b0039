package asynqpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/policies"
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
	// Params is the parameter table bills are computed on and whose dated
	// values RebillParams looks for: the embedded one when nil. A table
	// with a value the release does not carry yet (policies.LoadParams)
	// must be given to the worker's bills too (push.WithParams).
	Params *policies.Params
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

// NewScheduler returns a scheduler enqueueing single tasks (Rebill,
// ScheduleProfileReminders) through client (nil: a client on the store's
// Redis), which must be on the store's Redis: the bulk runs
// (ScheduleBills, ScheduleReminders, RebillParams, SendNotice) write
// asynq's task records there themselves, in batches (enqueueAsynq).
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
	if o.Params != nil {
		o.Bill = append(slices.Clip(o.Bill), push.WithParams(o.Params))
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

// ScheduleBills asks of the bill on date (its calendar day) of every
// subscribed enterprise whether it has something to say (items, near
// misses or deadlines: push.Newsworthy; the worker composes the bill when
// it sends) and enqueues one task per enterprise whose bill has, with TaskID
// BillTaskID, processed at SendAt(date, id). Running it again, or on two
// replicas at once, enqueues nothing twice: asynq refuses a TaskID it still
// holds (pending, scheduled, retrying or, for Retention, completed).
func (s *Scheduler) ScheduleBills(ctx context.Context, date time.Time) (Report, error) {
	day := date.Format(time.DateOnly)
	return s.each(ctx, func(p push.Profile) []task {
		if !push.Newsworthy(p, date, s.o.Bill...) {
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

// batchSize is how many tasks the bulk runs enqueue per round trip (and
// record as planned per ledger call).
const batchSize = 256

// each runs tasks over every subscribed enterprise on Workers goroutines
// (which also decode the profiles, read a page at a time) and enqueues
// what it returns, in batches of batchSize per round trip
// (enqueueAsynq), on the store's Redis; a profile given no task counts as
// quiet. The new tasks of each batch are then recorded in the ledger as
// planned, in one call.
func (s *Scheduler) each(ctx context.Context, tasks func(p push.Profile) []task) (Report, error) {
	var subscribed, quiet, enqueued, dups atomic.Int64

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if err := publishQueue(ctx, s.store.rdb, s.o.Queue); err != nil {
		return Report{}, err
	}
	jobs := make(chan rawRecord, 1024)
	var wg sync.WaitGroup
	for range s.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch []task
			var chats []int64
			flush := func() {
				if len(batch) == 0 || ctx.Err() != nil {
					batch, chats = batch[:0], chats[:0]
					return
				}
				n, err := s.enqueueBatch(ctx, batch, chats)
				if err != nil {
					cancel(err)
				}
				enqueued.Add(int64(n))
				dups.Add(int64(len(batch) - n))
				batch, chats = batch[:0], chats[:0]
			}
			defer flush()
			for rr := range jobs {
				r, err := rr.decode()
				if errors.Is(err, ErrNotFound) { // deleted meanwhile
					continue
				}
				if err != nil {
					cancel(err)
					continue
				}
				p := r.Profile
				subscribed.Add(1)
				ts := tasks(p)
				if len(ts) == 0 {
					quiet.Add(1)
				}
				for _, t := range ts {
					batch, chats = append(batch, t), append(chats, p.ChatID)
					if len(batch) == batchSize {
						flush()
					}
				}
			}
		}()
	}
	var listErr error
	for after := ""; ; {
		raw, next, err := s.store.subscribedRaw(ctx, after, 1000)
		if err != nil {
			listErr = err
			break
		}
		for _, rr := range raw {
			select {
			case jobs <- rr:
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

// enqueueBatch enqueues ts (the task for chats[i] is ts[i]) in one round
// trip and records the new ones as planned in one more. It returns how
// many were new; the others asynq already held.
func (s *Scheduler) enqueueBatch(ctx context.Context, ts []task, chats []int64) (int, error) {
	ats := make([]asynqTask, len(ts))
	for i, t := range ts {
		at, err := s.asynqTask(t)
		if err != nil {
			return 0, err
		}
		ats[i] = at
	}
	isNew, err := enqueueAsynq(ctx, s.store.rdb, ats)
	if err != nil {
		return 0, err
	}
	var ps []planned
	for i, n := range isNew {
		if n {
			ps = append(ps, planned{ts[i].ref(), chats[i]})
		}
	}
	return len(ps), s.o.Ledger.plan(ctx, ps, s.o.Now())
}

// ref names t's push.
func (t task) ref() pushRef { return t.pl.ref(t.typ) }

// asynqTask is t as asynq enqueues it: under its push's task id,
// processed at t.at out of quiet hours, or SendAt of its date.
func (s *Scheduler) asynqTask(t task) (asynqTask, error) {
	date, err := time.Parse(time.DateOnly, t.pl.Date)
	if err != nil {
		return asynqTask{}, fmt.Errorf("asynqpush: enqueue %s: bad date %q", t.pl.Enterprise, t.pl.Date)
	}
	payload, err := json.Marshal(t.pl)
	if err != nil {
		return asynqTask{}, fmt.Errorf("asynqpush: enqueue %s: %w", t.pl.Enterprise, err)
	}
	id := t.ref().taskID()
	at := s.SendAt(date, id)
	if !t.at.IsZero() {
		at = s.o.Quiet.Next(t.at, id)
	}
	return asynqTask{typ: t.typ, id: id, queue: s.o.Queue, payload: payload,
		retry: s.o.MaxRetry, retention: s.o.Retention, at: at}, nil
}

// enqueue enqueues t through asynq's Client (asynqTask); isNew is false
// when asynq already holds its id (a duplicate).
func (s *Scheduler) enqueue(ctx context.Context, t task) (isNew bool, err error) {
	at, err := s.asynqTask(t)
	if err != nil {
		return false, err
	}
	_, err = s.client.EnqueueContext(ctx, asynq.NewTask(at.typ, at.payload),
		asynq.TaskID(at.id), asynq.Queue(at.queue), asynq.ProcessAt(at.at),
		asynq.Retention(at.retention), asynq.MaxRetry(at.retry))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, asynq.ErrTaskIDConflict):
		return false, nil
	}
	return false, fmt.Errorf("asynqpush: enqueue %s: %w", at.id, err)
}
