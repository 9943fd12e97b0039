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

// updateLog remembers the last updates by id, to acknowledge a redelivered
// update without answering it twice, and to keep the replies of one that
// could not be delivered until Telegram redelivers it (webhook mode).
type updateLog struct {
	mu      sync.Mutex
	entries map[int64][]*outgoing // present: seen; non-empty: replies owed
	ring    []int64
	next    int
	// evicted is called with the replies still owed by an update that is
	// forgotten to make room.
	evicted func([]*outgoing)
}

func newUpdateLog(size int, evicted func([]*outgoing)) *updateLog {
	return &updateLog{entries: map[int64][]*outgoing{}, ring: make([]int64, 0, size), evicted: evicted}
}

// lookup reports whether id was seen, and the replies it still owes.
// Id 0 is never seen.
func (l *updateLog) lookup(id int64) (seen bool, owed []*outgoing) {
	l.mu.Lock()
	defer l.mu.Unlock()
	owed, seen = l.entries[id]
	return seen && id != 0, owed
}

// record stores id's outcome: the replies it still owes (none: done).
func (l *updateLog) record(id int64, owed []*outgoing) {
	if id == 0 {
		return
	}
	l.mu.Lock()
	var lost []*outgoing
	if _, ok := l.entries[id]; !ok {
		if len(l.ring) < cap(l.ring) {
			l.ring = append(l.ring, id)
		} else {
			old := l.ring[l.next]
			lost = l.entries[old]
			delete(l.entries, old)
			l.ring[l.next] = id
			l.next = (l.next + 1) % len(l.ring)
		}
	}
	l.entries[id] = owed
	l.mu.Unlock()
	if len(lost) > 0 && l.evicted != nil {
		l.evicted(lost)
	}
}
