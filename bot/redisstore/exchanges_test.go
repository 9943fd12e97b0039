package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/policies"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// ex builds an exchange minutes after t0.
func ex(id string, minutes int, user string, answered bool, clauses ...string) bot.Exchange {
	e := bot.Exchange{
		ID: id, Time: t0.Add(time.Duration(minutes) * time.Minute), Channel: "telegram",
		UserHash: user, ChatHash: "chat-" + user, Question: "问题 " + id, Answer: "回答 " + id,
		Answered: answered, Citations: []bot.Citation{}, Latency: 1500 * time.Microsecond, Mode: bot.ModeOffline,
	}
	for _, c := range clauses {
		e.Citations = append(e.Citations, bot.Citation{ID: c, Score: 0.5, Quote: "…"})
	}
	return e
}

func ids(es []bot.Exchange) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func newLog(b backend, c *clock, opt Options) *ExchangeLog {
	opt.Now = c.Now
	return NewExchangeLog(b.RDB, opt)
}

func TestExchangeAppendGetList(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0.Add(time.Hour)}
		l := newLog(b, c, Options{})

		full := ex("e1", 0, "u1", true, "policy/4", "policy/scope")
		full.Calculations = []policies.Calculation{{
			Rule: "rd_increase", Clause: "policy/4", AmountYuan: 600000, Kind: policies.KindComputed,
			Inputs: map[string]any{"increase_yuan": float64(6500000)}, Steps: []string{"650万 ÷ 200万 = 3 档"},
		}}
		all := []bot.Exchange{
			full,
			ex("e2", 1, "u2", false),
			ex("e3", 2, "u1", true, "plan/3"),
			ex("e4", 3, "u3", false),
			ex("e5", 4, "u2", true, "policy/6", "policy/4"),
		}
		for _, e := range all {
			if err := l.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}

		got, err := l.Get(ctx, "e1")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(full, got); d != "" {
			t.Errorf("Get (-want +got):\n%s", d)
		}
		if _, err := l.Get(ctx, "nope"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Get missing: err = %v, want ErrNotFound", err)
		}

		// A second append of the same id changes nothing.
		dup := ex("e1", 30, "u9", false)
		if err := l.Append(ctx, dup); err != nil {
			t.Fatal(err)
		}
		if got, _ := l.Get(ctx, "e1"); got.UserHash != "u1" {
			t.Errorf("duplicate append overwrote e1: %+v", got)
		}

		list := func(q bot.ExchangeQuery) []string {
			t.Helper()
			es, _, err := l.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return ids(es)
		}
		for _, tt := range []struct {
			name string
			q    bot.ExchangeQuery
			want []string
		}{
			{"all newest first", bot.ExchangeQuery{}, []string{"e5", "e4", "e3", "e2", "e1"}},
			{"unanswered", bot.ExchangeQuery{Unanswered: true}, []string{"e4", "e2"}},
			{"clause", bot.ExchangeQuery{Clause: "policy/4"}, []string{"e5", "e1"}},
			{"clause no hits", bot.ExchangeQuery{Clause: "plan/18"}, []string{}},
			{"clause and unanswered", bot.ExchangeQuery{Clause: "policy/4", Unanswered: true}, []string{}},
			{"since inclusive", bot.ExchangeQuery{Since: t0.Add(2 * time.Minute)}, []string{"e5", "e4", "e3"}},
			{"until exclusive", bot.ExchangeQuery{Until: t0.Add(2 * time.Minute)}, []string{"e2", "e1"}},
			{"window", bot.ExchangeQuery{Since: t0.Add(time.Minute), Until: t0.Add(3 * time.Minute)}, []string{"e3", "e2"}},
			{"disliked none yet", bot.ExchangeQuery{Disliked: true}, []string{}},
		} {
			if d := cmp.Diff(tt.want, list(tt.q)); d != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, d)
			}
		}

		if _, _, err := l.List(ctx, bot.ExchangeQuery{Cursor: "garbage"}); err == nil {
			t.Error("List with a bad cursor: no error")
		}
	})
}

func TestExchangeListPaging(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0.Add(24 * time.Hour)}
		l := newLog(b, c, Options{})
		var want []string
		for i := 0; i < 23; i++ {
			// pairs share a millisecond, so paging must break ties by id
			e := ex(fmt.Sprintf("x%02d", i), i/2, "u", i%3 == 0, "policy/1")
			if err := l.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
			want = append(want, e.ID)
		}
		sort.Sort(sort.Reverse(sort.StringSlice(want)))

		for _, q := range []bot.ExchangeQuery{{Limit: 5}, {Limit: 1}, {Limit: 5, Clause: "policy/1"}} {
			var got []string
			pages := 0
			for {
				es, next, err := l.List(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(es) > q.Limit {
					t.Fatalf("page of %d, limit %d", len(es), q.Limit)
				}
				got = append(got, ids(es)...)
				pages++
				if next == "" || pages > 30 {
					break
				}
				q.Cursor = next
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("paging with limit %d (-want +got):\n%s", q.Limit, d)
			}
		}

		// Unanswered pages: filter applied on the records as well.
		var wantUn []string
		for i := 0; i < 23; i++ {
			if i%3 != 0 {
				wantUn = append(wantUn, fmt.Sprintf("x%02d", i))
			}
		}
		sort.Sort(sort.Reverse(sort.StringSlice(wantUn)))
		var got []string
		q := bot.ExchangeQuery{Unanswered: true, Limit: 4}
		for i := 0; i < 20; i++ {
			es, next, err := l.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(es)...)
			if next == "" {
				break
			}
			q.Cursor = next
		}
		if d := cmp.Diff(wantUn, got); d != "" {
			t.Errorf("unanswered paging (-want +got):\n%s", d)
		}
	})
}

func TestExchangeFeedback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0.Add(time.Hour)}
		l := newLog(b, c, Options{})
		for _, e := range []bot.Exchange{ex("a", 0, "owner", true, "policy/2"), ex("b", 1, "owner", true)} {
			if err := l.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		at := t0.Add(2 * time.Hour)

		if err := l.SetFeedback(ctx, "a", "intruder", bot.VerdictDown, "spam", at); !errors.Is(err, bot.ErrNotOwner) {
			t.Errorf("feedback by another user: err = %v, want ErrNotOwner", err)
		}
		if got, _ := l.Get(ctx, "a"); got.Feedback != "" {
			t.Errorf("another user's feedback was recorded: %q", got.Feedback)
		}
		if err := l.SetFeedback(ctx, "missing", "owner", bot.VerdictUp, "", at); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("feedback on missing: err = %v, want ErrNotFound", err)
		}
		if err := l.SetFeedback(ctx, "a", "owner", "meh", "", at); err == nil {
			t.Error("bad verdict accepted")
		}

		for i := 0; i < 2; i++ { // idempotent
			if err := l.SetFeedback(ctx, "a", "owner", bot.VerdictDown, "金额不对", at); err != nil {
				t.Fatal(err)
			}
		}
		want := ex("a", 0, "owner", true, "policy/2")
		want.Feedback, want.FeedbackReason = bot.VerdictDown, "金额不对"
		got, err := l.Get(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("after feedback (-want +got):\n%s", d)
		}
		es, _, err := l.List(ctx, bot.ExchangeQuery{Disliked: true})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]bot.Exchange{want}, es); d != "" {
			t.Errorf("disliked list (-want +got):\n%s", d)
		}
		if n := b.RDB.ZCard(ctx, dislikedKey()).Val(); n != 1 {
			t.Errorf("disliked index holds %d, want 1", n)
		}

		// The user changes their mind.
		if err := l.SetFeedback(ctx, "a", "owner", bot.VerdictUp, "", at); err != nil {
			t.Fatal(err)
		}
		es, _, _ = l.List(ctx, bot.ExchangeQuery{Disliked: true})
		if len(es) != 0 {
			t.Errorf("disliked after up: %v", ids(es))
		}
		if got, _ := l.Get(ctx, "a"); got.Feedback != bot.VerdictUp || got.FeedbackReason != "" {
			t.Errorf("after up: %q %q", got.Feedback, got.FeedbackReason)
		}
	})
}

// indexMembers returns every index's members, to check that trimming and
// deletion leave them consistent with the records.
func indexMembers(t *testing.T, b backend, users, clauses []string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	keys := []string{allKey(), unansweredKey(), dislikedKey()}
	for _, u := range users {
		keys = append(keys, userKey(u))
	}
	for _, c := range clauses {
		keys = append(keys, clauseKey(c))
	}
	out := map[string][]string{}
	for _, k := range keys {
		m, err := b.RDB.ZRange(ctx, k, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(m) > 0 {
			out[k] = m
		}
	}
	return out
}

func TestExchangeRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0}
		l := newLog(b, c, Options{Retention: 10 * 24 * time.Hour, MaxExchanges: 3})
		day := 24 * 60

		// Count bound: five appended, the three newest kept.
		for i, e := range []bot.Exchange{
			ex("d0", 0, "u1", false, "policy/1"),
			ex("d1", 1, "u2", true, "policy/2"),
			ex("d2", 2, "u1", false, "policy/1"),
			ex("d3", 3, "u1", true, "policy/2"),
			ex("d4", 4, "u2", true, "policy/1"),
		} {
			c.t = e.Time
			if err := l.Append(ctx, e); err != nil {
				t.Fatalf("append %d: %v", i, err)
			}
		}
		if err := l.SetFeedback(ctx, "d2", "u1", bot.VerdictDown, "", c.Now()); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"d0", "d1"} {
			if _, err := l.Get(ctx, id); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Get(%s) after count trim: err = %v, want ErrNotFound", id, err)
			}
		}
		users, clauses := []string{"u1", "u2"}, []string{"policy/1", "policy/2"}
		want := map[string][]string{
			allKey():              {"d2", "d3", "d4"},
			unansweredKey():       {"d2"},
			dislikedKey():         {"d2"},
			userKey("u1"):         {"d2", "d3"},
			userKey("u2"):         {"d4"},
			clauseKey("policy/1"): {"d2", "d4"},
			clauseKey("policy/2"): {"d3"},
		}
		if d := cmp.Diff(want, indexMembers(t, b, users, clauses)); d != "" {
			t.Errorf("indexes after count trim (-want +got):\n%s", d)
		}

		// Time bound: eleven days on, an append trims everything older
		// than ten days.
		c.Advance(11 * 24 * time.Hour)
		late := ex("d5", 11*day, "u2", true, "policy/2")
		if err := l.Append(ctx, late); err != nil {
			t.Fatal(err)
		}
		want = map[string][]string{
			allKey():              {"d5"},
			userKey("u2"):         {"d5"},
			clauseKey("policy/2"): {"d5"},
		}
		if d := cmp.Diff(want, indexMembers(t, b, users, clauses)); d != "" {
			t.Errorf("indexes after time trim (-want +got):\n%s", d)
		}
		es, _, err := l.List(ctx, bot.ExchangeQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"d5"}, ids(es)); d != "" {
			t.Errorf("list after trim (-want +got):\n%s", d)
		}

		// A quiet log: Trim alone applies the bound; List hides the
		// expired exchange even before.
		c.Advance(10*24*time.Hour + time.Minute)
		es, _, _ = l.List(ctx, bot.ExchangeQuery{})
		if len(es) != 0 {
			t.Errorf("list past retention: %v", ids(es))
		}
		n, err := l.Trim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("Trim removed %d, want 1", n)
		}
		if d := cmp.Diff(map[string][]string{}, indexMembers(t, b, users, clauses)); d != "" {
			t.Errorf("indexes after Trim (-want +got):\n%s", d)
		}
		if keys := b.RDB.Keys(ctx, exchangePrefix+"*").Val(); len(keys) != 0 {
			t.Errorf("keys left after Trim: %v", keys)
		}
	})
}

func TestExchangeRecordTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0.Add(time.Hour)}
		l := newLog(b, c, Options{Retention: 48 * time.Hour})
		if err := l.Append(ctx, ex("r", 0, "u", true)); err != nil {
			t.Fatal(err)
		}
		// record lives until time + retention + grace, measured on the clock
		want := 48*time.Hour + recordGrace - time.Hour
		ttl := b.RDB.PTTL(ctx, recordKey("r")).Val()
		if ttl <= want-time.Minute || ttl > want {
			t.Errorf("record TTL = %v, want about %v", ttl, want)
		}
		if ttl := b.RDB.PTTL(ctx, userKey("u")).Val(); ttl <= 0 {
			t.Errorf("user index TTL = %v, want > 0", ttl)
		}
	})
}

func TestExchangeDeleteUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0.Add(time.Hour)}
		l := newLog(b, c, Options{})
		for _, e := range []bot.Exchange{
			ex("k1", 0, "gone", false, "policy/3"),
			ex("k2", 1, "stays", true, "policy/3"),
			ex("k3", 2, "gone", true, "plan/1"),
		} {
			if err := l.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.SetFeedback(ctx, "k3", "gone", bot.VerdictDown, "", c.Now()); err != nil {
			t.Fatal(err)
		}
		n, err := l.DeleteUser(ctx, "gone")
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("DeleteUser = %d, want 2", n)
		}
		for _, id := range []string{"k1", "k3"} {
			if _, err := l.Get(ctx, id); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Get(%s) after DeleteUser: %v", id, err)
			}
		}
		want := map[string][]string{
			allKey():              {"k2"},
			userKey("stays"):      {"k2"},
			clauseKey("policy/3"): {"k2"},
		}
		if d := cmp.Diff(want, indexMembers(t, b, []string{"gone", "stays"}, []string{"policy/3", "plan/1"})); d != "" {
			t.Errorf("indexes after DeleteUser (-want +got):\n%s", d)
		}
		if n, err := l.DeleteUser(ctx, "gone"); err != nil || n != 0 {
			t.Errorf("second DeleteUser = %d, %v; want 0, nil", n, err)
		}
	})
}

func TestExchangeAppendRejects(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		l := NewExchangeLog(b.RDB, Options{})
		bad := []bot.Exchange{
			{Time: t0},            // no id
			{ID: "a:b", Time: t0}, // id with the cursor separator
			{ID: "x"},             // no time
			{ID: "y", Time: t0, Feedback: "meh"},
			{ID: "z", Time: t0, Citations: []bot.Citation{{ID: "policy 4"}}},
		}
		for _, e := range bad {
			if err := l.Append(ctx, e); err == nil {
				t.Errorf("Append(%+v) accepted", e)
			}
		}
	})
}

// TestExchangeFeedbackOneVote: one vote per exchange. A replay (the same
// verdict again) writes nothing and is not reported to OnFeedback; a
// changed verdict replaces the vote and is reported; refused taps are not.
func TestExchangeFeedbackOneVote(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &clock{t: t0.Add(time.Hour)}
		var votes []string
		l := newLog(b, c, Options{OnFeedback: func(v string) { votes = append(votes, v) }})
		if err := l.Append(ctx, ex("a", 0, "owner", true, "policy/2")); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(2 * time.Hour)
		vote := func(user, verdict, reason string, at time.Time) error {
			t.Helper()
			return l.SetFeedback(ctx, "a", user, verdict, reason, at)
		}
		if err := vote("owner", bot.VerdictDown, "金额不对", at); err != nil {
			t.Fatal(err)
		}
		before := b.RDB.HGetAll(ctx, recordKey("a")).Val()
		for i := range 3 { // replays, later, even with another reason
			if err := vote("owner", bot.VerdictDown, "replay", at.Add(time.Duration(i+1)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if after := b.RDB.HGetAll(ctx, recordKey("a")).Val(); !cmp.Equal(before, after) {
			t.Errorf("a replay changed the record:\n%s", cmp.Diff(before, after))
		}
		if err := vote("intruder", bot.VerdictUp, "", at); !errors.Is(err, bot.ErrNotOwner) {
			t.Errorf("another user's vote: %v", err)
		}
		if err := vote("owner", bot.VerdictUp, "", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := vote("owner", bot.VerdictUp, "", at.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{bot.VerdictDown, bot.VerdictUp}, votes); d != "" {
			t.Errorf("votes reported (-want +got):\n%s", d)
		}
		if got, _ := l.Get(ctx, "a"); got.Feedback != bot.VerdictUp || got.FeedbackReason != "" {
			t.Errorf("after the change of vote: %q %q", got.Feedback, got.FeedbackReason)
		}
	})
}
