package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MemoryLog is an in-process ExchangeLog for tests and tools, with the same
// semantics as the Redis one (bot/redisstore): newest first, filters,
// cursors, owner-only feedback and bounded retention. Set its fields before
// first use.
type MemoryLog struct {
	Retention    time.Duration    // 90 days when 0
	MaxExchanges int              // 100000 when 0
	Now          func() time.Time // time.Now when nil

	mu   sync.Mutex
	byID map[string]Exchange
}

var _ ExchangeLog = (*MemoryLog)(nil)

// ErrBadCursor is wrapped by the ExchangeLog implementations' List (this one
// and bot/redisstore's) when the cursor is not one a List returned, so
// callers can tell bad input from a store failure.
var ErrBadCursor = errors.New("bad cursor")

// NewMemoryLog returns an empty in-process exchange log.
func NewMemoryLog() *MemoryLog { return &MemoryLog{} }

func (l *MemoryLog) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *MemoryLog) cutoff() time.Time {
	r := l.Retention
	if r <= 0 {
		r = 90 * 24 * time.Hour
	}
	return l.now().Add(-r)
}

// Append stores e; an id already stored changes nothing.
func (l *MemoryLog) Append(ctx context.Context, e Exchange) error {
	if e.ID == "" || strings.ContainsAny(e.ID, " :") {
		return fmt.Errorf("memory log: append: bad exchange id %q", e.ID)
	}
	if e.Time.IsZero() {
		return fmt.Errorf("memory log: append %s: time not set", e.ID)
	}
	if e.Feedback != "" && !ValidVerdict(e.Feedback) {
		return fmt.Errorf("memory log: append %s: bad verdict %q", e.ID, e.Feedback)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil {
		l.byID = map[string]Exchange{}
	}
	if _, ok := l.byID[e.ID]; ok {
		return nil
	}
	e.Citations = slices.Clone(e.Citations)
	e.Calculations = slices.Clone(e.Calculations)
	l.byID[e.ID] = e
	l.trimLocked()
	return nil
}

// trimLocked drops exchanges past the retention cutoff and the oldest past
// MaxExchanges.
func (l *MemoryLog) trimLocked() {
	cut := l.cutoff().UnixMilli()
	for id, e := range l.byID {
		if e.Time.UnixMilli() < cut {
			delete(l.byID, id)
		}
	}
	max := l.MaxExchanges
	if max <= 0 {
		max = 100000
	}
	if len(l.byID) <= max {
		return
	}
	all := l.sortedLocked()
	for _, e := range all[max:] {
		delete(l.byID, e.ID)
	}
}

// sortedLocked returns every exchange newest first, ties by id descending.
func (l *MemoryLog) sortedLocked() []Exchange {
	all := make([]Exchange, 0, len(l.byID))
	for _, e := range l.byID {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b Exchange) int {
		if c := b.Time.UnixMilli() - a.Time.UnixMilli(); c != 0 {
			if c > 0 {
				return 1
			}
			return -1
		}
		return strings.Compare(b.ID, a.ID)
	})
	return all
}

// Get returns one exchange or ErrNotFound.
func (l *MemoryLog) Get(ctx context.Context, id string) (Exchange, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byID[id]
	if !ok || e.Time.UnixMilli() < l.cutoff().UnixMilli() {
		return Exchange{}, fmt.Errorf("memory log: get %s: %w", id, ErrNotFound)
	}
	return e, nil
}

// SetFeedback records the vote of the exchange's own user, as the Redis
// log does: a different verdict replaces it, the same one changes nothing.
func (l *MemoryLog) SetFeedback(ctx context.Context, id, userHash, verdict, reason string, at time.Time) error {
	if !ValidVerdict(verdict) {
		return fmt.Errorf("memory log: feedback %s: bad verdict %q", id, verdict)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byID[id]
	if !ok {
		return fmt.Errorf("memory log: feedback %s: %w", id, ErrNotFound)
	}
	if e.UserHash != userHash {
		return fmt.Errorf("memory log: feedback %s: %w", id, ErrNotOwner)
	}
	if e.Feedback == verdict {
		return nil
	}
	e.Feedback, e.FeedbackReason = verdict, reason
	l.byID[id] = e
	return nil
}

// List returns matching exchanges newest first and the next page's cursor.
func (l *MemoryLog) List(ctx context.Context, q ExchangeQuery) ([]Exchange, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	if limit > MaxListLimit {
		limit = MaxListLimit
	}
	var curMs int64
	var curID string
	if q.Cursor != "" {
		msPart, id, ok := strings.Cut(q.Cursor, ":")
		ms, err := strconv.ParseInt(msPart, 10, 64)
		if !ok || err != nil || id == "" {
			return nil, "", fmt.Errorf("memory log: list: %w", ErrBadCursor)
		}
		curMs, curID = ms, id
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := l.cutoff().UnixMilli()
	out := []Exchange{}
	all := l.sortedLocked()
	for i, e := range all {
		ms := e.Time.UnixMilli()
		switch {
		case ms < cut,
			!q.Since.IsZero() && ms < q.Since.UnixMilli(),
			!q.Until.IsZero() && ms >= q.Until.UnixMilli(),
			q.Cursor != "" && (ms > curMs || ms == curMs && e.ID >= curID),
			q.Unanswered && e.Answered,
			q.Disliked && e.Feedback != VerdictDown,
			q.Clause != "" && !slices.Contains(e.Clauses(), q.Clause):
			continue
		}
		out = append(out, e)
		if len(out) == limit {
			if i == len(all)-1 {
				return out, "", nil
			}
			return out, strconv.FormatInt(ms, 10) + ":" + e.ID, nil
		}
	}
	return out, "", nil
}

// DeleteUser removes every exchange of the user.
func (l *MemoryLog) DeleteUser(ctx context.Context, userHash string) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for id, e := range l.byID {
		if e.UserHash == userHash {
			delete(l.byID, id)
			n++
		}
	}
	return n, nil
}

// MemoryChat is an in-process ChatMemory for tests and tools.
type MemoryChat struct {
	Now func() time.Time // time.Now when nil

	mu sync.Mutex
	m  map[string]memoryChatEntry
}

type memoryChatEntry struct {
	c       ChatContext
	expires time.Time
}

var _ ChatMemory = (*MemoryChat)(nil)

// NewMemoryChat returns an empty in-process chat memory.
func NewMemoryChat() *MemoryChat { return &MemoryChat{} }

func (m *MemoryChat) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Load returns the chat's context, or the zero value when none is kept.
func (m *MemoryChat) Load(ctx context.Context, chatHash string) (ChatContext, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[chatHash]
	if !ok || !m.now().Before(e.expires) {
		delete(m.m, chatHash)
		return ChatContext{}, nil
	}
	return e.c, nil
}

// Save keeps the context for ttl (DefaultChatTTL when ttl <= 0), masked
// (MaskChatContext) as the Redis store keeps it.
func (m *MemoryChat) Save(ctx context.Context, chatHash string, c ChatContext, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = DefaultChatTTL
	}
	c = MaskChatContext(c)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]memoryChatEntry{}
	}
	m.m[chatHash] = memoryChatEntry{c: c, expires: m.now().Add(ttl)}
	return nil
}

// Delete forgets the chat's context.
func (m *MemoryChat) Delete(ctx context.Context, chatHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, chatHash)
	return nil
}
