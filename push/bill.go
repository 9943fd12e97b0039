package push

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// Bill is an enterprise's personal bill (红利账单) on a date. Its JSON is the
// `bill --json` contract (DESIGN.md): enterprise, date, total_yuan, items,
// near_misses, missing and deadlines are always present (arrays never null);
// the other fields are additions.
type Bill struct {
	Enterprise string `json:"enterprise"`
	Name       string `json:"name,omitempty"`
	ChatID     int64  `json:"chat_id,omitempty"`
	Date       string `json:"date"` // YYYY-MM-DD
	// TotalYuan sums the items' amounts. Items of kind "maximum" (贴息 caps)
	// count at their cap, as DESIGN's worked example does; MaximumYuan says
	// how much of the total is such a cap.
	TotalYuan   int64      `json:"total_yuan"`
	MaximumYuan int64      `json:"maximum_yuan"`
	Items       []Item     `json:"items"`
	NearMisses  []NearMiss `json:"near_misses"`
	Missing     []string   `json:"missing"`
	Deadlines   []Deadline `json:"deadlines"`
	// Facts are the profile's figures and dates the bill rests on, in
	// Chinese ("2026年研发投入930万（2025年500万）"): a reader sees what was
	// used before any amount (profileFacts, message.go).
	Facts []string `json:"facts"`
	// Notes explain what the bill left out and why (amounts of 0, dates
	// outside the window, the drafts' status).
	Notes []string `json:"notes"`
}

// Item is one amount the enterprise can apply for: a calculator's receipt
// plus what to do to claim it.
type Item struct {
	Rule       string              `json:"rule"`
	Clause     string              `json:"clause"`
	Title      string              `json:"title"`
	Kind       policies.AmountKind `json:"kind"` // fixed | computed | maximum
	AmountYuan int64               `json:"amount_yuan"`
	Steps      []string            `json:"steps"`
	Action     string              `json:"action"`
	Inputs     map[string]any      `json:"inputs,omitempty"`
	Notes      []string            `json:"notes,omitempty"`
	Params     []policies.ParamRef `json:"params,omitempty"`
}

// NearMiss is what it would take to reach the next step of a rule.
type NearMiss struct {
	Rule     string `json:"rule"`
	Clause   string `json:"clause"`
	GapYuan  int64  `json:"gap_yuan"`
	GainYuan int64  `json:"gain_yuan"`
	Advice   string `json:"advice"`
}

// Deadline is a date the enterprise should act on, on or after the bill date.
type Deadline struct {
	Kind   string `json:"kind"` // DeadlineReview | DeadlineEffective | DeadlineExpiry
	Date   string `json:"date"` // YYYY-MM-DD
	Clause string `json:"clause"`
	Advice string `json:"advice"`
	Tier   string `json:"tier,omitempty"` // for DeadlineReview
}

// Deadline kinds.
const (
	DeadlineReview    = "certification_review" // a certification reaches 3 years: 复核
	DeadlineEffective = "policy_effective"     // 附件2 takes effect
	DeadlineExpiry    = "policy_expiry"        // 附件2's last valid day
)

// certYears is how long a certification (创新型 / 专精特新 / 小巨人) stays
// valid under MIIT's 梯度培育管理办法; a review is due when it lapses. The
// corpus does not state it, so it is not a cited parameter.
const certYears = 3

// windowMonths is the bill window for one-off awards: a recognition or an
// approved standard counts when its date falls in the 12 months ending on the
// bill date. Awards are claimed in yearly 申报 rounds; an older event was
// either claimed already or is out of time, and counting it would promise
// money twice across yearly bills.
const windowMonths = 12

// BillOption adjusts ComputeBill.
type BillOption func(*billConfig)

type billConfig struct {
	issued, effective, expires time.Time
	paramsOn                   time.Time        // zero: the bill date
	params                     *policies.Params // nil: the embedded table
}

// WithParams computes the bill on the parameter table ps instead of the
// embedded one: a table with a dated value the release does not carry yet
// (policies.LoadParams), for re-bills and their tests.
func WithParams(ps *policies.Params) BillOption { return func(c *billConfig) { c.params = ps } }

// WithIssued gives 附件2's issue date (POLICY_ISSUED): the bill then carries
// the policy's effective date (if still ahead) and its last valid day as
// deadlines (policies.EffectiveDate). A zero time is ignored. The dates are
// computed here, once: reuse the option across a roster's bills.
func WithIssued(issued time.Time) BillOption {
	if issued.IsZero() {
		return func(*billConfig) {}
	}
	start, end, _ := policies.EffectiveDate(issued)
	return func(c *billConfig) { c.issued, c.effective, c.expires = issued, start, end }
}

// WithParamsOn computes the amounts with the parameter values
// (policies/rules/params.yaml) valid on day instead of on the bill date;
// everything else — award windows, years, certifications, deadlines — is
// still read on the bill date. Comparing a bill with itself WithParamsOn
// the day before shows what a dated parameter value taking effect changes,
// and nothing else. A zero day is ignored.
func WithParamsOn(day time.Time) BillOption {
	return func(c *billConfig) {
		if !day.IsZero() {
			c.paramsOn = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
}

// ComputeBill computes p's bill on date (its calendar day is used; the
// clock time and zone are dropped). Every amount comes from
// policies.Calculate with the parameters valid on that date. The mapping:
//
//   - tiers recognised in the window: little_giant (new only) and
//     provincial_sme (new or review) under policy/1; both in one window are
//     the same matter (提档升位), so only the higher is paid
//     (policies.ApplyNoDoubleDipping). innovative_sme carries no cash: a note.
//   - revenue_yuan: revenue_milestone for the latest year (not after the bill
//     year, at most one year before it), previous maximum from earlier years.
//   - rd_spend_yuan: rd_increase on the latest year and the one before it.
//   - digital_investment_yuan > 0: digital_transformation.
//   - commercialization_rd_yuan > 0: rd_commercialization.
//   - standards approved in the window: standard, all levels in one receipt.
//   - loans: zhuangda_loan on the summed interest of all 壮大贷, xinyidai_loan
//     on the summed principal of all 新易贷 (the caps are per enterprise).
//
// Rules under policy/2–6 apply to 优质中小企业 only: without a certification
// valid on the date (recognised less than 3 years ago, or undated) their
// amounts are not items; a missing line says what they would be.
//
// ComputeBill never fails: a profile that Validate rejects yields notes
// where a figure could not be used.
func ComputeBill(p Profile, date time.Time, opts ...BillOption) Bill {
	return computeBill(p, date, false, opts)
}

// Newsworthy reports whether p's bill on date has something to say — items,
// near misses or deadlines, as ComputeBill(p, date, opts...) would have
// them — the scheduler's question for every subscribed enterprise. It
// composes none of the bill's texts (the push worker composes them when
// it sends), and a bill with a deadline (附件2's last valid day with
// WithIssued, a certification review) says something whatever its
// amounts, so those are computed only when no date settles it.
func Newsworthy(p Profile, date time.Time, opts ...BillOption) bool {
	var cfg billConfig
	for _, o := range opts {
		o(&cfg)
	}
	bc := newBillCtx(p, date, true, cfg)
	if bc.policyDates(cfg); len(bc.b.Deadlines) > 0 {
		return true
	}
	if bc.tiers(p.Tiers); len(bc.b.Deadlines) > 0 {
		return true
	}
	bc.amounts(p)
	return len(bc.b.Items) > 0 || len(bc.b.NearMisses) > 0
}

// computeBill is ComputeBill; bare leaves out the texts that decide
// nothing: facts, notes, missing lines and items' actions.
func computeBill(p Profile, date time.Time, bare bool, opts []BillOption) Bill {
	var cfg billConfig
	for _, o := range opts {
		o(&cfg)
	}
	bc := newBillCtx(p, date, bare, cfg)
	if !bare {
		bc.b.Facts = profileFacts(p)
	}
	bc.tiers(p.Tiers)
	bc.amounts(p)
	bc.policyDates(cfg)
	if doc, ok := policies.MustDefault().Document("policy"); !bare && ok && doc.Draft() {
		bc.note("《%s》是%s：金额按征求意见稿计算，以正式印发的文本和主管部门审核为准。", doc.Title, strings.Trim(doc.Status, "（）()"))
	}
	slices.SortStableFunc(bc.b.Deadlines, func(a, b Deadline) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.Kind, b.Kind))
	})
	return bc.b
}

// newBillCtx starts p's bill on date's calendar day.
func newBillCtx(p Profile, date time.Time, bare bool, cfg billConfig) *billCtx {
	clausesOnce.Do(loadCatalogue)
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
	return &billCtx{
		day:         day,
		paramsOn:    cmp.Or(cfg.paramsOn, day),
		params:      cfg.params,
		windowStart: day.AddDate(0, -windowMonths, 0),
		bare:        bare,
		b: Bill{
			Enterprise: p.ID, Name: p.Name, ChatID: p.ChatID, Date: day.Format(time.DateOnly),
			Items: []Item{}, NearMisses: []NearMiss{}, Missing: []string{}, Deadlines: []Deadline{}, Notes: []string{},
		},
	}
}

// amounts computes every rule but the tiers' awards (tiers) and turns the
// receipts into items and near misses (finish).
func (bc *billCtx) amounts(p Profile) {
	if p.DigitalInvestmentYuan > 0 {
		bc.calc("digital_transformation", policies.Inputs{"investment_yuan": itoa(p.DigitalInvestmentYuan)}, true)
	}
	bc.revenue(p.RevenueYuan)
	bc.rd(p.RDSpendYuan)
	if p.CommercializationRDYuan > 0 {
		bc.calc("rd_commercialization", policies.Inputs{"rd_yuan": itoa(p.CommercializationRDYuan)}, true)
	}
	bc.standards(p.Standards)
	bc.loans(p.Loans)
	bc.finish()
}

// billCtx accumulates one bill.
type billCtx struct {
	day, windowStart time.Time
	paramsOn         time.Time        // the parameter values' day: day unless WithParamsOn
	params           *policies.Params // WithParams; nil: the embedded table
	b                Bill
	entries          []entry
	qualified        bool // a certification is valid on the bill date
	bare             bool // no notes, missing lines or actions (Newsworthy)
}

// entry is one receipt before the bill is assembled.
type entry struct {
	c         policies.Calculation
	needsCert bool // policy/2–6: for 优质中小企业 only
	zeroed    bool // lost to 就高不就低
	notes     []string
}

func (bc *billCtx) note(format string, a ...any) {
	if bc.bare {
		return
	}
	bc.b.Notes = append(bc.b.Notes, fmt.Sprintf(format, a...))
}

func (bc *billCtx) missing(format string, a ...any) {
	if bc.bare {
		return
	}
	bc.b.Missing = append(bc.b.Missing, fmt.Sprintf(format, a...))
}

// calc runs one calculator; an error (only possible for a profile that was
// not validated) becomes a note.
func (bc *billCtx) calc(rule string, in policies.Inputs, needsCert bool, notes ...string) *entry {
	var opts []policies.CalcOption
	if bc.params != nil {
		opts = append(opts, policies.WithParams(bc.params))
	}
	if bc.bare {
		opts = append(opts, policies.AmountOnly()) // Newsworthy reads no texts
	}
	c, err := policies.CalculateWith(rule, in, bc.paramsOn, opts...)
	if err != nil {
		bc.note("%s：资料中的数据无法用于计算，未计入", ruleTitle(rule))
		return nil
	}
	bc.entries = append(bc.entries, entry{c: c, needsCert: needsCert, notes: notes})
	return &bc.entries[len(bc.entries)-1]
}

func (bc *billCtx) inWindow(t time.Time) bool {
	return t.After(bc.windowStart) && !t.After(bc.day)
}

var tierNames = map[string]string{
	TierInnovative:  "创新型中小企业",
	TierProvincial:  "省级专精特新中小企业",
	TierLittleGiant: "国家专精特新“小巨人”企业",
}

func (bc *billCtx) tiers(ts []Tier) {
	latest := map[string]time.Time{}
	var awards []int // indexes into bc.entries, policy/1 awards in the window
	innovative := false
	for i, t := range ts {
		name := cmp.Or(tierNames[t.Tier], t.Tier)
		if t.Recognized == "" {
			// Undated: taken as a current certification, but no award and no
			// review date, since neither can be placed in time.
			bc.qualified = true
			bc.missing("提供第%d项认定（%s）的认定日期，可核对是否在本期申报范围、提醒复核", i+1, name)
			continue
		}
		rec, err := parseDate(t.Recognized)
		if err != nil {
			bc.note("%s：认定日期“%s”无法识别，未计入", name, t.Recognized)
			continue
		}
		if rec.After(bc.day) {
			bc.note("%s认定日期%s在账单日之后，本期未计入", name, t.Recognized)
			continue
		}
		if bc.day.Before(rec.AddDate(certYears, 0, 0)) {
			bc.qualified = true
		}
		if rec.After(latest[t.Tier]) {
			latest[t.Tier] = rec
		}
		if !bc.inWindow(rec) {
			continue // an older recognition: claimed in its own year
		}
		switch t.Tier {
		case TierLittleGiant, TierProvincial:
			if e := bc.calc(t.Tier, policies.Inputs{"kind": t.Kind}, false); e != nil && e.c.AmountYuan > 0 {
				awards = append(awards, len(bc.entries)-1)
			}
		case TierInnovative:
			innovative = true
		}
	}
	if innovative {
		bc.calc("innovative_sme", nil, false)
	}
	if len(awards) > 1 {
		calcs := make([]policies.Calculation, len(awards))
		for i, k := range awards {
			calcs[i] = bc.entries[k].c
		}
		for i, c := range policies.ApplyNoDoubleDipping(calcs) {
			e := &bc.entries[awards[i]]
			e.zeroed = c.AmountYuan == 0
			e.c = c
		}
	}
	// Review deadlines and lapsed certifications, per tier, from its latest
	// recognition.
	for _, tier := range tierChoices {
		rec, ok := latest[tier]
		if !ok {
			continue
		}
		due := rec.AddDate(certYears, 0, 0)
		name := tierNames[tier]
		if due.Before(bc.day) {
			bc.missing("%s认定（%s）已于%s满%d年：如已通过复核，请补充复核日期；未复核的需重新申报以保持优质中小企业资格",
				name, rec.Format(time.DateOnly), due.Format(time.DateOnly), certYears)
			continue
		}
		advice := fmt.Sprintf("%s认定（%s）将于%s满%d年，请提前准备复核材料，保持优质中小企业资格", name, rec.Format(time.DateOnly), due.Format(time.DateOnly), certYears)
		switch {
		case bc.bare: // the advice is text
		case tier == TierProvincial:
			if c, err := policies.Calculate("provincial_sme", policies.Inputs{"kind": KindReview}, due); err == nil && c.AmountYuan > 0 {
				advice += fmt.Sprintf("；通过复核可再得%s奖励（第1条）", yuan.Format(c.AmountYuan))
			}
		case tier == TierLittleGiant:
			advice += "（“小巨人”复核不在第1条奖励之列）"
		}
		bc.b.Deadlines = append(bc.b.Deadlines, Deadline{Kind: DeadlineReview, Date: due.Format(time.DateOnly), Clause: "policy/1", Advice: advice, Tier: tier})
	}
}

// latestYear is the latest year in m not after the bill year, and whether
// there is one.
func (bc *billCtx) latestYear(m map[string]int64) (int, bool) {
	best := 0
	for k := range m {
		if y, ok := parseYear(k); ok && y <= bc.day.Year() && y > best {
			best = y
		}
	}
	return best, best > 0
}

func (bc *billCtx) revenue(m map[string]int64) {
	y, ok := bc.latestYear(m)
	switch {
	case len(m) == 0:
		bc.missing("提供近两年营业收入，可测算营收首次突破1亿元、5亿元奖励（第3条）")
		return
	case !ok || y < bc.day.Year()-1:
		bc.missing("营业收入只提供到%s，提供%d年或%d年营收可测算营收首次突破奖励（第3条）", yearText(y), bc.day.Year()-1, bc.day.Year())
		return
	}
	rev := m[strconv.Itoa(y)]
	if rev <= 0 {
		return
	}
	in := policies.Inputs{"revenue_yuan": itoa(rev)}
	hasPrev := false
	var prev int64
	for k, v := range m {
		if py, ok := parseYear(k); ok && py < y {
			hasPrev, prev = true, max(prev, v)
		}
	}
	if hasPrev {
		in["previous_max_revenue_yuan"] = itoa(prev)
	}
	e := bc.calc("revenue_milestone", in, true, fmt.Sprintf("按%d年营收计算", y))
	if e != nil && !hasPrev && e.c.AmountYuan > 0 {
		bc.missing("提供%d年以前的营业收入，可核对是否“首次”突破（第3条）", y)
	}
}

func (bc *billCtx) rd(m map[string]int64) {
	y, ok := bc.latestYear(m)
	switch {
	case len(m) == 0:
		bc.missing("提供近两年研发投入，可测算研发投入增量补助（第4条）")
		return
	case !ok || y < bc.day.Year()-1:
		bc.missing("研发投入只提供到%s，提供%d年和%d年研发投入可测算研发投入增量补助（第4条）", yearText(y), bc.day.Year()-1, bc.day.Year())
		return
	}
	last, ok := m[strconv.Itoa(y-1)]
	if !ok {
		bc.missing("提供%d年研发投入，与%d年比较可测算研发投入增量补助（第4条）", y-1, y)
		return
	}
	bc.calc("rd_increase", policies.Inputs{"rd_this_year_yuan": itoa(m[strconv.Itoa(y)]), "rd_last_year_yuan": itoa(last)}, true,
		fmt.Sprintf("按%d年比%d年的研发投入增量计算", y, y-1))
}

func yearText(y int) string {
	if y == 0 {
		return "账单年度之后"
	}
	return strconv.Itoa(y) + "年"
}

func (bc *billCtx) standards(ss []Standard) {
	var levels []string
	old := 0
	for i, s := range ss {
		if s.Approved == "" {
			bc.missing("提供第%d项技术标准的批准日期，可测算标准奖励（第5条）", i+1)
			continue
		}
		t, err := parseDate(s.Approved)
		switch {
		case err != nil:
			bc.note("技术标准：批准日期“%s”无法识别，未计入", s.Approved)
		case t.After(bc.day):
			bc.note("技术标准批准日期%s在账单日之后，本期未计入", s.Approved)
		case !bc.inWindow(t):
			old++
		default:
			levels = append(levels, s.Level)
		}
	}
	if old > 0 {
		bc.note("%d项技术标准在%s之前获批，不在本期（账单日前%d个月）申报范围，未计入", old, bc.windowStart.AddDate(0, 0, 1).Format(time.DateOnly), windowMonths)
	}
	// The calculator takes at most 20 levels a run: larger sets are split.
	for chunk := range slices.Chunk(levels, 20) {
		bc.calc("standard", policies.Inputs{"level": strings.Join(chunk, ";")}, true)
	}
}

func (bc *billCtx) loans(ls []Loan) {
	var paid, lpr, principal int64
	var nz, nx int
	for i, l := range ls {
		switch l.Product {
		case ProductZhuangda:
			if l.InterestPaidYuan <= 0 || l.LPRInterestYuan <= 0 {
				bc.missing("第%d笔贷款（“壮大贷”）：提供年度实际支付利息和按同期LPR计算的利息，可测算贴息（第6条）", i+1)
				continue
			}
			paid, lpr, nz = paid+l.InterestPaidYuan, lpr+l.LPRInterestYuan, nz+1
		case ProductXinyidai:
			if l.PrincipalYuan <= 0 {
				bc.missing("第%d笔贷款（“新易贷”）：提供贷款金额，可测算利息补贴上限（第6条）", i+1)
				continue
			}
			principal, nx = principal+l.PrincipalYuan, nx+1
		}
	}
	if nz > 0 {
		var notes []string
		if nz > 1 {
			notes = append(notes, fmt.Sprintf("%d笔“壮大贷”的利息合并计算，贴息上限按单户企业计", nz))
		}
		bc.calc("zhuangda_loan", policies.Inputs{"interest_paid_yuan": itoa(paid), "lpr_interest_yuan": itoa(lpr)}, true, notes...)
	}
	if nx > 0 {
		var notes []string
		if nx > 1 {
			notes = append(notes, fmt.Sprintf("%d笔“新易贷”的贷款金额合并计算，补贴上限按单户企业计", nx))
		}
		bc.calc("xinyidai_loan", policies.Inputs{"loan_yuan": itoa(principal)}, true, notes...)
	}
}

// finish turns the receipts into items, near misses and notes.
func (bc *billCtx) finish() {
	var pending int64 // policy/2–6 amounts held back for want of a certification
	anyHeld := false
	for _, e := range bc.entries {
		c := e.c
		held := e.needsCert && !bc.qualified
		showNM := c.NearMiss != nil && !held && near(c)
		switch {
		case held:
			anyHeld = true
			pending += c.AmountYuan
		case c.AmountYuan > 0 || e.zeroed:
			it := Item{
				Rule: c.Rule, Clause: c.Clause, Title: c.Title, Kind: c.Kind, AmountYuan: c.AmountYuan,
				Steps: c.Steps, Inputs: c.Inputs, Notes: append(e.notes, c.Notes...), Params: c.Params,
			}
			if !bc.bare {
				it.Action = action(c, e.zeroed)
			}
			bc.b.Items = append(bc.b.Items, it)
			if !notPayout[c.Rule] && c.Kind != policies.KindUnstated {
				bc.b.TotalYuan += c.AmountYuan
				if c.Kind == policies.KindMaximum {
					bc.b.MaximumYuan += c.AmountYuan
				}
			}
		case !showNM && len(c.Steps) > 0 && !bc.bare:
			bc.note("%s：%s", c.Title, strings.Join(c.Steps, "；"))
		}
		if showNM {
			bc.b.NearMisses = append(bc.b.NearMisses, NearMiss{Rule: c.Rule, Clause: c.Clause,
				GapYuan: c.NearMiss.GapYuan, GainYuan: c.NearMiss.GainYuan, Advice: c.NearMiss.Advice})
		}
	}
	if anyHeld {
		msg := fmt.Sprintf("未提供有效的优质中小企业认定（创新型中小企业、省级专精特新中小企业或“小巨人”，认定未满%d年）：第2—6条只支持优质中小企业（见适用对象）", certYears)
		if pending > 0 {
			msg += "，按所填数据认定后可申请" + yuan.Format(pending)
		}
		bc.missing("%s", msg)
	}
}

// near filters out near misses that are not near: a revenue milestone more
// than half the year's revenue away (1.2亿 → 5亿) is a goal, not a tip. Other
// rules' gaps are spending the enterprise chooses, so any gap is advice.
func near(c policies.Calculation) bool {
	if c.Rule != "revenue_milestone" {
		return true
	}
	rev, _ := c.Inputs["revenue_yuan"].(int64)
	return c.NearMiss.GapYuan <= rev/2
}

// prep says what to prepare for each rule; the department comes from the
// clause's 责任单位.
var prep = map[string]string{
	"little_giant":           "凭“小巨人”认定文件",
	"provincial_sme":         "凭省级专精特新中小企业认定（复核）文件",
	"digital_transformation": "凭数字化智能化投资合同和付款凭证",
	"revenue_milestone":      "凭年度审计报告或财务报表",
	"rd_increase":            "凭两个年度的研发费用专项审计报告",
	"rd_commercialization":   "凭产业化项目及其技术研发投入证明",
	"standard":               "凭标准批准发布文件和主导制（修）订证明",
	"zhuangda_loan":          "凭“壮大贷”合同、付息凭证和银行出具的LPR利息计算",
	"xinyidai_loan":          "凭“新易贷”贷款合同和放款凭证",
}

func action(c policies.Calculation, zeroed bool) string {
	ci := clauseInfo(c.Clause)
	if zeroed {
		return fmt.Sprintf("与同一事项的较高奖励不重复享受（就高不就低），本项无需另行申报（%s）", ci.short)
	}
	dept := "主管部门"
	if len(ci.depts) > 0 {
		dept = strings.Join(ci.depts, "、")
	}
	s := fmt.Sprintf("按申报通知%s向%s申报（%s）", prep[c.Rule], dept, ci.short)
	if c.Kind == policies.KindMaximum {
		s += "；金额为上限，以审核为准"
	}
	return s
}

// policyDates adds 附件2's effective date and last valid day when the issue
// date is known.
func (bc *billCtx) policyDates(cfg billConfig) {
	if cfg.issued.IsZero() {
		bc.note("%s", unissuedNote())
		return
	}
	issued, start, end := cfg.issued, cfg.effective, cfg.expires
	if start.IsZero() {
		bc.note("印发日期%s超出工作日历的范围，无法计算施行日期和有效期。", issued.Format(time.DateOnly))
		return
	}
	if bc.day.Before(start) {
		bc.b.Deadlines = append(bc.b.Deadlines, Deadline{Kind: DeadlineEffective, Date: start.Format(time.DateOnly), Clause: "policy/scope",
			Advice: fmt.Sprintf("政策于%s施行（印发%s，自印发之日起30个工作日后施行），施行后按申报通知申报", start.Format(time.DateOnly), issued.Format(time.DateOnly))})
		bc.note("政策尚未施行（施行日%s）：本账单为预估。", start.Format(time.DateOnly))
	}
	if bc.day.After(end) {
		bc.note("政策有效期已于%s届满（有效期3年）：本账单仅供参考。", end.Format(time.DateOnly))
		return
	}
	bc.b.Deadlines = append(bc.b.Deadlines, Deadline{Kind: DeadlineExpiry, Date: end.Format(time.DateOnly), Clause: "policy/scope",
		Advice: fmt.Sprintf("政策有效期至%s（施行之日起3年），请在此前完成申报", end.Format(time.DateOnly))})
}

// Text is the bill as a reader sees it in Telegram or on the command line:
// plain text in Chinese, the profile facts and clauses it rests on, every
// amount with its clause, ending with the drafts note. Its first two lines
// name the enterprise and the date in a form ParseBillRef reads back.
func (b Bill) Text() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s%s\n%s%s\n", billTitle, billWho(b.Name, b.Enterprise), billDateLabel, b.Date)
	if len(b.Facts) > 0 {
		fmt.Fprintf(&s, "\n依据您登记的资料：%s。\n", strings.Join(b.Facts, "；"))
	}
	if cs := b.clauseList(); cs != "" {
		fmt.Fprintf(&s, "依据条款：%s\n", cs)
	}
	if len(b.Items) == 0 {
		s.WriteString("\n按所填数据，暂未测算出可申请的奖补。\n")
	} else {
		fmt.Fprintf(&s, "\n可申请合计：%s", yuan.Format(b.TotalYuan))
		if b.MaximumYuan > 0 {
			fmt.Fprintf(&s, "（其中%s为上限金额，以审核为准）", yuan.Format(b.MaximumYuan))
		}
		s.WriteString("\n\n可申请项目：\n")
		for i, it := range b.Items {
			amt := yuan.Format(it.AmountYuan)
			if it.Kind == policies.KindMaximum {
				amt = "最高" + amt
			}
			fmt.Fprintf(&s, "%d. %s：%s（%s）\n", i+1, it.Title, amt, clauseInfo(it.Clause).short)
			for _, st := range it.Steps {
				fmt.Fprintf(&s, "   · %s\n", st)
			}
			fmt.Fprintf(&s, "   → %s\n", it.Action)
		}
	}
	if len(b.NearMisses) > 0 {
		s.WriteString("\n再进一步：\n")
		for _, n := range b.NearMisses {
			fmt.Fprintf(&s, "· %s（%s）\n", n.Advice, clauseInfo(n.Clause).short)
		}
	}
	if len(b.Missing) > 0 {
		s.WriteString("\n补充资料可测算更多：\n")
		for _, m := range b.Missing {
			fmt.Fprintf(&s, "· %s\n", m)
		}
	}
	if len(b.Deadlines) > 0 {
		s.WriteString("\n重要日期：\n")
		for _, d := range b.Deadlines {
			fmt.Fprintf(&s, "· %s %s\n", d.Date, d.Advice)
		}
	}
	if len(b.Notes) > 0 {
		s.WriteString("\n说明：\n")
		for _, n := range b.Notes {
			fmt.Fprintf(&s, "· %s\n", n)
		}
	}
	return s.String()
}

// clause is what a bill needs of a clause, cached: the corpus is fixed.
type clause struct {
	short string // 第4条, or the title for unnumbered clauses
	depts []string
}

var (
	clausesOnce sync.Once
	clauses     map[string]clause
	notPayout   map[string]bool
	ruleTitles  map[string]string
)

func loadCatalogue() {
	clauses = map[string]clause{}
	for _, c := range policies.MustDefault().Clauses() {
		short := c.Title
		if c.Number > 0 {
			short = fmt.Sprintf("第%d条", c.Number)
		}
		clauses[c.ID] = clause{short: short, depts: c.Departments}
	}
	notPayout = map[string]bool{}
	ruleTitles = map[string]string{}
	for _, r := range policies.Rules() {
		notPayout[r.Name] = r.NotPayout
		ruleTitles[r.Name] = r.Title
	}
}

func clauseInfo(id string) clause {
	clausesOnce.Do(loadCatalogue)
	if c, ok := clauses[id]; ok {
		return c
	}
	return clause{short: id}
}

func ruleTitle(rule string) string {
	clausesOnce.Do(loadCatalogue)
	return cmp.Or(ruleTitles[rule], rule)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
