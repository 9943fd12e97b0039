package redisstore

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
)

func TestOpen(t *testing.T) {
	for _, tt := range []struct {
		url     string
		cluster bool
	}{
		{"redis://127.0.0.1:6379/2", false},
		{"rediss://user:pw@example.com:6380/0", false},
		{"redis://127.0.0.1:7000?addr=127.0.0.1:7001", true},
		{"redis://127.0.0.1:26379?master_name=mymaster", false}, // sentinel failover client
	} {
		c, err := Open(tt.url)
		if err != nil {
			t.Errorf("Open(%q): %v", tt.url, err)
			continue
		}
		if _, ok := c.(*redis.ClusterClient); ok != tt.cluster {
			t.Errorf("Open(%q) = %T", tt.url, c)
		}
		c.Close()
	}
	o, _ := Open("redis://127.0.0.1:6379/2")
	if db := o.(*redis.Client).Options().DB; db != 2 {
		t.Errorf("DB = %d, want 2", db)
	}
	for _, bad := range []string{"http://x", "redis://h/notanumber", "::"} {
		if _, err := Open(bad); err == nil {
			t.Errorf("Open(%q): no error", bad)
		}
	}
}

func TestEmbedded(t *testing.T) {
	rdb, closeFn, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l := NewExchangeLog(rdb, Options{Now: func() time.Time { return t0 }})
	if err := l.Append(ctx, ex("m", 0, "u", true)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, "m"); err != nil {
		t.Fatal(err)
	}
	closeFn()
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Error("ping after close: no error")
	}
}

// TestRedisDown: every operation on an unreachable Redis returns a wrapped
// error, never a panic, and never one that looks like "not found".
func TestRedisDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond,
		DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	defer rdb.Close()
	ctx := context.Background()
	l := NewExchangeLog(rdb, Options{})
	m := NewChatMemory(rdb)
	r := NewRateLimiter(rdb, RateOptions{})

	check := func(op string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error with Redis down", op)
			return
		}
		if !strings.HasPrefix(err.Error(), "redisstore: ") {
			t.Errorf("%s: error not wrapped: %v", op, err)
		}
		if errors.Is(err, bot.ErrNotFound) || errors.Is(err, redis.Nil) {
			t.Errorf("%s: %v looks like not found", op, err)
		}
	}
	check("Append", l.Append(ctx, ex("z", 0, "u", true)))
	_, err = l.Get(ctx, "z")
	check("Get", err)
	check("SetFeedback", l.SetFeedback(ctx, "z", "u", bot.VerdictUp, "", t0))
	_, _, err = l.List(ctx, bot.ExchangeQuery{})
	check("List", err)
	_, err = l.DeleteUser(ctx, "u")
	check("DeleteUser", err)
	_, err = l.Trim(ctx)
	check("Trim", err)
	_, err = m.Load(ctx, "c")
	check("Load", err)
	check("Save", m.Save(ctx, "c", bot.ChatContext{}, time.Minute))
	check("Delete", m.Delete(ctx, "c"))
	ok, _, err := r.Allow(ctx, "k")
	check("Allow", err)
	if ok {
		t.Error("Allow with Redis down: ok")
	}
	check("Refund", r.Refund(ctx, "k"))
	ss := NewStaffSessions(rdb)
	_, err = ss.Create(ctx, "v", time.Hour)
	check("staff Create", err)
	_, ok, err = ss.Get(ctx, "id")
	check("staff Get", err)
	if ok {
		t.Error("staff Get with Redis down: ok")
	}
	check("staff Delete", ss.Delete(ctx, "id"))
}
