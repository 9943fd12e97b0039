package asynqpush

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/cdsme/policybot/push"
)

// noticeProfiles are a roster: the design enterprise (little giant, a
// policy/4 item on billDate) subscribed, an innovative SME subscribed with
// nothing on policy/4, and an unsubscribed little giant.
func noticeProfiles(t *testing.T) (giant, innovative, unsubscribed push.Profile) {
	t.Helper()
	giant = designProfile(t)
	giant.ID, giant.ChatID = "91510100GIANT00001", 101
	innovative = push.Profile{ID: "91510100INNOV00002", Name: "创新型", ChatID: 102,
		Tiers: []push.Tier{{Tier: push.TierInnovative, Recognized: "2026-03-01", Kind: "new"}}}
	unsubscribed = designProfile(t)
	unsubscribed.ID, unsubscribed.ChatID = "91510100UNSUB00003", 0
	return giant, innovative, unsubscribed
}

func TestNoticeFilterMatch(t *testing.T) {
	giant, innovative, unsubscribed := noticeProfiles(t)
	all := []push.Tier(nil)
	cases := []struct {
		name    string
		f       NoticeFilter
		p       push.Profile
		matched bool
	}{
		{"everyone: subscribed", NoticeFilter{Day: billDate}, giant, true},
		{"everyone: innovative", NoticeFilter{Tiers: nil, Day: billDate}, innovative, true},
		{"everyone: unsubscribed never", NoticeFilter{Day: billDate}, unsubscribed, false},
		{"tier little giant", NoticeFilter{Tiers: []string{push.TierLittleGiant}, Day: billDate}, giant, true},
		{"tier little giant: not innovative", NoticeFilter{Tiers: []string{push.TierLittleGiant}, Day: billDate}, innovative, false},
		{"two tiers", NoticeFilter{Tiers: []string{push.TierProvincial, push.TierInnovative}, Day: billDate}, innovative, true},
		{"tier: unsubscribed never", NoticeFilter{Tiers: []string{push.TierLittleGiant}, Day: billDate}, unsubscribed, false},
		{"clause policy/4: has the item", NoticeFilter{Clause: "policy/4", Day: billDate}, giant, true},
		{"clause policy/4: no item", NoticeFilter{Clause: "policy/4", Day: billDate}, innovative, false},
		{"clause policy/4: unsubscribed never", NoticeFilter{Clause: "policy/4", Day: billDate}, unsubscribed, false},
		{"clause and tier", NoticeFilter{Tiers: []string{push.TierLittleGiant}, Clause: "policy/4", Day: billDate}, giant, true},
		{"clause no one has", NoticeFilter{Clause: "policy/12", Day: billDate}, giant, false},
		{"no tiers on the profile", NoticeFilter{Tiers: []string{push.TierInnovative}, Day: billDate}, push.Profile{ID: "x", ChatID: 5, Tiers: all}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.Match(c.p); got != c.matched {
				t.Errorf("Match = %v, want %v", got, c.matched)
			}
		})
	}
}

func TestNoticeID(t *testing.T) {
	n := Notice{Title: "申报窗口", Text: "已开放"}
	f := NoticeFilter{Tiers: []string{push.TierLittleGiant, push.TierInnovative}, Day: billDate}
	g := NoticeFilter{Tiers: []string{push.TierInnovative, push.TierLittleGiant}, Day: billDate}
	if f.ID(n) != g.ID(n) {
		t.Error("tier order changes the id")
	}
	if f.ID(n) == f.ID(Notice{Title: "申报窗口", Text: "已开放。"}) {
		t.Error("another text, same id")
	}
	if f.ID(n) == (NoticeFilter{Tiers: f.Tiers, Clause: "policy/4", Day: billDate}).ID(n) {
		t.Error("another filter, same id")
	}
	if m := n.Message(); !strings.HasSuffix(m, "\n\n/unsubscribe 退订") || !strings.HasPrefix(m, "申报窗口\n\n已开放") {
		t.Errorf("Message = %q", m)
	}
}

// TestSendNotice, against the real asynq server and Redis: the preview's
// count is the tasks enqueued, a second send enqueues nothing, the worker
// delivers the notice with its footer to the recipients only (never the
// unsubscribed enterprise), the ledger records them as sent notices, and
// an enterprise that unsubscribes after the send is not sent it.
func TestSendNotice(t *testing.T) {
	rdb := realRedis(t)
	ctx := context.Background()
	s := NewStore(rdb)
	giant, innovative, unsubscribed := noticeProfiles(t)
	late := innovative
	late.ID, late.ChatID = "91510100LATE000004", 104
	for _, p := range []push.Profile{giant, innovative, unsubscribed, late} {
		if err := s.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	clock := &testClock{now: time.Date(2026, 11, 20, 10, 0, 0, 0, china)}
	client := asynq.NewClientFromRedisClient(rdb)
	t.Cleanup(func() { client.Close() })
	q := mustQuiet(t, "21:00-08:00")
	sch := NewScheduler(s, client, ScheduleOptions{Now: clock.Now, Quiet: q})
	n := Notice{Title: "2026年度专精特新奖励申报窗口已开放", Text: "请于12月31日前申报。"}
	day := chinaDay(clock.Now())

	everyone := NoticeFilter{Day: day}
	count, err := sch.CountNotice(ctx, everyone)
	if err != nil {
		t.Fatal(err)
	}
	if count != 3 {
		t.Fatalf("count = %d, want 3 (the unsubscribed one left out)", count)
	}
	// The late one unsubscribes between the send and the delivery.
	id, r, err := sch.SendNotice(ctx, n, everyone)
	if err != nil {
		t.Fatal(err)
	}
	if r.Enqueued != count {
		t.Fatalf("enqueued %d, preview said %d", r.Enqueued, count)
	}
	_, r2, err := sch.SendNotice(ctx, n, everyone)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Enqueued != 0 || r2.Duplicates != count {
		t.Fatalf("second send: %+v, want nothing enqueued", r2)
	}
	if _, err := s.Unsubscribe(ctx, late.ChatID); err != nil {
		t.Fatal(err)
	}
	// The text is kept once, not in each task; a notice whose text is gone
	// is not sent.
	if got, _ := rdb.Get(ctx, noticeKey(id)).Result(); got != n.Message() {
		t.Fatalf("stored text %q", got)
	}
	gone := Notice{Title: "已撤回", Text: "不应发出"}
	goneID, r3, err := sch.SendNotice(ctx, gone, NoticeFilter{Tiers: []string{push.TierInnovative}, Day: day})
	if err != nil || r3.Enqueued != 1 {
		t.Fatalf("send: %+v, %v", r3, err)
	}
	rdb.Del(ctx, noticeKey(goneID))

	f := &fakeSender{}
	w := NewWorker(s, rdb, f, WorkerOptions{Quiet: q, Now: clock.Now})
	srv := NewServer(rdb, ServerOptions{Concurrency: 2, DelayedTaskCheckInterval: 50 * time.Millisecond, Quiet: q, Now: clock.Now})
	if err := srv.Start(WithNotices(Mux(w), w)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	l := NewLedger(rdb, LedgerOptions{})
	entry := func(p push.Profile) Entry {
		es, _, err := l.List(ctx, Filter{Date: day.Format(time.DateOnly)}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Enterprise == p.ID && e.Kind == KindNotice && e.Detail == id {
				return e
			}
		}
		return Entry{}
	}
	waitFor(t, "two notices sent, one cancelled", func() bool {
		return f.count() == 2 && entry(late).State == StateCancelled
	})
	waitFor(t, "the notice without its text cancelled", func() bool {
		es, _, _ := l.List(ctx, Filter{State: StateCancelled}, "", 100)
		for _, e := range es {
			if e.Detail == goneID && e.Enterprise == innovative.ID && e.Error == "notice text expired" {
				return true
			}
		}
		return false
	})
	time.Sleep(200 * time.Millisecond)
	f.mu.Lock()
	got := f.sent
	f.mu.Unlock()
	chats := map[int64]bool{}
	for _, m := range got {
		chats[m.Chat] = true
		if m.Text != n.Message() || !strings.HasSuffix(m.Text, "/unsubscribe 退订") {
			t.Errorf("text %q", m.Text)
		}
	}
	if len(got) != 2 || !chats[giant.ChatID] || !chats[innovative.ChatID] {
		t.Errorf("sent to %v, want chats %d and %d once each", chats, giant.ChatID, innovative.ChatID)
	}
	for _, p := range []push.Profile{giant, innovative} {
		if e := entry(p); e.State != StateSent || e.Task() != NoticeTaskID(id, p.ID) {
			t.Errorf("%s: ledger %+v", p.ID, e)
		}
	}
	if e := entry(unsubscribed); e.State != "" {
		t.Errorf("unsubscribed enterprise in the ledger: %+v", e)
	}
	// The bill of the same day is not taken for sent.
	if n, _ := rdb.Exists(ctx, sentKey(BillTaskID(giant.ID, day.Format(time.DateOnly)))).Result(); n != 0 {
		t.Error("the notice marked the day's bill as sent")
	}
}
