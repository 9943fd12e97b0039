package asynqpush

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
)

// State is where one push (one enterprise's bill on one date, a reminder
// or a re-bill) stands.
type State string

// The states of a push. A push is planned when its task is enqueued; each
// attempt moves it on. Sent is final; the others may still move (a failed
// push that a retry delivers becomes sent).
const (
	StatePlanned      State = "planned"       // enqueued, not tried yet
	StateSent         State = "sent"          // Telegram accepted it
	StateFailed       State = "failed"        // the last try failed (429, 5xx, network…); asynq retries it unless out of retries
	StateBlocked      State = "blocked"       // 403: the chat blocked the bot and was unsubscribed
	StateSkippedQuiet State = "skipped_quiet" // it came up inside quiet hours: deferred to Next
	StateCancelled    State = "cancelled"     // the profile was deleted or unsubscribed before it went
)

// States lists every State, in the order above.
var States = []State{StatePlanned, StateSent, StateFailed, StateBlocked, StateSkippedQuiet, StateCancelled}

// Kinds of push in the ledger (Entry.Kind).
const (
	KindBill     = "bill"     // the monthly bill (TaskBill)
	KindReminder = "reminder" // a push.Reminder (TaskReminder); Detail is its kind
	KindRebill   = "rebill"   // a bill's change (TaskRebill); Detail is the change's hash
)

// Entry is one push in the ledger.
type Entry struct {
	Kind       string    `json:"kind"`             // KindBill, KindReminder, KindRebill
	Detail     string    `json:"detail,omitempty"` // the reminder's kind, the re-bill's change hash
	Enterprise string    `json:"enterprise"`
	Date       string    `json:"date"` // the bill date, the reminder's due day, the re-bill's day: YYYY-MM-DD
	State      State     `json:"state"`
	Chat       int64     `json:"chat,omitempty"`  // the chat it went (or was to go) to
	Attempts   int       `json:"attempts"`        // sends tried
	Updated    time.Time `json:"updated"`         // when State was recorded
	Next       time.Time `json:"next,omitzero"`   // when it comes back (skipped_quiet, a 429)
	Error      string    `json:"error,omitempty"` // the last failure
}

// Task is the entry's asynq task id.
func (e Entry) Task() string { return pushRef{e.Kind, e.Enterprise, e.Date, e.Detail}.taskID() }

// pushRef names one push: its kind ("" is a bill), enterprise, date and
// detail (the reminder's kind, the re-bill's change hash).
type pushRef struct{ kind, enterprise, date, detail string }

// memberSep separates a non-bill push's kind and detail in its ledger
// member; enterprise ids hold no control character.
const memberSep = "\x1f"

// member is the push's name in the ledger's indexes (ledgerMember for a
// bill; DATE:ENTERPRISE␟KIND␟DETAIL for the others).
func (r pushRef) member() string {
	if r.kind == "" || r.kind == KindBill {
		return ledgerMember(r.enterprise, r.date)
	}
	return ledgerMember(r.enterprise, r.date) + memberSep + r.kind + memberSep + r.detail
}

// taskID is the push's asynq task id.
func (r pushRef) taskID() string {
	switch r.kind {
	case KindReminder:
		return push.ReminderTaskID(r.enterprise, r.detail, r.date)
	case KindRebill:
		return RebillTaskID(r.enterprise, r.detail, r.date)
	case KindNotice:
		return NoticeTaskID(r.detail, r.enterprise)
	}
	return BillTaskID(r.enterprise, r.date)
}

// parseMember reads a ledger member back.
func parseMember(m string) pushRef {
	date, rest, _ := strings.Cut(m, ":")
	r := pushRef{kind: KindBill, enterprise: rest, date: date}
	if e, more, ok := strings.Cut(rest, memberSep); ok {
		r.enterprise = e
		r.kind, r.detail, _ = strings.Cut(more, memberSep)
	}
	return r
}

// LedgerOptions adjust a Ledger. Zero values take the defaults.
type LedgerOptions struct {
	// Retention: entries not updated for this long are dropped: 40 days
	// (a monthly bill and the month after it).
	Retention time.Duration
	// OnRecord is called with the new state of every recorded change
	// (cmd/policybot counts them in /metrics). It must be safe for
	// concurrent use.
	OnRecord func(State)
}

// Ledger records the state of every push in Redis, per push, for the staff
// console and /metrics. Writes are atomic Lua scripts; an entry's state
// and its place in the per-state indexes change together.
type Ledger struct {
	rdb redis.UniversalClient
	o   LedgerOptions
}

// NewLedger returns the ledger on rdb.
func NewLedger(rdb redis.UniversalClient, o LedgerOptions) *Ledger {
	if o.Retention <= 0 {
		o.Retention = 40 * 24 * time.Hour
	}
	if o.OnRecord == nil {
		o.OnRecord = func(State) {}
	}
	return &Ledger{rdb: rdb, o: o}
}

// change is one state change to record.
type change struct {
	kind, detail     string // "" for a bill (pushRef)
	enterprise, date string
	state            State
	at               time.Time
	chat             int64
	attempt          bool      // a send was tried
	next             time.Time // zero: none
	err              string
	sentTTL          time.Duration // > 0: also set the task's sent marker
	existing         bool          // record only over an entry the ledger has
}

func (c change) ref() pushRef { return pushRef{c.kind, c.enterprise, c.date, c.detail} }

func (c change) args(l *Ledger) (keys []string, args []any) {
	next := ""
	if !c.next.IsZero() {
		next = strconv.FormatInt(c.next.UnixMilli(), 10)
	}
	marker := ""
	if c.sentTTL > 0 {
		marker = strconv.FormatInt(c.sentTTL.Milliseconds(), 10)
	}
	attempt := 0
	if c.attempt {
		attempt = 1
	}
	existing := 0
	if c.existing {
		existing = 1
	}
	member := c.ref().member()
	keys = []string{ledgerKey(member), ledgerAllKey(), ledgerTimeKey(), sentKey(c.ref().taskID())}
	args = []any{member, string(c.state), ledgerStatePrefix, ledgerEntryPrefix, c.at.UnixMilli(),
		c.chat, attempt, next, c.err, marker, c.at.Add(-l.o.Retention).UnixMilli(), ledgerChatPrefix, existing}
	return keys, args
}

// record writes c. It returns whether the entry changed: planned is only
// recorded for a push the ledger does not know, and nothing moves a sent
// push (its sent marker is still written).
func (l *Ledger) record(ctx context.Context, c change) (bool, error) {
	keys, args := c.args(l)
	n, err := recordScript.Run(ctx, l.rdb, keys, args...).Int()
	if err != nil {
		return false, fmt.Errorf("asynqpush: ledger %s %s: %w", c.enterprise, c.state, err)
	}
	if n == 1 {
		l.o.OnRecord(c.state)
	}
	return n == 1, nil
}

// planned is one push to record as planned.
type planned struct {
	ref  pushRef
	chat int64
}

// plan records the pushes as planned, those the ledger does not know yet:
// one script for the batch, since 100 000 of them are scheduled at once
// (and the embedded Redis pays for every Lua call).
func (l *Ledger) plan(ctx context.Context, ps []planned, at time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	args := make([]any, 0, 3+2*len(ps))
	args = append(args, ledgerEntryPrefix, at.UnixMilli(), ledgerChatPrefix)
	for _, p := range ps {
		args = append(args, p.ref.member(), p.chat)
	}
	n, err := planScript.Run(ctx, l.rdb, []string{ledgerAllKey(), ledgerTimeKey(), ledgerStateKey(StatePlanned)}, args...).Int()
	if err != nil {
		return fmt.Errorf("asynqpush: ledger: planning %d pushes: %w", len(ps), err)
	}
	for range n {
		l.o.OnRecord(StatePlanned)
	}
	return nil
}

// Get returns the entry of enterprise's bill on date (YYYY-MM-DD); ok is
// false when the ledger has none.
func (l *Ledger) Get(ctx context.Context, enterprise, date string) (e Entry, ok bool, err error) {
	return l.get(ctx, pushRef{KindBill, enterprise, date, ""})
}

// GetReminder returns the entry of enterprise's reminder of kind (a
// push.Reminder kind) due on due (YYYY-MM-DD).
func (l *Ledger) GetReminder(ctx context.Context, enterprise, kind, due string) (e Entry, ok bool, err error) {
	return l.get(ctx, pushRef{KindReminder, enterprise, due, kind})
}

func (l *Ledger) get(ctx context.Context, r pushRef) (Entry, bool, error) {
	es, err := l.entries(ctx, []string{r.member()})
	if err != nil || len(es) == 0 {
		return Entry{}, false, err
	}
	return es[0], true, nil
}

// ForgetChat deletes the ledger's entries of the pushes to chat, and
// their sent markers (/forget, /deleteprofile). It returns how many.
func (l *Ledger) ForgetChat(ctx context.Context, chat int64) (int, error) {
	ms, err := forgetChatScript.Run(ctx, l.rdb, []string{ledgerChatKey(chat), ledgerAllKey(), ledgerTimeKey()},
		ledgerStatePrefix, ledgerEntryPrefix, chat).StringSlice()
	if err != nil {
		return 0, fmt.Errorf("asynqpush: ledger: forgetting chat: %w", err)
	}
	if len(ms) > 0 {
		keys := make([]string, len(ms))
		for i, m := range ms {
			keys[i] = sentKey(parseMember(m).taskID())
		}
		if err := l.rdb.Del(ctx, keys...).Err(); err != nil {
			return len(ms), fmt.Errorf("asynqpush: ledger: forgetting chat's sent markers: %w", err)
		}
	}
	return len(ms), nil
}

// Filter selects ledger entries; zero fields select everything.
type Filter struct {
	State State  // one state
	Date  string // one bill date, YYYY-MM-DD
}

// List returns up to limit entries (100 when limit ≤ 0) matching f, by bill
// date and then enterprise id, starting after cursor ("" for the first
// page); next is the cursor of the following page, "" after the last.
func (l *Ledger) List(ctx context.Context, f Filter, cursor string, limit int) (entries []Entry, next string, err error) {
	if limit <= 0 {
		limit = 100
	}
	index := ledgerAllKey()
	if f.State != "" {
		index = ledgerStateKey(f.State)
	}
	lo, hi := "-", "+"
	if f.Date != "" {
		lo, hi = "["+f.Date+":", "("+f.Date+";" // ';' follows ':'
	}
	if cursor != "" {
		if f.Date != "" && cursor < f.Date {
			return nil, "", fmt.Errorf("asynqpush: ledger cursor %q is not from this filter", cursor)
		}
		lo = "(" + cursor
	}
	members, err := l.rdb.ZRangeByLex(ctx, index, &redis.ZRangeBy{Min: lo, Max: hi, Count: int64(limit) + 1}).Result()
	if err != nil {
		return nil, "", fmt.Errorf("asynqpush: ledger list: %w", err)
	}
	if len(members) > limit {
		members = members[:limit]
		next = members[limit-1]
	}
	entries, err = l.entries(ctx, members)
	return entries, next, err
}

// Counts returns how many pushes the ledger holds in each state, every
// State present.
func (l *Ledger) Counts(ctx context.Context) (map[State]int64, error) {
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(States))
	for i, s := range States {
		cmds[i] = pipe.ZCard(ctx, ledgerStateKey(s))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("asynqpush: ledger counts: %w", err)
	}
	out := make(map[State]int64, len(States))
	for i, s := range States {
		out[s] = cmds[i].Val()
	}
	return out, nil
}

// entries reads the entries of members, in order, leaving out any dropped
// meanwhile.
func (l *Ledger) entries(ctx context.Context, members []string) ([]Entry, error) {
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(members))
	for i, m := range members {
		cmds[i] = pipe.HMGet(ctx, ledgerKey(m), "s", "c", "a", "u", "n", "e")
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, fmt.Errorf("asynqpush: ledger read: %w", err)
	}
	out := make([]Entry, 0, len(members))
	for i, m := range members {
		v := cmds[i].Val()
		str := func(j int) string { s, _ := v[j].(string); return s }
		num := func(j int) int64 { n, _ := strconv.ParseInt(str(j), 10, 64); return n }
		if str(0) == "" {
			continue
		}
		r := parseMember(m)
		e := Entry{Kind: r.kind, Detail: r.detail, Enterprise: r.enterprise, Date: r.date, State: State(str(0)), Chat: num(1),
			Attempts: int(num(2)), Updated: time.UnixMilli(num(3)).UTC(), Error: str(5)}
		if n := num(4); n != 0 {
			e.Next = time.UnixMilli(n).UTC()
		}
		out = append(out, e)
	}
	return out, nil
}
