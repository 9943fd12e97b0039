package asynqpush

import "github.com/redis/go-redis/v9"

// deleteScript forgets one profile, its subscription and its owner's claim.
//
// KEYS[1] profile hash, KEYS[2] all ids, KEYS[3] subscribed ids
// ARGV[1] id, ARGV[2] chat key prefix, ARGV[3] owned key prefix
// returns 1 when something was deleted, 0 when the id was unknown.
var deleteScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], 'chat')
if old and old ~= '0' then
  redis.call('SREM', ARGV[2] .. old, ARGV[1])
end
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner then redis.call('SREM', ARGV[3] .. owner, ARGV[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return redis.call('DEL', KEYS[1])
`)

// putScript, unsubscribeOwnedScript: store.go.

// The pause scripts read Redis' clock (TIME), as redis_rate does, so that
// every replica measures the pause on one clock.

// pauseScript pauses every sender until now + ARGV[1] ms, unless a pause
// already lasts longer.
//
// KEYS[1] pause key
// ARGV[1] the pause in milliseconds (> 0)
// returns the pause left in milliseconds after the call.
var pauseScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untl = now + tonumber(ARGV[1])
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if old >= untl then return old - now end
redis.call('SET', KEYS[1], untl, 'PX', tonumber(ARGV[1]) + 1000)
return untl - now
`)

// pauseLeftScript reads the pause.
//
// KEYS[1] pause key
// returns the pause left in milliseconds, 0 when none.
var pauseLeftScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local left = tonumber(v) - now
if left < 0 then return 0 end
return left
`)

// recordScript records one push's state in the ledger, and for a sent push
// its sent marker, in one step; then it drops up to 20 entries not updated
// since the retention cutoff.
//
// KEYS[1] entry hash, KEYS[2] all pushes, KEYS[3] pushes by update time,
// KEYS[4] the task's sent marker
// ARGV[1] member, ARGV[2] new state, ARGV[3] state index prefix,
// ARGV[4] entry key prefix, ARGV[5] now (Unix ms), ARGV[6] chat ("0":
// unchanged), ARGV[7] "1" when a send was tried, ARGV[8] next (Unix ms, ""
// none), ARGV[9] error ("" none), ARGV[10] sent marker TTL in ms ("": no
// marker), ARGV[11] retention cutoff (Unix ms), ARGV[12] chat index
// prefix, ARGV[13] "1": record only over an existing entry
// returns 1 when the entry changed, 0 when it did not: planned for a push
// the ledger knows, any state for a sent push, or an entry it does not
// have with ARGV[13] "1".
var recordScript = redis.NewScript(`
if ARGV[10] ~= '' then
  redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[10])
end
local old = redis.call('HGET', KEYS[1], 's')
local changed = 0
if not ((ARGV[2] == 'planned' and old) or old == 'sent' or (ARGV[13] == '1' and not old)) then
  changed = 1
  if old then redis.call('ZREM', ARGV[3] .. old, ARGV[1]) end
  redis.call('ZADD', ARGV[3] .. ARGV[2], 0, ARGV[1])
  redis.call('ZADD', KEYS[2], 0, ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
  redis.call('HSET', KEYS[1], 's', ARGV[2], 'u', ARGV[5], 'n', ARGV[8], 'e', ARGV[9])
  if ARGV[6] ~= '0' then
    redis.call('HSET', KEYS[1], 'c', ARGV[6])
    redis.call('SADD', ARGV[12] .. ARGV[6], ARGV[1])
  end
  if ARGV[7] == '1' then redis.call('HINCRBY', KEYS[1], 'a', 1) end
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[11], 'LIMIT', 0, 20)
for _, m in ipairs(stale) do
  local st, c = unpack(redis.call('HMGET', ARGV[4] .. m, 's', 'c'))
  if st then redis.call('ZREM', ARGV[3] .. st, m) end
  if c then redis.call('SREM', ARGV[12] .. c, m) end
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZREM', KEYS[3], m)
  redis.call('DEL', ARGV[4] .. m)
end
return changed
`)

// planScript records a batch of pushes as planned, each only if the ledger
// does not know it (recordScript's rule for planned, in one call).
//
// KEYS[1] all pushes, KEYS[2] pushes by update time, KEYS[3] the planned
// pushes
// ARGV[1] entry key prefix, ARGV[2] now (Unix ms), ARGV[3] chat index
// prefix, then pairs: ARGV[i] member, ARGV[i+1] chat
// returns how many were new.
var planScript = redis.NewScript(`
local n = 0
for i = 4, #ARGV, 2 do
  local m = ARGV[i]
  local k = ARGV[1] .. m
  if redis.call('EXISTS', k) == 0 then
    redis.call('HSET', k, 's', 'planned', 'u', ARGV[2], 'c', ARGV[i + 1])
    if ARGV[i + 1] ~= '0' then redis.call('SADD', ARGV[3] .. ARGV[i + 1], m) end
    redis.call('ZADD', KEYS[3], 0, m)
    redis.call('ZADD', KEYS[1], 0, m)
    redis.call('ZADD', KEYS[2], ARGV[2], m)
    n = n + 1
  end
end
return n
`)

// forgetChatScript deletes the ledger entries of one chat's pushes.
//
// KEYS[1] the chat's ledger index, KEYS[2] all pushes, KEYS[3] pushes by
// update time
// ARGV[1] state index prefix, ARGV[2] entry key prefix, ARGV[3] the chat id
// returns the members deleted (an entry since moved to another chat stays).
var forgetChatScript = redis.NewScript(`
local out = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local k = ARGV[2] .. m
  local st, c = unpack(redis.call('HMGET', k, 's', 'c'))
  if c == ARGV[3] then
    if st then redis.call('ZREM', ARGV[1] .. st, m) end
    redis.call('ZREM', KEYS[2], m)
    redis.call('ZREM', KEYS[3], m)
    redis.call('DEL', k)
    table.insert(out, m)
  end
end
redis.call('DEL', KEYS[1])
return out
`)
