package console

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot"
)

// Stats are the overview's counts for a period.
type Stats struct {
	Total, Answered, Unanswered, Disliked, Liked, Fallbacks int
	AnsweredRate                                            float64
}

// ComputeStats counts the exchanges.
func ComputeStats(ex []bot.Exchange) Stats {
	var s Stats
	for _, e := range ex {
		s.Total++
		if e.Answered {
			s.Answered++
		} else {
			s.Unanswered++
		}
		switch e.Feedback {
		case bot.VerdictDown:
			s.Disliked++
		case bot.VerdictUp:
			s.Liked++
		}
		if e.Mode == bot.ModeLLMFallback {
			s.Fallbacks++
		}
	}
	if s.Total > 0 {
		s.AnsweredRate = float64(s.Answered) / float64(s.Total)
	}
	return s
}

// FollowUpWindow: a question from the same chat within this time after an
// answer counts as follow-up confusion about the answer's top clause.
const FollowUpWindow = 5 * time.Minute

// ClauseRank is one row of "clauses that need explaining". Each exchange
// credits only its primary clause: the answer's first citation.
type ClauseRank struct {
	Clause      string
	Exchanges   int // exchanges whose primary clause it is
	Answered    int // of which answered
	Disliked    int // of which 👎
	Liked       int // of which 👍
	FollowUps   int // answers on the clause followed by another question within FollowUpWindow (RankClauses only)
	DislikeRate float64
	Score       int         // RankClauses: Disliked + FollowUps; ClauseCountRanks: Disliked + not answered
	Unstated    []NeedCount // the needs the documents left unstated, most first (ClauseCountRanks only)
}

// Unanswered is the number of its exchanges not answered.
func (r ClauseRank) Unanswered() int { return r.Exchanges - r.Answered }

func (r *ClauseRank) finish(score int) {
	r.Score = score
	if r.Exchanges > 0 {
		r.DislikeRate = float64(r.Disliked) / float64(r.Exchanges)
	}
}

// rankClauses sorts rows highest score first (ties: higher 👎 rate, more
// exchanges, clause id) and keeps at most n (all when n <= 0).
func rankClauses(out []ClauseRank, n int) []ClauseRank {
	slices.SortFunc(out, func(a, b ClauseRank) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.DislikeRate, a.DislikeRate),
			cmp.Compare(b.Exchanges, a.Exchanges), strings.Compare(a.Clause, b.Clause))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// primaryClause is the clause an answer rests on first: its first
// citation, "" when it cites none.
func primaryClause(e bot.Exchange) string {
	if len(e.Citations) > 0 {
		return e.Citations[0].ID
	}
	return ""
}

// followUps calls f for each exchange a and the next question b of the
// same chat when b came within FollowUpWindow.
func followUps(ex []bot.Exchange, f func(a, b bot.Exchange)) {
	byChat := slices.Clone(ex)
	slices.SortFunc(byChat, func(a, b bot.Exchange) int {
		return cmp.Or(strings.Compare(a.ChatHash, b.ChatHash), a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
	for i := 0; i+1 < len(byChat); i++ {
		a, b := byChat[i], byChat[i+1]
		if a.ChatHash != "" && a.ChatHash == b.ChatHash && b.Time.Sub(a.Time) <= FollowUpWindow {
			f(a, b)
		}
	}
}

// RankClauses ranks the primary clauses of the exchanges by 👎 plus
// follow-up confusion, highest first (ties: higher 👎 rate, more
// exchanges, then clause id). Clauses with a zero score are left out; at
// most n rows.
func RankClauses(ex []bot.Exchange, n int) []ClauseRank {
	m := map[string]*ClauseRank{}
	get := func(id string) *ClauseRank {
		r := m[id]
		if r == nil {
			r = &ClauseRank{Clause: id}
			m[id] = r
		}
		return r
	}
	for _, e := range ex {
		id := primaryClause(e)
		if id == "" {
			continue
		}
		r := get(id)
		r.Exchanges++
		if e.Answered {
			r.Answered++
		}
		switch e.Feedback {
		case bot.VerdictDown:
			r.Disliked++
		case bot.VerdictUp:
			r.Liked++
		}
	}
	followUps(ex, func(a, _ bot.Exchange) {
		if id := primaryClause(a); id != "" {
			get(id).FollowUps++
		}
	})
	out := make([]ClauseRank, 0, len(m))
	for _, r := range m {
		r.finish(r.Disliked + r.FollowUps)
		if r.Score > 0 {
			out = append(out, *r)
		}
	}
	return rankClauses(out, n)
}
