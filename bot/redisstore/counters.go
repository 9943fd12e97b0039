package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
)

// Daily counters: the staff console's overview reads these, never the log.
// One hash per calendar day in Asia/Shanghai (the day of the exchange's
// Time, not of its arrival), bumped as exchanges arrive (Append) and as
// votes are recorded (SetFeedback):
//
//	policybot:day:YYYY-MM-DD   hash, kept CounterTTL after its last bump
//	                           (outside the log's {ex} keys: a trim of the log
//	                           leaves it, and each script touches one key)
//	  answered                exchanges answered
//	  unanswered              exchanges not answered
//	  fallback                exchanges sent offline after the language model failed
//	  up, down                current verdicts on the day's exchanges (a changed
//	                          vote moves one count to the other)
//	  c:<clause>              exchanges whose primary clause (Citations[0]) it is
//	  ca:<clause>             of which answered
//	  cu:<clause>, cd:<clause>  of which 👍 / 👎 (current verdicts)
//	  n:<need>                exchanges whose answer said the documents do not
//	                          state <need> (Exchange.Unstated: "deadline" …)
//	  cn:<clause>|<need>      the same per primary clause
//
// Counters are anonymous sums: /forget and the retention trim remove
// exchanges but leave the counts.
const (
	dayPrefix = keyPrefix + "day:" // hash per day: the daily counters above

	counterAnswered   = "answered"
	counterUnanswered = "unanswered"
	counterFallback   = "fallback"
	counterUp         = "up"
	counterDown       = "down"
	counterClause     = "c:"
	counterClauseAns  = "ca:"
	counterClauseUp   = "cu:"
	counterClauseDown = "cd:"
	counterNeed       = "n:"
	counterClauseNeed = "cn:"
)

// CounterTTL is how long a day's counters are kept after their last bump
// (longer than the log: a year's chart stays drawable).
const CounterTTL = 400 * 24 * time.Hour

// MaxCounterDays is the longest span Days reads at once.
const MaxCounterDays = 400

// DayLayout is the day format of the counter keys and of Days.
const DayLayout = "2006-01-02"

// counterLoc is the zone whose calendar days the counters follow.
var counterLoc = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// CounterDay is the counter day (YYYY-MM-DD, Asia/Shanghai) of t.
func CounterDay(t time.Time) string { return t.In(counterLoc).Format(DayLayout) }

// dayKey is the hash of one day's counters.
func dayKey(day string) string { return dayPrefix + day }

// DayCounts is one day's counters.
type DayCounts struct {
	Day                                      string // YYYY-MM-DD
	Answered, Unanswered, Fallback, Up, Down int64
	// Clauses is keyed by primary clause (the answer's first citation).
	Clauses map[string]ClauseCounts
	// Unstated counts, per need, the answers that said the documents do
	// not state it.
	Unstated map[string]int64
}

// Total is the number of exchanges of the day.
func (d DayCounts) Total() int64 { return d.Answered + d.Unanswered }

// ClauseCounts are one primary clause's counters of a day.
type ClauseCounts struct {
	Primary, Answered, Up, Down int64
	Unstated                    map[string]int64 // need -> count
}

// primaryClause is the clause an answer rests on first: its first citation.
func primaryClause(e bot.Exchange) string {
	if len(e.Citations) > 0 {
		return e.Citations[0].ID
	}
	return ""
}

// appendFields are the counter increments of a newly stored exchange.
func appendFields(e bot.Exchange) []string {
	var f []string
	if e.Answered {
		f = append(f, counterAnswered)
	} else {
		f = append(f, counterUnanswered)
	}
	if e.Mode == bot.ModeLLMFallback {
		f = append(f, counterFallback)
	}
	c := primaryClause(e)
	if c != "" {
		f = append(f, counterClause+c)
		if e.Answered {
			f = append(f, counterClauseAns+c)
		}
	}
	f = append(f, voteFields(e.Feedback, c)...)
	if n := e.Unstated; n != "" && !strings.ContainsAny(n, " \t\n|") {
		f = append(f, counterNeed+n)
		if c != "" {
			f = append(f, counterClauseNeed+c+"|"+n)
		}
	}
	return f
}

// voteFields are the counters a verdict on an exchange with primary clause
// c stands in.
func voteFields(verdict, c string) []string {
	var f []string
	switch verdict {
	case bot.VerdictUp:
		f = append(f, counterUp)
		if c != "" {
			f = append(f, counterClauseUp+c)
		}
	case bot.VerdictDown:
		f = append(f, counterDown)
		if c != "" {
			f = append(f, counterClauseDown+c)
		}
	}
	return f
}

// bumpScript adds to fields of one day's hash and renews its TTL.
//
// KEYS[1] -> day hash   ARGV[1] -> TTL, ms
//
//	ARGV[2], ARGV[3] … -> field, increment pairs
var bumpScript = redis.NewScript(`
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

func (l *ExchangeLog) bump(ctx context.Context, day string, plus, minus []string) error {
	if len(plus)+len(minus) == 0 {
		return nil
	}
	args := []any{CounterTTL.Milliseconds()}
	for _, f := range plus {
		args = append(args, f, 1)
	}
	for _, f := range minus {
		args = append(args, f, -1)
	}
	if err := bumpScript.Run(ctx, l.rdb, []string{dayKey(day)}, args...).Err(); err != nil {
		return fmt.Errorf("counters: %w", err)
	}
	return nil
}

// countAppend counts a newly stored exchange in its day's counters.
func (l *ExchangeLog) countAppend(ctx context.Context, e bot.Exchange) error {
	return l.bump(ctx, CounterDay(e.Time), appendFields(e), nil)
}

// countVote counts a recorded vote: a first one adds to the verdict's
// counters, a changed one also takes one from the other verdict's.
func (l *ExchangeLog) countVote(ctx context.Context, id, verdict string, changed bool) error {
	vals, err := l.rdb.HMGet(ctx, recordKey(id), fieldMillis, fieldData).Result()
	if err != nil {
		return fmt.Errorf("counters: %w", err)
	}
	msS, _ := vals[0].(string)
	data, _ := vals[1].(string)
	ms, err := strconv.ParseInt(msS, 10, 64)
	if err != nil || data == "" {
		return nil // removed meanwhile: nothing to count against
	}
	var e bot.Exchange
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return fmt.Errorf("counters: decode %s: %w", id, err)
	}
	c := primaryClause(e)
	var minus []string
	if changed {
		old := bot.VerdictUp
		if verdict == bot.VerdictUp {
			old = bot.VerdictDown
		}
		minus = voteFields(old, c)
	}
	return l.bump(ctx, CounterDay(time.UnixMilli(ms)), voteFields(verdict, c), minus)
}

// Days returns the counters of each day from..to (YYYY-MM-DD, both
// included, at most MaxCounterDays), oldest first; a day without
// exchanges has zero counts.
func (l *ExchangeLog) Days(ctx context.Context, from, to string) ([]DayCounts, error) {
	f, err1 := time.Parse(DayLayout, from)
	t, err2 := time.Parse(DayLayout, to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return nil, fmt.Errorf("redisstore: days %q..%q: bad range", from, to)
	}
	n := int(t.Sub(f).Hours()/24) + 1
	if n > MaxCounterDays {
		return nil, fmt.Errorf("redisstore: days %q..%q: more than %d days", from, to, MaxCounterDays)
	}
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, n)
	days := make([]string, n)
	for i := range n {
		days[i] = f.AddDate(0, 0, i).Format(DayLayout)
		cmds[i] = pipe.HGetAll(ctx, dayKey(days[i]))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: days: %w", err)
	}
	out := make([]DayCounts, n)
	for i, c := range cmds {
		out[i] = decodeDay(days[i], c.Val())
	}
	return out, nil
}

// clauseCounters are the per-clause fields and what each sets. "c:" is a
// prefix of none of the others.
var clauseCounters = []struct {
	prefix string
	set    func(c *ClauseCounts, n int64)
}{
	{counterClause, func(c *ClauseCounts, n int64) { c.Primary = n }},
	{counterClauseAns, func(c *ClauseCounts, n int64) { c.Answered = n }},
	{counterClauseUp, func(c *ClauseCounts, n int64) { c.Up = n }},
	{counterClauseDown, func(c *ClauseCounts, n int64) { c.Down = n }},
}

func decodeDay(day string, m map[string]string) DayCounts {
	d := DayCounts{Day: day, Clauses: map[string]ClauseCounts{}, Unstated: map[string]int64{}}
	totals := map[string]*int64{counterAnswered: &d.Answered, counterUnanswered: &d.Unanswered,
		counterFallback: &d.Fallback, counterUp: &d.Up, counterDown: &d.Down}
fields:
	for k, v := range m {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n == 0 {
			continue
		}
		if p := totals[k]; p != nil {
			*p = n
			continue
		}
		if rest, ok := strings.CutPrefix(k, counterNeed); ok {
			d.Unstated[rest] = n
			continue
		}
		if rest, ok := strings.CutPrefix(k, counterClauseNeed); ok {
			if id, need, ok := strings.Cut(rest, "|"); ok {
				c := d.Clauses[id]
				if c.Unstated == nil {
					c.Unstated = map[string]int64{}
				}
				c.Unstated[need] = n
				d.Clauses[id] = c
			}
			continue
		}
		for _, f := range clauseCounters {
			if id, ok := strings.CutPrefix(k, f.prefix); ok {
				c := d.Clauses[id]
				f.set(&c, n)
				d.Clauses[id] = c
				continue fields
			}
		}
	}
	return d
}
