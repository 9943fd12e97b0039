package asynqpush

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/redis/go-redis/v9"
)

// Chat ids for channels whose users are not numbers (a WeChat OpenID).
//
// The store, the binding codes, the per-chat rate, the ledger and the
// corrections all key a subscriber by an int64 chat id, as Telegram names
// chats. A user of another channel gets a chat id of its own from
// Recipients, in a range no Telegram chat id reaches (Telegram's are below
// 2^53 in magnitude; these start at ExternalChatBase = 2^60), so everything
// keyed by chat id works unchanged and a sender tells the channel from the
// id (IsExternalChat, then Recipients.User).

// ExternalChatBase is the first chat id Recipients gives.
const ExternalChatBase int64 = 1 << 60

// IsExternalChat reports whether id is in the range Recipients gives,
// never a Telegram chat's.
func IsExternalChat(id int64) bool { return id >= ExternalChatBase }

// ErrUnknownRecipient is Recipients.User's error for a chat id it never
// gave.
var ErrUnknownRecipient = errors.New("asynqpush: unknown recipient chat id")

// Recipients maps channel users to chat ids and back, in Redis, shared by
// the replicas. An id, once given, stays its user's: it is never reused
// or moved to another user, so what it owns (an enterprise bound with a
// code) cannot pass to anyone else.
type Recipients struct{ rdb redis.UniversalClient }

// NewRecipients returns the registry on rdb.
func NewRecipients(rdb redis.UniversalClient) *Recipients { return &Recipients{rdb: rdb} }

// recipientScript gives a user its chat id's offset: the one it has, or
// the next, atomically (two replicas asking at once get the same).
//
// KEYS[1] the user's key, KEYS[2] the counter
// ARGV[1] chat key prefix, ARGV[2] channel, ARGV[3] user
// returns the offset.
var recipientScript = redis.NewScript(`
local off = redis.call('GET', KEYS[1])
if off then return tonumber(off) end
off = redis.call('INCR', KEYS[2]) - 1
redis.call('SET', KEYS[1], off)
redis.call('HSET', ARGV[1] .. off, 'ch', ARGV[2], 'u', ARGV[3])
return off
`)

// ChatID is the chat id of user on channel, given now if it has none.
// Neither may be empty.
func (r *Recipients) ChatID(ctx context.Context, channel, user string) (int64, error) {
	if channel == "" || user == "" {
		return 0, errors.New("asynqpush: recipient without channel or user")
	}
	off, err := recipientScript.Run(ctx, r.rdb, []string{recipientUserKey(channel, user), recipientSeqKey()},
		recipientChatPrefix, channel, user).Int64()
	if err != nil {
		return 0, fmt.Errorf("asynqpush: recipient id: %w", err)
	}
	return ExternalChatBase + off, nil
}

// Lookup is the chat id user on channel has; ok is false when it has none
// (nothing is given).
func (r *Recipients) Lookup(ctx context.Context, channel, user string) (id int64, ok bool, err error) {
	off, err := r.rdb.Get(ctx, recipientUserKey(channel, user)).Int64()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("asynqpush: recipient id: %w", err)
	}
	return ExternalChatBase + off, true, nil
}

// User is the channel and user a chat id was given to; ErrUnknownRecipient
// (wrapped) for an id outside the range or never given.
func (r *Recipients) User(ctx context.Context, chatID int64) (channel, user string, err error) {
	if !IsExternalChat(chatID) || chatID-ExternalChatBase > math.MaxInt32 {
		return "", "", fmt.Errorf("%w: %d", ErrUnknownRecipient, chatID)
	}
	vals, err := r.rdb.HMGet(ctx, recipientChatKey(chatID-ExternalChatBase), "ch", "u").Result()
	if err != nil {
		return "", "", fmt.Errorf("asynqpush: recipient: %w", err)
	}
	channel, _ = vals[0].(string)
	user, _ = vals[1].(string)
	if channel == "" || user == "" {
		return "", "", fmt.Errorf("%w: %d", ErrUnknownRecipient, chatID)
	}
	return channel, user, nil
}
