package asynqpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// Sender delivers one text to one chat. Implementations map their channel's
// errors: ErrBlocked (wrapped) when the user blocked the bot, a
// *RetryAfterError when the channel asks to slow down.
type Sender interface {
	Send(ctx context.Context, chatID int64, text string) error
}

// ErrBlocked means the chat refuses messages (Telegram 403): the worker
// unsubscribes the chat and does not retry.
var ErrBlocked = errors.New("asynqpush: chat blocked the bot")

// RetryAfterError is a send refused for now (Telegram 429): asynq retries
// the task After later (RetryDelay), without counting it against MaxRetry.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %v: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryDelay is the asynq RetryDelayFunc of the push server: a
// *RetryAfterError's After plus 1 s, 1 s for a task recovered from a dead
// worker, otherwise exponential from 2 s, capped at 10 minutes. The 1 s:
// asynq stores retry times in whole Unix seconds, so a delay d makes the
// task wait between d-1 s and d; with After+1 s it never comes back before
// Telegram's retry_after (and at most 1 s after it).
//
// A *QuietError comes back After plus 1 s too. NewServer wraps RetryDelay
// so that no retry comes back inside quiet hours (retryDelayFunc).
func RetryDelay(n int, err error, _ *asynq.Task) time.Duration {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return max(ra.After, 0) + time.Second
	}
	var qe *QuietError
	if errors.As(err, &qe) {
		return max(qe.After, 0) + time.Second
	}
	if errors.Is(err, asynq.ErrLeaseExpired) {
		return time.Second
	}
	return min(time.Duration(1<<min(n+1, 10))*time.Second, 10*time.Minute)
}

// isFailure tells asynq which errors count against MaxRetry: a 429 is the
// channel pacing us, and quiet hours are ours, not failures of the task.
func isFailure(err error) bool {
	var ra *RetryAfterError
	var qe *QuietError
	return !errors.As(err, &ra) && !errors.As(err, &qe)
}

// DefaultChatInterval is WorkerOptions.ChatInterval's default.
const DefaultChatInterval = 1100 * time.Millisecond

// WorkerOptions adjust a Worker. Zero values take the defaults.
type WorkerOptions struct {
	Rate int // messages per second over all workers of all replicas: 25
	// ChatInterval is the least time between two messages to one chat,
	// over all replicas: 1.1 s — Telegram's one message a second per chat,
	// with a margin for the jitter between the grant and Telegram's
	// receipt (and the limiter's float arithmetic).
	ChatInterval time.Duration
	// MaxPauseWait: a 429 pause (see ProcessTask) up to this long is waited
	// out in the worker; a longer one sends the task back to asynq for the
	// rest of it. 5 s.
	MaxPauseWait time.Duration
	SentTTL      time.Duration // how long the sent marker stays: 8 days
	Bill         []push.BillOption
	// Remind gives the reminders' dates (push.RemindIssued,
	// push.RemindWindows, push.RemindDaysBeforeClose): the scheduler's.
	Remind []push.ReminderOption
	Log    *slog.Logger
	// Quiet is the window no push is sent in (QUIET_HOURS): a task that
	// comes up inside it is deferred to QuietHours.Next. The zero value has
	// no window.
	Quiet QuietHours
	// Now and Sleep are the clock: Sleep waits for the rate limiters. Tests
	// inject a fake clock. Default: time.Now and a timer.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Ledger records each push's state: NewLedger(rdb) by default.
	Ledger *Ledger
}

// Worker is the asynq handler of TaskBill, TaskReminder and TaskRebill.
type Worker struct {
	store   *Store
	rdb     redis.UniversalClient
	sender  Sender
	limiter *redis_rate.Limiter
	o       WorkerOptions
}

// NewWorker returns the handler delivering bills through sender.
func NewWorker(store *Store, rdb redis.UniversalClient, sender Sender, o WorkerOptions) *Worker {
	if o.Rate <= 0 {
		o.Rate = 25
	}
	if o.ChatInterval <= 0 {
		o.ChatInterval = DefaultChatInterval
	}
	if o.MaxPauseWait <= 0 {
		o.MaxPauseWait = 5 * time.Second
	}
	if o.SentTTL == 0 {
		o.SentTTL = 8 * 24 * time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ledger == nil {
		o.Ledger = NewLedger(rdb, LedgerOptions{})
	}
	return &Worker{store: store, rdb: rdb, sender: sender, limiter: redis_rate.NewLimiter(rdb), o: o}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ProcessTask delivers one push: a bill (TaskBill), a reminder
// (TaskReminder) or a bill's change (TaskRebill). Exactly once, as far as
// it can be:
//
//   - asynq keeps the task in Redis until the handler returns nil; a worker
//     killed mid-task loses its lease and asynq's recoverer hands the task
//     to another worker (after the 30 s lease plus asynq's 30 s clock-skew
//     margin; the recoverer polls every minute and when a server starts).
//   - before sending, the per-task sent marker is checked; after a
//     successful send it is set (SET NX, SentTTL), in the same script as
//     the ledger's sent state. A task redelivered after its send finds the
//     marker and is acknowledged without sending.
//   - the window that remains: a crash after Telegram accepted the message
//     and before the marker write reaches Redis (one Redis round trip,
//     ~0.1–1 ms on a LAN, against the ~100 ms of the Telegram call). Only
//     then is a bill sent twice. Telegram offers no idempotency key, so no
//     design closes it; sending after marking would turn it into a loss.
//
// Pacing, over all replicas: nothing is sent inside Quiet (the task comes
// back at QuietHours.Next, checked before and after the waits); a 429's
// retry_after pauses every worker (pauseKey), not only this one; then the
// global Rate and ChatInterval per chat, the chat's limiter last.
//
// Every outcome is recorded in the Ledger (cancelled, skipped_quiet, sent,
// blocked, failed); a ledger write that fails is logged, never retried.
func (w *Worker) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var pl billPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil || pl.Enterprise == "" {
		return fmt.Errorf("asynqpush: bad payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	date, err := time.Parse(time.DateOnly, pl.Date)
	if err != nil {
		return fmt.Errorf("asynqpush: bad date %q: %w", pl.Date, asynq.SkipRetry)
	}
	switch t.Type() {
	case TaskReminder:
		return w.deliver(ctx, t, pl.ref(t.Type()), func(p push.Profile) (string, string) { return w.reminderText(p, date, pl.Kind) })
	case TaskRebill:
		return w.deliver(ctx, t, pl.ref(t.Type()), func(p push.Profile) (string, string) { return w.rebillText(p, date, pl) })
	}
	return w.deliver(ctx, t, pl.ref(TaskBill), func(p push.Profile) (string, string) {
		return push.ComputeBill(p, date, w.o.Bill...).Text(), ""
	})
}

// deliver sends one push, r, to its enterprise's chat: the text compose
// gives for the stored profile, or nothing when it gives a reason not to
// (the push is recorded cancelled with that reason).
func (w *Worker) deliver(ctx context.Context, t *asynq.Task, r pushRef, compose func(push.Profile) (text, skip string)) error {
	id := r.taskID()
	n, err := w.rdb.Exists(ctx, sentKey(id)).Result()
	if err != nil {
		return fmt.Errorf("asynqpush: sent marker: %w", err)
	}
	if n > 0 {
		w.o.Log.Info("push already sent", "task", id)
		return nil
	}
	c := change{kind: r.kind, detail: r.detail, enterprise: r.enterprise, date: r.date}
	p, err := w.store.Get(ctx, r.enterprise)
	if errors.Is(err, ErrNotFound) {
		w.o.Log.Info("push not sent: profile deleted", "task", id)
		c.existing = true // a deleted enterprise is not written back into the ledger
		w.record(ctx, c, StateCancelled, nil)
		return nil
	}
	if err != nil {
		return err
	}
	c.chat = p.ChatID
	if p.ChatID == 0 {
		w.o.Log.Info("push not sent: unsubscribed", "task", id)
		w.record(ctx, c, StateCancelled, nil)
		return nil
	}
	if err := w.quiet(ctx, c); err != nil {
		return err
	}
	text, skip := compose(p)
	if skip != "" {
		w.o.Log.Info("push not sent", "task", id, "why", skip)
		c.err = skip
		w.record(ctx, c, StateCancelled, nil)
		return nil
	}
	if err := w.wait(ctx, p.ChatID); err != nil {
		return err
	}
	// The waits may have run into the window.
	if err := w.quiet(ctx, c); err != nil {
		return err
	}
	c.attempt = true
	if err := w.sender.Send(ctx, p.ChatID, text); err != nil {
		if errors.Is(err, ErrBlocked) {
			w.record(ctx, c, StateBlocked, err)
			if _, uerr := w.store.Unsubscribe(ctx, p.ChatID); uerr != nil {
				return uerr // retried: the next attempt unsubscribes
			}
			w.o.Log.Info("chat blocked the bot: unsubscribed", "task", id)
			return fmt.Errorf("asynqpush: %s: %w: %w", id, err, asynq.SkipRetry)
		}
		var ra *RetryAfterError
		if errors.As(err, &ra) && ra.After > 0 {
			// Telegram asks the bot, not this worker, to slow down.
			if perr := w.pause(ctx, p.ChatID, ra.After); perr != nil {
				w.o.Log.Error("429 pause not shared", "task", id, "err", perr)
			}
		}
		w.record(ctx, w.retryAt(ctx, c, t, err), StateFailed, err)
		return fmt.Errorf("asynqpush: send %s: %w", id, err)
	}
	// Telegram has the message: the marker must be written even if the
	// task's context ends now. The ledger's sent state and the marker are
	// one script, one round trip.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	c.state, c.at, c.sentTTL = StateSent, w.o.Now(), w.o.SentTTL
	if _, err := w.o.Ledger.record(mctx, c); err != nil {
		w.o.Log.Error("push sent but ledger not written; writing the marker alone", "task", id, "err", err)
		if err := w.rdb.SetNX(mctx, sentKey(id), "1", w.o.SentTTL).Err(); err != nil {
			// Returning an error would resend; the push went out.
			w.o.Log.Error("push sent but marker not written: a redelivery would resend", "task", id, "err", err)
		}
	}
	return nil
}

// retryAt sets c.next to when asynq will try t again after err (the
// server's retry delay, out of quiet hours), or, when err used up t's last
// retry, leaves it zero and says so in c.err.
func (w *Worker) retryAt(ctx context.Context, c change, t *asynq.Task, err error) change {
	retried, ok1 := asynq.GetRetryCount(ctx)
	maxRetry, ok2 := asynq.GetMaxRetry(ctx)
	if ok1 && ok2 && isFailure(err) && retried >= maxRetry {
		c.err = "no retry left: " + err.Error()
		return c
	}
	now := w.o.Now()
	c.next = now.Add(retryDelayFunc(w.o.Quiet, func() time.Time { return now })(retried, err, t))
	return c
}

// record writes c in the ledger as state, with err as its error. The
// ledger is bookkeeping: a failure to write it is logged, never fails the
// task.
func (w *Worker) record(ctx context.Context, c change, state State, err error) {
	c.state, c.at = state, w.o.Now()
	if err != nil && c.err == "" {
		c.err = err.Error()
	}
	if _, lerr := w.o.Ledger.record(ctx, c); lerr != nil {
		w.o.Log.Warn("push ledger not written", "task", c.ref().taskID(), "state", state, "err", lerr)
	}
}

// quiet returns a *QuietError when now is inside quiet hours, and records
// the push as skipped_quiet until then.
func (w *Worker) quiet(ctx context.Context, c change) error {
	now := w.o.Now()
	if !w.o.Quiet.Contains(now) {
		return nil
	}
	id := c.ref().taskID()
	until := w.o.Quiet.Next(now, id)
	w.o.Log.Info("push deferred: quiet hours", "task", id, "until", until)
	c.next = until
	w.record(ctx, c, StateSkippedQuiet, nil)
	return &QuietError{Until: until, After: until.Sub(now)}
}

// errPaused is the cause of the *RetryAfterError a worker returns when a
// 429 pause is longer than it waits (MaxPauseWait).
var errPaused = errors.New("asynqpush: sending paused after a 429")

// wait blocks until one message to chat may go: no 429 pause in force
// (waited out up to MaxPauseWait, else a *RetryAfterError for the rest),
// the global rate limiter, then the chat's own limiter, and again no
// pause: a pause that began during the limiters' waits sends the worker
// round again (a grant is never held across a pause, which would bunch
// sends up at its end), so only one Redis round trip stands between the
// last check and the send.
func (w *Worker) wait(ctx context.Context, chat int64) error {
	// Burst 2: a send that reaches Redis a little after its slot (a
	// Redis round trip, a wake-up) keeps the schedule instead of losing
	// the delay — with burst 1 the replicas reached only 84–87 % of the
	// rate (BenchmarkDeliveryRate); with 2 they reach it, and no second
	// holds more than rate + 1 messages (burst = rate would let 2 × rate
	// through in the first second, over Telegram's ~30/s).
	global := redis_rate.Limit{Rate: w.o.Rate, Burst: 2, Period: time.Second}
	perChat := redis_rate.Limit{Rate: 1, Burst: 1, Period: w.o.ChatInterval}
	for granted := false; ; {
		left, err := w.paused(ctx, chat)
		if err != nil {
			return err
		}
		if left <= 0 && granted {
			return nil
		}
		if left > w.o.MaxPauseWait {
			return &RetryAfterError{After: left, Err: errPaused}
		}
		if left > 0 {
			if err := w.o.Sleep(ctx, left); err != nil {
				return err
			}
		}
		if err := w.allow(ctx, rateKey(), global); err != nil {
			return err
		}
		if err := w.allow(ctx, chatRateKey(chat), perChat); err != nil {
			return err
		}
		granted = true
	}
}

// allow blocks until the limiter at key grants one message.
func (w *Worker) allow(ctx context.Context, key string, limit redis_rate.Limit) error {
	for {
		res, err := w.limiter.Allow(ctx, key, limit)
		if err != nil {
			return fmt.Errorf("asynqpush: rate limiter: %w", err)
		}
		if res.Allowed > 0 {
			return nil
		}
		if err := w.o.Sleep(ctx, res.RetryAfter); err != nil {
			return err
		}
	}
}

// pause stops every worker of every replica from sending to chats of
// chat's channel for d (a 429's retry_after), unless a longer pause is in
// force.
func (w *Worker) pause(ctx context.Context, chat int64, d time.Duration) error {
	return pauseScript.Run(ctx, w.rdb, []string{pauseKey(chat)}, max(d.Milliseconds(), 1)).Err()
}

// paused is how long the shared pause of chat's channel still lasts (≤ 0:
// none).
func (w *Worker) paused(ctx context.Context, chat int64) (time.Duration, error) {
	ms, err := pauseLeftScript.Run(ctx, w.rdb, []string{pauseKey(chat)}).Int64()
	if err != nil {
		return 0, fmt.Errorf("asynqpush: reading the 429 pause: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// ServerOptions adjust NewServer. Zero values take the defaults.
type ServerOptions struct {
	Queue       string // DefaultQueue
	Concurrency int    // 8: sends are paced by the global rate anyway
	// DelayedTaskCheckInterval is how often scheduled and retrying tasks
	// are moved to pending: asynq's 5 s by default.
	DelayedTaskCheckInterval time.Duration
	ShutdownTimeout          time.Duration // asynq's 8 s by default
	Log                      *slog.Logger
	// Quiet moves retries that would come back inside it to its end
	// (QuietHours.Next); Now is the clock that reads it (time.Now).
	Quiet QuietHours
	Now   func() time.Time
}

// NewServer returns an asynq server for the push queue with RetryDelay
// (never back inside o.Quiet) and 429s and quiet hours not counted as
// failures. Run it with srv.Start(mux) where mux routes
// TaskBill to a Worker (see Mux).
func NewServer(rdb redis.UniversalClient, o ServerOptions) *asynq.Server {
	if o.Queue == "" {
		o.Queue = DefaultQueue
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	cfg := asynq.Config{
		Concurrency:              o.Concurrency,
		Queues:                   map[string]int{o.Queue: 1},
		RetryDelayFunc:           retryDelayFunc(o.Quiet, o.Now),
		IsFailure:                isFailure,
		DelayedTaskCheckInterval: o.DelayedTaskCheckInterval,
		ShutdownTimeout:          o.ShutdownTimeout,
		LogLevel:                 asynq.WarnLevel,
	}
	if o.Log != nil {
		cfg.Logger = slogLogger{o.Log}
	}
	return asynq.NewServerFromRedisClient(rdb, cfg)
}

// Mux routes TaskBill, TaskReminder and TaskRebill to w.
func Mux(w *Worker) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	for _, typ := range []string{TaskBill, TaskReminder, TaskRebill} {
		mux.Handle(typ, w)
	}
	return mux
}

// slogLogger adapts slog to asynq.Logger.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Debug(args ...any) { s.l.Debug(fmt.Sprint(args...)) }
func (s slogLogger) Info(args ...any)  { s.l.Info(fmt.Sprint(args...)) }
func (s slogLogger) Warn(args ...any)  { s.l.Warn(fmt.Sprint(args...)) }
func (s slogLogger) Error(args ...any) { s.l.Error(fmt.Sprint(args...)) }
func (s slogLogger) Fatal(args ...any) { s.l.Error(fmt.Sprint(args...)) }
