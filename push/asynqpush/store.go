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

// ErrStale is wrapped by the error of a conditional write (SaveIf,
// ImportIf) refused because the profile changed since it was read: nothing
// was written, and the other write is kept. Test with errors.Is.
var ErrStale = errors.New("asynqpush: the profile changed since it was read")

// StaleError is a refused conditional write: the caller expected Want, the
// store holds Have (0: no profile).
type StaleError struct {
	ID         string
	Want, Have int64
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%v: %q is at version %d, not %d", ErrStale, e.ID, e.Have, e.Want)
}

func (e *StaleError) Unwrap() error { return ErrStale }

// Record is a stored profile with its version and owner.
type Record struct {
	Profile push.Profile // ChatID: the current subscription (0: none)
	// Version counts the writes of the profile (1 for the first; profiles
	// stored before versions were kept read as 1). Every Save, Import,
	// SaveIf, ImportIf and binding of a chat adds 1; a subscription ended
	// by Unsubscribe does not.
	Version int64
	// Owner is the chat the enterprise belongs to (0: none): the chat that
	// redeemed its binding code, or was given by staff (a chat_id in a
	// roster, or Save). Unsubscribe keeps it.
	Owner int64
}

// putScript stores one profile, moves its subscription and counts its
// version, atomically; with an expected version it refuses a stale write.
//
// KEYS[1] profile hash, KEYS[2] all ids, KEYS[3] subscribed ids
// ARGV[1] id, ARGV[2] profile JSON, ARGV[3] chat id ("0": none, "": keep
// the current one), ARGV[4] chat key prefix, ARGV[5] the expected version
// ("": any, "0": the profile must be new), ARGV[6] owned key prefix
// returns {1, new version, 1 if new else 0}, or {0, current version, 0}
// when the expected version is not the current one.
var putScript = redis.NewScript(`
local exists = redis.call('EXISTS', KEYS[1]) == 1
local cur = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if exists and cur == 0 then cur = 1 end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= cur then return {0, cur, 0} end
local old = redis.call('HGET', KEYS[1], 'chat') or '0'
local chat = ARGV[3]
if chat == '' then chat = old end
if old ~= '0' and old ~= chat then
  redis.call('SREM', ARGV[4] .. old, ARGV[1])
end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'chat', chat, 'ver', cur + 1)
if ARGV[3] ~= '' and ARGV[3] ~= '0' then
  local owner = redis.call('HGET', KEYS[1], 'owner')
  if owner and owner ~= ARGV[3] then redis.call('SREM', ARGV[6] .. owner, ARGV[1]) end
  redis.call('HSET', KEYS[1], 'owner', ARGV[3])
  redis.call('SADD', ARGV[6] .. ARGV[3], ARGV[1])
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if chat ~= '0' then
  redis.call('ZADD', KEYS[3], 0, ARGV[1])
  redis.call('SADD', ARGV[4] .. chat, ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
if exists then return {1, cur + 1, 0} end
return {1, cur + 1, 1}
`)

// anyVersion and keepChat are putScript's "no condition" and "keep the
// subscription".
const (
	anyVersion = ""
	keepChat   = ""
)

func (s *Store) put(ctx context.Context, c redis.Scripter, p push.Profile, chat, version string, eval bool) (*redis.Cmd, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("asynqpush: encoding profile %q: %w", p.ID, err)
	}
	keys := []string{profileKey(p.ID), allKey(), subKey()}
	if eval {
		return putScript.Run(ctx, c, keys, p.ID, data, chat, chatPrefix, version, ownedPrefix), nil
	}
	return putScript.EvalSha(ctx, c, keys, p.ID, data, chat, chatPrefix, version, ownedPrefix), nil
}

// putResult reads putScript's answer: the new version and whether the
// profile was new, or a *StaleError.
func putResult(id string, want int64, c *redis.Cmd) (version int64, isNew bool, err error) {
	r, err := c.Int64Slice()
	if err != nil {
		return 0, false, fmt.Errorf("asynqpush: saving %q: %w", id, err)
	}
	if len(r) != 3 {
		return 0, false, fmt.Errorf("asynqpush: saving %q: unexpected answer %v", id, r)
	}
	if r[0] == 0 {
		return r[1], false, &StaleError{ID: id, Want: want, Have: r[1]}
	}
	return r[1], r[2] == 1, nil
}

// Save validates p (push.Profile.Validate) and stores it, replacing the
// profile with the same id whatever its version; p.ChatID (0: none)
// becomes its subscription, and a chat its owner. The write is atomic.
func (s *Store) Save(ctx context.Context, p push.Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	c, err := s.put(ctx, s.rdb, p, strconv.FormatInt(p.ChatID, 10), anyVersion, true)
	if err != nil {
		return err
	}
	_, _, err = putResult(p.ID, 0, c)
	return err
}

// SaveIf is Save on the condition that the stored profile is still at
// version (0: that there is none), as Record read it. Otherwise nothing is
// written and the error is a *StaleError (errors.Is ErrStale): read the
// profile again and decide. p.ChatID 0 keeps the current subscription. It
// returns the new version.
func (s *Store) SaveIf(ctx context.Context, p push.Profile, version int64) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	c, err := s.put(ctx, s.rdb, p, chatArg(p.ChatID), strconv.FormatInt(version, 10), true)
	if err != nil {
		return 0, err
	}
	v, _, err := putResult(p.ID, version, c)
	return v, err
}

// chatArg is putScript's chat for a conditional write: 0 keeps the
// subscription.
func chatArg(chat int64) string {
	if chat == 0 {
		return keepChat
	}
	return strconv.FormatInt(chat, 10)
}

// Import saves a roster, each record atomically (a failure leaves the
// records before it saved), whatever the stored versions. Every record is
// validated before any is written. It returns how many profiles were new.
func (s *Store) Import(ctx context.Context, roster []push.Profile) (added int, err error) {
	res, err := s.importRoster(ctx, roster, nil)
	return res.Added, err
}

// ImportResult is what ImportIf wrote.
type ImportResult struct {
	Added int // profiles that were new
	// Stale are the records not written because their profile changed
	// since versions were read (index into the roster → its *StaleError).
	Stale map[int]*StaleError
}

// ImportIf is Import with the condition of SaveIf for every record:
// versions[id] is the version the caller read (absent: the profile must
// be new). A record whose profile changed meanwhile is not written and is
// listed in Stale; the others are saved. A record with chat_id 0 keeps the
// enterprise's current subscription (a roster never unsubscribes).
func (s *Store) ImportIf(ctx context.Context, roster []push.Profile, versions map[string]int64) (ImportResult, error) {
	if versions == nil {
		versions = map[string]int64{}
	}
	return s.importRoster(ctx, roster, versions)
}

// importRoster is Import (versions nil) and ImportIf.
func (s *Store) importRoster(ctx context.Context, roster []push.Profile, versions map[string]int64) (res ImportResult, err error) {
	for i := range roster {
		if err := roster[i].Validate(); err != nil {
			return res, fmt.Errorf("record %d (%s): %w", i+1, roster[i].ID, err)
		}
	}
	if err := putScript.Load(ctx, s.rdb).Err(); err != nil {
		return res, fmt.Errorf("asynqpush: loading script: %w", err)
	}
	const batch = 500
	for start := 0; start < len(roster); start += batch {
		end := min(start+batch, len(roster))
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.Cmd, 0, end-start)
		for _, p := range roster[start:end] {
			chat, version := strconv.FormatInt(p.ChatID, 10), anyVersion
			if versions != nil {
				chat, version = chatArg(p.ChatID), strconv.FormatInt(versions[p.ID], 10)
			}
			c, err := s.put(ctx, pipe, p, chat, version, false)
			if err != nil {
				return res, err
			}
			cmds = append(cmds, c)
		}
		_, _ = pipe.Exec(ctx)
		for i, c := range cmds {
			p := roster[start+i]
			_, isNew, err := putResult(p.ID, versions[p.ID], c)
			var stale *StaleError
			if errors.As(err, &stale) {
				if res.Stale == nil {
					res.Stale = map[int]*StaleError{}
				}
				res.Stale[start+i] = stale
				continue
			}
			if err != nil {
				return res, err
			}
			if isNew {
				res.Added++
			}
		}
	}
	return res, nil
}

// Get returns one profile; ChatID is its current subscription (0: none).
func (s *Store) Get(ctx context.Context, id string) (push.Profile, error) {
	r, err := s.Record(ctx, id)
	return r.Profile, err
}

// Record returns one profile with its version and owner (ErrNotFound for
// an unknown id).
func (s *Store) Record(ctx context.Context, id string) (Record, error) {
	vals, err := s.rdb.HMGet(ctx, profileKey(id), recordFields...).Result()
	if err != nil {
		return Record{}, fmt.Errorf("asynqpush: get %q: %w", id, err)
	}
	return decodeRecord(id, vals)
}

// Records returns the stored records of ids, by id; unknown ids are left
// out.
func (s *Store) Records(ctx context.Context, ids []string) (map[string]Record, error) {
	out := make(map[string]Record, len(ids))
	for start := 0; start < len(ids); start += 1000 {
		rs, err := s.loadRecords(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			out[r.Profile.ID] = r
		}
	}
	return out, nil
}

// recordFields are the profile hash's fields a Record is read from.
var recordFields = []string{fieldJSON, fieldChat, fieldVersion, fieldOwner}

// Fields of a profile hash besides fieldJSON and fieldChat.
const (
	fieldVersion = "ver"   // the version (Record.Version); absent: 1
	fieldOwner   = "owner" // the owning chat (Record.Owner); absent: the chat
)

func decodeRecord(id string, vals []any) (Record, error) {
	js, _ := vals[0].(string)
	if js == "" {
		return Record{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	var r Record
	if err := json.Unmarshal([]byte(js), &r.Profile); err != nil {
		return Record{}, fmt.Errorf("asynqpush: decoding %q: %w", id, err)
	}
	num := func(i int) int64 {
		v, _ := vals[i].(string)
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	r.Profile.ChatID, r.Version, r.Owner = num(1), max(num(2), 1), num(3)
	if _, ok := vals[3].(string); !ok {
		r.Owner = r.Profile.ChatID // stored before owners were kept
	}
	return r, nil
}

// Delete forgets a profile and its subscription (/forget). It reports
// whether the id was known.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	n, err := deleteScript.Run(ctx, s.rdb, []string{profileKey(id), allKey(), subKey()}, id, chatPrefix, ownedPrefix).Int()
	if err != nil {
		return false, fmt.Errorf("asynqpush: delete %q: %w", id, err)
	}
	return n > 0, nil
}

// Unsubscribe ends every subscription of a chat (/unsubscribe, or a 403 from
// Telegram); the profiles stay, and so does the chat's ownership (another
// chat needs a new binding code). It returns how many enterprises it
// unsubscribed.
func (s *Store) Unsubscribe(ctx context.Context, chatID int64) (int, error) {
	n, err := unsubscribeOwnedScript.Run(ctx, s.rdb, []string{chatKey(chatID), subKey(), ownedKey(chatID)},
		profilePrefix, strconv.FormatInt(chatID, 10)).Int()
	if err != nil {
		return 0, fmt.Errorf("asynqpush: unsubscribe: %w", err)
	}
	return n, nil
}

// unsubscribeOwnedScript ends every subscription of one chat; the profiles
// stay, owned by the chat (a profile stored before owners were kept gets
// its owner now).
//
// KEYS[1] the chat's set, KEYS[2] subscribed ids, KEYS[3] the chat's owned set
// ARGV[1] profile key prefix, ARGV[2] the chat id
// returns how many enterprises were unsubscribed.
var unsubscribeOwnedScript = redis.NewScript(`
local ids = redis.call('SMEMBERS', KEYS[1])
local n = 0
for _, id in ipairs(ids) do
  local k = ARGV[1] .. id
  if redis.call('HGET', k, 'chat') == ARGV[2] then
    redis.call('HSETNX', k, 'owner', ARGV[2])
    if redis.call('HGET', k, 'owner') == ARGV[2] then redis.call('SADD', KEYS[3], id) end
    redis.call('HSET', k, 'chat', '0')
    redis.call('ZREM', KEYS[2], id)
    n = n + 1
  end
end
redis.call('DEL', KEYS[1])
return n
`)

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

// Owned returns the profiles a chat owns — bound with a code or
// subscribed, and kept after it unsubscribes — sorted by id; ChatID is 0
// for those it no longer subscribes. (A profile unsubscribed before owned
// sets were kept is found again once the chat subscribes or binds anew.)
func (s *Store) Owned(ctx context.Context, chatID int64) ([]Record, error) {
	ids, err := s.rdb.SUnion(ctx, chatKey(chatID), ownedKey(chatID)).Result()
	if err != nil {
		return nil, fmt.Errorf("asynqpush: owned: %w", err)
	}
	slices.Sort(ids)
	rs, err := s.loadRecords(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rs, func(r Record) bool { return r.Owner != chatID }), nil
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
	ids, next, err := s.listIDs(ctx, key, after, n)
	if err != nil {
		return nil, "", err
	}
	ps, err := s.load(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	return ps, next, nil
}

// subscribedRaw is Subscribed with the records undecoded (deleted ones
// included: they decode to ErrNotFound).
func (s *Store) subscribedRaw(ctx context.Context, after string, n int) ([]rawRecord, string, error) {
	ids, next, err := s.listIDs(ctx, subKey(), after, n)
	if err != nil {
		return nil, "", err
	}
	raw, err := s.loadRaw(ctx, ids)
	return raw, next, err
}

// listIDs is one page of the ids in the sorted set key (List's cursor).
func (s *Store) listIDs(ctx context.Context, key, after string, n int) (ids []string, next string, err error) {
	if n <= 0 {
		n = 1000
	}
	minLex := "-"
	if after != "" {
		minLex = "(" + after
	}
	ids, err = s.rdb.ZRangeByLex(ctx, key, &redis.ZRangeBy{Min: minLex, Max: "+", Count: int64(n)}).Result()
	if err != nil {
		return nil, "", fmt.Errorf("asynqpush: list: %w", err)
	}
	if len(ids) == n {
		next = ids[len(ids)-1]
	}
	return ids, next, nil
}

// load reads profiles in one pipeline, skipping ids deleted meanwhile.
func (s *Store) load(ctx context.Context, ids []string) ([]push.Profile, error) {
	rs, err := s.loadRecords(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]push.Profile, len(rs))
	for i, r := range rs {
		out[i] = r.Profile
	}
	return out, nil
}

// loadRecords reads records in one pipeline, skipping ids deleted
// meanwhile.
func (s *Store) loadRecords(ctx context.Context, ids []string) ([]Record, error) {
	raw, err := s.loadRaw(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(ids))
	for _, rr := range raw {
		r, err := rr.decode()
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rawRecord is a profile hash's fields as read (recordFields), not decoded
// yet: the bulk runs decode them on their workers (Scheduler.each).
type rawRecord struct {
	id   string
	vals []any
}

// decode is the record, or ErrNotFound when the profile was deleted
// before it was read.
func (rr rawRecord) decode() (Record, error) { return decodeRecord(rr.id, rr.vals) }

// loadRaw reads the records of ids in one pipeline, undecoded.
func (s *Store) loadRaw(ctx context.Context, ids []string) ([]rawRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HMGet(ctx, profileKey(id), recordFields...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("asynqpush: load: %w", err)
	}
	out := make([]rawRecord, len(ids))
	for i, c := range cmds {
		out[i] = rawRecord{ids[i], c.Val()}
	}
	return out, nil
}

// ForgetChatPushes deletes the push ledger's entries of a chat, and their
// sent markers (Ledger.ForgetChat), with the chat's profiles (/forget).
func (s *Store) ForgetChatPushes(ctx context.Context, chatID int64) (int, error) {
	return NewLedger(s.rdb, LedgerOptions{}).ForgetChat(ctx, chatID)
}
