package console

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
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// Curated is an answer staff wrote or approved for one question: the bot
// serves it for questions that match (CuratedKey), and the export turns it
// into an evaluation case.
type Curated struct {
	ID       string    `json:"id"`                 // CuratedID(Question)
	Question string    `json:"question"`           // as staff wrote it
	Answer   string    `json:"answer"`             // no figures (Figure)
	Clauses  []string  `json:"clauses"`            // valid clause ids; the first is the clause the answer rests on
	Exchange string    `json:"exchange,omitempty"` // the log exchange it was written from, if any
	Updated  time.Time `json:"updated"`
}

// Limits of a curated answer.
const (
	MaxCuratedQuestion = 300  // characters
	MaxCuratedAnswer   = 2000 // characters
	MaxCuratedClauses  = 5
	MaxCurated         = 5000 // answers kept
)

// Validation errors of a curated answer (errors.Is).
var (
	ErrCuratedInvalid = errors.New("curated answer invalid")
	ErrCuratedFull    = errors.New("curated answers: the store is full")
)

// CuratedKey is the form a question is matched by: knowledge.Normalize
// (traditional → simplified, full-width → half-width, lower case), then
// without spaces, punctuation and symbols. "研发投入补助怎么申请？" and
// "研發投入補助 怎麼申請" have one key. It is idempotent, so it may be given
// a question the engine normalized already.
func CuratedKey(q string) string {
	var b strings.Builder
	for _, r := range knowledge.Normalize(q) {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CuratedID is the id of the curated answer for question q: one answer per
// key, so saving a question again replaces its answer.
func CuratedID(q string) string {
	h := sha256.Sum256([]byte(CuratedKey(q)))
	return hex.EncodeToString(h[:8])
}

// Check validates a curated answer as staff submitted it and returns it
// tidied (trimmed, clause ids deduplicated, ID set). The error wraps
// ErrCuratedInvalid and says in Chinese what is wrong.
func (c Curated) Check() (Curated, error) {
	bad := func(msg string) (Curated, error) { return c, fmt.Errorf("%w: %s", ErrCuratedInvalid, msg) }
	c.Question = strings.TrimSpace(strings.ToValidUTF8(c.Question, ""))
	c.Answer = strings.TrimSpace(strings.ToValidUTF8(c.Answer, ""))
	switch {
	case CuratedKey(c.Question) == "":
		return bad("问题不能为空。")
	case utf8.RuneCountInString(c.Question) > MaxCuratedQuestion:
		return bad(fmt.Sprintf("问题太长（最多 %d 字）。", MaxCuratedQuestion))
	case c.Answer == "":
		return bad("回答不能为空。")
	case utf8.RuneCountInString(c.Answer) > MaxCuratedAnswer:
		return bad(fmt.Sprintf("回答太长（最多 %d 字）。", MaxCuratedAnswer))
	}
	if f := Figure(c.Answer); f != "" {
		return bad("回答不能含数字或金额（“" + f + "”）：金额只能由计算器和条款原文给出，请改用文字说明，或只引用条款。")
	}
	var ids []string
	for _, id := range c.Clauses {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return bad("请填写回答所依据的条款编号（如 policy/4）。")
	}
	if len(ids) > MaxCuratedClauses {
		return bad(fmt.Sprintf("条款最多 %d 个。", MaxCuratedClauses))
	}
	for _, id := range ids {
		if _, err := policies.MustDefault().Clause(id); err != nil {
			return bad("条款编号“" + id + "”不存在（应为 plan/1、policy/4 这样的编号）。")
		}
	}
	c.Clauses = ids
	c.ID = CuratedID(c.Question)
	return c, nil
}

// CuratedStore keeps curated answers.
type CuratedStore interface {
	// Save checks c (Curated.Check) and stores it under its question's id,
	// replacing an answer to the same question; Updated is set when zero.
	Save(ctx context.Context, c Curated) (Curated, error)
	Get(ctx context.Context, id string) (Curated, bool, error)
	// List returns every curated answer, by question.
	List(ctx context.Context) ([]Curated, error)
	Delete(ctx context.Context, id string) (bool, error)
	// Match returns the curated answer for question q (any form: it is
	// keyed by CuratedKey), ok false when there is none.
	Match(ctx context.Context, q string) (c Curated, ok bool, err error)
}

// curatedKey is the Redis hash of curated answers: id → JSON.
const curatedKey = "policybot:curated"

// RedisCurated is CuratedStore on Redis: one hash, id → the answer's JSON.
type RedisCurated struct {
	rdb redis.UniversalClient
	now func() time.Time
}

var _ CuratedStore = (*RedisCurated)(nil)

// NewRedisCurated returns the store on rdb.
func NewRedisCurated(rdb redis.UniversalClient) *RedisCurated {
	return &RedisCurated{rdb: rdb, now: time.Now}
}

// Save implements CuratedStore.
func (s *RedisCurated) Save(ctx context.Context, c Curated) (Curated, error) {
	c, err := c.Check()
	if err != nil {
		return c, err
	}
	if c.Updated.IsZero() {
		c.Updated = s.now()
	}
	c.Updated = c.Updated.UTC()
	js, err := json.Marshal(c)
	if err != nil {
		return c, err
	}
	n, err := s.rdb.HLen(ctx, curatedKey).Result()
	if err != nil {
		return c, fmt.Errorf("curated: %w", err)
	}
	if n >= MaxCurated {
		if ok, err := s.rdb.HExists(ctx, curatedKey, c.ID).Result(); err != nil {
			return c, fmt.Errorf("curated: %w", err)
		} else if !ok {
			return c, ErrCuratedFull
		}
	}
	if err := s.rdb.HSet(ctx, curatedKey, c.ID, js).Err(); err != nil {
		return c, fmt.Errorf("curated: %w", err)
	}
	return c, nil
}

// Get implements CuratedStore.
func (s *RedisCurated) Get(ctx context.Context, id string) (Curated, bool, error) {
	js, err := s.rdb.HGet(ctx, curatedKey, id).Result()
	if errors.Is(err, redis.Nil) {
		return Curated{}, false, nil
	}
	if err != nil {
		return Curated{}, false, fmt.Errorf("curated: %w", err)
	}
	var c Curated
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		return Curated{}, false, fmt.Errorf("curated %s: %w", id, err)
	}
	return c, true, nil
}

// List implements CuratedStore.
func (s *RedisCurated) List(ctx context.Context) ([]Curated, error) {
	all, err := s.rdb.HGetAll(ctx, curatedKey).Result()
	if err != nil {
		return nil, fmt.Errorf("curated: %w", err)
	}
	out := make([]Curated, 0, len(all))
	for id, js := range all {
		var c Curated
		if err := json.Unmarshal([]byte(js), &c); err != nil {
			return nil, fmt.Errorf("curated %s: %w", id, err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Curated) int {
		return strings.Compare(CuratedKey(a.Question), CuratedKey(b.Question))
	})
	return out, nil
}

// Delete implements CuratedStore.
func (s *RedisCurated) Delete(ctx context.Context, id string) (bool, error) {
	n, err := s.rdb.HDel(ctx, curatedKey, id).Result()
	if err != nil {
		return false, fmt.Errorf("curated: %w", err)
	}
	return n > 0, nil
}

// Match implements CuratedStore.
func (s *RedisCurated) Match(ctx context.Context, q string) (Curated, bool, error) {
	if CuratedKey(q) == "" {
		return Curated{}, false, nil
	}
	return s.Get(ctx, CuratedID(q))
}
