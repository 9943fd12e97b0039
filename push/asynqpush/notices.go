package asynqpush

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// A notice (TaskNotice) is a text staff compose in the console
// (/staff/notices) and send to the subscribed enterprises a NoticeFilter
// selects: one task per enterprise under NoticeTaskID, through the same
// queue, quiet hours, rate limits, 429 pause and ledger (kind notice) as
// the bills. The text is kept once in Redis (noticeKey, for the tasks'
// Retention), not in each task; the worker sends it only to an enterprise
// still subscribed when it comes up.

// TaskNotice is the asynq task type of a notice.
const TaskNotice = "push:notice"

// KindNotice is a notice in the ledger (Entry.Kind); Detail is the
// notice's id.
const KindNotice = "notice"

// NoticeFooter ends every notice's text.
const NoticeFooter = "/unsubscribe 退订"

// NoticeTaskID is the asynq TaskID of notice id to one enterprise: a
// notice sent twice (a double click, two replicas) is enqueued once.
func NoticeTaskID(notice, enterprise string) string { return "notice:" + notice + ":" + enterprise }

// noticeKey is the string holding a notice's text, read by its tasks.
func noticeKey(id string) string { return keyPrefix + "notice:" + id }

// Notice is one notice: its title and text, plain.
type Notice struct {
	Title, Text string
}

// Message is the notice's chat text: title, text and NoticeFooter.
func (n Notice) Message() string {
	return strings.TrimSpace(n.Title) + "\n\n" + strings.TrimSpace(n.Text) + "\n\n" + NoticeFooter
}

// NoticeFilter selects a notice's recipients among the subscribed
// enterprises; zero fields select every one.
type NoticeFilter struct {
	// Tiers: the enterprise holds one of these tiers (push.TierInnovative,
	// push.TierProvincial, push.TierLittleGiant).
	Tiers []string
	// Clause: the enterprise's bill on Day has an item on this clause
	// (e.g. "policy/4").
	Clause string
	Day    time.Time
}

// ID names the notice n sent to f's recipients on f's day: the same
// notice, filter and day always give the same id.
func (f NoticeFilter) ID(n Notice) string {
	tiers := slices.Clone(f.Tiers)
	slices.Sort(tiers)
	h := sha256.New()
	for _, s := range []string{n.Title, n.Text, strings.Join(tiers, ","), f.Clause, f.Day.Format(time.DateOnly)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Match reports whether p receives a notice sent with f: subscribed (a
// chat), one of f's tiers, an item on f's clause in its bill on f.Day.
func (f NoticeFilter) Match(p push.Profile, bill ...push.BillOption) bool {
	if p.ChatID == 0 {
		return false
	}
	if len(f.Tiers) > 0 && !slices.ContainsFunc(p.Tiers, func(t push.Tier) bool { return slices.Contains(f.Tiers, t.Tier) }) {
		return false
	}
	if f.Clause != "" {
		b := push.ComputeBill(p, f.Day, bill...)
		return slices.ContainsFunc(b.Items, func(it push.Item) bool { return it.Clause == f.Clause })
	}
	return true
}

// CountNotice is how many enterprises a notice sent with f now would go
// to (the console's preview).
func (s *Scheduler) CountNotice(ctx context.Context, f NoticeFilter) (int, error) {
	n := 0
	for after := ""; ; {
		ps, next, err := s.store.Subscribed(ctx, after, 1000)
		if err != nil {
			return n, err
		}
		for _, p := range ps {
			if f.Match(p, s.o.Bill...) {
				n++
			}
		}
		if next == "" {
			return n, nil
		}
		after = next
	}
}

// SendNotice enqueues notice n to every subscribed enterprise f selects,
// to go out now (out of quiet hours), under NoticeTaskID(f.ID(n), …). It
// returns the notice's id and the run's report: Enqueued new tasks,
// Duplicates of tasks a send before made, Quiet the subscribed
// enterprises f left out.
func (s *Scheduler) SendNotice(ctx context.Context, n Notice, f NoticeFilter) (string, Report, error) {
	id := f.ID(n)
	text := n.Message()
	day := chinaDay(f.Day).Format(time.DateOnly)
	now := s.o.Now()
	if err := s.store.rdb.Set(ctx, noticeKey(id), text, s.o.Retention).Err(); err != nil {
		return id, Report{}, fmt.Errorf("asynqpush: storing notice %s: %w", id, err)
	}
	r, err := s.each(ctx, func(p push.Profile) []task {
		if !f.Match(p, s.o.Bill...) {
			return nil
		}
		return []task{{typ: TaskNotice, at: now, pl: billPayload{Enterprise: p.ID, Date: day, Hash: id}}}
	})
	return id, r, err
}

// noticeHandler delivers TaskNotice through a Worker.
type noticeHandler struct{ w *Worker }

// ProcessTask sends a notice's text to its enterprise's chat, as
// Worker.ProcessTask sends a bill.
func (h noticeHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var pl billPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil || pl.Enterprise == "" || pl.Hash == "" {
		return fmt.Errorf("asynqpush: bad notice payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	text, err := h.w.rdb.Get(ctx, noticeKey(pl.Hash)).Result()
	skip := ""
	switch {
	case errors.Is(err, redis.Nil):
		skip = "notice text expired"
	case err != nil:
		return fmt.Errorf("asynqpush: reading notice %s: %w", pl.Hash, err)
	}
	return h.w.deliver(ctx, t, pl.ref(TaskNotice), func(push.Profile) (string, string) { return text, skip })
}

// WithNotices adds TaskNotice, delivered by w, to mux (Mux(w)).
func WithNotices(mux *asynq.ServeMux, w *Worker) *asynq.ServeMux {
	mux.Handle(TaskNotice, noticeHandler{w})
	return mux
}
