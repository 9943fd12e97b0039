package asynqpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// ErrNotFound is returned by Get for an unknown enterprise id.
var ErrNotFound = errors.New("asynqpush: no such enterprise")

// Store keeps enterprise profiles and their subscriptions in Redis. An
// enterprise is subscribed when its profile has a chat id; the chat id is
// kept beside the JSON so that /unsubscribe and a 403 can end it without
// rewriting the profile. Get reports the current subscription in ChatID.
type Store struct {
	rdb redis.UniversalClient
}

// NewStore returns a store on rdb.
func NewStore(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

// Save validates p (push.Profile.Validate) and stores it, replacing the
// profile with the same id; p.ChatID (0: none) becomes its subscription.
// The write is atomic.
func (s *Store) Save(ctx context.Context, p push.Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("asynqpush: encoding profile %q: %w", p.ID, err)
	}
	return saveScript.Run(ctx, s.rdb, []string{profileKey(p.ID), allKey(), subKey()},
		p.ID, data, strconv.FormatInt(p.ChatID, 10), chatPrefix).Err()
}

// Import saves a roster, each record atomically (a failure leaves the
// records before it saved). Every record is validated before any is
// written. It returns how many profiles were new.
func (s *Store) Import(ctx context.Context, roster []push.Profile) (added int, err error) {
	for i := range roster {
		if err := roster[i].Validate(); err != nil {
			return 0, fmt.Errorf("record %d (%s): %w", i+1, roster[i].ID, err)
		}
	}
	if err := saveScript.Load(ctx, s.rdb).Err(); err != nil {
		return 0, fmt.Errorf("asynqpush: loading script: %w", err)
	}
	const batch = 500
	for start := 0; start < len(roster); start += batch {
		end := min(start+batch, len(roster))
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.Cmd, 0, end-start)
		for _, p := range roster[start:end] {
			data, err := json.Marshal(p)
			if err != nil {
				return added, fmt.Errorf("asynqpush: encoding profile %q: %w", p.ID, err)
			}
			cmds = append(cmds, saveScript.EvalSha(ctx, pipe, []string{profileKey(p.ID), allKey(), subKey()},
				p.ID, data, strconv.FormatInt(p.ChatID, 10), chatPrefix))
		}
		_, _ = pipe.Exec(ctx)
		for i, c := range cmds {
			n, err := c.Int()
			if err != nil {
				return added, fmt.Errorf("asynqpush: saving %q: %w", roster[start+i].ID, err)
			}
			added += n
		}
	}
	return added, nil
}

// Get returns one profile; ChatID is its current subscription (0: none).
func (s *Store) Get(ctx context.Context, id string) (push.Profile, error) {
	vals, err := s.rdb.HMGet(ctx, profileKey(id), fieldJSON, fieldChat).Result()
	if err != nil {
		return push.Profile{}, fmt.Errorf("asynqpush: get %q: %w", id, err)
	}
	return decodeProfile(id, vals)
}

func decodeProfile(id string, vals []any) (push.Profile, error) {
	js, _ := vals[0].(string)
	if js == "" {
		return push.Profile{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	var p push.Profile
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		return push.Profile{}, fmt.Errorf("asynqpush: decoding %q: %w", id, err)
	}
	chat, _ := vals[1].(string)
	p.ChatID, _ = strconv.ParseInt(chat, 10, 64)
	return p, nil
}

// Delete forgets a profile and its subscription (/forget). It reports
// whether the id was known.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	n, err := deleteScript.Run(ctx, s.rdb, []string{profileKey(id), allKey(), subKey()}, id, chatPrefix).Int()
	if err != nil {
		return false, fmt.Errorf("asynqpush: delete %q: %w", id, err)
	}
	return n > 0, nil
}

// Unsubscribe ends every subscription of a chat (/unsubscribe, or a 403 from
// Telegram); the profiles stay. It returns how many enterprises it
// unsubscribed.
func (s *Store) Unsubscribe(ctx context.Context, chatID int64) (int, error) {
	n, err := unsubscribeScript.Run(ctx, s.rdb, []string{chatKey(chatID), subKey()},
		profilePrefix, strconv.FormatInt(chatID, 10)).Int()
	if err != nil {
		return 0, fmt.Errorf("asynqpush: unsubscribe: %w", err)
	}
	return n, nil
}

// ByChat returns the profiles a chat is subscribed for, sorted by id.
func (s *Store) ByChat(ctx context.Context, chatID int64) ([]push.Profile, error) {
	ids, err := s.rdb.SMembers(ctx, chatKey(chatID)).Result()
	if err != nil {
		return nil, fmt.Errorf("asynqpush: by chat: %w", err)
	}
	slices.Sort(ids)
	ps, err := s.load(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.ChatID == chatID {
			out = append(out, p)
		}
	}
	return out, nil
}

// List returns up to n profiles of the roster with ids after the cursor
// ("" starts), in id order, and the cursor for the next page ("" at the
// end). Profiles deleted meanwhile are skipped.
func (s *Store) List(ctx context.Context, after string, n int) ([]push.Profile, string, error) {
	return s.list(ctx, allKey(), after, n)
}

// Subscribed is List over the subscribed enterprises only.
func (s *Store) Subscribed(ctx context.Context, after string, n int) ([]push.Profile, string, error) {
	return s.list(ctx, subKey(), after, n)
}

func (s *Store) list(ctx context.Context, key, after string, n int) ([]push.Profile, string, error) {
	if n <= 0 {
		n = 1000
	}
	minLex := "-"
	if after != "" {
		minLex = "(" + after
	}
	ids, err := s.rdb.ZRangeByLex(ctx, key, &redis.ZRangeBy{Min: minLex, Max: "+", Count: int64(n)}).Result()
	if err != nil {
		return nil, "", fmt.Errorf("asynqpush: list: %w", err)
	}
	ps, err := s.load(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ids) == n {
		next = ids[len(ids)-1]
	}
	return ps, next, nil
}

// load reads profiles in one pipeline, skipping ids deleted meanwhile.
func (s *Store) load(ctx context.Context, ids []string) ([]push.Profile, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HMGet(ctx, profileKey(id), fieldJSON, fieldChat)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("asynqpush: load: %w", err)
	}
	out := make([]push.Profile, 0, len(ids))
	for i, c := range cmds {
		p, err := decodeProfile(ids[i], c.Val())
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ForgetChatPushes deletes the push ledger's entries of a chat, and their
// sent markers (Ledger.ForgetChat), with the chat's profiles (/forget).
func (s *Store) ForgetChatPushes(ctx context.Context, chatID int64) (int, error) {
	return NewLedger(s.rdb, LedgerOptions{}).ForgetChat(ctx, chatID)
}
