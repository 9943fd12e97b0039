package main

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// noticeOptions let staff send notices from the console
// (/staff/notices) when pushes go out (Telegram or WeChat configured);
// the bills a clause filter reads are computed as the push workers
// compute them (POLICY_ISSUED: issued).
func noticeOptions(rdb redis.UniversalClient, pushing bool, issued time.Time) []console.Option {
	if !pushing {
		return nil
	}
	return []console.Option{console.WithNotices(newConsoleNotices(rdb, issued, time.Now))}
}

// consoleNotices is asynqpush's notices as console.Notices: recipients
// are chosen, and the notice enqueued, on today's bills (Beijing).
type consoleNotices struct {
	sch *asynqpush.Scheduler
	now func() time.Time
}

func newConsoleNotices(rdb redis.UniversalClient, issued time.Time, now func() time.Time) consoleNotices {
	var bill []push.BillOption
	if !issued.IsZero() {
		bill = append(bill, push.WithIssued(issued))
	}
	return consoleNotices{asynqpush.NewScheduler(asynqpush.NewStore(rdb), nil, asynqpush.ScheduleOptions{Bill: bill, Now: now}), now}
}

func (n consoleNotices) filter(q console.NoticeQuery) asynqpush.NoticeFilter {
	return asynqpush.NoticeFilter{Tiers: q.Tiers, Clause: q.Clause, Day: beijingDay(n.now())}
}

func (n consoleNotices) Count(ctx context.Context, q console.NoticeQuery) (int, error) {
	return n.sch.CountNotice(ctx, n.filter(q))
}

func (n consoleNotices) Send(ctx context.Context, title, text string, q console.NoticeQuery) (string, int, int, error) {
	id, r, err := n.sch.SendNotice(ctx, asynqpush.Notice{Title: title, Text: text}, n.filter(q))
	return id, r.Enqueued, r.Duplicates, err
}
