package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
)

// Retention defaults.
const (
	DefaultRetention    = 90 * 24 * time.Hour
	DefaultMaxExchanges = 1000000
	defaultTrimBatch    = 1000
	// recordGrace keeps a record this long past the retention cutoff, so
	// the trim that removes it can still read which indexes hold it.
	recordGrace = 24 * time.Hour
	// MaxScan bounds the index entries one List call reads; past it List
	// returns what it found (maybe fewer than the limit, maybe none) and a
	// cursor to go on from. Only filters no index serves (text, 👍, mode,
	// answered, or several at once) ever read that far.
	MaxScan = 5000
)

// Environment variables OptionsFromEnv reads.
const (
	EnvMaxExchanges = "LOG_MAX_EXCHANGES" // most exchanges kept
	EnvMaxDays      = "LOG_MAX_DAYS"      // days an exchange is kept
)

// OptionsFromEnv reads the retention bounds from LOG_MAX_EXCHANGES (a
// count) and LOG_MAX_DAYS (whole days); unset leaves the default. A value
// that is not a positive whole number is an error.
func OptionsFromEnv(getenv func(string) string) (Options, error) {
	var o Options
	if v := strings.TrimSpace(getenv(EnvMaxExchanges)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return o, fmt.Errorf("%s=%q: want a positive whole number", EnvMaxExchanges, v)
		}
		o.MaxExchanges = n
	}
	if v := strings.TrimSpace(getenv(EnvMaxDays)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 100*366 {
			return o, fmt.Errorf("%s=%q: want a positive whole number of days", EnvMaxDays, v)
		}
		o.Retention = time.Duration(n) * 24 * time.Hour
	}
	return o, nil
}

// Options bound the conversation log. Zero fields take the defaults.
type Options struct {
	Retention    time.Duration    // how long an exchange is kept (DefaultRetention)
	MaxExchanges int              // most exchanges kept (DefaultMaxExchanges)
	Now          func() time.Time // the clock (time.Now); tests inject their own
	TrimBatch    int              // exchanges removed per trim step (1000)
	// OnFeedback, when set, is called with the verdict of every vote
	// SetFeedback records: a first vote or a changed one, never a replay
	// or a refused tap. Wire it to the feedback metric.
	OnFeedback func(verdict string)
}

// ExchangeLog is the Redis bot.ExchangeLog. Each exchange is a hash with a
// TTL; sorted sets scored by time index all exchanges, the unanswered, the
// disliked, each clause and each user, so the console filters without a
// scan. Every write is one Lua script, so a write is never half done.
// Append trims past the retention bounds as it goes; Trim does it on demand.
type ExchangeLog struct {
	rdb redis.UniversalClient
	opt Options
}

var _ bot.ExchangeLog = (*ExchangeLog)(nil)

// NewExchangeLog returns the conversation log on rdb.
func NewExchangeLog(rdb redis.UniversalClient, opt Options) *ExchangeLog {
	if opt.Retention <= 0 {
		opt.Retention = DefaultRetention
	}
	if opt.MaxExchanges <= 0 {
		opt.MaxExchanges = DefaultMaxExchanges
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.TrimBatch <= 0 {
		opt.TrimBatch = defaultTrimBatch
	}
	return &ExchangeLog{rdb: rdb, opt: opt}
}

func (l *ExchangeLog) cutoff() int64 {
	return l.opt.Now().Add(-l.opt.Retention).UnixMilli()
}

// Append stores e and its index entries, then trims past the bounds.
// Appending an id already stored changes nothing.
func (l *ExchangeLog) Append(ctx context.Context, e bot.Exchange) error {
	keys, args, err := l.appendArgs(e)
	if err != nil {
		return err
	}
	n, err := appendScript.Run(ctx, l.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("redisstore: append %s: %w", e.ID, err)
	}
	if n != -1 { // newly stored: count it in its day's counters (counters.go)
		if err := l.countAppend(ctx, e); err != nil {
			return fmt.Errorf("redisstore: append %s: %w", e.ID, err)
		}
	}
	return nil
}

// appendBatch is how many exchanges AppendBatch sends in one pipeline.
const appendBatch = 1000

// AppendBatch stores exchanges as Append does, a thousand to a pipelined
// round trip, and counts the new ones with one counter update per day and
// batch: for imports, and for seeding a large log. An exchange already
// stored changes nothing; a bad one stops the batch before anything of it
// is sent.
func (l *ExchangeLog) AppendBatch(ctx context.Context, es []bot.Exchange) error {
	if len(es) == 0 {
		return nil
	}
	if err := appendScript.Load(ctx, l.rdb).Err(); err != nil {
		return fmt.Errorf("redisstore: append batch: %w", err)
	}
	if err := bumpScript.Load(ctx, l.rdb).Err(); err != nil {
		return fmt.Errorf("redisstore: append batch: %w", err)
	}
	for len(es) > 0 {
		chunk := es[:min(len(es), appendBatch)]
		es = es[len(chunk):]
		pipe := l.rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(chunk))
		for i, e := range chunk {
			keys, args, err := l.appendArgs(e)
			if err != nil {
				return err
			}
			cmds[i] = appendScript.EvalSha(ctx, pipe, keys, args...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("redisstore: append batch: %w", err)
		}
		days := map[string]map[string]int64{}
		var order []string
		for i, c := range cmds {
			if n, _ := c.Int(); n == -1 {
				continue
			}
			day := CounterDay(chunk[i].Time)
			m := days[day]
			if m == nil {
				m = map[string]int64{}
				days[day] = m
				order = append(order, day)
			}
			for _, f := range appendFields(chunk[i]) {
				m[f]++
			}
		}
		pipe = l.rdb.Pipeline()
		for _, day := range order {
			args := []any{CounterTTL.Milliseconds()}
			for f, n := range days[day] {
				args = append(args, f, n)
			}
			bumpScript.EvalSha(ctx, pipe, []string{dayKey(day)}, args...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("redisstore: append batch: counters: %w", err)
		}
	}
	return nil
}

// appendArgs checks e and returns appendScript's keys and arguments.
func (l *ExchangeLog) appendArgs(e bot.Exchange) ([]string, []any, error) {
	if e.ID == "" || strings.ContainsAny(e.ID, " :") {
		return nil, nil, fmt.Errorf("redisstore: append: bad exchange id %q", e.ID)
	}
	if e.Time.IsZero() {
		return nil, nil, fmt.Errorf("redisstore: append %s: time not set", e.ID)
	}
	if e.Feedback != "" && !bot.ValidVerdict(e.Feedback) {
		return nil, nil, fmt.Errorf("redisstore: append %s: bad verdict %q", e.ID, e.Feedback)
	}
	clauses := e.Clauses()
	for _, c := range clauses {
		if strings.ContainsAny(c, " \t\n") {
			return nil, nil, fmt.Errorf("redisstore: append %s: bad clause id %q", e.ID, c)
		}
	}
	data, err := json.Marshal(e)
	if err != nil {
		return nil, nil, fmt.Errorf("redisstore: append %s: %w", e.ID, err)
	}
	now := l.opt.Now()
	ttl := e.Time.Add(l.opt.Retention + recordGrace).Sub(now)
	if ttl < time.Second {
		ttl = time.Second
	}
	answered := "0"
	if e.Answered {
		answered = "1"
	}
	keys := []string{recordKey(e.ID), allKey(), unansweredKey(), dislikedKey(), userKey(e.UserHash), clausesKey()}
	args := []any{
		exchangePrefix, e.ID, e.Time.UnixMilli(), data, e.UserHash, strings.Join(clauses, " "),
		answered, e.Feedback, e.FeedbackReason,
		ttl.Milliseconds(), (l.opt.Retention + recordGrace).Milliseconds(),
		l.cutoff(), l.opt.MaxExchanges, l.opt.TrimBatch,
	}
	return keys, args, nil
}

// Get returns one exchange, or an error wrapping bot.ErrNotFound.
func (l *ExchangeLog) Get(ctx context.Context, id string) (bot.Exchange, error) {
	m, err := l.rdb.HGetAll(ctx, recordKey(id)).Result()
	if err != nil {
		return bot.Exchange{}, fmt.Errorf("redisstore: get %s: %w", id, err)
	}
	e, ok, err := decodeRecord(m)
	if err != nil {
		return bot.Exchange{}, fmt.Errorf("redisstore: get %s: %w", id, err)
	}
	if !ok {
		return bot.Exchange{}, fmt.Errorf("redisstore: get %s: %w", id, bot.ErrNotFound)
	}
	return e, nil
}

// decodeRecord turns a record hash into an Exchange; ok is false for an
// empty hash (no such record).
func decodeRecord(m map[string]string) (e bot.Exchange, ok bool, err error) {
	data, ok := m[fieldData]
	if !ok {
		return bot.Exchange{}, false, nil
	}
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return bot.Exchange{}, false, fmt.Errorf("decode record: %w", err)
	}
	e.Feedback = m[fieldFeedback]
	e.FeedbackReason = m[fieldReason]
	return e, true, nil
}

// SetFeedback records the vote of the exchange's own user: one per
// exchange. A different verdict replaces the earlier vote (and its
// reason); the same verdict again changes nothing and is not reported to
// OnFeedback.
func (l *ExchangeLog) SetFeedback(ctx context.Context, id, userHash, verdict, reason string, at time.Time) error {
	if !bot.ValidVerdict(verdict) {
		return fmt.Errorf("redisstore: feedback %s: bad verdict %q", id, verdict)
	}
	n, err := feedbackScript.Run(ctx, l.rdb, []string{recordKey(id), dislikedKey()},
		id, userHash, verdict, reason, at.UnixMilli()).Int()
	if err != nil {
		return fmt.Errorf("redisstore: feedback %s: %w", id, err)
	}
	switch n {
	case 0:
		return fmt.Errorf("redisstore: feedback %s: %w", id, bot.ErrNotFound)
	case -1:
		return fmt.Errorf("redisstore: feedback %s: %w", id, bot.ErrNotOwner)
	case 1, 2:
		if err := l.countVote(ctx, id, verdict, n == 2); err != nil { // daily counters (counters.go)
			return fmt.Errorf("redisstore: feedback %s: %w", id, err)
		}
		if l.opt.OnFeedback != nil {
			l.opt.OnFeedback(verdict)
		}
	}
	return nil
}

// DeleteUser removes every exchange of the user.
func (l *ExchangeLog) DeleteUser(ctx context.Context, userHash string) (int, error) {
	n, err := deleteUserScript.Run(ctx, l.rdb, []string{userKey(userHash)}, exchangePrefix).Int()
	if err != nil {
		return 0, fmt.Errorf("redisstore: delete user: %w", err)
	}
	return n, nil
}

// Trim enforces the retention bounds now, in batches, and sweeps index
// entries whose records expired unseen. Append trims as it goes; call Trim
// periodically (say hourly) so that a quiet log is trimmed too. It returns
// the number of exchanges removed.
func (l *ExchangeLog) Trim(ctx context.Context) (int, error) {
	total := 0
	cutoff := l.cutoff()
	for {
		n, err := trimScript.Run(ctx, l.rdb, []string{allKey()},
			exchangePrefix, cutoff, l.opt.MaxExchanges, l.opt.TrimBatch).Int()
		if err != nil {
			return total, fmt.Errorf("redisstore: trim: %w", err)
		}
		total += n
		if n == 0 {
			break
		}
	}
	err := sweepScript.Run(ctx, l.rdb, []string{unansweredKey(), dislikedKey(), clausesKey(), allKey()},
		exchangePrefix, cutoff).Err()
	if err != nil {
		return total, fmt.Errorf("redisstore: trim: sweep: %w", err)
	}
	return total, nil
}

// Query is a bot.ExchangeQuery with the console's filters that no index
// serves. Those are checked on the records while paging: a page of a rare
// match may read up to MaxScan index entries (and their records) and then
// end early with a cursor to go on from.
type Query struct {
	bot.ExchangeQuery
	Text     string // question or answer contains it (case-insensitive)
	Liked    bool   // only exchanges whose verdict is "up"
	Answered bool   // only answered exchanges
	Mode     string // only exchanges of this mode (bot.ModeOffline, ModeLLM, …)
}

// Exact reports whether the index ListQuery reads decides the query
// alone, so no record it reads is skipped and a page is always full.
func (q Query) Exact() bool {
	n := 0
	for _, b := range []bool{q.Clause != "", q.Disliked, q.Unanswered} {
		if b {
			n++
		}
	}
	return n <= 1 && q.Text == "" && !q.Liked && !q.Answered && q.Mode == ""
}

// scanBatch is the most index entries read per round trip when the
// records decide (Query.Exact is false).
const scanBatch = 500

// List returns matching exchanges newest first (ties by id, descending) and
// the cursor of the next page. It reads the narrowest index (clause, then
// disliked, then unanswered, else all) and checks the other filters on the
// records. Exchanges past the retention cutoff are never listed.
func (l *ExchangeLog) List(ctx context.Context, q bot.ExchangeQuery) ([]bot.Exchange, string, error) {
	return l.ListQuery(ctx, Query{ExchangeQuery: q})
}

// ListQuery is List with the filters of Query. A page costs one index
// range read (O(log n + page), at any depth: the cursor is a score, not an
// offset) and one pipelined read of the page's records. Filters the index
// does not decide read index entries and records in batches (the page
// size, growing fourfold to 500) until the page is full or MaxScan
// entries were read; then the page may be short, even empty, with a
// cursor to go on from.
func (l *ExchangeLog) ListQuery(ctx context.Context, q Query) ([]bot.Exchange, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = bot.DefaultListLimit
	}
	if limit > bot.MaxListLimit {
		limit = bot.MaxListLimit
	}
	q.Text = strings.ToLower(strings.TrimSpace(q.Text))
	key := allKey()
	switch {
	case q.Clause != "":
		key = clauseKey(q.Clause)
	case q.Disliked:
		key = dislikedKey()
	case q.Unanswered:
		key = unansweredKey()
	}
	minMs := l.cutoff()
	if !q.Since.IsZero() && q.Since.UnixMilli() > minMs {
		minMs = q.Since.UnixMilli()
	}
	maxScore := "+inf"
	if !q.Until.IsZero() {
		maxScore = "(" + strconv.FormatInt(q.Until.UnixMilli(), 10)
	}
	var curMs int64
	var curID string
	if q.Cursor != "" {
		var err error
		curMs, curID, err = parseCursor(q.Cursor)
		if err != nil {
			return nil, "", fmt.Errorf("redisstore: list: %w", err)
		}
		if q.Until.IsZero() || curMs < q.Until.UnixMilli() {
			maxScore = strconv.FormatInt(curMs, 10)
		}
	}

	out := make([]bot.Exchange, 0, limit)
	// One more than the page says whether there is a next page. A filter
	// the records decide reads batches growing fourfold up to scanBatch:
	// a common match fills the page from the first batch, a rare one
	// soon reads 500 a round trip.
	fetch := int64(limit) + 1
	offset, scanned := int64(0), 0
	for {
		zs, err := l.rdb.ZRevRangeByScoreWithScores(ctx, key, &redis.ZRangeBy{
			Min: strconv.FormatInt(minMs, 10), Max: maxScore, Offset: offset, Count: fetch,
		}).Result()
		if err != nil {
			return nil, "", fmt.Errorf("redisstore: list: %w", err)
		}
		offset += int64(len(zs))
		more := int64(len(zs)) == fetch
		ids := make([]string, 0, len(zs))
		scores := make([]int64, 0, len(zs))
		for _, z := range zs {
			id, _ := z.Member.(string)
			ms := int64(z.Score)
			if q.Cursor != "" && ms == curMs && id >= curID {
				continue // on or before the cursor
			}
			ids = append(ids, id)
			scores = append(scores, ms)
		}
		recs, err := l.rawRecords(ctx, ids)
		if err != nil {
			return nil, "", fmt.Errorf("redisstore: list: %w", err)
		}
		matched := q.matchAll(recs)
		for i, m := range matched {
			scanned++
			e, ok, err := m.e, m.ok, m.err
			if err != nil {
				return nil, "", fmt.Errorf("redisstore: list: %s: %w", ids[i], err)
			}
			if ok {
				out = append(out, e)
				if len(out) == limit {
					if i == len(recs)-1 && !more {
						return out, "", nil // nothing older
					}
					return out, formatCursor(scores[i], ids[i]), nil
				}
			}
			if scanned >= MaxScan && (i < len(recs)-1 || more) {
				return out, formatCursor(scores[i], ids[i]), nil
			}
		}
		if !more {
			return out, "", nil
		}
		if !q.Exact() {
			fetch = min(fetch*4, max(scanBatch, fetch))
		}
	}
}

// rawRecord is the part of a record hash List reads.
type rawRecord struct {
	data, fb, reason string
	ok               bool // the record exists
}

// rawRecords reads exchange records (their data and verdict fields) in one
// round trip; ok is false for a record that is gone.
func (l *ExchangeLog) rawRecords(ctx context.Context, ids []string) ([]rawRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HMGet(ctx, recordKey(id), fieldData, fieldFeedback, fieldReason)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	out := make([]rawRecord, len(ids))
	for i, c := range cmds {
		v := c.Val()
		if len(v) != 3 {
			continue
		}
		r := &out[i]
		r.data, r.ok = v[0].(string)
		r.fb, _ = v[1].(string)
		r.reason, _ = v[2].(string)
	}
	return out, nil
}

// matched is a record's exchange and whether it matched a Query.
type matched struct {
	e   bot.Exchange
	ok  bool
	err error
}

// parallelDecode is the batch size from which matchAll decodes on
// several goroutines: decoding JSON is most of a large page's cost (an
// export reads pages of 500).
const parallelDecode = 128

// matchAll is match over records, in order; a large batch is split over
// up to GOMAXPROCS goroutines (at most 4).
func (q Query) matchAll(recs []rawRecord) []matched {
	out := make([]matched, len(recs))
	do := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i].e, out[i].ok, out[i].err = q.match(recs[i])
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 4, len(recs)/parallelDecode)
	if workers <= 1 {
		do(0, len(recs))
		return out
	}
	var wg sync.WaitGroup
	per := (len(recs) + workers - 1) / workers
	for lo := 0; lo < len(recs); lo += per {
		wg.Go(func() { do(lo, min(lo+per, len(recs))) })
	}
	wg.Wait()
	return out
}

// match decodes a record and checks every filter of q on it; ok is false
// for a record that is gone or does not match. The verdict is checked
// before the JSON is decoded.
func (q Query) match(r rawRecord) (e bot.Exchange, ok bool, err error) {
	if !r.ok {
		return e, false, nil
	}
	if q.Disliked && r.fb != bot.VerdictDown || q.Liked && r.fb != bot.VerdictUp {
		return e, false, nil
	}
	if err := json.Unmarshal([]byte(r.data), &e); err != nil {
		return e, false, fmt.Errorf("decode record: %w", err)
	}
	e.Feedback, e.FeedbackReason = r.fb, r.reason
	return e, q.Matches(e), nil
}

// Matches reports whether e passes every filter of q but the time bounds
// and the cursor: for a log that serves only bot.ExchangeQuery, whose
// pages a caller filters further.
func (q Query) Matches(e bot.Exchange) bool {
	text := strings.ToLower(strings.TrimSpace(q.Text))
	switch {
	case q.Unanswered && e.Answered, q.Answered && !e.Answered,
		q.Disliked && e.Feedback != bot.VerdictDown, q.Liked && e.Feedback != bot.VerdictUp,
		q.Mode != "" && e.Mode != q.Mode,
		q.Clause != "" && !slices.Contains(e.Clauses(), q.Clause),
		text != "" && !containsFold(e.Question, text) && !containsFold(e.Answer, text):
		return false
	}
	return true
}

// FormatCursor is the cursor of a page that ends with e ("<ms>:<id>",
// as both this log and bot.MemoryLog read it).
func FormatCursor(e bot.Exchange) string { return formatCursor(e.Time.UnixMilli(), e.ID) }

// containsFold reports whether s contains lower (already lower case),
// ignoring case.
func containsFold(s, lower string) bool {
	return strings.Contains(s, lower) || strings.Contains(strings.ToLower(s), lower)
}

// A cursor is "<ms>:<id>" of the last exchange of the previous page.
func formatCursor(ms int64, id string) string { return strconv.FormatInt(ms, 10) + ":" + id }

func parseCursor(s string) (int64, string, error) {
	msPart, id, ok := strings.Cut(s, ":")
	ms, err := strconv.ParseInt(msPart, 10, 64)
	if !ok || err != nil || id == "" {
		return 0, "", bot.ErrBadCursor
	}
	return ms, id, nil
}
