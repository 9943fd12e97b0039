package asynqpush

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
)

// QuietHours is a daily window, in Asia/Shanghai time, in which no push is
// sent: QUIET_HOURS, e.g. 21:00-08:00 (the window may wrap midnight). The
// zero value has no window.
type QuietHours struct {
	start, end int // seconds after midnight; start == end: no window
}

// DefaultQuietHours is QUIET_HOURS unset.
const DefaultQuietHours = "21:00-08:00"

// QuietSpread is how much of the allowed window (at most) the pushes
// deferred by quiet hours are spread over, so they do not all come back
// at the window's first second.
const QuietSpread = time.Hour

var quietRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$`)

// ParseQuietHours reads HH:MM-HH:MM (24-hour clock, Asia/Shanghai): pushes
// are held from the first time (included) to the second (excluded). A
// window that ends where it starts is refused: it would be ambiguous
// between no window and the whole day.
func ParseQuietHours(s string) (QuietHours, error) {
	m := quietRE.FindStringSubmatch(s)
	if m == nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM, e.g. %s", s, DefaultQuietHours)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	q := QuietHours{start: n(1)*3600 + n(2)*60, end: n(3)*3600 + n(4)*60}
	if q.start == q.end {
		return QuietHours{}, fmt.Errorf("quiet hours %q: the window starts where it ends", s)
	}
	return q, nil
}

// IsZero reports whether q has no window.
func (q QuietHours) IsZero() bool { return q.start == q.end }

func (q QuietHours) String() string {
	if q.IsZero() {
		return "none"
	}
	f := func(s int) string { return fmt.Sprintf("%02d:%02d", s/3600, s/60%60) }
	return f(q.start) + "-" + f(q.end)
}

// Contains reports whether t falls inside the window.
func (q QuietHours) Contains(t time.Time) bool {
	if q.IsZero() {
		return false
	}
	t = t.In(china)
	s := t.Hour()*3600 + t.Minute()*60 + t.Second()
	if q.start < q.end {
		return q.start <= s && s < q.end
	}
	return s >= q.start || s < q.end
}

// Next is the first time a push planned for t may go out: t itself outside
// the window; inside it, the window's end plus an offset in [0, spread)
// taken from a hash of key (the task id), in whole seconds (asynq keeps
// whole seconds). spread is QuietSpread, or the allowed part of the day
// if that is shorter, so the offset never reaches the next window.
func (q QuietHours) Next(t time.Time, key string) time.Time {
	if !q.Contains(t) {
		return t
	}
	c := t.In(china)
	end := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, china).Add(time.Duration(q.end) * time.Second)
	if !end.After(c) {
		end = end.AddDate(0, 0, 1)
	}
	return end.Add(q.offset(key))
}

// offset spreads the deferred pushes by key over the start of the allowed
// window.
func (q QuietHours) offset(key string) time.Duration {
	allowed := (q.start - q.end + 86400) % 86400 // seconds outside the window
	spread := min(int(QuietSpread/time.Second), allowed)
	if key == "" || spread <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return time.Duration(h.Sum64()%uint64(spread)) * time.Second
}

// QuietError defers a push that would fall inside quiet hours: asynq
// retries the task After later (RetryDelay), at Until, without counting it
// against MaxRetry.
type QuietError struct {
	Until time.Time
	After time.Duration
}

func (e *QuietError) Error() string {
	return fmt.Sprintf("quiet hours: deferred to %s", e.Until.In(china).Format("2006-01-02 15:04:05 MST"))
}

// retryDelayFunc is RetryDelay with quiet hours: a retry that would come
// back inside the window comes back at q.Next of that time instead (plus
// 1 s: asynq keeps whole seconds and may wake a task up to 1 s early).
func retryDelayFunc(q QuietHours, now func() time.Time) asynq.RetryDelayFunc {
	return func(n int, err error, t *asynq.Task) time.Duration {
		d := RetryDelay(n, err, t)
		if q.IsZero() {
			return d
		}
		start := now()
		at := start.Add(d)
		if next := q.Next(at, taskKey(t)); next.After(at) {
			return next.Sub(start) + time.Second
		}
		return d
	}
}

// taskKey is the task id of push task t, "" when t is not a readable push
// task.
func taskKey(t *asynq.Task) string {
	if t == nil {
		return ""
	}
	var pl billPayload
	if json.Unmarshal(t.Payload(), &pl) != nil {
		return ""
	}
	return pl.ref(t.Type()).taskID()
}
