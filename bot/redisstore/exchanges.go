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

// Retention defaults.
const (
	DefaultRetention    = 90 * 24 * time.Hour
	DefaultMaxExchanges = 100000
	defaultTrimBatch    = 1000
	// recordGrace keeps a record this long past the retention cutoff, so
	// the trim that removes it can still read which indexes hold it.
	recordGrace = 24 * time.Hour
	// maxScan bounds the index entries one List call reads; past it List
	// returns what it found and a cursor to go on from.
	maxScan = 5000
)

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
	if e.ID == "" || strings.ContainsAny(e.ID, " :") {
		return fmt.Errorf("redisstore: append: bad exchange id %q", e.ID)
	}
	if e.Time.IsZero() {
		return fmt.Errorf("redisstore: append %s: time not set", e.ID)
	}
	if e.Feedback != "" && !bot.ValidVerdict(e.Feedback) {
		return fmt.Errorf("redisstore: append %s: bad verdict %q", e.ID, e.Feedback)
	}
	clauses := e.Clauses()
	for _, c := range clauses {
		if strings.ContainsAny(c, " \t\n") {
			return fmt.Errorf("redisstore: append %s: bad clause id %q", e.ID, c)
		}
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("redisstore: append %s: %w", e.ID, err)
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

// List returns matching exchanges newest first (ties by id, descending) and
// the cursor of the next page. It reads the narrowest index (clause, then
// disliked, then unanswered, else all) and checks the other filters on the
// records. Exchanges past the retention cutoff are never listed.
func (l *ExchangeLog) List(ctx context.Context, q bot.ExchangeQuery) ([]bot.Exchange, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = bot.DefaultListLimit
	}
	if limit > bot.MaxListLimit {
		limit = bot.MaxListLimit
	}
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

	out := []bot.Exchange{}
	fetch := int64(limit) + 1
	if fetch < 100 {
		fetch = 100
	}
	offset, scanned := int64(0), 0
	for {
		zs, err := l.rdb.ZRevRangeByScoreWithScores(ctx, key, &redis.ZRangeBy{
			Min: strconv.FormatInt(minMs, 10), Max: maxScore, Offset: offset, Count: fetch,
		}).Result()
		if err != nil {
			return nil, "", fmt.Errorf("redisstore: list: %w", err)
		}
		offset += int64(len(zs))
		var ids []string
		var scores []int64
		for _, z := range zs {
			id, _ := z.Member.(string)
			ms := int64(z.Score)
			if q.Cursor != "" && ms == curMs && id >= curID {
				continue // on or before the cursor
			}
			ids = append(ids, id)
			scores = append(scores, ms)
		}
		recs, err := l.records(ctx, ids)
		if err != nil {
			return nil, "", fmt.Errorf("redisstore: list: %w", err)
		}
		for i, e := range recs {
			scanned++
			if e == nil || !matches(*e, q) {
				if scanned >= maxScan {
					return out, formatCursor(scores[i], ids[i]), nil
				}
				continue
			}
			out = append(out, *e)
			if len(out) == limit {
				if i == len(recs)-1 && int64(len(zs)) < fetch {
					return out, "", nil // nothing older
				}
				return out, formatCursor(scores[i], ids[i]), nil
			}
			if scanned >= maxScan {
				return out, formatCursor(scores[i], ids[i]), nil
			}
		}
		if int64(len(zs)) < fetch {
			return out, "", nil
		}
	}
}

// records reads exchange records in one round trip; a nil entry is a
// record that is gone.
func (l *ExchangeLog) records(ctx context.Context, ids []string) ([]*bot.Exchange, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, recordKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	out := make([]*bot.Exchange, len(ids))
	for i, c := range cmds {
		e, ok, err := decodeRecord(c.Val())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ids[i], err)
		}
		if ok {
			out[i] = &e
		}
	}
	return out, nil
}

func matches(e bot.Exchange, q bot.ExchangeQuery) bool {
	if q.Unanswered && e.Answered {
		return false
	}
	if q.Disliked && e.Feedback != bot.VerdictDown {
		return false
	}
	if q.Clause != "" {
		found := false
		for _, c := range e.Clauses() {
			if c == q.Clause {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
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
