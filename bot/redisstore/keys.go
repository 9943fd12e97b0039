// Package redisstore keeps the conversation log, per-chat context and rate
// limits in Redis (any go-redis UniversalClient: single node, cluster,
// sentinel, or the embedded miniredis when REDIS_URL is unset).
//
// Every key starts with "policybot:". The exchange keys share the hash tag
// {ex} so that the Lua scripts, which touch several of them, stay within one
// cluster slot. Key names are built here and nowhere else; the scripts get
// exchangePrefix in ARGV and append the same suffixes (see the *Suffix
// constants).
package redisstore

const (
	keyPrefix = "policybot:"

	// exchangePrefix starts every key of the conversation log.
	exchangePrefix = keyPrefix + "{ex}:"

	recordSuffix = "e:"      // hash: one exchange (fields below)
	clauseSuffix = "clause:" // sorted set per clause id: exchange id -> ms
	userSuffix   = "user:"   // sorted set per user hash: exchange id -> ms
)

// Fields of an exchange record hash.
const (
	fieldData     = "data"    // the Exchange as JSON (feedback fields as appended)
	fieldUser     = "user"    // user hash, for DeleteUser and ownership checks
	fieldClauses  = "clauses" // the clause ids it is indexed under, space-separated
	fieldMillis   = "ms"      // time, Unix milliseconds (the index score)
	fieldFeedback = "fb"      // "", "up", "down": the current verdict
	fieldReason   = "fbr"     // the reason given with the verdict
	fieldFeedAt   = "fbt"     // when the verdict was given, Unix milliseconds
)

// recordKey is the hash holding one exchange.
func recordKey(id string) string { return exchangePrefix + recordSuffix + id }

// allKey is the sorted set of every exchange id, scored by Unix milliseconds.
func allKey() string { return exchangePrefix + "all" }

// unansweredKey indexes the exchanges with Answered == false.
func unansweredKey() string { return exchangePrefix + "unanswered" }

// dislikedKey indexes the exchanges whose verdict is "down".
func dislikedKey() string { return exchangePrefix + "disliked" }

// clauseKey indexes the exchanges citing (or calculating on) a clause.
func clauseKey(clause string) string { return exchangePrefix + clauseSuffix + clause }

// clausesKey is the set of clause ids that have a clauseKey index.
func clausesKey() string { return exchangePrefix + "clauses" }

// userKey indexes one user's exchanges, for DeleteUser.
func userKey(userHash string) string { return exchangePrefix + userSuffix + userHash }

// chatKey holds one chat's context as JSON, with a TTL.
func chatKey(chatHash string) string { return keyPrefix + "chat:" + chatHash }

// rateKey is the rate-limit key handed to redis_rate, which puts its own
// "rate:" in front: the Redis key is "rate:policybot:rate:<key>".
func rateKey(key string) string { return keyPrefix + "rate:" + key }

// staffSessionKey holds one staff console session, under the SHA-256 of its
// id (hex): a copy of the database does not give away live cookies.
func staffSessionKey(idHash string) string { return keyPrefix + "staff:session:" + idHash }
