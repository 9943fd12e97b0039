package telegram

import "sync"

// dispatcher runs jobs keyed by chat: one chat's jobs run one at a time in
// submission order, different chats in parallel up to a limit.
type dispatcher struct {
	mu     sync.Mutex
	queues map[int64][]func() // present: a drainer runs for the key
	max    int
	sem    chan struct{}
	wg     sync.WaitGroup
}

func newDispatcher(concurrency, perChat int) *dispatcher {
	return &dispatcher{queues: map[int64][]func(){}, max: perChat, sem: make(chan struct{}, concurrency)}
}

// submit queues job for key; false when the key's queue is full.
func (d *dispatcher) submit(key int64, job func()) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	q, running := d.queues[key]
	if len(q) >= d.max {
		return false
	}
	d.queues[key] = append(q, job)
	if !running {
		d.wg.Add(1)
		go d.drain(key)
	}
	return true
}

func (d *dispatcher) drain(key int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		job := q[0]
		q[0] = nil
		d.queues[key] = q[1:]
		d.mu.Unlock()
		d.sem <- struct{}{}
		job()
		<-d.sem
	}
}

// wait blocks until every queued job has run.
func (d *dispatcher) wait() { d.wg.Wait() }

// keyedMutex serialises work per key (webhook requests may arrive in
// parallel for one chat).
type keyedMutex struct {
	mu    sync.Mutex
	locks map[int64]*refMutex
}

type refMutex struct {
	sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key int64) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[int64]*refMutex{}
	}
	m := k.locks[key]
	if m == nil {
		m = &refMutex{}
		k.locks[key] = m
	}
	m.refs++
	k.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		k.mu.Lock()
		m.refs--
		if m.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// recentIDs remembers the last update ids to drop redeliveries.
type recentIDs struct {
	mu   sync.Mutex
	set  map[int64]struct{}
	ring [2048]int64
	next int
	n    int
}

// dup records id and reports whether it was seen before. Id 0 is never a
// duplicate.
func (r *recentIDs) dup(id int64) bool {
	if id == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set == nil {
		r.set = map[int64]struct{}{}
	}
	if _, ok := r.set[id]; ok {
		return true
	}
	if r.n == len(r.ring) {
		delete(r.set, r.ring[r.next])
	} else {
		r.n++
	}
	r.ring[r.next] = id
	r.next = (r.next + 1) % len(r.ring)
	r.set[id] = struct{}{}
	return false
}
