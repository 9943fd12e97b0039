package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var memT0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func memEx(id string, minutes int, user string, answered bool, clauses ...string) Exchange {
	e := Exchange{ID: id, Time: memT0.Add(time.Duration(minutes) * time.Minute), UserHash: user,
		Answered: answered, Mode: ModeOffline}
	for _, c := range clauses {
		e.Citations = append(e.Citations, Citation{ID: c})
	}
	return e
}

func memIDs(es []Exchange) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestMemoryLog(t *testing.T) {
	ctx := context.Background()
	now := memT0.Add(time.Hour)
	l := &MemoryLog{Now: func() time.Time { return now }, Retention: 48 * time.Hour, MaxExchanges: 4}
	for _, e := range []Exchange{
		memEx("a", 0, "u1", true, "policy/4"),
		memEx("b", 1, "u2", false),
		memEx("c", 1, "u1", true, "plan/2"),
		memEx("d", 2, "u2", true, "policy/4"),
	} {
		if err := l.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	list := func(q ExchangeQuery) []string {
		t.Helper()
		es, _, err := l.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return memIDs(es)
	}
	if d := cmp.Diff([]string{"d", "c", "b", "a"}, list(ExchangeQuery{})); d != "" {
		t.Errorf("all (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"b"}, list(ExchangeQuery{Unanswered: true})); d != "" {
		t.Errorf("unanswered (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"d", "a"}, list(ExchangeQuery{Clause: "policy/4"})); d != "" {
		t.Errorf("clause (-want +got):\n%s", d)
	}

	// paging
	var got []string
	q := ExchangeQuery{Limit: 1}
	for i := 0; i < 10; i++ {
		es, next, err := l.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, memIDs(es)...)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	if d := cmp.Diff([]string{"d", "c", "b", "a"}, got); d != "" {
		t.Errorf("paging (-want +got):\n%s", d)
	}

	// feedback
	if err := l.SetFeedback(ctx, "a", "u2", VerdictDown, "", now); !errors.Is(err, ErrNotOwner) {
		t.Errorf("other user: %v", err)
	}
	if err := l.SetFeedback(ctx, "zz", "u1", VerdictDown, "", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	if err := l.SetFeedback(ctx, "a", "u1", VerdictDown, "wrong", now); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a"}, list(ExchangeQuery{Disliked: true})); d != "" {
		t.Errorf("disliked (-want +got):\n%s", d)
	}

	// count bound: a fifth exchange pushes out the oldest
	if err := l.Append(ctx, memEx("e", 3, "u1", true)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(a) after count trim: %v", err)
	}

	// DeleteUser
	n, err := l.DeleteUser(ctx, "u2")
	if err != nil || n != 2 {
		t.Errorf("DeleteUser = %d, %v; want 2", n, err)
	}
	if d := cmp.Diff([]string{"e", "c"}, list(ExchangeQuery{})); d != "" {
		t.Errorf("after DeleteUser (-want +got):\n%s", d)
	}

	// time bound
	now = now.Add(49 * time.Hour)
	if d := cmp.Diff([]string{}, list(ExchangeQuery{})); d != "" {
		t.Errorf("after retention (-want +got):\n%s", d)
	}
}

func TestMemoryChat(t *testing.T) {
	ctx := context.Background()
	now := memT0
	m := &MemoryChat{Now: func() time.Time { return now }}
	want := ChatContext{LastClause: "policy/4", Inputs: map[string]string{"x": "1"}, Updated: memT0}
	if err := m.Save(ctx, "c", want, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, _ := m.Load(ctx, "c")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Load (-want +got):\n%s", d)
	}
	now = now.Add(time.Minute)
	if got, _ := m.Load(ctx, "c"); got.LastClause != "" {
		t.Errorf("Load after TTL: %+v", got)
	}
	_ = m.Save(ctx, "d", want, 0)
	_ = m.Delete(ctx, "d")
	if got, _ := m.Load(ctx, "d"); got.LastClause != "" {
		t.Errorf("Load after Delete: %+v", got)
	}
}

// TestMemoryChatMasks: the in-process chat memory keeps masked text, as
// the Redis one does.
func TestMemoryChatMasks(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryChat()
	if err := m.Save(ctx, "c", ChatContext{LastQuestion: "电话 138-1234-5678 能补多少"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, _ := m.Load(ctx, "c")
	if got.LastQuestion != "电话 138****5678 能补多少" {
		t.Errorf("LastQuestion = %q", got.LastQuestion)
	}
}

// TestMemoryLogReplayedVote: the same verdict again changes nothing.
func TestMemoryLogReplayedVote(t *testing.T) {
	ctx := context.Background()
	l := &MemoryLog{Now: func() time.Time { return memT0 }}
	if err := l.Append(ctx, memEx("a", 0, "u1", true)); err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{"金额不对", "replay"} {
		if err := l.SetFeedback(ctx, "a", "u1", VerdictDown, reason, memT0); err != nil {
			t.Fatal(err)
		}
	}
	if e, _ := l.Get(ctx, "a"); e.FeedbackReason != "金额不对" {
		t.Errorf("a replay changed the vote: %q", e.FeedbackReason)
	}
}
