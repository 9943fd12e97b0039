package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// MaxQuestionRunes bounds what the engine reads of one question; the rest is
// ignored (and the answer says so) so that a pasted document cannot slow it.
const MaxQuestionRunes = 2000

// DefaultCitations is how many clauses an answer cites at most.
const DefaultCitations = 5

// Hotline is where the engine sends questions the documents do not cover.
const Hotline = "12345 政务服务便民热线"

// DraftNote is appended to every answer that quotes the documents.
const DraftNote = "注：两份文件均为征求意见稿，金额与条件以正式印发文本为准。"

// Answer is the engine's answer to one question. Its JSON is the `ask --json`
// contract (DESIGN.md); more fields may be added.
type Answer struct {
	Question     string                 `json:"question"`
	Answered     bool                   `json:"answered"`
	Answer       string                 `json:"answer"`
	Citations    []Citation             `json:"citations"`
	Calculations []policies.Calculation `json:"calculations"`
	// Missing names inputs a calculator still needs: the answer asks for them.
	Missing []string `json:"missing,omitempty"`
	Mode    string   `json:"mode,omitempty"` // offline, llm, llm_fallback
	Error   string   `json:"error,omitempty"`
	// Reading is how the question's figures were understood, one entry per
	// calculator input read from the user's words.
	Reading []ReadFigure `json:"reading"`
	// Ambiguous is true when the figures allow two readings with different
	// amounts: the answer asks which one is meant instead of guessing.
	Ambiguous bool `json:"ambiguous"`
	// Need is what the question asks for: amount | eligibility | deadline |
	// procedure | materials | definition | department | stacking |
	// validity | other.
	Need string `json:"need"`
	// Choices are the replies that settle an ambiguous reading ("今年930万").
	Choices []string `json:"choices,omitempty"`
	Lang    string   `json:"lang"` // zh or en: the language of the answer

	rule    string   // the calculator the question was about, for follow-ups
	pending []string // input names behind Missing, for the next turn
	notes   []string // how the question was read, shown before the amounts
	// unstated is the need no clause states ("deadline"): the answer says
	// the documents are silent on it.
	unstated string
}

// ReadFigure is one figure of the question and the input it was read as.
type ReadFigure struct {
	Rule  string `json:"rule"`
	Input string `json:"input"`
	Yuan  int64  `json:"yuan"`
	Said  string `json:"said"` // the user's words for it
}

// Engine answers questions from the corpus and the calculators. It is safe
// for concurrent use.
type Engine struct {
	corpus *policies.Corpus
	index  *knowledge.Index
	opts   options

	sentenceOnce sync.Once
	sentences    []string // the documents' sentences, normalised (unfiguredSubject)
	normOnce     sync.Once
	norm         map[string]string // clause id → normalised text and title
}

type options struct {
	now      func() time.Time
	log      *slog.Logger
	issued   time.Time // POLICY_ISSUED; zero when unknown
	exchange ExchangeLog
	memory   ChatMemory
	limiter  RateLimiter
	phraser  Phraser
	secret   []byte
	salt     string
	ctxTTL   time.Duration

	observer       Observer
	fallbackReason FallbackReasoner
	curated        CuratedAnswers
}

// Option configures an Engine.
type Option func(*options)

// WithClock sets the engine's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLogger sets the structured logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithIssued sets the issue date of 附件2 (POLICY_ISSUED), so the effective
// date can be computed rather than explained.
func WithIssued(t time.Time) Option { return func(o *options) { o.issued = t } }

// WithExchangeLog stores every exchange for the staff console.
func WithExchangeLog(l ExchangeLog) Option { return func(o *options) { o.exchange = l } }

// WithChatMemory keeps per-chat context so follow-up questions work.
func WithChatMemory(m ChatMemory) Option { return func(o *options) { o.memory = m } }

// WithRateLimiter limits messages per user.
func WithRateLimiter(r RateLimiter) Option { return func(o *options) { o.limiter = r } }

// WithPhraser lets a language model phrase answers; its figures are checked.
func WithPhraser(p Phraser) Option { return func(o *options) { o.phraser = p } }

// WithObserver reports answers, fallbacks and feedback (metrics).
func WithObserver(o Observer) Option { return func(o2 *options) { o2.observer = o } }

// WithCuratedAnswers serves the answers bureau staff wrote or approved for
// questions (the console's /staff/curated) before anything is retrieved.
func WithCuratedAnswers(c CuratedAnswers) Option { return func(o *options) { o.curated = c } }

// WithFallbackReason classifies Phraser errors for logs and metrics.
func WithFallbackReason(f FallbackReasoner) Option {
	return func(o *options) { o.fallbackReason = f }
}

// WithSecret sets the key that signs button data and salts user hashes.
func WithSecret(secret string) Option {
	return func(o *options) { o.secret = []byte(secret); o.salt = secret }
}

// DefaultContextTTL is how long a chat's context lives without a message.
const DefaultContextTTL = 30 * time.Minute

// NewEngine builds an engine over a corpus and its index.
func NewEngine(c *policies.Corpus, ix *knowledge.Index, opts ...Option) *Engine {
	o := options{
		now:    time.Now,
		log:    slog.New(slog.DiscardHandler),
		ctxTTL: DefaultContextTTL,
		secret: []byte("policybot-default-secret"),
		salt:   "policybot",
	}
	for _, f := range opts {
		f(&o)
	}
	return &Engine{corpus: c, index: ix, opts: o}
}

// Ask answers one question with no chat context: the `ask` command and the
// evaluation use it. It never returns an error for bad input: the Answer
// says what was wrong.
func (e *Engine) Ask(ctx context.Context, question string) Answer {
	return e.answer(ctx, question, ChatContext{})
}

func (e *Engine) answer(ctx context.Context, question string, cc ChatContext) Answer {
	a := Answer{Question: question, Citations: []Citation{}, Calculations: []policies.Calculation{}, Reading: []ReadFigure{}, Mode: "offline", Need: "other", Lang: "zh"}
	q, truncated := cleanQuestion(question)
	if q == "" {
		a.Error = "empty question"
		a.Answer = "请输入一个关于成都市优质中小企业（专精特新）政策的问题，例如：“研发投入比去年多了650万，能拿多少？”"
		return a
	}
	if rest, ok := strings.CutPrefix(q, "/calc"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '@') {
		_, args, _ := strings.Cut(rest, " ")
		return e.calcCommand(a, args)
	}
	if c, ok := e.curatedAnswer(ctx, q); ok {
		return e.composeCurated(a, c)
	}
	q, fixes := knowledge.Standardize(q)
	norm := knowledge.Normalize(q)
	r := reading{needs: askedNeeds(q), lang: detectLang(q), quantity: reAsksQuantity.MatchString(norm), question: q}
	a.Need, a.Lang = r.need().Contract, r.lang
	in := understand(norm, q, cc, r.asks("stacking") || otherPolicyAt(norm) != nil)
	if len(in.guesses) > 0 && !r.asks("amount") {
		// "应该是50万吧": checking an amount is asking for it.
		r.needs = append([]knowledge.Need{{ID: "amount", Contract: "amount"}}, r.needs...)
		a.Need = "amount"
	}
	query := q
	if in.followUp {
		// "那省级的呢" means little on its own: search with the question it
		// follows.
		query = cc.LastQuestion + " " + q
	}
	res, err := e.index.Search(ctx, query, DefaultCitations)
	if err != nil {
		e.opts.log.Error("search failed", "err", err)
		a.Error = "search failed"
		a.Answer = "抱歉，暂时无法检索政策文件，请稍后再试。"
		return a
	}
	// Scope is the index's call: a calculator's words in a question about
	// another city ("北京小巨人奖励多少") do not make it ours.
	if !res.InScope {
		if res.Scope == knowledge.ScopeWeak && silentNeed(r.need().ID) {
			// "申报材料有哪些": too little of the documents' words to be sure
			// of a clause, but plainly a question for this assistant, and
			// one the documents do not answer: say that, not "out of scope".
			a.Citations = e.citations(res.Hits)
			if len(a.Citations) > 0 && !clearLead(res.Hits) {
				a.Citations = a.Citations[:0]
			}
			a.unstated = r.need().ID
			a.Answer = e.composeUnstated(a, r.lang)
			return a
		}
		a.Answer = e.outOfScope(res)
		return a
	}
	a.Answered = true
	a.Citations = e.preferNamedDocument(e.citations(res.Hits), q)
	calcs, missing, pending, rule := e.calculate(&in, r.lang)
	if in.relative != "" {
		calcs, missing = e.withoutRelative(calcs, missing, &in, r.lang)
	}
	if in.other != nil {
		// "另一个政策按15%补、最高200万": its award on our figure, weighed.
		for _, c := range calcs {
			if m, note, ok := otherAward(*in.other, c); ok && c.Kind == policies.KindComputed {
				in.awards = append(in.awards, m)
				in.notes = append(in.notes, note)
				break
			}
		}
	}
	if awards := withComputed(in.awards, calcs); len(awards) > 1 {
		calcs = append([]policies.Calculation{policies.Highest(awards, e.opts.now())}, calcs...)
	}
	if !in.asksDiff && !in.several {
		calcs = policies.SameMatter(calcs)
	}
	a.Calculations = append(a.Calculations, calcs...)
	if l, ok := larger(a.Calculations, in); ok {
		a.Calculations = append(a.Calculations, l)
	} else if d, ok := difference(a.Calculations, in); ok {
		a.Calculations = append(a.Calculations, d)
	} else if t, ok := total(a.Calculations, in); ok {
		a.Calculations = append(a.Calculations, t)
	}
	a.Citations = e.preferSubject(a.Citations, q, a.Calculations)
	a.Reading = e.readingOf(a.Calculations, in.mentions, q)
	a.Ambiguous = in.ambiguous
	if a.Ambiguous {
		a.Choices = yearChoices(in.mentions, r.lang)
	}
	a.Missing, a.pending = missing, pending
	a.notes = append(guessNotes(in.guesses, payouts(a.Calculations), r.lang), typoNotes(fixes)...)
	if a.Ambiguous {
		a.notes = append(a.notes, ambiguityNote(r.lang))
	} else {
		a.notes = append(a.notes, readingNote(a.Reading, e)...)
	}
	a.notes = append(a.notes, in.notes...)
	a.rule = rule
	rule = primaryRule(rule, a.Calculations, a.Citations)
	if rule != "" {
		a.Citations = promote(a.Citations, e.ruleClause(rule), e)
	}
	if in.dateUnknown && len(a.Calculations) == 0 && reDateAsked.MatchString(norm) && !reRuleOfDate.MatchString(norm) {
		// "具体哪一天施行": no date can be given before the texts are issued;
		// the rule (30 working days after issue) is the nearest context. A
		// question that also asks an amount or the rule keeps its answer,
		// the date's note beside it.
		a.Answered, a.unstated = false, "issue_date"
		a.Calculations = a.Calculations[:0]
		a.Missing, a.pending = nil, nil
		a.Citations = promote(a.Citations, e.ruleClause("effective_date"), e)
	} else if in.asksMin && reSizeAsked.MatchString(norm) && !reDurationAsked.MatchString(norm) &&
		len(in.mentions) == 0 && len(a.Calculations) > 0 && !slices.ContainsFunc(a.Calculations, func(c policies.Calculation) bool {
		return c.Kind == policies.KindThreshold || len(policies.Minimum(c.Rule, e.opts.now())) > 0
	}) {
		// "供应链平台要促成多大规模才能拿到100万": a threshold asked of a
		// rule that sets none (分层分级, 最高100万) — the documents do not say.
		a.Answered, a.unstated = false, "criteria"
		a.Calculations = a.Calculations[:0]
		a.Missing, a.pending = nil, nil
	} else {
		e.settleNeed(&a, r)
	}
	if a.unstated != "" {
		a.Answer = e.composeUnstated(a, r.lang)
		return a
	}
	a.Answer = e.compose(a, truncated)
	a.Calculations = localized(a.Calculations, a.Lang) // `ask --json`: English steps for an English question
	return a
}

// reDateAsked: a day of the calendar asked for.
var reDateAsked = regexp.MustCompile(`哪天|哪一天|哪日|几月几号|几月几日|几号|具体日期|什么日期|哪个日期|(?i)what date|which day|exact date|on what day`)

// reRuleOfDate: the question also asks the rule that fixes the date ("是
// 印发当天就生效吗", "多久后施行"), which the documents do state.
var reRuleOfDate = regexp.MustCompile(`当天|当日|多久|多长时间|工作日|几天后|多少天|几天|第几|起算|之日起|印发后|之后|以后|马上|立即|立刻|有效期|(?i)same day|how long|working days|immediately|valid`)

// reSizeAsked and reDurationAsked: a threshold asked as a quantity ("多大
// 业务规模", "多少") rather than a period ("多长时间内").
var (
	reSizeAsked     = regexp.MustCompile(`多少|多大|好多|几多|(?i)how (much|big|large|many)|what (volume|scale|size)`)
	reDurationAsked = regexp.MustCompile(`多长时间|多久|几年|(?i)how long|how many years|time limit`)
)

// cleanQuestion trims, drops invalid UTF-8 and control characters, and
// bounds the length.
func cleanQuestion(s string) (q string, truncated bool) {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			continue
		}
		if n == MaxQuestionRunes {
			truncated = true
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String()), truncated
}

func (e *Engine) citations(hits []knowledge.Hit) []Citation {
	out := make([]Citation, 0, len(hits))
	for _, h := range hits {
		c := Citation{ID: h.ClauseID, Score: round3(h.Score), Quote: h.Quote}
		if cl, err := e.corpus.Clause(h.ClauseID); err == nil {
			c.Title = cl.Title
		}
		out = append(out, c)
	}
	return out
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// promote moves the clause a calculation rests on to the front of the
// citations: the answer must cite what it computed from.
func promote(cs []Citation, id string, e *Engine) []Citation {
	if id == "" || (len(cs) > 0 && cs[0].ID == id) {
		return cs
	}
	var found *Citation
	rest := make([]Citation, 0, len(cs))
	for i := range cs {
		if cs[i].ID == id {
			c := cs[i]
			found = &c
			continue
		}
		rest = append(rest, cs[i])
	}
	if found == nil {
		cl, err := e.corpus.Clause(id)
		if err != nil {
			return cs
		}
		found = &Citation{ID: id, Score: 1, Quote: firstRunes(cl.Body(), 120), Title: cl.Title}
	}
	out := append([]Citation{*found}, rest...)
	if len(out) > DefaultCitations {
		out = out[:DefaultCitations]
	}
	return out
}

func firstRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func (e *Engine) outOfScope(res knowledge.Result) string {
	if detectLang(res.Question) == "en" {
		return e.outOfScopeEN(res)
	}
	var b strings.Builder
	b.WriteString("抱歉，这个问题不在本助手覆盖的两份文件范围内")
	if res.Reason != "" {
		fmt.Fprintf(&b, "（%s）", res.Reason)
	}
	b.WriteString("。\n本助手只解答《成都市优质中小企业梯度培育三年实施方案（2023—2025）》和《成都市支持中小企业专精特新发展若干政策》（均为征求意见稿）。")
	// A question that is merely vague may still belong to a clause: name
	// the nearest one and who answers for it.
	// A clause is named only when it clearly leads; a vague question's best
	// guess would mislead.
	if res.Scope == knowledge.ScopeWeak && clearLead(res.Hits) {
		if cl, err := e.corpus.Clause(res.Hits[0].ClauseID); err == nil && len(cl.Departments) > 0 {
			fmt.Fprintf(&b, "\n最接近的条款是 %s（%s）[%s]，如与此有关，可咨询责任单位：%s。", cl.Cite(), cl.Title, cl.ID, strings.Join(cl.Departments, "、"))
		}
	} else if res.Scope == knowledge.ScopeWeak {
		fmt.Fprintf(&b, "\n两份文件的大多数条款由%s负责，可向其咨询。", e.leadDepartment())
	}
	fmt.Fprintf(&b, "\n其他问题请咨询 %s，或所在区（市）县经信部门。", Hotline)
	return b.String()
}

// calculate runs the calculators an intent names. Missing inputs are not an
// error: they are returned (as labels) so the answer can ask for them; what
// cannot be asked for is explained in in.notes.
func (e *Engine) calculate(in *intent, lang string) (calcs []policies.Calculation, missing, pending []string, rule string) {
	need := func(rule, input string) {
		missing = appendUnique(missing, e.inputLabel(rule, input))
		pending = appendUnique(pending, input)
	}
	at := e.opts.now()
	for _, call := range in.rules {
		if rule == "" {
			rule = call.name
		}
		if call.skip {
			continue
		}
		if call.unmet != nil {
			if c, err := policies.NotMet(call.name, *call.unmet, call.said, lang); err == nil {
				calcs = append(calcs, c)
			}
			continue
		}
		inputs := policies.Inputs(call.inputs)
		if call.name == "effective_date" && inputs["issued"] == "" {
			if e.opts.issued.IsZero() {
				// Nobody can supply the date yet: explain instead of asking.
				in.notes = append(in.notes, "两份文件仍是征求意见稿，尚未印发，施行日期还不能确定。按条文，自印发之日起第30个工作日后施行（印发当日不计），有效期3年；正式印发后即可算出具体日期。")
				in.dateUnknown = true
				continue
			}
			inputs = policies.Inputs(clone(call.inputs))
			inputs["issued"] = e.opts.issued.Format(time.DateOnly)
		}
		c, err := policies.Calculate(call.name, inputs, at)
		var ie *policies.InputError
		switch {
		case err == nil && call.alt:
			// Another reading of the call before: only worth showing, and
			// asking about, when the amount differs.
			if n := len(calcs); n > 0 && calcs[n-1].Rule == c.Rule && calcs[n-1].AmountYuan != c.AmountYuan {
				calcs = append(calcs, c)
				in.ambiguous = true
			}
		case err == nil:
			calcs = append(calcs, c)
		case errors.Is(err, policies.ErrMissingInput) && in.asksMin && noFigures(call) && len(policies.Minimum(call.name, at)) > 0:
			// "投资要达到多少才有补贴": the threshold answers.
			calcs = append(calcs, policies.Minimum(call.name, at)...)
		case errors.Is(err, policies.ErrMissingInput) && in.asksMax && noFigures(call) && len(policies.Maximum(call.name, at)) > 0:
			// "研发补贴一年最多多少": the cap answers; no figure is needed.
			calcs = append(calcs, policies.Maximum(call.name, at)...)
		case errors.Is(err, policies.ErrMissingInput) && errors.As(err, &ie):
			// Ask for every required figure at once, not one per turn.
			if call.ask != "" {
				need(call.name, call.ask)
				continue
			}
			need(call.name, ie.Input)
			if r, ok := policies.RuleByName(call.name); ok {
				for _, in := range r.Inputs {
					if in.Required && inputs[in.Name] == "" {
						need(call.name, in.Name)
					}
				}
			}
		default:
			e.opts.log.Warn("calculation skipped", "rule", call.name, "err", err)
		}
	}
	return calcs, missing, pending, rule
}

// noFigures reports whether call has no amount of the user's: only dates,
// durations or choices ("两年内获评…封顶多少" asks the cap).
func noFigures(call ruleCall) bool {
	r, _ := policies.RuleByName(call.name)
	for name := range call.inputs {
		for _, in := range r.Inputs {
			if in.Name == name && (in.Unit == policies.InputYuan || in.Unit == policies.InputHistory) {
				return false
			}
		}
	}
	return true
}

func (e *Engine) inputLabel(rule, input string) string {
	if r, ok := policies.RuleByName(rule); ok {
		for _, in := range r.Inputs {
			if in.Name == input {
				return strings.TrimSuffix(in.Label, "（元）")
			}
		}
	}
	return input
}

// ruleClause is the clause a calculator rests on.
func (e *Engine) ruleClause(rule string) string {
	if r, ok := policies.RuleByName(rule); ok {
		return r.Clause
	}
	return ""
}

func appendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// primaryRule picks the calculation the answer leads with: of the rules
// computed, the one whose clause retrieval ranks highest (the question's
// main subject), else the first asked.
func primaryRule(first string, calcs []policies.Calculation, cites []Citation) string {
	best, bestRank := first, len(cites)+1
	for _, c := range calcs {
		rank := slices.IndexFunc(cites, func(ci Citation) bool { return ci.ID == c.Clause })
		if rank < 0 {
			rank = len(cites)
		}
		if rank < bestRank {
			best, bestRank = c.Rule, rank
		}
	}
	return best
}

// Thresholds for naming a clause under a vague question.
const (
	minLeadScore = 0.4
	minLeadRatio = 1.5
)

func clearLead(hits []knowledge.Hit) bool {
	switch {
	case len(hits) == 0 || hits[0].Score < minLeadScore:
		return false
	case len(hits) == 1:
		return true
	}
	return hits[0].Score >= minLeadRatio*hits[1].Score
}

// leadDepartment is the 责任单位 named by the most clauses.
func (e *Engine) leadDepartment() string {
	count := map[string]int{}
	best := ""
	for _, cl := range e.corpus.Clauses() {
		for _, d := range cl.Departments {
			count[d]++
			if count[d] > count[best] || (count[d] == count[best] && d < best) {
				best = d
			}
		}
	}
	return best
}

// withComputed adds to a single award the user named (another policy's)
// the amounts computed for the question, so 就高不就低 weighs them; two or
// more named awards are weighed as they are.
func withComputed(awards []yuan.Mention, calcs []policies.Calculation) []yuan.Mention {
	if len(awards) != 1 {
		return awards
	}
	out := slices.Clone(awards)
	for _, c := range calcs {
		if (c.Kind == policies.KindComputed || c.Kind == policies.KindFixed) && c.AmountYuan > 0 {
			out = append(out, yuan.Mention{Yuan: c.AmountYuan, Text: yuan.Format(c.AmountYuan)})
		}
	}
	return out
}
