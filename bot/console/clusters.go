package console

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// Confusion signals and clustering bounds.
const (
	// LowConfidence: an answer whose top citation scores below this rests
	// on a weak match of the documents' vocabulary.
	LowConfidence = 0.35
	// RephraseSimilarity: a later question of the same chat within
	// FollowUpWindow whose features are at least this similar (Jaccard),
	// or half as similar and answered from the same primary clause,
	// rephrases the earlier one: its answer did not help.
	RephraseSimilarity = 0.3
	// MaxClusterRead bounds the exchanges the clusters page reads (this
	// period and the previous one).
	MaxClusterRead = DefaultMaxOverview
	// anchorMinScore: a question without citations takes the clause the
	// index finds for it as its meaning when the match scores this much.
	anchorMinScore = 0.5
)

// Signals are the signs of confusion on one exchange.
type Signals struct {
	Unanswered    bool
	Disliked      bool
	Rephrased     bool   // the same chat asked again, in other words, within FollowUpWindow
	LowConfidence bool   // top citation scored below LowConfidence
	Unstated      string // the need the documents leave unstated (Exchange.Unstated)
}

// Any reports whether there is a sign of confusion.
func (s Signals) Any() bool {
	return s.Unanswered || s.Disliked || s.Rephrased || s.LowConfidence || s.Unstated != ""
}

// stopRunes are the function and question characters that say nothing of
// what a question is about (its need is compared separately).
var stopRunes = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "的了吗呢吧啊呀么嘛哦我你您他她它们是在有没不能可以会要想这那个些哪什怎多少几请问和与及或就还也都得地着过给对把被从到为该该吧呗弄办样" {
		m[r] = true
	}
	return m
}()

// Features are a question's tokens for clustering: knowledge.Tokens of the
// standardised question (dialect and homophone typos corrected) without
// those made only of stop characters, plus its content characters
// ("·税"), so 所得税 meets 交税.
func Features(question string) []string {
	s, _ := knowledge.Standardize(question)
	set := map[string]bool{}
	for _, t := range knowledge.Tokens(s) {
		for _, r := range t {
			if !stopRunes[r] {
				set[t] = true
				break
			}
		}
	}
	for _, r := range knowledge.Normalize(s) {
		if unicode.Is(unicode.Han, r) && !stopRunes[r] {
			set["·"+string(r)] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// jaccardSorted is |a∩b| / |a∪b| of two sorted, duplicate-free slices.
func jaccardSorted(a, b []string) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch strings.Compare(a[i], b[j]) {
		case 0:
			inter++
			i++
			j++
		case -1:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Similarity weights: a cluster is a meaning — the same clause and the
// same need are evidence beside the words.
const (
	sameClauseBonus  = 0.35
	sameNeedBonus    = 0.1
	otherClauseMalus = 0.2
)

// similarity of two confusion items: the Jaccard of their features, plus
// sameClauseBonus when they rest on the same clause (minus otherClauseMalus
// when on different ones), plus sameNeedBonus when they ask the same need
// (other than "other").
func similarity(a, b *clusterItem) float64 {
	s := jaccardSorted(a.feats, b.feats)
	switch {
	case a.clause != "" && a.clause == b.clause:
		s += sameClauseBonus
	case a.clause != "" && b.clause != "":
		s -= otherClauseMalus
	}
	if a.need != "" && a.need != "other" && a.need == b.need {
		s += sameNeedBonus
	}
	return s
}

type clusterItem struct {
	e       bot.Exchange
	sig     Signals
	feats   []string
	clause  string // the answer's primary clause, or the index's for a question without citations
	need    string
	current bool
}

// ConfusionSignals returns the signals of each exchange, by id. Rephrases
// are found among all the exchanges given, so pass every exchange of the
// period, not only the confused ones.
func ConfusionSignals(ex []bot.Exchange) map[string]Signals {
	return confusionSignals(ex, memoFeatures())
}

// memoFeatures is Features remembered by question: a question is read
// once however many pairs it is weighed in.
func memoFeatures() func(string) []string {
	m := map[string][]string{}
	return func(q string) []string {
		f, ok := m[q]
		if !ok {
			f = Features(q)
			m[q] = f
		}
		return f
	}
}

func confusionSignals(ex []bot.Exchange, features func(string) []string) map[string]Signals {
	out := make(map[string]Signals, len(ex))
	for _, e := range ex {
		s := Signals{Unanswered: !e.Answered, Disliked: e.Feedback == bot.VerdictDown, Unstated: e.Unstated}
		if len(e.Citations) > 0 && e.Citations[0].Score < LowConfidence {
			s.LowConfidence = true
		}
		out[e.ID] = s
	}
	followUps(ex, func(a, b bot.Exchange) {
		j := jaccardSorted(features(a.Question), features(b.Question))
		if j >= RephraseSimilarity || j >= RephraseSimilarity/2 && primaryClause(a) != "" && primaryClause(a) == primaryClause(b) {
			s := out[a.ID]
			s.Rephrased = true
			out[a.ID] = s
		}
	})
	return out
}

// Example is one question of a cluster.
type Example struct {
	ID, Question string
	Time         time.Time
}

// ReasonCount is a 👎 reason and how often it was given.
type ReasonCount struct {
	Reason string
	N      int
}

// Cluster is a group of confused questions that mean the same thing.
type Cluster struct {
	ID            string // the id of its oldest exchange
	Size          int    // exchanges in this period
	Previous      int    // exchanges in the previous period of the same length
	Clause        string // the clause most of them rest on, "" when none
	Need          string // the need most of them ask
	Unanswered    int
	Disliked      int
	Rephrased     int
	LowConfidence int
	Unstated      []NeedCount   // the needs the documents left unstated, most first
	Reasons       []ReasonCount // 👎 reasons, most first (at most 3)
	Examples      []Example     // up to 3 different questions, newest first
	IDs           []string      // this period's exchanges, newest first
}

// Trend is the change against the previous period.
func (c Cluster) Trend() int { return c.Size - c.Previous }

// NeedLabel is the cluster's need in Chinese.
func (c Cluster) NeedLabel() string { return NeedLabel(c.Need) }

// Clusters groups the confused exchanges (any Signals) by meaning: two join
// when their similarity — shared features (Features), the same primary
// clause, the same need — reaches threshold, and groups are the connected
// sets (single link, so the result does not depend on input order).
// Exchanges at or after split are this period, earlier ones the previous
// period (counted in Previous only). anchor, when not nil, gives the
// clause of a question without citations. Groups without an exchange in
// this period are left out; the rest come largest first (ties: rising
// most, then oldest); at most n (all when n <= 0).
func Clusters(ex []bot.Exchange, split time.Time, anchor func(question string) string, threshold float64, n int) []Cluster {
	features := memoFeatures()
	sigs := confusionSignals(ex, features)
	anchors := map[string]string{}
	var items []*clusterItem
	for _, e := range ex {
		s := sigs[e.ID]
		if !s.Any() {
			continue
		}
		it := &clusterItem{e: e, sig: s, feats: features(e.Question), clause: primaryClause(e), need: e.Need, current: !e.Time.Before(split)}
		if it.clause == "" && anchor != nil {
			a, ok := anchors[e.Question]
			if !ok {
				a = anchor(e.Question)
				anchors[e.Question] = a
			}
			it.clause = a
		}
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b *clusterItem) int {
		return cmp.Or(a.e.Time.Compare(b.e.Time), strings.Compare(a.e.ID, b.e.ID))
	})
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(i, j int) {
		if a, b := find(i), find(j); a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	// The same clause and the same need are enough on their own when the
	// bonuses reach the threshold: join those first, cheaply.
	if sameClauseBonus+sameNeedBonus >= threshold {
		first := map[[2]string]int{}
		for i, it := range items {
			if it.clause == "" || it.need == "" || it.need == "other" {
				continue
			}
			k := [2]string{it.clause, it.need}
			if j, ok := first[k]; ok {
				union(j, i)
			} else {
				first[k] = i
			}
		}
	}
	// Candidates: items sharing a feature or a clause.
	byKey := map[string][]int{}
	for i, it := range items {
		for _, f := range it.feats {
			byKey[f] = append(byKey[f], i)
		}
		if it.clause != "" {
			byKey["\x00"+it.clause] = append(byKey["\x00"+it.clause], i)
		}
	}
	mark := make([]int, len(items)) // mark[j] == i+1: j was weighed against i
	for i, it := range items {
		keys := it.feats
		if it.clause != "" {
			keys = append(slices.Clip(keys), "\x00"+it.clause)
		}
		for _, k := range keys {
			for _, j := range byKey[k] {
				if j <= i || mark[j] == i+1 {
					continue
				}
				mark[j] = i + 1
				if find(i) != find(j) && similarity(it, items[j]) >= threshold {
					union(i, j)
				}
			}
		}
	}
	groups := map[int][]*clusterItem{}
	for i, it := range items {
		r := find(i)
		groups[r] = append(groups[r], it)
	}
	out := make([]Cluster, 0, len(groups))
	for _, members := range groups {
		if c, ok := summarise(members); ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), cmp.Compare(b.Trend(), a.Trend()), strings.Compare(a.ID, b.ID))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// summarise makes a Cluster of members (oldest first); ok is false when
// none is in this period.
func summarise(members []*clusterItem) (Cluster, bool) {
	c := Cluster{ID: members[0].e.ID}
	clauses, needs, unstated, reasons := map[string]int{}, map[string]int{}, map[string]int64{}, map[string]int{}
	for _, it := range members {
		if !it.current {
			c.Previous++
			continue
		}
		c.Size++
		c.IDs = append(c.IDs, it.e.ID)
		if it.clause != "" {
			clauses[it.clause]++
		}
		if it.need != "" {
			needs[it.need]++
		}
		if it.sig.Unanswered {
			c.Unanswered++
		}
		if it.sig.Disliked {
			c.Disliked++
			if r := strings.TrimSpace(it.e.FeedbackReason); r != "" {
				reasons[r]++
			}
		}
		if it.sig.Rephrased {
			c.Rephrased++
		}
		if it.sig.LowConfidence {
			c.LowConfidence++
		}
		if it.sig.Unstated != "" {
			unstated[it.sig.Unstated]++
		}
	}
	if c.Size == 0 {
		return c, false
	}
	slices.Reverse(c.IDs)
	c.Clause, c.Need = mostFrequent(clauses), mostFrequent(needs)
	c.Unstated = topNeeds(unstated, 0)
	for r, k := range reasons {
		c.Reasons = append(c.Reasons, ReasonCount{Reason: r, N: k})
	}
	slices.SortFunc(c.Reasons, func(a, b ReasonCount) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Reason, b.Reason)) })
	if len(c.Reasons) > 3 {
		c.Reasons = c.Reasons[:3]
	}
	shown := map[string]bool{}
	for i := len(members) - 1; i >= 0 && len(c.Examples) < 3; i-- {
		it := members[i]
		key := knowledge.Normalize(it.e.Question)
		if !it.current || shown[key] {
			continue
		}
		shown[key] = true
		c.Examples = append(c.Examples, Example{ID: it.e.ID, Question: it.e.Question, Time: it.e.Time})
	}
	return c, true
}

// mostFrequent is the key with the highest count (ties: the smallest key).
func mostFrequent(m map[string]int) string {
	best, n := "", 0
	for k, v := range m {
		if v > n || v == n && k < best {
			best, n = k, v
		}
	}
	return best
}

// anchor is the clause the index finds for a question that cites none,
// when the match is strong enough to stand for its meaning; "" otherwise.
func (c *Console) anchor(ctx context.Context) func(string) string {
	c.ixOnce.Do(func() {
		if c.ix != nil {
			return
		}
		ix, err := knowledge.New(policies.MustDefault())
		if err != nil {
			c.log.Error("staff console: index for clustering", "err", err)
			return
		}
		c.ix = ix
	})
	if c.ix == nil {
		return nil
	}
	return func(q string) string {
		res, err := c.ix.Search(ctx, q, 1)
		if err != nil || len(res.Hits) == 0 || res.Hits[0].Score < anchorMinScore ||
			res.Scope == knowledge.ScopeOtherPlace || res.Scope == knowledge.ScopeEmpty {
			return ""
		}
		return res.Hits[0].ClauseID
	}
}

// readClusters reads this period and the previous one and clusters them.
func (c *Console) readClusters(w http.ResponseWriter, r *http.Request) (period, []Cluster, bool, bool) {
	p, err := c.parsePeriod(r)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD，起止不超过 "+strconv.Itoa(MaxPeriodDays)+" 天，且开始不晚于结束。", nil)
		return p, nil, false, false
	}
	prev := c.previous(p)
	ex, truncated, err := readAll(r, c.store, bot.ExchangeQuery{Since: prev.start, Until: p.end}, MaxClusterRead)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "读取对话记录失败，请稍后再试。", err)
		return p, nil, false, false
	}
	return p, Clusters(ex, p.start, c.anchor(r.Context()), DefaultClusterThreshold, 0), truncated, true
}

func (c *Console) clusters(w http.ResponseWriter, r *http.Request) {
	p, cl, truncated, ok := c.readClusters(w, r)
	if !ok {
		return
	}
	shown := cl
	if len(shown) > 30 {
		shown = shown[:30]
	}
	c.render(w, r, "clusters", map[string]any{
		"P": p, "Presets": Presets, "Clusters": shown, "All": len(cl), "Truncated": truncated, "Max": MaxClusterRead,
		"CSV": "/staff/clusters.csv?" + p.query(), "LowConfidence": LowConfidence,
	})
}

// ClusterCSVHeader is the header row of /staff/clusters.csv.
var ClusterCSVHeader = []string{"cluster", "size", "previous", "trend", "clause", "clause_title", "need", "unanswered",
	"disliked", "rephrased", "low_confidence", "unstated", "dislike_reasons", "examples", "ids"}

func clusterRow(c Cluster) []string {
	var unstated, reasons, examples []string
	for _, u := range c.Unstated {
		unstated = append(unstated, u.Label+"×"+strconv.Itoa(u.N))
	}
	for _, r := range c.Reasons {
		reasons = append(reasons, r.Reason+"×"+strconv.Itoa(r.N))
	}
	for _, e := range c.Examples {
		examples = append(examples, e.Question)
	}
	row := []string{c.ID, strconv.Itoa(c.Size), strconv.Itoa(c.Previous), strconv.Itoa(c.Trend()), c.Clause,
		clauseInfo(c.Clause).Title, c.NeedLabel(), strconv.Itoa(c.Unanswered), strconv.Itoa(c.Disliked),
		strconv.Itoa(c.Rephrased), strconv.Itoa(c.LowConfidence), strings.Join(unstated, "；"),
		strings.Join(reasons, "；"), strings.Join(examples, " | "), strings.Join(c.IDs, " ")}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

func (c *Console) clustersCSV(w http.ResponseWriter, r *http.Request) {
	p, cl, truncated, ok := c.readClusters(w, r)
	if !ok {
		return
	}
	if truncated {
		w.Header().Set("X-Export-Truncated", strconv.Itoa(MaxClusterRead))
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="clusters-`+p.From+`-`+p.To+`.csv"`)
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.Write(ClusterCSVHeader)
	for _, k := range cl {
		cw.Write(clusterRow(k))
	}
	cw.Flush()
	if err := bw.Flush(); err != nil {
		c.log.WarnContext(r.Context(), "staff clusters export write", "err", err)
	}
}
