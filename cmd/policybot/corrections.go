package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/push"
)

// Keys of the corrections store.
const (
	// correctionsKey is a stream: one entry a correction, field "c" its
	// JSON; the stream id is the correction's id and List's cursor.
	correctionsKey = "policybot:corrections:log"
	// correctionTapPrefix + enterprise + ":" + date marks a button
	// correction as recorded (SET NX), so a second tap adds nothing.
	correctionTapPrefix = "policybot:corrections:tap:"
	// lastBillPrefix + chat id is a hash: enterprise id → the date of the
	// last bill this chat was sent or shown (/correct without a button
	// refers to it).
	lastBillPrefix = "policybot:corrections:last:"
	// correctionRatePrefix + chat id is a hash: day (YYYY-MM-DD) → how many
	// /correct texts the chat sent that day.
	correctionRatePrefix = "policybot:corrections:rate:"
	// correctionRepliesKey is a hash: correction id → its reply's JSON
	// (push.CorrectionReply), written by staff in the console. Replies are
	// few (one per correction at most), so it is not trimmed with the
	// stream.
	correctionRepliesKey = "policybot:corrections:replies"
)

const (
	// correctionTapTTL outlives a bill's relevance: a year and a month.
	correctionTapTTL = 400 * 24 * time.Hour
	// lastBillTTL: a month's bill and the next.
	lastBillTTL = 62 * 24 * time.Hour
	// maxCorrectionPage bounds List's limit.
	maxCorrectionPage = 500
	// maxCorrections bounds the stream (trimmed approximately, oldest
	// first): far above what Chengdu's enterprises would write, it keeps a
	// flood from filling Redis.
	maxCorrections = 100_000
	// maxCorrectionsPerDay bounds the /correct texts one chat records a day.
	maxCorrectionsPerDay = 20
)

// ErrBadCursor is List's error for a cursor it did not give.
var ErrBadCursor = push.ErrBadCorrectionCursor

var streamID = regexp.MustCompile(`^[0-9]{1,20}-[0-9]{1,20}$`)

// redisCorrections is push.CorrectionStore on Redis, plus the record of the
// last bill each chat received.
type redisCorrections struct {
	rdb redis.UniversalClient
	now func() time.Time
}

func newRedisCorrections(rdb redis.UniversalClient) *redisCorrections {
	return &redisCorrections{rdb: rdb, now: time.Now}
}

var _ push.CorrectionStore = (*redisCorrections)(nil)

// Add implements push.CorrectionStore. The text is cut to
// push.MaxCorrectionText characters and masked (bot.MaskPersonal).
func (s *redisCorrections) Add(ctx context.Context, c push.Correction) (string, bool, error) {
	if c.Enterprise == "" || c.BillDate == "" {
		return "", false, errors.New("corrections: enterprise and bill date are required")
	}
	c.Text = strings.ToValidUTF8(c.Text, "\uFFFD")
	if r := []rune(c.Text); len(r) > push.MaxCorrectionText {
		c.Text = string(r[:push.MaxCorrectionText])
	}
	c.Text = bot.MaskPersonal(c.Text)
	c.ID = ""
	if c.At.IsZero() {
		c.At = s.now()
	}
	c.At = c.At.UTC()
	tap := ""
	if c.Source == push.CorrectionButton {
		tap = correctionTapPrefix + c.Enterprise + ":" + c.BillDate
		first, err := s.rdb.SetNX(ctx, tap, "1", correctionTapTTL).Result()
		if err != nil {
			return "", false, fmt.Errorf("corrections: %w", err)
		}
		if !first {
			return "", false, nil
		}
	}
	js, err := json.Marshal(c)
	if err != nil {
		return "", false, err
	}
	id, err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: correctionsKey, MaxLen: maxCorrections, Approx: true, Values: []any{"c", js}}).Result()
	if err != nil {
		if tap != "" {
			s.rdb.Del(context.WithoutCancel(ctx), tap) // let a later tap try again
		}
		return "", false, fmt.Errorf("corrections: %w", err)
	}
	return id, true, nil
}

// List implements push.CorrectionStore: newest first.
func (s *redisCorrections) List(ctx context.Context, cursor string, limit int) ([]push.Correction, string, error) {
	if limit <= 0 {
		return nil, "", errors.New("corrections: limit must be > 0")
	}
	limit = min(limit, maxCorrectionPage)
	end := "+"
	if cursor != "" {
		if !streamID.MatchString(cursor) {
			return nil, "", ErrBadCursor
		}
		end = "(" + cursor
	}
	msgs, err := s.rdb.XRevRangeN(ctx, correctionsKey, end, "-", int64(limit)).Result()
	if err != nil {
		return nil, "", fmt.Errorf("corrections: %w", err)
	}
	cs := make([]push.Correction, 0, len(msgs))
	for _, m := range msgs {
		var c push.Correction
		js, _ := m.Values["c"].(string)
		if err := json.Unmarshal([]byte(js), &c); err != nil {
			return nil, "", fmt.Errorf("corrections: entry %s: %w", m.ID, err)
		}
		c.ID = m.ID
		cs = append(cs, c)
	}
	if err := s.withReplies(ctx, cs); err != nil {
		return nil, "", err
	}
	next := ""
	if len(msgs) == limit {
		next = msgs[len(msgs)-1].ID
	}
	return cs, next, nil
}

// withReplies fills in the replies of cs.
func (s *redisCorrections) withReplies(ctx context.Context, cs []push.Correction) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	vals, err := s.rdb.HMGet(ctx, correctionRepliesKey, ids...).Result()
	if err != nil {
		return fmt.Errorf("corrections: replies: %w", err)
	}
	for i, v := range vals {
		js, ok := v.(string)
		if !ok {
			continue
		}
		var r push.CorrectionReply
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			return fmt.Errorf("corrections: reply to %s: %w", cs[i].ID, err)
		}
		cs[i].Reply = &r
	}
	return nil
}

// Reply implements push.CorrectionStore. The text is cut to
// push.MaxCorrectionReply characters; it is staff's, so not masked.
func (s *redisCorrections) Reply(ctx context.Context, id string, r push.CorrectionReply) (push.Correction, error) {
	if !streamID.MatchString(id) {
		return push.Correction{}, push.ErrNoCorrection
	}
	msgs, err := s.rdb.XRangeN(ctx, correctionsKey, id, id, 1).Result()
	if err != nil {
		return push.Correction{}, fmt.Errorf("corrections: %w", err)
	}
	if len(msgs) == 0 {
		return push.Correction{}, push.ErrNoCorrection
	}
	var c push.Correction
	js, _ := msgs[0].Values["c"].(string)
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		return push.Correction{}, fmt.Errorf("corrections: entry %s: %w", id, err)
	}
	c.ID = id
	r.Text = strings.ToValidUTF8(r.Text, "\uFFFD")
	if rs := []rune(r.Text); len(rs) > push.MaxCorrectionReply {
		r.Text = string(rs[:push.MaxCorrectionReply])
	}
	if r.At.IsZero() {
		r.At = s.now()
	}
	r.At = r.At.UTC()
	rjs, err := json.Marshal(r)
	if err != nil {
		return push.Correction{}, err
	}
	if err := s.rdb.HSet(ctx, correctionRepliesKey, id, rjs).Err(); err != nil {
		return push.Correction{}, fmt.Errorf("corrections: reply: %w", err)
	}
	c.Reply = &r
	return c, nil
}

// SeenBill records that chat was sent (or shown) enterprise's bill of date.
func (s *redisCorrections) SeenBill(ctx context.Context, chat int64, enterprise, date string) error {
	key := lastBillPrefix + strconv.FormatInt(chat, 10)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, enterprise, date)
		p.Expire(ctx, key, lastBillTTL)
		return nil
	})
	return err
}

// LastBill is the date of the last bill of enterprise chat received, ""
// if none is on record.
func (s *redisCorrections) LastBill(ctx context.Context, chat int64, enterprise string) (string, error) {
	d, err := s.rdb.HGet(ctx, lastBillPrefix+strconv.FormatInt(chat, 10), enterprise).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return d, err
}

// Allow counts one /correct text of chat on day (YYYY-MM-DD) and reports
// whether it is within maxCorrectionsPerDay.
func (s *redisCorrections) Allow(ctx context.Context, chat int64, day string) (bool, error) {
	key := correctionRatePrefix + strconv.FormatInt(chat, 10)
	var n *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.HIncrBy(ctx, key, day, 1)
		p.Expire(ctx, key, 48*time.Hour)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("corrections: %w", err)
	}
	return n.Val() <= maxCorrectionsPerDay, nil
}

// ForgetChat deletes what is kept under chat's id: the record of the bills
// it received and its /correct count (/forget). Its corrections stay: they
// name no chat.
func (s *redisCorrections) ForgetChat(ctx context.Context, chat int64) error {
	id := strconv.FormatInt(chat, 10)
	return s.rdb.Del(ctx, lastBillPrefix+id, correctionRatePrefix+id).Err()
}
