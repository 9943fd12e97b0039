package asynqpush

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// BenchmarkSchedule100k bills and enqueues 100 000 subscribed enterprises
// (the DESIGN bar: < 10 s on 2 cores; run with -cpu 2). The import is not
// timed. s/100k is the wall time of one ScheduleBills.
func BenchmarkSchedule100k(b *testing.B) {
	b.Run("redis", func(b *testing.B) { benchSchedule(b, realRedis(b), nil) })
	b.Run("miniredis", func(b *testing.B) {
		m := miniredis.RunT(b)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		defer rdb.Close()
		benchSchedule(b, rdb, m)
	})
}

func benchSchedule(b *testing.B, rdb redis.UniversalClient, m *miniredis.Miniredis) {
	const n = 100_000
	ctx := context.Background()
	base := designProfile(b)
	roster := make([]push.Profile, n)
	for i := range roster {
		p := base
		p.ID = fmt.Sprintf("E%06d", i)
		p.ChatID = int64(1 + i)
		p.RDSpendYuan = map[string]int64{"2025": 5000000, "2026": 5000000 + int64(i%50)*100000}
		roster[i] = p
	}
	issued := push.WithIssued(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if m != nil {
			m.FlushAll()
		} else if err := rdb.FlushDB(ctx).Err(); err != nil { // the test database only (redistest)
			b.Fatal(err)
		}
		s := NewStore(rdb)
		if _, err := s.Import(ctx, roster); err != nil {
			b.Fatal(err)
		}
		sch := NewScheduler(s, asynq.NewClientFromRedisClient(rdb), ScheduleOptions{Bill: []push.BillOption{issued}})
		b.StartTimer()
		start := time.Now()
		r, err := sch.ScheduleBills(ctx, billDate)
		total += time.Since(start)
		if err != nil || r.Enqueued != n {
			b.Fatalf("%+v, %v", r, err)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/100k")
}
