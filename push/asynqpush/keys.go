// Package asynqpush runs the push side of policybot on Redis: a store of
// enterprise profiles and their Telegram subscriptions, a scheduler that
// computes each subscribed enterprise's bill and enqueues one asynq task per
// enterprise per bill date, the asynq worker that delivers the bills through
// a Sender (at a global rate, one message a second per chat, outside quiet
// hours, pausing every replica on a 429), and the ledger of each push's
// state.
//
// Every key starts with "policybot:{push}:": the hash tag keeps the keys a
// Lua script touches in one cluster slot. Key names are built here and
// nowhere else; the scripts get the prefixes in ARGV.
package asynqpush

import "strconv"

const (
	keyPrefix = "policybot:{push}:"

	profilePrefix = keyPrefix + "p:"     // hash per enterprise: fieldJSON, fieldChat
	chatPrefix    = keyPrefix + "chat:"  // set per chat id: the enterprise ids it subscribed
	ownedPrefix   = keyPrefix + "owned:" // set per chat id: the enterprise ids it owns, subscribed or not
	sentPrefix    = keyPrefix + "sent:"  // string per task id: the bill went out

	ledgerEntryPrefix = keyPrefix + "l:"        // hash per push (ledgerKey)
	ledgerStatePrefix = keyPrefix + "ledger:s:" // sorted set per state (ledgerStateKey)
	ledgerChatPrefix  = keyPrefix + "ledger:c:" // set per chat (ledgerChatKey)
)

// Fields of a profile hash.
const (
	fieldJSON = "json" // the push.Profile as JSON
	fieldChat = "chat" // the subscribed chat id in decimal, "0" when none
)

// profileKey is the hash holding one enterprise's profile.
func profileKey(id string) string { return profilePrefix + id }

// allKey is the sorted set (all scores 0, read by lex range) of every
// profile id: the roster, listed with a cursor.
func allKey() string { return keyPrefix + "all" }

// subKey is the sorted set (scores 0) of the ids with a subscribed chat.
func subKey() string { return keyPrefix + "sub" }

// chatKey is the set of enterprise ids one chat subscribed.
func chatKey(chatID int64) string { return chatPrefix + strconv.FormatInt(chatID, 10) }

// ownedKey is the set of enterprise ids one chat owns (bound with a code
// or subscribed), kept when it unsubscribes.
func ownedKey(chatID int64) string { return ownedPrefix + strconv.FormatInt(chatID, 10) }

// sentKey marks a bill task as delivered (SET NX with a TTL).
func sentKey(taskID string) string { return sentPrefix + taskID }

// rateKey is the redis_rate key shared by every worker of every replica;
// redis_rate puts "rate:" in front of it.
func rateKey() string { return keyPrefix + "send" }

// chatRateKey is the redis_rate key pacing the sends to one chat across
// replicas (Telegram: at most one message a second per chat).
func chatRateKey(chatID int64) string { return keyPrefix + "send:" + strconv.FormatInt(chatID, 10) }

// pauseKey holds, while a 429 (or a channel's "busy") pause lasts, its end
// in Redis-clock milliseconds: every worker of every replica checks it
// before sending to a chat of that channel. Telegram chats and external
// ones (WeChat, from ExternalChatBase up) pause apart: one channel slowing
// down does not hold the other.
func pauseKey(chat int64) string {
	if IsExternalChat(chat) {
		return keyPrefix + "pause:external"
	}
	return keyPrefix + "pause"
}

// ledgerMember names one bill in the ledger's indexes: "DATE:ENTERPRISE",
// so that lexical order is by bill date, then enterprise. Other pushes
// add their kind and detail after a unit separator (pushRef.member), which
// no enterprise id holds (ids have no control characters).
func ledgerMember(enterprise, date string) string { return date + ":" + enterprise }

// ledgerKey is the hash of one push's ledger entry: s state, c chat,
// a attempts, u updated and n next (Unix ms), e last error.
func ledgerKey(member string) string { return ledgerEntryPrefix + member }

// ledgerAllKey is the sorted set (scores 0, read by lex range) of every
// push in the ledger.
func ledgerAllKey() string { return keyPrefix + "ledger:all" }

// ledgerStateKey is the sorted set (scores 0) of the pushes in one state;
// its cardinality is the state's count.
func ledgerStateKey(s State) string { return ledgerStatePrefix + string(s) }

// ledgerChatKey is the set of the ledger's pushes to one chat, for
// deleting them with the chat's data (/forget, /deleteprofile).
func ledgerChatKey(chatID int64) string { return ledgerChatPrefix + strconv.FormatInt(chatID, 10) }

// ledgerTimeKey is the sorted set of the pushes by last update (Unix ms),
// for dropping the entries past retention.
func ledgerTimeKey() string { return keyPrefix + "ledger:t" }

// recipientUserKey maps one channel user (a WeChat OpenID) to the chat id
// Recipients gave it, as its offset from ExternalChatBase in decimal (Lua
// numbers are doubles: 2^60 + n would not be exact in a script).
func recipientUserKey(channel, user string) string {
	return keyPrefix + "rcpt:u:" + channel + ":" + user
}

// recipientChatPrefix + offset (recipientUserKey) is the hash of one chat
// id Recipients gave: fields "ch" (the channel) and "u" (the channel's
// user id).
const recipientChatPrefix = keyPrefix + "rcpt:c:"

// recipientChatKey is the hash of the chat id ExternalChatBase + offset.
func recipientChatKey(offset int64) string {
	return recipientChatPrefix + strconv.FormatInt(offset, 10)
}

// recipientSeqKey counts the chat ids Recipients gave.
func recipientSeqKey() string { return keyPrefix + "rcpt:seq" }
