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

// Reset clears the key's limit (staff unblocking a user).
func (r *RateLimiter) Reset(ctx context.Context, key string) error {
	if err := r.l.Reset(ctx, rateKey(key)); err != nil {
		return fmt.Errorf("redisstore: rate reset: %w", err)
	}
	return nil
}
