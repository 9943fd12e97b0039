package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/policies"
)

// counterOp is one step of a counter case: an append, or a vote.
type counterOp struct {
	append        *bot.Exchange
	vote, verdict string // exchange id, verdict (its user votes)
}

func appendOp(e bot.Exchange) counterOp { return counterOp{append: &e} }
func voteOp(id, verdict string) counterOp {
	return counterOp{vote: id, verdict: verdict}
}

// TestDayCounters runs appends and votes on a flushed database and
// compares every day hash, field by field, and what Days reads back.
func TestDayCounters(t *testing.T) {
	answered := ex("a1", 0, "u1", true, "policy/4", "policy/scope")
	answered.Calculations = []policies.Calculation{{Rule: "rd_increase", Clause: "plan/3", AmountYuan: 600000}}
	unstated := ex("n1", 5, "u2", false, "policy/7")
	unstated.Need, unstated.Unstated = "deadline", "deadline"
	unstated2 := ex("n2", 6, "u3", false, "policy/7", "plan/8")
	unstated2.Need, unstated2.Unstated = "materials", "materials"
	noCite := ex("x1", 7, "u4", false)
	noCite.Mode, noCite.Feedback = bot.ModeLLMFallback, bot.VerdictDown
	// 2026-11-20 15:59 UTC is 23:59 in Chengdu; a minute later is the 21st there.
	late := ex("l1", 0, "u5", true, "policy/2")
	late.Time = time.Date(2026, 11, 20, 15, 59, 0, 0, time.UTC)
	next := ex("l2", 0, "u6", true, "policy/2")
	next.Time = time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)

	day := dayKey("2026-11-20")
	cases := []struct {
		name string
		ops  []counterOp
		raw  map[string]map[string]string // day key -> hash
		days []DayCounts                  // Days("2026-11-20", "2026-11-21")
	}{
		{
			name: "only the primary clause is credited",
			ops:  []counterOp{appendOp(answered)},
			raw:  map[string]map[string]string{day: {"answered": "1", "c:policy/4": "1", "ca:policy/4": "1"}},
			days: []DayCounts{
				{Day: "2026-11-20", Answered: 1, Clauses: map[string]ClauseCounts{"policy/4": {Primary: 1, Answered: 1}}, Unstated: map[string]int64{}},
				{Day: "2026-11-21", Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
			},
		},
		{
			name: "unstated needs per need and per clause",
			ops:  []counterOp{appendOp(unstated), appendOp(unstated2)},
			raw: map[string]map[string]string{day: {"unanswered": "2", "c:policy/7": "2",
				"n:deadline": "1", "n:materials": "1", "cn:policy/7|deadline": "1", "cn:policy/7|materials": "1"}},
			days: []DayCounts{
				{Day: "2026-11-20", Unanswered: 2,
					Clauses:  map[string]ClauseCounts{"policy/7": {Primary: 2, Unstated: map[string]int64{"deadline": 1, "materials": 1}}},
					Unstated: map[string]int64{"deadline": 1, "materials": 1}},
				{Day: "2026-11-21", Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
			},
		},
		{
			name: "a vote, a changed vote, the same vote again",
			ops: []counterOp{appendOp(answered), voteOp("a1", bot.VerdictUp), voteOp("a1", bot.VerdictDown),
				voteOp("a1", bot.VerdictDown)},
			raw: map[string]map[string]string{day: {"answered": "1", "c:policy/4": "1", "ca:policy/4": "1",
				"up": "0", "cu:policy/4": "0", "down": "1", "cd:policy/4": "1"}},
			days: []DayCounts{
				{Day: "2026-11-20", Answered: 1, Down: 1, Clauses: map[string]ClauseCounts{"policy/4": {Primary: 1, Answered: 1, Down: 1}}, Unstated: map[string]int64{}},
				{Day: "2026-11-21", Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
			},
		},
		{
			name: "appended twice counts once; a verdict at append counts",
			ops:  []counterOp{appendOp(noCite), appendOp(noCite)},
			raw:  map[string]map[string]string{day: {"unanswered": "1", "fallback": "1", "down": "1"}},
			days: []DayCounts{
				{Day: "2026-11-20", Unanswered: 1, Fallback: 1, Down: 1, Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
				{Day: "2026-11-21", Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
			},
		},
		{
			name: "days are Chengdu's calendar days",
			ops:  []counterOp{appendOp(late), appendOp(next), voteOp("l1", bot.VerdictUp)},
			raw: map[string]map[string]string{
				day:                  {"answered": "1", "c:policy/2": "1", "ca:policy/2": "1", "up": "1", "cu:policy/2": "1"},
				dayKey("2026-11-21"): {"answered": "1", "c:policy/2": "1", "ca:policy/2": "1"},
			},
			days: []DayCounts{
				{Day: "2026-11-20", Answered: 1, Up: 1, Clauses: map[string]ClauseCounts{"policy/2": {Primary: 1, Answered: 1, Up: 1}}, Unstated: map[string]int64{}},
				{Day: "2026-11-21", Answered: 1, Clauses: map[string]ClauseCounts{"policy/2": {Primary: 1, Answered: 1}}, Unstated: map[string]int64{}},
			},
		},
		{
			name: "a vote on an unknown exchange counts nothing",
			ops:  []counterOp{voteOp("gone", bot.VerdictDown)},
			raw:  map[string]map[string]string{},
			days: []DayCounts{
				{Day: "2026-11-20", Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
				{Day: "2026-11-21", Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}},
			},
		},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ctx := context.Background()
				if err := b.RDB.FlushDB(ctx).Err(); err != nil {
					t.Fatal(err)
				}
				l := newLog(b, &clock{t: t0.Add(24 * time.Hour)}, Options{})
				users := map[string]string{}
				for _, op := range c.ops {
					if op.append != nil {
						users[op.append.ID] = op.append.UserHash
						if err := l.Append(ctx, *op.append); err != nil {
							t.Fatal(err)
						}
						continue
					}
					_ = l.SetFeedback(ctx, op.vote, users[op.vote], op.verdict, "", t0) // unknown ids fail; counted or not is what is checked
				}
				raw := map[string]map[string]string{}
				keys, err := b.RDB.Keys(ctx, dayPrefix+"*").Result()
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range keys {
					raw[k] = b.RDB.HGetAll(ctx, k).Val()
					if ttl := b.RDB.PTTL(ctx, k).Val(); ttl <= 0 || ttl > CounterTTL {
						t.Errorf("%s: TTL %v", k, ttl)
					}
				}
				if d := cmp.Diff(c.raw, raw); d != "" {
					t.Errorf("day hashes (-want +got):\n%s", d)
				}
				got, err := l.Days(ctx, "2026-11-20", "2026-11-21")
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(c.days, got); d != "" {
					t.Errorf("Days (-want +got):\n%s", d)
				}
			})
		}
	})
}

func TestDaysRange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		l := newLog(b, &clock{t: t0}, Options{})
		ctx := context.Background()
		for _, r := range [][2]string{{"2026-11-21", "2026-11-20"}, {"x", "2026-11-20"}, {"2025-01-01", "2026-11-20"}} {
			if _, err := l.Days(ctx, r[0], r[1]); err == nil {
				t.Errorf("Days(%q, %q) did not fail", r[0], r[1])
			}
		}
		got, err := l.Days(ctx, "2026-11-30", "2026-12-02")
		if err != nil || len(got) != 3 || got[2].Day != "2026-12-02" {
			t.Errorf("Days over a month end: %+v %v", got, err)
		}
	})
}
