package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
)

// RateOptions set a rate limit: Rate events per Period, with bursts of up
// to Burst. Zero fields take the defaults: 20 a minute, burst = Rate.
type RateOptions struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// RateLimiter is the Redis bot.RateLimiter (GCRA, github.com/go-redis/redis_rate),
// shared by every replica.
type RateLimiter struct {
	rdb   redis.UniversalClient
	l     *redis_rate.Limiter
	limit redis_rate.Limit
}

var _ bot.RateLimiter = (*RateLimiter)(nil)

// NewRateLimiter returns a limiter on rdb.
func NewRateLimiter(rdb redis.UniversalClient, opt RateOptions) *RateLimiter {
	if opt.Rate <= 0 {
		opt.Rate = 20
	}
	if opt.Period <= 0 {
		opt.Period = time.Minute
	}
	if opt.Burst <= 0 {
		opt.Burst = opt.Rate
	}
	return &RateLimiter{
		rdb:   rdb,
		l:     redis_rate.NewLimiter(rdb),
		limit: redis_rate.Limit{Rate: opt.Rate, Period: opt.Period, Burst: opt.Burst},
	}
}

// Allow takes one request for key. When it is refused, retryAfter says
// when the next one will pass.
func (r *RateLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	res, err := r.l.Allow(ctx, rateKey(key), r.limit)
	if err != nil {
		return false, 0, fmt.Errorf("redisstore: rate limit: %w", err)
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	retry := res.RetryAfter
	if retry <= 0 {
		retry = time.Second
	}
	return false, retry, nil
}

// Refund gives back one request taken for key, so that only some outcomes
// count against the limit (the staff login charges wrong tokens only). A
// refund never raises the allowance above Burst.
func (r *RateLimiter) Refund(ctx context.Context, key string) error {
	interval := r.limit.Period.Seconds() / float64(r.limit.Rate)
	if err := refundScript.Run(ctx, r.rdb, []string{rateLibPrefix + rateKey(key)}, interval).Err(); err != nil {
		return fmt.Errorf("redisstore: rate refund: %w", err)
	}
	return nil
}

// rateLibPrefix is what redis_rate puts in front of its keys.
const rateLibPrefix = "rate:"

// refundScript moves redis_rate's GCRA state (the "theoretical arrival
// time", seconds since 2017-01-01 on the Redis clock) back by one emission
// interval. redis_rate's own AllowN(-1) cannot do it: it never writes a
// time that is not in the future, so a refund to a full bucket is lost.
//
// KEYS[1] -> redis_rate's key   ARGV[1] -> emission interval, seconds
var refundScript = redis.NewScript(`
redis.replicate_commands()
local tat = redis.call("GET", KEYS[1])
if not tat then
  return 0
end
local now = redis.call("TIME")
now = (now[1] - 1483228800) + (now[2] / 1000000)
local new_tat = tonumber(tat) - tonumber(ARGV[1])
if new_tat <= now then
  redis.call("DEL", KEYS[1])
else
  redis.call("SET", KEYS[1], new_tat, "EX", math.ceil(new_tat - now))
end
return 1
`)
