package console

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cdsme/policybot/bot/redisstore"
)

// DayCounter is where the overview's figures come from: per-day counters
// kept as exchanges arrive (redisstore.ExchangeLog keeps them), never a
// scan of the log.
type DayCounter interface {
	// Days returns the counters of each day from..to (YYYY-MM-DD, both
	// included), oldest first.
	Days(ctx context.Context, from, to string) ([]redisstore.DayCounts, error)
}

// WithDayCounter sets the daily counters the overview draws. By default
// the console uses the exchange log's own when it has them.
func WithDayCounter(d DayCounter) Option { return func(c *Console) { c.days = d } }

// Totals sums the daily counters into the overview's counts.
func Totals(days []redisstore.DayCounts) Stats {
	var s Stats
	for _, d := range days {
		s.Answered += int(d.Answered)
		s.Unanswered += int(d.Unanswered)
		s.Disliked += int(d.Down)
		s.Liked += int(d.Up)
		s.Fallbacks += int(d.Fallback)
	}
	s.Total = s.Answered + s.Unanswered
	if s.Total > 0 {
		s.AnsweredRate = float64(s.Answered) / float64(s.Total)
	}
	return s
}

// NeedCount is an unstated need and how often the documents' silence on it
// was the answer.
type NeedCount struct {
	Need  string
	Label string // in Chinese, for staff
	N     int
}

// topNeeds returns the needs by count, highest first (ties by need id).
func topNeeds(m map[string]int64, n int) []NeedCount {
	out := make([]NeedCount, 0, len(m))
	for need, k := range m {
		if k > 0 {
			out = append(out, NeedCount{Need: need, Label: NeedLabel(need), N: int(k)})
		}
	}
	slices.SortFunc(out, func(a, b NeedCount) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Need, b.Need)) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// needLabels name needs (the engine's need ids and the ask JSON's) for
// staff, short enough for a table cell.
var needLabels = map[string]string{
	"materials": "申报材料", "deadline": "申报时间", "payout": "到账时间", "cert_validity": "资格有效期",
	"procedure": "申报流程", "providers": "机构名单", "contact": "联系方式", "cost": "是否收费",
	"criteria": "申报条件", "cert_criteria": "认定标准", "definition": "定义", "stacking": "叠加享受",
	"validity": "施行期限", "amount": "金额", "issue_date": "印发日期", "breakdown": "分档金额",
	"rate": "利率", "other_level": "国家/省/区县政策", "budget": "资金规模", "eligibility": "能否申报",
	"department": "责任部门", "other": "其他",
}

// NeedLabel is a need's name for staff; an unknown need shows as its id.
func NeedLabel(need string) string {
	if l, ok := needLabels[need]; ok {
		return l
	}
	return need
}

// clauseSums adds up the days' counters per primary clause.
func clauseSums(days []redisstore.DayCounts) map[string]*redisstore.ClauseCounts {
	m := map[string]*redisstore.ClauseCounts{}
	for _, d := range days {
		for id, c := range d.Clauses {
			s := m[id]
			if s == nil {
				s = &redisstore.ClauseCounts{Unstated: map[string]int64{}}
				m[id] = s
			}
			s.Primary += c.Primary
			s.Answered += c.Answered
			s.Up += c.Up
			s.Down += c.Down
			for need, k := range c.Unstated {
				s.Unstated[need] += k
			}
		}
	}
	return m
}

// ClauseCountRanks is the overview's clause table from the daily counters:
// each exchange credits only its primary clause (its first citation).
// Ranked by 👎 plus not answered, then by exchanges, then clause id; clauses
// with a zero score are left out; at most n rows.
func ClauseCountRanks(days []redisstore.DayCounts, n int) []ClauseRank {
	var out []ClauseRank
	for id, s := range clauseSums(days) {
		r := ClauseRank{Clause: id, Exchanges: int(s.Primary), Answered: int(s.Answered), Disliked: int(s.Down),
			Liked: int(s.Up), Unstated: topNeeds(s.Unstated, 3)}
		r.finish(r.Disliked + r.Exchanges - r.Answered)
		if r.Score > 0 {
			out = append(out, r)
		}
	}
	return rankClauses(out, n)
}

// ClauseVolume is a clause and how many exchanges rest on it first.
type ClauseVolume struct {
	Clause            string
	Total, Answered   int
	Unanswered, Liked int
	Disliked          int
}

// TopClauses returns the primary clauses by exchanges over the days,
// most first (ties by clause id); at most n.
func TopClauses(days []redisstore.DayCounts, n int) []ClauseVolume {
	var out []ClauseVolume
	for id, s := range clauseSums(days) {
		if s.Primary > 0 {
			out = append(out, ClauseVolume{Clause: id, Total: int(s.Primary), Answered: int(s.Answered),
				Unanswered: int(s.Primary - s.Answered), Liked: int(s.Up), Disliked: int(s.Down)})
		}
	}
	slices.SortFunc(out, func(a, b ClauseVolume) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(a.Clause, b.Clause))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request) {
	p, err := c.parsePeriod(r)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD，起止不超过 "+strconv.Itoa(MaxPeriodDays)+" 天，且开始不晚于结束。", nil)
		return
	}
	data := map[string]any{"P": p, "Presets": Presets, "Counted": c.days != nil}
	if c.days != nil {
		days, err := c.days.Days(r.Context(), p.From, p.To)
		if err != nil {
			c.fail(w, r, http.StatusInternalServerError, "读取统计计数失败，请稍后再试。", err)
			return
		}
		all := map[string]int64{}
		for _, d := range days {
			for need, k := range d.Unstated {
				all[need] += k
			}
		}
		top := TopClauses(days, 10)
		data["Days"] = days
		data["Stats"] = Totals(days)
		data["Clauses"] = ClauseCountRanks(days, 15)
		data["Unstated"] = topNeeds(all, 10)
		data["DayChart"] = dayChart(days)
		data["ClauseChart"] = clauseChart(top)
	}
	c.render(w, r, "overview", data)
}
