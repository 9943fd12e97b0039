package redisstore

import "github.com/redis/go-redis/v9"

// luaRemove is shared by the scripts below: remove(p, id) deletes exchange
// id and every index entry of it, reading the user and clauses from the
// record; it returns 1 if the record existed. p is exchangePrefix.
// trim(p, cutoff, maxn, batch) removes up to batch exchanges older than
// cutoff (Unix ms), then up to batch of the oldest beyond maxn; it returns
// how many it removed.
const luaRemove = `
local function remove(p, id)
  local rk = p .. 'e:' .. id
  local meta = redis.call('HMGET', rk, 'user', 'clauses')
  redis.call('ZREM', p .. 'all', id)
  redis.call('ZREM', p .. 'unanswered', id)
  redis.call('ZREM', p .. 'disliked', id)
  if meta[1] then
    redis.call('ZREM', p .. 'user:' .. meta[1], id)
  end
  if meta[2] then
    for c in string.gmatch(meta[2], '[^ ]+') do
      redis.call('ZREM', p .. 'clause:' .. c, id)
    end
  end
  return redis.call('DEL', rk)
end

local function trim(p, cutoff, maxn, batch)
  local n = 0
  local old = redis.call('ZRANGEBYSCORE', p .. 'all', '-inf', '(' .. cutoff, 'LIMIT', 0, batch)
  for _, id in ipairs(old) do
    remove(p, id)
    n = n + 1
  end
  local over = redis.call('ZCARD', p .. 'all') - maxn
  if over > 0 then
    if over > batch then over = batch end
    local ids = redis.call('ZRANGE', p .. 'all', 0, over - 1)
    for _, id in ipairs(ids) do
      remove(p, id)
      n = n + 1
    end
  end
  return n
end
`

// appendScript stores one exchange with its indexes, then trims.
//
// KEYS[1] -> record hash          ARGV[1]  -> exchangePrefix
// KEYS[2] -> all index            ARGV[2]  -> exchange id
// KEYS[3] -> unanswered index     ARGV[3]  -> time, Unix ms (score)
// KEYS[4] -> disliked index       ARGV[4]  -> exchange JSON
// KEYS[5] -> user index           ARGV[5]  -> user hash
// KEYS[6] -> clause registry set  ARGV[6]  -> clause ids, space-separated
//
//	ARGV[7]  -> "1" answered, "0" not
//	ARGV[8]  -> verdict ("", "up", "down")
//	ARGV[9]  -> verdict reason
//	ARGV[10] -> record TTL, ms
//	ARGV[11] -> user index TTL, ms
//	ARGV[12] -> retention cutoff, Unix ms
//	ARGV[13] -> most exchanges kept
//	ARGV[14] -> trim batch size
//
// Returns -1 when the id is already stored (nothing changed), else the
// number of exchanges trimmed.
var appendScript = redis.NewScript(luaRemove + `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return -1
end
local p, id, ms = ARGV[1], ARGV[2], ARGV[3]
redis.call('HSET', KEYS[1], 'data', ARGV[4], 'user', ARGV[5], 'clauses', ARGV[6],
  'ms', ms, 'fb', ARGV[8], 'fbr', ARGV[9])
redis.call('PEXPIRE', KEYS[1], ARGV[10])
redis.call('ZADD', KEYS[2], ms, id)
if ARGV[7] == '0' then
  redis.call('ZADD', KEYS[3], ms, id)
end
if ARGV[8] == 'down' then
  redis.call('ZADD', KEYS[4], ms, id)
end
redis.call('ZADD', KEYS[5], ms, id)
if redis.call('PTTL', KEYS[5]) < tonumber(ARGV[11]) then
  redis.call('PEXPIRE', KEYS[5], ARGV[11])
end
for c in string.gmatch(ARGV[6], '[^ ]+') do
  redis.call('ZADD', p .. 'clause:' .. c, ms, id)
  redis.call('SADD', KEYS[6], c)
end
return trim(p, ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14]))
`)

// feedbackScript records a vote on an exchange: one per exchange, its
// user's; a different verdict replaces the earlier one, the same verdict
// again changes nothing.
//
// KEYS[1] -> record hash      ARGV[1] -> exchange id
// KEYS[2] -> disliked index   ARGV[2] -> user hash of the caller
//
//	ARGV[3] -> verdict ("up", "down")
//	ARGV[4] -> reason
//	ARGV[5] -> time of the verdict, Unix ms
//
// Returns 0 when the exchange is not stored, -1 when it belongs to another
// user, 1 for a first vote, 2 for a changed vote, 3 when the verdict is the
// one already recorded (nothing written).
var feedbackScript = redis.NewScript(`
local meta = redis.call('HMGET', KEYS[1], 'user', 'ms', 'fb')
if not meta[1] then
  return 0
end
if meta[1] ~= ARGV[2] then
  return -1
end
if meta[3] == ARGV[3] then
  return 3
end
redis.call('HSET', KEYS[1], 'fb', ARGV[3], 'fbr', ARGV[4], 'fbt', ARGV[5])
if ARGV[3] == 'down' then
  redis.call('ZADD', KEYS[2], meta[2], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
if not meta[3] or meta[3] == '' then
  return 1
end
return 2
`)

// deleteUserScript removes every exchange of one user.
//
// KEYS[1] -> user index   ARGV[1] -> exchangePrefix
//
// Returns the number of exchange records deleted.
var deleteUserScript = redis.NewScript(luaRemove + `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local n = 0
for _, id in ipairs(ids) do
  n = n + remove(ARGV[1], id)
end
redis.call('DEL', KEYS[1])
return n
`)

// trimScript applies the retention bounds to one batch.
//
// KEYS[1] -> all index   ARGV[1] -> exchangePrefix
//
//	ARGV[2] -> retention cutoff, Unix ms
//	ARGV[3] -> most exchanges kept
//	ARGV[4] -> batch size
//
// Returns the number of exchanges removed (0 when the bounds hold).
var trimScript = redis.NewScript(luaRemove + `
return trim(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
`)

// sweepScript drops index entries older than the cutoff whose records are
// already gone (expired by TTL before a trim saw them), and forgets clause
// indexes that are empty.
//
// KEYS[1] -> unanswered index   ARGV[1] -> exchangePrefix
// KEYS[2] -> disliked index     ARGV[2] -> retention cutoff, Unix ms
// KEYS[3] -> clause registry
// KEYS[4] -> all index
//
// Returns the number of index entries removed.
var sweepScript = redis.NewScript(`
local cut = '(' .. ARGV[2]
local n = redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', cut)
n = n + redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cut)
n = n + redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cut)
for _, c in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local k = ARGV[1] .. 'clause:' .. c
  n = n + redis.call('ZREMRANGEBYSCORE', k, '-inf', cut)
  if redis.call('EXISTS', k) == 0 then
    redis.call('SREM', KEYS[3], c)
  end
end
return n
`)
