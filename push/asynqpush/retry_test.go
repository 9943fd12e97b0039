package asynqpush

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// flakySender answers 429 (retry after 1 s) to the first send.
type flakySender struct {
	mu    sync.Mutex
	tries []time.Time
	done  chan struct{}
}

func (f *flakySender) Send(context.Context, int64, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries = append(f.tries, time.Now())
	if len(f.tries) == 1 {
		return &RetryAfterError{After: time.Second, Err: errors.New("Too Many Requests: retry after 1")}
	}
	close(f.done)
	return nil
}

// TestServer429 runs a real asynq server: the 429 is retried after its
// retry_after, and does not use up a retry.
func TestServer429(t *testing.T) {
	_, rdb, s := workerSetup(t)
	f := &flakySender{done: make(chan struct{})}
	id := serveDesignBill(t, rdb, s, f, asynq.MaxRetry(1), asynq.Retention(time.Hour))
	select {
	case <-f.done:
	case <-time.After(10 * time.Second):
		t.Fatal("not delivered in 10 s")
	}
	f.mu.Lock()
	gap := f.tries[1].Sub(f.tries[0])
	f.mu.Unlock()
	// The bar is the lower bound: never before retry_after. The upper bound
	// only catches a lost retry; asynq's whole-second scheduling and a loaded
	// machine add seconds.
	if gap < time.Second || gap > 8*time.Second {
		t.Errorf("second try %v after the 429, want ≥ retry_after 1 s (and not lost)", gap)
	}
	// retried once with MaxRetry(1) and still delivered: the 429 was not a failure
	var info *asynq.TaskInfo
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if i, err := asynq.NewInspectorFromRedisClient(rdb).GetTaskInfo(DefaultQueue, id); err == nil && i.State == asynq.TaskStateCompleted {
			info = i
			break
		}
	}
	if info == nil {
		t.Fatal("task not completed")
	}
	if info.Retried != 0 {
		t.Errorf("Retried = %d, want 0 (429s do not count)", info.Retried)
	}
}

// serveDesignBill starts a one-worker push server on rdb delivering through
// f, stopped when the test ends, and enqueues the design profile's bill of
// 2026-11-30 with opts; it returns the task id.
func serveDesignBill(t *testing.T, rdb redis.UniversalClient, s *Store, f Sender, opts ...asynq.Option) string {
	t.Helper()
	srv := NewServer(rdb, ServerOptions{Concurrency: 1, DelayedTaskCheckInterval: 50 * time.Millisecond})
	if err := srv.Start(Mux(NewWorker(s, rdb, f, WorkerOptions{}))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	client := asynq.NewClientFromRedisClient(rdb)
	t.Cleanup(func() { client.Close() })
	id := BillTaskID(designProfile(t).ID, "2026-11-30")
	opts = append([]asynq.Option{asynq.TaskID(id), asynq.Queue(DefaultQueue)}, opts...)
	if _, err := client.Enqueue(billTask(t, designProfile(t).ID), opts...); err != nil {
		t.Fatal(err)
	}
	return id
}
