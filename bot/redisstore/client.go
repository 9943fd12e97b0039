package redisstore

import (
	"fmt"
	"net/url"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Open connects to the Redis at a redis:// or rediss:// URL (REDIS_URL).
// A URL with master_name=… in its query is a Sentinel setup, one with
// addr=… a cluster (more seed nodes); otherwise a single node, whose path
// selects the database ("redis://host:6379/2"). It does not dial: the first
// command does.
func Open(rawURL string) (redis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: REDIS_URL: %w", err)
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("redisstore: REDIS_URL: %w", err)
		}
		return redis.NewFailoverClient(o), nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("redisstore: REDIS_URL: %w", err)
		}
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: REDIS_URL: %w", err)
	}
	return redis.NewClient(o), nil
}

// Embedded starts an in-process Redis (miniredis) on a loopback port and
// returns a client for it and a function that closes both. It is the
// default when REDIS_URL is unset: nothing survives a restart.
func Embedded() (redis.UniversalClient, func(), error) {
	m, err := miniredis.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("redisstore: embedded redis: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: m.Addr()})
	return c, func() { c.Close(); m.Close() }, nil
}
