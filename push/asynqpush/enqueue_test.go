package asynqpush

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// asynqState is everything asynq keeps about a queue's new tasks: its
// place in the set of queues, the pending list, the scheduled set with
// scores, and each task's hash (pending_since, a clock reading, only
// marked present).
type asynqState struct {
	Queues    []string
	Pending   []string
	Scheduled []redis.Z
	Tasks     map[string]map[string]string
}

func readAsynqState(t *testing.T, rdb redis.UniversalClient, queue string, ids []string) asynqState {
	t.Helper()
	ctx := context.Background()
	var st asynqState
	var err error
	if st.Queues, err = rdb.SMembers(ctx, asynqAllQueues).Result(); err != nil {
		t.Fatal(err)
	}
	if st.Pending, err = rdb.LRange(ctx, asynqPendingKey(queue), 0, -1).Result(); err != nil {
		t.Fatal(err)
	}
	if st.Scheduled, err = rdb.ZRangeWithScores(ctx, asynqScheduledKey(queue), 0, -1).Result(); err != nil {
		t.Fatal(err)
	}
	st.Tasks = map[string]map[string]string{}
	for _, id := range ids {
		h, err := rdb.HGetAll(ctx, asynqTaskKey(queue, id)).Result()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := h["pending_since"]; ok {
			h["pending_since"] = "set"
		}
		st.Tasks[id] = h
	}
	return st
}

// TestAsynqBatchMatchesClient: the bulk enqueue writes what asynq's
// Client.Enqueue writes for the same tasks, byte for byte (the encoded
// task messages included), scheduled or pending, and refuses a task id
// asynq holds as the Client does — whichever of the two wrote it first.
func TestAsynqBatchMatchesClient(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		later := time.Now().Add(48 * time.Hour).Truncate(time.Second)
		ts := []asynqTask{
			{typ: TaskBill, id: "bill:E1:2026-12-01", queue: "q1", payload: []byte(`{"e":"E1","d":"2026-12-01"}`), retry: 12, retention: 8 * 24 * time.Hour, at: later},
			{typ: TaskRebill, id: "rebill:abc:2026-12-01:E2", queue: "q1", payload: []byte(`{"e":"E2","d":"2026-12-01","t":"您的账单有变化：…"}`), retry: 12, retention: 8 * 24 * time.Hour, at: time.Now().Add(-time.Minute)},
			{typ: TaskReminder, id: "reminder:E3", queue: "q1", payload: []byte(`{}`), retry: 0, retention: time.Hour, at: later.Add(300 * time.Second)},
			{typ: TaskBill, id: "bill:E4:2026-12-01", queue: "q1", payload: nil, retry: -1, retention: -time.Second, at: later},
		}
		ids := make([]string, len(ts))
		for i, x := range ts {
			ids[i] = x.id
		}

		// asynq's Client, one task at a time.
		client := asynq.NewClientFromRedisClient(b.RDB)
		for _, x := range ts {
			if _, err := client.EnqueueContext(ctx, asynq.NewTask(x.typ, x.payload), asynq.TaskID(x.id), asynq.Queue(x.queue),
				asynq.ProcessAt(x.at), asynq.Retention(x.retention), asynq.MaxRetry(x.retry)); err != nil {
				t.Fatal(err)
			}
		}
		want := readAsynqState(t, b.RDB, "q1", ids)
		// The batch refuses what the Client wrote.
		isNew, err := enqueueAsynq(ctx, b.RDB, ts)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]bool{false, false, false, false}, isNew); d != "" {
			t.Errorf("over the Client's tasks (-want +got):\n%s", d)
		}

		if err := b.RDB.FlushDB(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if err := publishQueue(ctx, b.RDB, "q1"); err != nil {
			t.Fatal(err)
		}
		// A task id twice in one batch is enqueued once.
		isNew, err = enqueueAsynq(ctx, b.RDB, append(ts, ts[0]))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]bool{true, true, true, true, false}, isNew); d != "" {
			t.Errorf("batch (-want +got):\n%s", d)
		}
		got := readAsynqState(t, b.RDB, "q1", ids)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("batch vs Client (-Client +batch):\n%s", d)
		}
		// The Client refuses what the batch wrote.
		x := ts[0]
		if _, err := client.EnqueueContext(ctx, asynq.NewTask(x.typ, x.payload), asynq.TaskID(x.id), asynq.Queue(x.queue)); !errors.Is(err, asynq.ErrTaskIDConflict) {
			t.Errorf("Client over the batch's task: %v", err)
		}
		// asynq reads the batch's tasks back as the Client's.
		info, err := asynq.NewInspectorFromRedisClient(b.RDB).GetTaskInfo("q1", x.id)
		if err != nil {
			t.Fatal(err)
		}
		type view struct {
			ID, Queue, Type, Payload string
			State                    asynq.TaskState
			MaxRetry                 int
			Retention                time.Duration
			Next                     int64
		}
		if d := cmp.Diff(view{x.id, "q1", x.typ, string(x.payload), asynq.TaskStateScheduled, 12, 8 * 24 * time.Hour, later.Unix()},
			view{info.ID, info.Queue, info.Type, string(info.Payload), info.State, info.MaxRetry, info.Retention, info.NextProcessAt.Unix()}); d != "" {
			t.Errorf("Inspector (-want +got):\n%s", d)
		}
	})
}
