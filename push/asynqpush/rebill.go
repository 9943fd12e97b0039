package asynqpush

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/cdsme/policybot/push"
)

// A re-bill (TaskRebill) tells a subscribed enterprise what changed in its
// bill (push.BillChanges) — after its profile was saved (/subscribe, push
// import), or on the first day of a new dated parameter value — and only
// that ("您的账单有变化：…"). It goes through the same queue, quiet hours,
// rate limits, 429 pause and ledger (kind rebill) as the bills, under
// RebillTaskID: one change is enqueued once a day however often it is
// found. The task carries the change's text; the worker sends it only if
// the enterprise's bill on that day is still the one the change led to
// (a later save supersedes it with a re-bill of its own).

// RebillTaskID is the asynq TaskID of one change (hash: its changeHash) of
// one enterprise's bill found on day (YYYY-MM-DD).
func RebillTaskID(enterprise, hash, day string) string {
	return "rebill:" + hash + ":" + day + ":" + enterprise
}

// changeHash names a change by its text (which holds every amount that
// changed).
func changeHash(c push.Change) string {
	h := sha256.Sum256([]byte(c.Text))
	return hex.EncodeToString(h[:8])
}

// billPrint is a fingerprint of a bill's amounts, rule by rule.
func billPrint(b push.Bill) string {
	h := sha256.New()
	for _, it := range b.Items {
		fmt.Fprintf(h, "%s=%d;", it.Rule, it.AmountYuan)
	}
	h.Write([]byte(strconv.FormatInt(b.TotalYuan, 10)))
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// rebillTask is the task of the change from bill ob to bill nb (both of
// enterprise id, on day), if they differ.
func rebillTask(id string, ob, nb push.Bill, day time.Time) (task, push.Change, bool) {
	c, ok := push.BillChanges(ob, nb)
	if !ok {
		return task{}, c, false
	}
	return task{typ: TaskRebill, pl: billPayload{Enterprise: id, Date: day.Format(time.DateOnly),
		Hash: changeHash(c), Text: c.Text, Bill: billPrint(nb)}}, c, true
}

// Rebill compares the bills on day (its calendar day) of a profile before
// (old) and after a save (new, as saved: its ChatID is the subscription)
// and, when they differ and new has a chat, enqueues the change, to go out
// now (out of quiet hours). It returns the change (empty without one) and
// whether a task was new.
func (s *Scheduler) Rebill(ctx context.Context, old, new push.Profile, day time.Time) (push.Change, bool, error) {
	t, c, ok := rebillTask(new.ID, push.ComputeBill(old, day, s.o.Bill...), push.ComputeBill(new, day, s.o.Bill...), day)
	if !ok || new.ChatID == 0 {
		return c, false, nil
	}
	t.at = s.o.Now()
	n, err := s.enqueueFor(ctx, new.ChatID, []task{t})
	return c, n > 0, err
}

// Import is Store.Import with re-bills: each record that replaces a
// stored profile enqueues the change of its bill on day (Rebill). It
// returns how many profiles were new and how many re-bills were enqueued.
func (s *Scheduler) Import(ctx context.Context, roster []push.Profile, day time.Time) (added, rebills int, err error) {
	old := make(map[string]push.Profile, len(roster))
	for start := 0; start < len(roster); start += 1000 {
		var ids []string
		for _, p := range roster[start:min(start+1000, len(roster))] {
			ids = append(ids, p.ID)
		}
		ps, err := s.store.load(ctx, ids)
		if err != nil {
			return 0, 0, err
		}
		for _, p := range ps {
			old[p.ID] = p
		}
	}
	if added, err = s.store.Import(ctx, roster); err != nil {
		return added, 0, err
	}
	for _, p := range roster {
		o, ok := old[p.ID]
		if !ok {
			continue
		}
		_, isNew, err := s.Rebill(ctx, o, p, day)
		if err != nil {
			return added, rebills, err
		}
		if isNew {
			rebills++
		}
	}
	return added, rebills, nil
}

// RebillParams enqueues, on the first day of a new dated parameter value
// (push.ParamChanges from the day before to day), the change it makes to
// every subscribed enterprise's bill on day — the bill with the values of
// day against the same bill with the values of the day before
// (paramBills), so that only what the new value changes is told, not
// what the calendar changes (an award leaving its window, a new year) —
// to go out at SendAt of day. On other days it does nothing. Running it
// again enqueues nothing twice.
func (s *Scheduler) RebillParams(ctx context.Context, day time.Time) (Report, error) {
	before := day.AddDate(0, 0, -1)
	changed := paramChanges(before, day)
	if s.o.Params != nil {
		changed = push.ParamChangesIn(s.o.Params, before, day)
	}
	if len(changed) == 0 {
		return Report{}, nil
	}
	return s.each(ctx, func(p push.Profile) []task {
		ob, nb := paramBills(p, day, s.o.Bill)
		if t, _, ok := rebillTask(p.ID, ob, nb, day); ok {
			return []task{t}
		}
		return nil
	})
}

// paramBills is p's bill on day with the parameter values of the day
// before (old) and of day (new): defaultParamBills; tests replace it to
// stand for a dated value the parameter file does not have.
var paramBills = defaultParamBills

func defaultParamBills(p push.Profile, day time.Time, opts []push.BillOption) (old, new push.Bill) {
	old = push.ComputeBill(p, day, slices.Concat(opts, []push.BillOption{push.WithParamsOn(day.AddDate(0, 0, -1))})...)
	return old, push.ComputeBill(p, day, opts...)
}

// paramChanges is push.ParamChanges; tests replace it (the parameter file
// has no dated value yet).
var paramChanges = push.ParamChanges

// rebillText is a re-bill's text, unless p's bill on day is no longer the
// one the change led to.
func (w *Worker) rebillText(p push.Profile, day time.Time, pl billPayload) (text, skip string) {
	if billPrint(push.ComputeBill(p, day, w.o.Bill...)) != pl.Bill {
		return "", "re-bill superseded: the bill changed again"
	}
	return pl.Text, ""
}
