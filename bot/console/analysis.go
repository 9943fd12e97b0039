package console

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
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

// ClauseRank is one row of "clauses that need explaining".
type ClauseRank struct {
	Clause      string
	Exchanges   int // exchanges resting on the clause
	Disliked    int // of which 👎
	FollowUps   int // answers on the clause (top) followed by another question within FollowUpWindow
	DislikeRate float64
	Score       int // Disliked + FollowUps
}

// RankClauses ranks clauses by 👎 plus follow-up confusion, highest first
// (ties: more exchanges, then clause id). Clauses with a zero score are left
// out; at most n rows.
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
		for _, id := range e.Clauses() {
			r := get(id)
			r.Exchanges++
			if e.Feedback == bot.VerdictDown {
				r.Disliked++
			}
		}
	}
	// Follow-ups: sort by chat then time.
	byChat := slices.Clone(ex)
	slices.SortFunc(byChat, func(a, b bot.Exchange) int {
		return cmp.Or(strings.Compare(a.ChatHash, b.ChatHash), a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
	for i := 0; i+1 < len(byChat); i++ {
		a, b := byChat[i], byChat[i+1]
		if a.ChatHash == "" || a.ChatHash != b.ChatHash || b.Time.Sub(a.Time) > FollowUpWindow {
			continue
		}
		if cl := a.Clauses(); len(cl) > 0 {
			get(cl[0]).FollowUps++
		}
	}
	out := make([]ClauseRank, 0, len(m))
	for _, r := range m {
		r.Score = r.Disliked + r.FollowUps
		if r.Exchanges > 0 {
			r.DislikeRate = float64(r.Disliked) / float64(r.Exchanges)
		}
		if r.Score > 0 {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b ClauseRank) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.DislikeRate, a.DislikeRate),
			cmp.Compare(b.Exchanges, a.Exchanges), strings.Compare(a.Clause, b.Clause))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// ClusterGroup is a group of similar unanswered or disliked questions.
type ClusterGroup struct {
	Size           int
	Representative string // the earliest question of the group
	RepID          string
	TopClause      string // most frequent first clause, "" when none
	Unanswered     int
	Disliked       int
	IDs            []string // members, oldest first
}

// Jaccard is |a∩b| / |a∪b| of two token sets.
func Jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func tokenSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range knowledge.Tokens(s) {
		m[t] = true
	}
	return m
}

// Cluster groups the unanswered and disliked exchanges by token overlap:
// greedily, oldest first, each question joins the group holding its most
// similar earlier question when that Jaccard similarity of knowledge.Tokens
// sets reaches threshold, else starts a new group. Groups
// are returned largest first (ties: earliest representative); at most n.
// The result depends only on the input set, not its order.
func Cluster(ex []bot.Exchange, threshold float64, n int) []ClusterGroup {
	var items []bot.Exchange
	for _, e := range ex {
		if !e.Answered || e.Feedback == bot.VerdictDown {
			items = append(items, e)
		}
	}
	slices.SortFunc(items, func(a, b bot.Exchange) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
	type group struct {
		ClusterGroup
		sets    []map[string]bool
		clauses map[string]int
		first   time.Time
	}
	var groups []*group
	for _, e := range items {
		set := tokenSet(e.Question)
		var best *group
		bestSim := 0.0
		for _, g := range groups {
			for _, s := range g.sets {
				if sim := Jaccard(set, s); sim >= threshold && sim > bestSim {
					best, bestSim = g, sim
				}
			}
		}
		if best == nil {
			best = &group{ClusterGroup: ClusterGroup{Representative: e.Question, RepID: e.ID}, clauses: map[string]int{}, first: e.Time}
			groups = append(groups, best)
		}
		best.sets = append(best.sets, set)
		best.Size++
		best.IDs = append(best.IDs, e.ID)
		if !e.Answered {
			best.Unanswered++
		}
		if e.Feedback == bot.VerdictDown {
			best.Disliked++
		}
		if cl := e.Clauses(); len(cl) > 0 {
			best.clauses[cl[0]]++
		}
	}
	out := make([]ClusterGroup, 0, len(groups))
	for _, g := range groups {
		top, topN := "", 0
		for id, k := range g.clauses {
			if k > topN || k == topN && id < top {
				top, topN = id, k
			}
		}
		g.TopClause = top
		out = append(out, g.ClusterGroup)
	}
	slices.SortStableFunc(out, func(a, b ClusterGroup) int { return cmp.Compare(b.Size, a.Size) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
