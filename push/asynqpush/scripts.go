package asynqpush

import "github.com/redis/go-redis/v9"

// saveScript stores one profile and moves its subscription atomically.
//
// KEYS[1] profile hash, KEYS[2] all ids, KEYS[3] subscribed ids
// ARGV[1] id, ARGV[2] profile JSON, ARGV[3] chat id ("0": none),
// ARGV[4] chat key prefix
// returns 1 when the profile is new, 0 when it replaced one.
var saveScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], 'chat')
if old and old ~= '0' and old ~= ARGV[3] then
  redis.call('SREM', ARGV[4] .. old, ARGV[1])
end
local isnew = redis.call('EXISTS', KEYS[1]) == 0
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'chat', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[3] ~= '0' then
  redis.call('ZADD', KEYS[3], 0, ARGV[1])
  redis.call('SADD', ARGV[4] .. ARGV[3], ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
if isnew then return 1 end
return 0
`)

// deleteScript forgets one profile and its subscription.
//
// KEYS[1] profile hash, KEYS[2] all ids, KEYS[3] subscribed ids
// ARGV[1] id, ARGV[2] chat key prefix
// returns 1 when something was deleted, 0 when the id was unknown.
var deleteScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], 'chat')
if old and old ~= '0' then
  redis.call('SREM', ARGV[2] .. old, ARGV[1])
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return redis.call('DEL', KEYS[1])
`)

// unsubscribeScript ends every subscription of one chat; the profiles stay.
//
// KEYS[1] the chat's set, KEYS[2] subscribed ids
// ARGV[1] profile key prefix, ARGV[2] the chat id
// returns how many enterprises were unsubscribed.
var unsubscribeScript = redis.NewScript(`
local ids = redis.call('SMEMBERS', KEYS[1])
local n = 0
for _, id in ipairs(ids) do
  local k = ARGV[1] .. id
  if redis.call('HGET', k, 'chat') == ARGV[2] then
    redis.call('HSET', k, 'chat', '0')
    redis.call('ZREM', KEYS[2], id)
    n = n + 1
  end
end
redis.call('DEL', KEYS[1])
return n
`)

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
