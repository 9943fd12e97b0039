package asynqpush

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Binding codes make a chat an enterprise's owner. Staff issue one code per
// enterprise of the roster (IssueCodes) and hand it to the enterprise; the
// chat that redeems it (Redeem, /subscribe CODE) owns the enterprise and is
// subscribed. A code is random, single use and expires; Redis keeps only
// its SHA-256. Issuing a new code for an enterprise voids the one before.
// Moving an enterprise to another chat takes a new code; /unsubscribe keeps
// the owner.

// Errors of Redeem. Test with errors.Is.
var (
	// ErrCodeInvalid: no such code, already used, voided by a newer one,
	// or its enterprise deleted.
	ErrCodeInvalid = errors.New("asynqpush: binding code unknown or already used")
	// ErrCodeExpired: the code's time ran out.
	ErrCodeExpired = errors.New("asynqpush: binding code expired")
	// ErrCodeOtherEnterprise: the code is for another enterprise than the
	// one named (it stays valid).
	ErrCodeOtherEnterprise = errors.New("asynqpush: binding code is for another enterprise")
)

// DefaultCodeTTL is how long a binding code is valid.
const DefaultCodeTTL = 30 * 24 * time.Hour

// codeAlphabet has 32 symbols without 0/O and 1/I: a code of codeLen
// symbols carries 60 random bits.
const (
	codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	codeLen      = 12
	// codeKeep is how long an expired code is remembered, to say "expired"
	// rather than "unknown".
	codeKeep = 90 * 24 * time.Hour
)

// fieldCode is the profile hash's field holding the SHA-256 (hex) of the
// enterprise's current binding code.
const fieldCode = "code"

// codeKey is the hash of one binding code (by its SHA-256): id, exp (Unix
// ms).
func codeKey(hash string) string { return keyPrefix + "code:" + hash }

// IssuedCode is one enterprise's new binding code.
type IssuedCode struct {
	ID      string
	Name    string
	Code    string // XXXX-XXXX-XXXX; shown once, never stored
	Expires time.Time
}

// NormalizeCode reads a code as typed: case, spaces and dashes do not
// matter. It reports whether the result has a code's shape.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "", "\u3000", "").Replace(s))
	if len(s) != codeLen {
		return s, false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(codeAlphabet, rune(s[i])) {
			return s, false
		}
	}
	return s, true
}

func codeHash(normalized string) string {
	h := sha256.Sum256([]byte(normalized))
	return hex.EncodeToString(h[:])
}

func newCode() (string, error) {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("asynqpush: random code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]%byte(len(codeAlphabet))] // 256 % 32 == 0: uniform
	}
	return string(b), nil
}

// issueScript stores a binding code for an enterprise of the roster,
// voiding its previous code.
//
// KEYS[1] profile hash, KEYS[2] the code's key
// ARGV[1] id, ARGV[2] code hash, ARGV[3] expiry (Unix ms), ARGV[4] when
// the key goes (Unix ms), ARGV[5] code key prefix
// returns 1, or 0 when the enterprise is not in the roster.
var issueScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local old = redis.call('HGET', KEYS[1], 'code')
if old then redis.call('DEL', ARGV[5] .. old) end
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'exp', ARGV[3])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
redis.call('HSET', KEYS[1], 'code', ARGV[2])
return 1
`)

// IssueCodes issues a new binding code for each id, valid for ttl from now
// (DefaultCodeTTL when ttl ≤ 0). Ids not in the roster are returned in
// missing, without a code.
func (s *Store) IssueCodes(ctx context.Context, ids []string, now time.Time, ttl time.Duration) (codes []IssuedCode, missing []string, err error) {
	if ttl <= 0 {
		ttl = DefaultCodeTTL
	}
	exp := now.Add(ttl)
	names, err := s.Records(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		code, err := newCode()
		if err != nil {
			return codes, missing, err
		}
		h := codeHash(code)
		n, err := issueScript.Run(ctx, s.rdb, []string{profileKey(id), codeKey(h)}, id, h,
			strconv.FormatInt(exp.UnixMilli(), 10), strconv.FormatInt(exp.Add(codeKeep).UnixMilli(), 10), keyPrefix+"code:").Int()
		if err != nil {
			return codes, missing, fmt.Errorf("asynqpush: issuing a code for %q: %w", id, err)
		}
		if n == 0 {
			missing = append(missing, id)
			continue
		}
		codes = append(codes, IssuedCode{ID: id, Name: names[id].Profile.Name, Code: code[:4] + "-" + code[4:8] + "-" + code[8:], Expires: exp})
	}
	return codes, missing, nil
}

// redeemScript binds a chat to the enterprise of a code and subscribes it.
//
// KEYS[1] the code's key, KEYS[2] subscribed ids
// ARGV[1] code hash, ARGV[2] now (Unix ms), ARGV[3] the chat id,
// ARGV[4] profile key prefix, ARGV[5] chat key prefix, ARGV[6] the
// enterprise the code must be for ("": any), ARGV[7] owned key prefix
// returns {1, id} bound, {0, ""} invalid, {-1, id} expired, {-2, id} for
// another enterprise.
var redeemScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], 'id')
if not id then return {0, ''} end
local pk = ARGV[4] .. id
if redis.call('HGET', pk, 'code') ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {0, ''}
end
if ARGV[6] ~= '' and ARGV[6] ~= id then return {-2, id} end
if tonumber(redis.call('HGET', KEYS[1], 'exp')) <= tonumber(ARGV[2]) then return {-1, id} end
redis.call('DEL', KEYS[1])
redis.call('HDEL', pk, 'code')
local old = redis.call('HGET', pk, 'chat') or '0'
if old ~= '0' and old ~= ARGV[3] then
  redis.call('SREM', ARGV[5] .. old, id)
end
local ver = tonumber(redis.call('HGET', pk, 'ver') or '1')
local owner = redis.call('HGET', pk, 'owner')
if owner and owner ~= ARGV[3] then redis.call('SREM', ARGV[7] .. owner, id) end
redis.call('SADD', ARGV[7] .. ARGV[3], id)
redis.call('HSET', pk, 'chat', ARGV[3], 'owner', ARGV[3], 'ver', ver + 1)
redis.call('ZADD', KEYS[2], 0, id)
redis.call('SADD', ARGV[5] .. ARGV[3], id)
return {1, id}
`)

// Redeem uses a binding code at now: the chat becomes the owner of the
// code's enterprise and its subscriber (the chat before loses it), the
// code is used up. With forID set, a code for another enterprise is
// refused (ErrCodeOtherEnterprise) and stays valid. It returns the
// enterprise's id; errors wrap ErrCodeInvalid, ErrCodeExpired or
// ErrCodeOtherEnterprise.
func (s *Store) Redeem(ctx context.Context, code string, chat int64, forID string, now time.Time) (string, error) {
	c, ok := NormalizeCode(code)
	if !ok {
		return "", ErrCodeInvalid
	}
	h := codeHash(c)
	r, err := redeemScript.Run(ctx, s.rdb, []string{codeKey(h), subKey()}, h, strconv.FormatInt(now.UnixMilli(), 10),
		strconv.FormatInt(chat, 10), profilePrefix, chatPrefix, forID, ownedPrefix).Slice()
	if err != nil {
		return "", fmt.Errorf("asynqpush: redeeming a code: %w", err)
	}
	status, _ := r[0].(int64)
	id, _ := r[1].(string)
	switch status {
	case 1:
		return id, nil
	case -1:
		return id, ErrCodeExpired
	case -2:
		return id, ErrCodeOtherEnterprise
	}
	return "", ErrCodeInvalid
}
