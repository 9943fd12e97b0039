package asynqpush

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Bulk enqueueing. asynq's Client.Enqueue costs one round trip (one Lua
// call) per task, so 100 000 bills cost 100 000 round trips, and Redis
// and the client spend more on them than on the work. The bulk runs
// (ScheduleBills, ScheduleReminders, RebillParams, SendNotice) write
// asynq's task records themselves instead, a batch per round trip, exactly
// as asynq v0.26's Client would write each one: the same protobuf task
// message (asynqMessage), the same keys, and per task the steps of its
// enqueueCmd (pending) and scheduleCmd (scheduled) scripts
// (internal/rdb/rdb.go), so asynq's server, Inspector and Client see the
// tasks as their own, and a task id asynq already holds is refused just as
// Client.Enqueue refuses it (ErrTaskIDConflict). TestAsynqBatchMatchesClient
// compares the records byte for byte with the Client's; upgrading asynq
// needs that test to pass again.

// asynq's Redis keys (asynq internal/base). They are asynq's names, not
// ours, so they are built here, beside their only use, rather than in
// keys.go.
const asynqAllQueues = "asynq:queues" // set of every queue name

func asynqQueuePrefix(queue string) string  { return "asynq:{" + queue + "}:" }
func asynqTaskKey(queue, id string) string  { return asynqQueuePrefix(queue) + "t:" + id }
func asynqPendingKey(queue string) string   { return asynqQueuePrefix(queue) + "pending" }
func asynqScheduledKey(queue string) string { return asynqQueuePrefix(queue) + "scheduled" }

// asynqDefaultTimeout is the timeout asynq's Client gives a task that has
// neither a timeout nor a deadline (ours have neither).
const asynqDefaultTimeout = 30 * time.Minute

// asynqTask is one task as asynq's Client would enqueue it with the
// options TaskID(id), Queue(queue), ProcessAt(at), Retention(retention),
// MaxRetry(retry).
type asynqTask struct {
	typ, id, queue string
	payload        []byte
	retry          int
	retention      time.Duration
	at             time.Time
}

// asynqMessage is the protobuf encoding asynq's base.EncodeMessage gives
// t's TaskMessage (asynq internal/proto/asynq.proto): fields in number
// order, zero values left out (proto3): type 1, payload 2, id 3, queue 4,
// retry 5 (≥ 0), timeout 8 (the default 30 min, in seconds), retention 12 (in
// seconds); deadline 9 is 0 (none) and so absent, as are the fields a new
// task leaves empty (retried, error_msg, last_failed_at, unique_key,
// group_key, completed_at, headers).
func asynqMessage(t asynqTask) []byte {
	b := make([]byte, 0, 32+len(t.typ)+len(t.payload)+len(t.id)+len(t.queue))
	bytesField := func(num uint64, v []byte) {
		if len(v) > 0 {
			b = binary.AppendUvarint(b, num<<3|2)
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		}
	}
	varintField := func(num uint64, v int64) {
		if v != 0 {
			b = binary.AppendUvarint(b, num<<3)
			b = binary.AppendUvarint(b, uint64(v)) // a negative int32 or int64 is sign-extended to 10 bytes
		}
	}
	bytesField(1, []byte(t.typ))
	bytesField(2, t.payload)
	bytesField(3, []byte(t.id))
	bytesField(4, []byte(t.queue))
	varintField(5, int64(int32(max(t.retry, 0)))) // asynq.MaxRetry takes a negative count as 0
	varintField(8, int64(asynqDefaultTimeout.Seconds()))
	varintField(12, int64(t.retention.Seconds()))
	return b
}

// asynqEnqueueScript enqueues a batch of asynq tasks of one queue, each as
// asynq's enqueueCmd (due now: pending) or scheduleCmd (due later:
// scheduled) would, in order; a task whose id exists is left alone.
//
// KEYS[1] the queue's pending list, KEYS[2] the queue's scheduled set,
// KEYS[3…] the tasks' hashes, one per task
// ARGV[1] now (Unix ns: a pending task's pending_since), then three per
// task, in KEYS' order: its id, its encoded message (asynqMessage), and
// its process-at time (Unix s; "" for a pending task)
// returns one integer per task: 1 enqueued, 0 its id already existed.
var asynqEnqueueScript = redis.NewScript(`
local out = {}
for i = 3, #KEYS do
  local a = 2 + (i - 3) * 3
  if redis.call('EXISTS', KEYS[i]) == 1 then
    out[#out + 1] = 0
  elseif ARGV[a + 2] == '' then
    redis.call('HSET', KEYS[i], 'msg', ARGV[a + 1], 'state', 'pending', 'pending_since', ARGV[1])
    redis.call('LPUSH', KEYS[1], ARGV[a])
    out[#out + 1] = 1
  else
    redis.call('HSET', KEYS[i], 'msg', ARGV[a + 1], 'state', 'scheduled')
    redis.call('ZADD', KEYS[2], ARGV[a + 2], ARGV[a])
    out[#out + 1] = 1
  end
end
return out
`)

// enqueueAsynq enqueues ts (all of one queue) in one round trip, as
// asynq's Client.Enqueue would one by one: a task due after now (time.Now,
// as the Client decides) is scheduled, any other is pending now. isNew[i]
// is false when asynq already held ts[i]'s id. The queue must have been
// published (publishQueue).
func enqueueAsynq(ctx context.Context, rdb redis.Scripter, ts []asynqTask) (isNew []bool, err error) {
	if len(ts) == 0 {
		return nil, nil
	}
	queue := ts[0].queue
	keys := make([]string, 0, 2+len(ts))
	keys = append(keys, asynqPendingKey(queue), asynqScheduledKey(queue))
	args := make([]any, 0, 1+3*len(ts))
	now := time.Now()
	args = append(args, now.UnixNano())
	for _, t := range ts {
		if t.queue != queue {
			return nil, fmt.Errorf("asynqpush: enqueue: tasks of queues %q and %q in one batch", queue, t.queue)
		}
		at := ""
		if t.at.After(now) {
			at = strconv.FormatInt(t.at.Unix(), 10)
		}
		keys = append(keys, asynqTaskKey(queue, t.id))
		args = append(args, t.id, asynqMessage(t), at)
	}
	r, err := asynqEnqueueScript.Run(ctx, rdb, keys, args...).Int64Slice()
	if err != nil {
		return nil, fmt.Errorf("asynqpush: enqueueing %d tasks: %w", len(ts), err)
	}
	if len(r) != len(ts) {
		return nil, fmt.Errorf("asynqpush: enqueueing %d tasks: %d answers", len(ts), len(r))
	}
	isNew = make([]bool, len(ts))
	for i, n := range r {
		isNew[i] = n == 1
	}
	return isNew, nil
}

// publishQueue adds queue to asynq's set of queues, as asynq's Client does
// before its first task on a queue (its server and Inspector list queues
// from it).
func publishQueue(ctx context.Context, rdb redis.Cmdable, queue string) error {
	if err := rdb.SAdd(ctx, asynqAllQueues, queue).Err(); err != nil {
		return fmt.Errorf("asynqpush: publishing queue %q: %w", queue, err)
	}
	return nil
}
