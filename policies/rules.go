package policies

import (
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/yuan"
)

// Inputs are a calculator's raw inputs, name → value, as typed on the command
// line (`policybot calc RULE k=v…`). Amounts are whole yuan written as plain
// integers ("6500000"); dates are YYYY-MM-DD; a multi-valued input separates
// its values with ";".
type Inputs map[string]string

// Input describes one input of a rule.
type Input struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`             // Chinese label, e.g. 研发投入增量
	Unit     string   `json:"unit"`              // yuan | date | enum | history
	Required bool     `json:"required"`          // see also Rule.Summary for either/or inputs
	Choices  []string `json:"choices,omitempty"` // enum values
	Help     string   `json:"help,omitempty"`    // one line for a user
	Multi    bool     `json:"multi,omitempty"`   // several values separated by ";"
	ZeroOK   bool     `json:"zero_ok,omitempty"` // 0 is allowed (otherwise amounts must be > 0)
	Example  string   `json:"example,omitempty"` // a valid value
	// Aliases map other spellings of a choice (国家, 复核) to the choice.
	Aliases map[string]string `json:"aliases,omitempty"`
}

// Input units.
const (
	InputYuan    = "yuan"
	InputDate    = "date"
	InputEnum    = "enum"
	InputHistory = "history" // year:yuan pairs, "2024:80000000;2025:95000000"
	InputMonths  = "months"  // a whole number of months, 0–600
)

// KindNone marks a receipt that carries no money (the effective date).
const KindNone AmountKind = "none"

// Rule is one calculator: a clause of 附件2 turned into arithmetic on cited
// parameters. Name is stable (snake_case) and is what callers pass to
// Calculate.
type Rule struct {
	Name    string     `json:"name"`
	Clause  string     `json:"clause"`
	Title   string     `json:"title"`
	Inputs  []Input    `json:"inputs"`
	Kind    AmountKind `json:"kind"` // the usual kind; a Calculation may differ (talent)
	Summary string     `json:"summary"`
	// Params are the parameters (rules/params.yaml) the rule may cite.
	Params []string `json:"params"`
	// NotPayout is set when the amount is not money paid to the enterprise
	// (a credit line) or there is no amount (a date): never add it to a total.
	NotPayout bool `json:"not_payout,omitempty"`

	calc func(*run)
}

// MaxYuan bounds every amount input: 1e15 yuan is far beyond any SME figure,
// and keeps all products with rates exact in int64.
const MaxYuan int64 = 1_000_000_000_000_000

// maxMulti bounds multi-valued inputs (several standards, several investments).
const maxMulti = 20

// Errors returned by Calculate, wrapped with the rule and input they concern.
// Test with errors.Is.
var (
	ErrUnknownRule   = errors.New("unknown rule")
	ErrUnknownInput  = errors.New("unknown input")
	ErrMissingInput  = errors.New("missing input")
	ErrBadInput      = errors.New("bad input")
	errInternalParam = errors.New("rule uses an undeclared parameter")
)

// InputError names the rule and input an error concerns. It unwraps to one of
// ErrUnknownInput, ErrMissingInput or ErrBadInput.
type InputError struct {
	Rule, Input, Value, Reason string
	Err                        error
}

func (e *InputError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %v: %s: %s", e.Rule, e.Err, e.Input, e.Reason)
	}
	return fmt.Sprintf("%s: %v: %s=%q: %s", e.Rule, e.Err, e.Input, e.Value, e.Reason)
}

func (e *InputError) Unwrap() error { return e.Err }

// Rules returns every calculator in clause order, as a copy callers may modify.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	for i := range rules {
		out[i] = cloneRule(rules[i])
	}
	return out
}

// cloneRule copies a rule deeply enough that callers may modify it.
func cloneRule(r Rule) Rule {
	r.Inputs = slices.Clone(r.Inputs)
	for j := range r.Inputs {
		r.Inputs[j].Choices = slices.Clone(r.Inputs[j].Choices)
		r.Inputs[j].Aliases = maps.Clone(r.Inputs[j].Aliases)
	}
	r.Params = slices.Clone(r.Params)
	return r
}

// RuleByName returns the calculator with the given name.
func RuleByName(name string) (Rule, bool) {
	for i := range rules {
		if rules[i].Name == name {
			return cloneRule(rules[i]), true
		}
	}
	return Rule{}, false
}

// Calculate runs rule name on raw inputs with the parameter values valid on
// date at (a zero at means today). It never panics on any input: unknown rules
// and keys, missing, non-numeric, negative, zero (where not allowed) and
// absurd values (> MaxYuan) give a wrapped ErrUnknownRule, ErrUnknownInput,
// ErrMissingInput or ErrBadInput naming the input. On success AmountYuan ≥ 0
// and never exceeds the clause's cap; amounts are rounded down to the yuan.
func Calculate(name string, in Inputs, at time.Time) (Calculation, error) {
	return CalculateWith(name, in, at)
}

// A CalcOption adjusts CalculateWith.
type CalcOption func(*calcConfig)

type calcConfig struct {
	params     *Params
	amountOnly bool
}

// WithParams computes with ps instead of the embedded parameter table (a
// table with a dated value not yet embedded, in tests and re-bills).
func WithParams(ps *Params) CalcOption { return func(c *calcConfig) { c.params = ps } }

// AmountOnly leaves Steps and Notes empty: for callers that only need the
// amount, its parameters and near misses (the scheduler deciding whether a
// bill says anything), at a fraction of the cost of writing the texts.
func AmountOnly() CalcOption { return func(c *calcConfig) { c.amountOnly = true } }

// CalculateWith is Calculate with options.
func CalculateWith(name string, in Inputs, at time.Time, opts ...CalcOption) (Calculation, error) {
	var cfg calcConfig
	for _, o := range opts {
		o(&cfg)
	}
	var rule *Rule
	for i := range rules {
		if rules[i].Name == name {
			rule = &rules[i]
		}
	}
	if rule == nil {
		return Calculation{}, fmt.Errorf("%w: %q (policybot calc --list shows the rules)", ErrUnknownRule, name)
	}
	if at.IsZero() {
		at = time.Now()
	}
	ps := cfg.params
	if ps == nil {
		var err error
		if ps, err = DefaultParams(); err != nil {
			return Calculation{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	parsed, err := rule.parse(in)
	if err != nil {
		return Calculation{}, err
	}
	r := &run{rule: rule, at: at, ps: ps, in: parsed, quiet: cfg.amountOnly, c: Calculation{
		Rule: rule.Name, Clause: rule.Clause, Title: rule.Title, Kind: rule.Kind,
		Inputs: map[string]any{}, Steps: []string{},
	}}
	for k, v := range parsed {
		r.c.Inputs[k] = v
	}
	rule.calc(r)
	if r.err != nil {
		return Calculation{}, r.err
	}
	if r.c.AmountYuan < 0 {
		return Calculation{}, fmt.Errorf("%s: internal error: negative amount %d", name, r.c.AmountYuan)
	}
	if r.draft && !r.quiet {
		r.c.Notes = append(r.c.Notes, "条文数值取自征求意见稿，以正式印发的文本为准。")
	}
	return r.c, nil
}

// parse checks keys and converts values; the result maps input name to
// int64, []int64, string, []string or map[string]int64.
func (rule *Rule) parse(in Inputs) (map[string]any, error) {
	known := map[string]*Input{}
	var names []string
	for i := range rule.Inputs {
		known[rule.Inputs[i].Name] = &rule.Inputs[i]
		names = append(names, rule.Inputs[i].Name)
	}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic: the first bad key is always the same
	for _, k := range keys {
		if known[k] == nil {
			reason := "this rule takes no inputs"
			if len(names) > 0 {
				reason = "known inputs: " + strings.Join(names, ", ")
			}
			return nil, &InputError{Rule: rule.Name, Input: k, Reason: reason, Err: ErrUnknownInput}
		}
	}
	out := map[string]any{}
	for _, def := range rule.Inputs {
		raw, ok := in[def.Name]
		raw = strings.TrimSpace(raw)
		if !ok || raw == "" {
			if def.Required {
				return nil, &InputError{Rule: rule.Name, Input: def.Name, Reason: def.Label + "（必填）", Err: ErrMissingInput}
			}
			continue
		}
		v, err := def.convert(raw)
		if err != nil {
			return nil, &InputError{Rule: rule.Name, Input: def.Name, Value: raw, Reason: err.Error(), Err: ErrBadInput}
		}
		out[def.Name] = v
	}
	return out, nil
}

func (def *Input) convert(raw string) (any, error) {
	parts := []string{raw}
	if def.Multi {
		sep := func(r rune) bool {
			return r == ';' || r == '；' || (def.Unit == InputEnum && (r == ',' || r == '，'))
		}
		parts = strings.FieldsFunc(raw, sep)
		if len(parts) == 0 {
			return nil, errors.New("没有值")
		}
		if len(parts) > maxMulti {
			return nil, fmt.Errorf("最多%d项", maxMulti)
		}
	}
	switch def.Unit {
	case InputYuan:
		var vs []int64
		for _, p := range parts {
			v, err := parseYuan(strings.TrimSpace(p), def.ZeroOK, def.Multi)
			if err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
		if def.Multi {
			return vs, nil
		}
		return vs[0], nil
	case InputEnum:
		var vs []string
		for _, p := range parts {
			p = strings.ToLower(strings.TrimSpace(p))
			if a, ok := def.Aliases[p]; ok {
				p = a
			}
			if !slices.Contains(def.Choices, p) {
				return nil, fmt.Errorf("须为 %s 之一", strings.Join(def.Choices, " | "))
			}
			vs = append(vs, p)
		}
		if def.Multi {
			return vs, nil
		}
		return vs[0], nil
	case InputDate:
		t, err := time.Parse(time.DateOnly, raw)
		if err != nil || t.Year() < 1990 || t.Year() > 2100 {
			return nil, errors.New("须为日期 YYYY-MM-DD（1990–2100年）")
		}
		return t.Format(time.DateOnly), nil
	case InputHistory:
		return parseHistory(raw)
	case InputMonths:
		v, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || v < 0 || v > 600 {
			return nil, errors.New("须为0–600之间的整数月数")
		}
		return int64(v), nil
	}
	return nil, fmt.Errorf("internal: unknown input unit %q", def.Unit)
}

// parseYuan reads a whole number of yuan written as a plain integer.
func parseYuan(s string, zeroOK, multi bool) (int64, error) {
	if strings.ContainsAny(s, ",，") {
		if multi {
			return 0, errors.New("不要用千位分隔符；多笔金额用;分隔")
		}
		return 0, errors.New("须为整数元，不要用千位分隔符（如 6500000）")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			if strings.HasPrefix(s, "-") {
				return 0, errors.New("不能为负数")
			}
			return 0, fmt.Errorf("超出合理范围（最大%s）", yuan.Format(MaxYuan))
		}
		return 0, errors.New("须为整数元（如 6500000），不带小数、单位或科学计数法")
	}
	switch {
	case v < 0:
		return 0, errors.New("不能为负数")
	case v == 0 && !zeroOK:
		return 0, errors.New("须大于0")
	case v > MaxYuan:
		return 0, fmt.Errorf("超出合理范围（最大%s）", yuan.Format(MaxYuan))
	}
	return v, nil
}

// parseHistory reads "2024:80000000;2025:95000000" (year:yuan pairs).
func parseHistory(s string) (map[string]int64, error) {
	out := map[string]int64{}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' })
	if len(parts) > 50 {
		return nil, errors.New("最多50个年度")
	}
	for _, p := range parts {
		y, v, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			y, v, ok = strings.Cut(p, "：")
		}
		n, err := strconv.Atoi(strings.TrimSpace(y))
		if !ok || err != nil || n < 1990 || n > 2100 {
			return nil, errors.New("须为 年份:金额 对，用;分隔（如 2024:80000000;2025:95000000）")
		}
		amt, err := parseYuan(strings.TrimSpace(v), true, true)
		if err != nil {
			return nil, fmt.Errorf("%d年: %w", n, err)
		}
		out[strconv.Itoa(n)] = amt
	}
	if len(out) == 0 {
		return nil, errors.New("没有值")
	}
	return out, nil
}

// run is the state of one calculation: it records every parameter it reads
// as a citation, so a receipt cannot use an uncited number.
type run struct {
	rule  *Rule
	at    time.Time
	ps    *Params
	in    map[string]any
	c     Calculation
	err   error
	draft bool
	quiet bool // AmountOnly: no Steps or Notes
}

// p returns a parameter's value on the run's date and cites it.
func (r *run) p(name string) int64 {
	if r.err != nil {
		return 0
	}
	if !slices.Contains(r.rule.Params, name) {
		r.err = fmt.Errorf("%s: %w: %s", r.rule.Name, errInternalParam, name)
		return 0
	}
	ref, err := r.ps.Ref(name, r.at)
	if err != nil {
		r.err = fmt.Errorf("%s: %w", r.rule.Name, err)
		return 0
	}
	if v, _, err := r.ps.At(name, r.at); err == nil && v.Status == "draft" {
		r.draft = true
	}
	if !slices.ContainsFunc(r.c.Params, func(x ParamRef) bool { return x.Name == name }) {
		r.c.Params = append(r.c.Params, ref)
	}
	return ref.Value
}

// cite cites a text parameter (a statement with no number) and returns its quote.
func (r *run) cite(name string) string {
	r.p(name)
	if p, ok := r.ps.Get(name); ok {
		return p.Quote
	}
	return ""
}

func (r *run) step(format string, a ...any) {
	if !r.quiet {
		r.c.Steps = append(r.c.Steps, fmt.Sprintf(format, a...))
	}
}

func (r *run) note(format string, a ...any) {
	if !r.quiet {
		r.c.Notes = append(r.c.Notes, fmt.Sprintf(format, a...))
	}
}

func (r *run) has(name string) bool { _, ok := r.in[name]; return ok }
func (r *run) yuanIn(name string) int64 {
	v, _ := r.in[name].(int64)
	return v
}
func (r *run) yuansIn(name string) []int64 {
	v, _ := r.in[name].([]int64)
	return v
}
func (r *run) months(name string) int64 { return r.in[name].(int64) }
func (r *run) str(name string) string {
	v, _ := r.in[name].(string)
	return v
}
func (r *run) strs(name string) []string {
	v, _ := r.in[name].([]string)
	return v
}

// badInput stops the run with an ErrBadInput about input name.
func (r *run) badInput(name, reason string) {
	if r.err == nil {
		r.err = &InputError{Rule: r.rule.Name, Input: name, Reason: reason, Err: ErrBadInput}
	}
}

// nearMiss records what it takes to reach the next step.
func (r *run) nearMiss(gap, gain int64, advice string) {
	if gap > 0 && gain > 0 {
		r.c.NearMiss = &NearMiss{GapYuan: gap, GainYuan: gain, Advice: advice}
	}
}

// percentOf is floor(a × pct / 100) for a, pct ≥ 0: the amount rounded down
// to the yuan. The 128-bit product cannot overflow; the quotient fits int64
// because pct ≤ 100 is checked by the parameter tests and a ≤ MaxYuan.
func percentOf(a, pct int64) int64 {
	if a <= 0 || pct <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(pct))
	if hi >= 100 { // quotient would not fit 64 bits; unreachable for valid inputs
		return MaxYuan
	}
	q, _ := bits.Div64(hi, lo, 100)
	if q > uint64(MaxYuan) {
		return MaxYuan
	}
	return int64(q)
}

// rateStep writes "a × p% = r" and says when rounding down dropped a fraction.
func rateStep(base, pct, res int64) string {
	s := fmt.Sprintf("%v × %d%% = %v", yuan.Format(base), pct, yuan.Format(res))
	if (base%100)*pct%100 != 0 {
		s += "（不足1元的部分舍去）"
	}
	return s
}

// capStep applies cap to v, saying which way it went.
// rateCapped is the shape most amounts of 附件2 share: rate % of base (the
// step says how, with an optional remark), then the cap. It sets the amount.
func (r *run) rateCapped(base, rate, cap int64, remark, capWhat string) {
	raw := percentOf(base, rate)
	r.step("%s"+remark, rateStep(base, rate, raw))
	r.c.AmountYuan = r.capStep(raw, cap, capWhat)
}

func (r *run) capStep(v, cap int64, what string) int64 {
	if v > cap {
		r.step("超过%s%v，按%v计", what, yuan.Format(cap), yuan.Format(cap))
		return cap
	}
	r.step("未超过%s%v", what, yuan.Format(cap))
	return v
}

// ApplyNoDoubleDipping applies policy/scope's 就高不就低、不重复享受 to
// calculations the caller has judged to be the same matter (同一事项): the one
// with the highest amount keeps it (the first on a tie); every other one keeps
// its receipt but its amount becomes 0, with a step saying why. The result has
// the same length and order; the input is not modified. Receipts that are not
// payouts (KindNone, credit lines) should not be passed.
func ApplyNoDoubleDipping(calcs []Calculation) []Calculation {
	out := make([]Calculation, len(calcs))
	best := -1
	for i, c := range calcs {
		out[i] = c
		out[i].Steps = slices.Clone(c.Steps)
		out[i].Notes = slices.Clone(c.Notes)
		out[i].Params = slices.Clone(c.Params)
		if best < 0 || c.AmountYuan > calcs[best].AmountYuan {
			best = i
		}
	}
	if len(calcs) < 2 {
		return out
	}
	ref, _ := mustParams().Ref("no_double_dipping", time.Now())
	b := calcs[best]
	var others []string
	for i, c := range calcs {
		if i == best {
			continue
		}
		others = append(others, fmt.Sprintf("%s %v", label(c), yuan.Format(c.AmountYuan)))
		out[i].Steps = append(out[i].Steps, fmt.Sprintf("与%s（%v）属同一事项，按就高不就低原则只享受较高的一项，本项不重复享受：0元", label(b), yuan.Format(b.AmountYuan)))
		out[i].AmountYuan = 0
		out[i].NearMiss = nil
		out[i].Params = append(out[i].Params, ref)
	}
	out[best].Steps = append(out[best].Steps, fmt.Sprintf("同一事项还涉及%s，按就高不就低原则取最高的本项%v，不重复享受", strings.Join(others, "、"), yuan.Format(b.AmountYuan)))
	out[best].Params = append(out[best].Params, ref)
	return out
}

func label(c Calculation) string {
	if c.Title != "" {
		return c.Title
	}
	return c.Rule
}
