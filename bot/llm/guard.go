package llm

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// Allowed is the set of figures a reply may state: every figure in the
// clause texts and titles given to the model, in the calculations (amount,
// inputs, steps, parameters, near-miss, notes) and in any extra reference
// text (the offline answer). Build it with NewAllowed; the zero value allows
// nothing but the always-allowed plain numbers 0, 1 and 12345 (the hotline)
// and small Chinese counts (两项).
type Allowed struct {
	money   map[string]bool // keys of non-percent values (money compares as yuan)
	percent map[string]bool // keys of percent values
	any     map[string]bool // every value, whatever its kind
	claims  map[string]bool // amounts a reply may tell as the user's: computed/fixed amount_yuan, near-miss gains, the total
	clauses map[string]bool // clause ids that exist (for reference checks)
}

// alwaysPlain are plain numbers any reply may use: 0, "一" as an article
// (一项补助, 一次性) and the 12345 government hotline.
var alwaysPlain = []int64{0, 1, 12345}

// NewAllowed builds the allowed figures from the clauses and calculations an
// answer rests on, plus extra reference texts (e.g. the offline answer). The
// user's question is deliberately not a source: a figure only the user wrote
// must come back through a calculator's inputs to be quotable.
func NewAllowed(clauses []policies.Clause, calcs []policies.Calculation, extra ...string) Allowed {
	a := Allowed{
		money:   map[string]bool{},
		percent: map[string]bool{},
		any:     map[string]bool{},
		claims:  map[string]bool{},
		clauses: map[string]bool{},
	}
	if c, err := policies.Default(); err == nil {
		for _, cl := range c.Clauses() {
			a.clauses[cl.ID] = true
		}
	}
	for _, c := range clauses {
		a.addText(c.Text)
		a.addText(c.Title)
		a.addText(c.DocTitle)
		a.clauses[c.ID] = true
	}
	var total int64
	payouts := 0
	for _, c := range calcs {
		a.addCalculation(c)
		if r, ok := policies.RuleByName(c.Rule); ok && !r.NotPayout && c.AmountYuan > 0 && claimable(c) {
			total += c.AmountYuan
			payouts++
		}
	}
	if payouts > 1 { // a bill's total is a claim too (合计251万)
		a.addInt(total)
		a.claims[new(big.Rat).SetInt64(total).RatString()] = true
	}
	for _, t := range extra {
		a.addText(t)
	}
	return a
}

// claimable reports whether a calculation's amount may be told to the user
// as what they get: a computed or fixed amount. A maximum (the 重大科技成果
// ceiling of 1000万) may only be quoted as a ceiling (最高…).
func claimable(c policies.Calculation) bool {
	switch c.Kind {
	case policies.KindComputed, policies.KindFixed, "":
		return true
	}
	return false
}

func (a *Allowed) addText(s string) {
	for _, f := range extractFigures(s) {
		a.add(f.Value, f.Kind)
	}
	for _, m := range yuan.Extract(s) {
		a.add(new(big.Rat).SetInt64(m.Yuan), kindMoney)
		if m.RangeTo > 0 {
			a.add(new(big.Rat).SetInt64(m.RangeTo), kindMoney)
		}
	}
}

func (a *Allowed) add(v *big.Rat, k figureKind) {
	key := v.RatString()
	a.any[key] = true
	if k == kindPercent {
		a.percent[key] = true
	} else {
		a.money[key] = true
	}
}

func (a *Allowed) addInt(v int64) { a.add(new(big.Rat).SetInt64(v), kindPlain) }

func (a *Allowed) addCalculation(c policies.Calculation) {
	a.addInt(c.AmountYuan)
	if claimable(c) {
		a.claims[new(big.Rat).SetInt64(c.AmountYuan).RatString()] = true
	}
	a.addText(c.Title)
	for _, v := range c.Inputs {
		a.addValue(v)
	}
	for _, s := range c.Steps {
		a.addText(s)
	}
	for _, s := range c.Notes {
		a.addText(s)
	}
	for _, p := range c.Params {
		a.addInt(p.Value)
		a.addText(p.Quote)
		if strings.Contains(p.Unit, "%") || strings.Contains(p.Unit, "percent") {
			a.add(new(big.Rat).SetInt64(p.Value), kindPercent)
		}
	}
	if n := c.NearMiss; n != nil {
		a.addInt(n.GapYuan)
		a.addInt(n.GainYuan)
		a.claims[new(big.Rat).SetInt64(n.GainYuan).RatString()] = true
		a.addText(n.Advice)
	}
}

// addValue adds a calculation input whatever its dynamic type: numbers,
// numeric strings ("6500000") and written amounts ("650万").
func (a *Allowed) addValue(v any) {
	switch x := v.(type) {
	case nil, bool:
	case string:
		if r, ok := new(big.Rat).SetString(strings.TrimSpace(x)); ok {
			a.add(r, kindPlain)
			return
		}
		a.addText(x)
	case json.Number:
		a.addValue(string(x))
	case int:
		a.addInt(int64(x))
	case int64:
		a.addInt(x)
	case int32:
		a.addInt(int64(x))
	case uint64:
		a.add(new(big.Rat).SetUint64(x), kindPlain)
	case float64:
		if r := new(big.Rat); r.SetFloat64(x) != nil {
			a.add(r, kindPlain)
		}
	case float32:
		a.addValue(float64(x))
	default:
		a.addText(fmt.Sprint(x))
	}
}

func (a Allowed) allows(f figure) bool {
	key := f.key()
	switch f.Kind {
	case kindPercent:
		return a.percent[key]
	case kindMoney:
		return a.money[key]
	case kindCount:
		return true
	default:
		if a.any[key] {
			return true
		}
		for _, n := range alwaysPlain {
			if f.Value.Cmp(new(big.Rat).SetInt64(n)) == 0 {
				return true
			}
		}
		return false
	}
}

// NumberError is a guard rejection. It matches ErrInventedNumber with
// errors.Is.
type NumberError struct {
	Figure string // the figure as the reply wrote it, e.g. "80万元" or "policy/99"
	Reason string // why it was rejected
}

func (e *NumberError) Error() string {
	return fmt.Sprintf("%s: %q %s", ErrInventedNumber.Error(), e.Figure, e.Reason)
}

// Is makes errors.Is(err, ErrInventedNumber) hold.
func (e *NumberError) Is(target error) bool { return target == ErrInventedNumber }

// claimMarkers introduce the amount the user is told they will get. A money
// figure after one of them (in the same phrase) is a claim.
var claimMarkers = []string{
	"可获得", "可以获得", "能获得", "能够获得", "将获得", "会获得", "可获", "可得到", "能得到",
	"可以拿到", "能拿到", "可拿到", "能拿", "可拿", "可领取", "可领", "可得", "能得", "应得",
	"奖励是", "奖励为", "补助是", "补助为", "补贴是", "补贴为", "贴息是", "贴息为", "金额是", "金额为",
	"合计", "共计", "总计", "一共", "总共",
}

// capMarkers anywhere in the phrase before a figure make it a quoted ceiling
// (最高500万元, 最高可获得300万元), not a claim.
var capMarkers = []string{"最高", "最多", "不超过", "不高于", "上限", "封顶", "至多"}

// thresholdMarkers right before a figure make it a quoted threshold
// (投资达到100万元), not a claim.
var thresholdMarkers = []string{"以上", "达到", "超过", "满", "突破"}

// CheckNumbers is the number guard. It extracts every figure from reply —
// Arabic numbers (thousands commas, decimals, %), 万/亿 scaling, Chinese
// numerals (五十万元, 百分之十五, 三年) — and requires each to match an
// allowed figure: money by integer-yuan value ("50万" == "500000元" ==
// "五十万元"), percentages by value, plain numbers (counts, years, steps)
// against any allowed value. Small counts in Chinese before a classifier
// (两项, 三种, up to maxCount) are always allowed. Clause references (policy/4, [plan/12], 第4条,
// 附件1) are not figures, but a quoted clause id must exist in the corpus.
// Money is read a second time with yuan.Extract, which also knows English
// and mixed forms ("3 million yuan", ranges).
//
// A second check guards claims: a money figure introduced as what the user
// gets (可获得, 能拿, 奖励是, 合计 … — see claimMarkers) must equal the
// amount_yuan of some computed or fixed calculation (or a near-miss gain,
// or the total of several payouts), unless it is quoted as a ceiling
// (最高, 不超过 …); so is a money figure right after 是/为/： in a phrase
// naming the award (奖励：…, 补助金额为…). So an injected "奖励是1000万" fails even though
// 1000万 is a policy/4 figure (the 重大科技成果 ceiling). The check is
// deliberately simple: it matches any calculation's amount, not the one for
// the rule the phrase names.
//
// The first rejected figure is reported as a *NumberError matching
// ErrInventedNumber.
func CheckNumbers(reply string, allowed Allowed) error {
	norm := normalize(reply)
	for _, m := range clauseRefRe.FindAllString(norm, -1) {
		id := strings.Join(strings.Fields(m), "")
		if len(allowed.clauses) > 0 && !allowed.clauses[id] {
			return &NumberError{Figure: m, Reason: "is not a clause of the documents"}
		}
	}
	// Money is read a second time with package yuan, which also knows
	// English and mixed forms ("3 million yuan", "RMB 2m", ranges) that
	// extractFigures sees only as bare numbers.
	mentions := yuan.Extract(norm)
	for _, m := range mentions {
		for _, v := range []int64{m.Yuan, m.RangeTo} {
			if v > 0 && !allowed.money[new(big.Rat).SetInt64(v).RatString()] {
				return &NumberError{Figure: m.Text, Reason: "appears in no clause or calculation"}
			}
		}
	}
	inMention := func(f figure) bool {
		for _, m := range mentions {
			if f.Start >= m.Start && f.End <= m.End {
				return true
			}
		}
		return false
	}
	for _, f := range extractFigures(norm) {
		if !inMention(f) && !allowed.allows(f) {
			return &NumberError{Figure: f.Text, Reason: "appears in no clause or calculation"}
		}
		if f.Kind == kindMoney && isClaim(norm, f.Start) && !allowed.claims[f.key()] {
			return &NumberError{Figure: f.Text, Reason: "is stated as the user's amount but no calculation gives it"}
		}
	}
	return nil
}

// isClaim reports whether the figure starting at byte start is introduced by
// a claim marker within its phrase (since the last punctuation) and is not a
// ceiling.
func isClaim(s string, start int) bool {
	phrase := s[:start]
	if i := strings.LastIndexAny(phrase, "，。；！？,;!?\n（("); i >= 0 {
		_, size := utf8.DecodeRuneInString(phrase[i:])
		phrase = phrase[i+size:]
	}
	trimmed := strings.TrimSpace(phrase)
	for _, c := range capMarkers {
		if strings.Contains(phrase, c) {
			return false
		}
	}
	for _, c := range thresholdMarkers {
		if strings.HasSuffix(trimmed, c) {
			return false
		}
	}
	for _, m := range claimMarkers {
		if strings.Contains(phrase, m) {
			return true
		}
	}
	// "奖励：1000万", "补助金额为60万": a copula right before the figure in
	// a phrase about the award.
	last, _ := utf8.DecodeLastRuneInString(trimmed)
	if strings.ContainsRune("是为：:", last) {
		for _, w := range awardWords {
			if strings.Contains(phrase, w) {
				return true
			}
		}
	}
	return false
}

// awardWords name what a user gets; with a copula before a figure they make
// a claim.
var awardWords = []string{"奖励", "补助", "补贴", "贴息", "资助", "奖金", "金额", "钱"}
