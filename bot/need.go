package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// amountBeside are the needs beside which an amount word asks for the
// support's amount ("什么时候申报，能拿多少"); beside the others it asks the
// quantity of the main need ("认定对研发占比要求是多少", "区级配套奖励是多少").
var amountBeside = map[string]bool{"deadline": true, "payout": true, "procedure": true, "materials": true,
	"department": true, "providers": true, "contact": true, "stacking": true, "eligibility": true, "unstated": true}

// needLabels say, in the answer's words, what the documents leave unsaid.
var needLabels = map[string]string{
	"materials":     "申报需要提交哪些材料",
	"deadline":      "申报时间或截止日期",
	"payout":        "资金什么时候拨付、多久到账",
	"cert_validity": "认定资格的有效期或复核周期",
	"procedure":     "具体怎么申报、在哪个系统或平台办理、表格怎么填",
	"providers":     "具体是哪些银行、机构或名单",
	"contact":       "联系电话、地址或网址",
	"cost":          "是否收费、需不需要企业出钱",
	"criteria":      "申报的具体条件",
	"cert_criteria": "认定或评选的具体标准和条件",
	"definition":    "这个说法的定义",
	"stacking":      "能否叠加享受",
	"validity":      "有效期或施行时间",
	"amount":        "具体金额或比例",
	"issue_date":    "印发日期（两份文件都还是征求意见稿）",
	"breakdown":     "各档、各级或各阶段的具体金额和划分标准（只写了上限或“分梯度、分阶段”）",
	"rate":          "具体的利率数值",
	"other_level":   "国家、四川省或区（市）县自己的奖补（两份文件是成都市级政策）",
	"budget":        "资金或基金的规模、年度预算",
	"unstated":      "问题中提到的这类主体、条件或事项（文件中没有出现）",
}

var needLabelsEN = map[string]string{
	"materials":     "what materials an application needs",
	"deadline":      "application dates or deadlines",
	"payout":        "when the money is paid out",
	"cert_validity": "how long a certification stays valid or how often it is reviewed",
	"procedure":     "how or where to apply, or how to fill in the forms",
	"providers":     "which banks, agencies or lists are involved",
	"contact":       "phone numbers, addresses or websites",
	"cost":          "whether the service costs the enterprise anything",
	"criteria":      "the detailed conditions for applying",
	"cert_criteria": "the detailed recognition or selection criteria",
	"definition":    "a definition of this term",
	"stacking":      "whether the supports can be combined",
	"validity":      "validity or effective dates",
	"amount":        "a specific amount or rate",
	"issue_date":    "an issue date (both are still consultation drafts)",
	"breakdown":     "the amounts or boundaries of each tier, level or stage (only a maximum, or that there are tiers or stages)",
	"rate":          "a specific interest rate",
	"other_level":   "national, Sichuan provincial or district support (they are Chengdu municipal policies)",
	"budget":        "the size of a fund or an annual budget",
	"unstated":      "anything about the kind of entity, condition or item the question names (the documents never mention it)",
}

// reading is what the engine made of a question beyond its figures.
type reading struct {
	needs []knowledge.Need // most specific first; empty means other
	lang  string           // "zh" or "en"
	// quantity: the question asks for a number (多少, 几折, 比例), not
	// only whether there is support.
	quantity bool
	question string
}

// askedNeeds classifies q by what it asks: a need whose cue is only in a
// statement around the question ("假设都在政策有效期内：…能拿多少？") is
// dropped; amount and eligibility, which any sentence may carry, stay.
func askedNeeds(q string) []knowledge.Need {
	needs := knowledge.Needs(q)
	if norm := knowledge.Normalize(q); reWhichOnes.MatchString(norm) && !reAsksQuantity.MatchString(norm) {
		// "哪几个阶段能拿到奖励": which ones, not how much — the clause
		// that names them answers, whatever it says of amounts.
		needs = slices.DeleteFunc(needs, func(n knowledge.Need) bool { return n.ID == "amount" })
	}
	asked := knowledge.AskedPart(q)
	if asked == knowledge.Normalize(q) {
		return needs
	}
	inAsked := knowledge.Needs(asked)
	return slices.DeleteFunc(needs, func(n knowledge.Need) bool {
		return n.ID != "amount" && n.ID != "eligibility" && !slices.ContainsFunc(inAsked, func(a knowledge.Need) bool { return a.ID == n.ID })
	})
}

// reRecognition: the question is about a title being recognised.
var reRecognition = regexp.MustCompile(`被认定为|认定为|被评为|评为|获评|评上|入选`)

// reWhichOnes asks which ones (哪几个阶段, 哪些企业).
var reWhichOnes = regexp.MustCompile(`哪几|哪些|(?i)\bwhich (ones|stages|kinds|types)\b`)

// reAsksQuantity: words that ask for a number rather than a yes or no.
var reAsksQuantity = regexp.MustCompile(`多少|好多|几折|几成|比例|百分之几|几个点|几万|(?i)how much|what rate|what percentage|how many`)

func (r reading) need() knowledge.Need {
	if len(r.needs) == 0 {
		return knowledge.NeedOther
	}
	return r.needs[0]
}

func (r reading) asks(id string) bool {
	return slices.ContainsFunc(r.needs, func(n knowledge.Need) bool { return n.ID == id })
}

// states reports whether clause cl, quoted as quote, answers need. An
// amount is answered by a calculation (or a request for its figures), or
// when the quoted sentence — the one nearest the question — carries a
// figure of one of the clause's amount phrases: "人才公寓租金打几折" is
// nearest the 人才公寓 sentence of policy/10, which has none, so the
// clause's 300万 for 蓉漂 talents does not answer it.
func (e *Engine) states(cl policies.Clause, quote, need string, a Answer) bool {
	if need != "amount" {
		_, ok := cl.Stating(need)
		return ok
	}
	for _, c := range a.Calculations {
		// A receipt that says the clause sets no amount (上市各阶段,
		// 创新型中小企业) does not answer an amount question: it confirms
		// the silence, whatever figures the clause gives for other things.
		if c.Clause == cl.ID && c.Kind == policies.KindUnstated {
			return false
		}
		if c.Clause == cl.ID {
			return true
		}
	}
	if len(a.Missing) > 0 {
		return true
	}
	phrases, _ := cl.Stating("amount")
	for _, p := range phrases {
		for _, f := range reFigure.FindAllString(p, -1) {
			if strings.Contains(quote, f) {
				return true
			}
		}
	}
	return false
}

// reCountFigure: a count of enterprises in a clause's quote.
var reCountFigure = regexp.MustCompile(`[0-9]+家`)

// reFigure finds the figures of a clause's amount phrase.
var reFigure = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?(?:万元|亿元|元|%|家)`)

// settleNeed checks the answer's needs against the clause it would cite.
// The top clause stands when it states the question's main need, or another
// need the question asks (a computed amount, a 责任单位) — then the main
// need's silence is a note. Otherwise a cited clause nearly as good that
// states the main need leads. Failing both, the answer becomes "the
// documents do not say", and no figure is offered as if it answered.
func (e *Engine) settleNeed(a *Answer, r reading) {
	if len(a.Citations) == 0 {
		return
	}
	need := r.need().ID
	// A title recognised ("被认定为智能工厂"), with no figure of the user's,
	// asks what the title brings, not the investment rule its words name.
	titleOnly := len(a.Reading) == 0 && reRecognition.MatchString(r.question)
	countAsked := reCountAsk.MatchString(knowledge.Normalize(r.question)) // "培育多少家": a count, not a sum
	if (need == "amount" || need == "other") && r.quantity && !countAsked && (len(a.Missing) == 0 || titleOnly) && !slices.ContainsFunc(a.Calculations, func(c policies.Calculation) bool { return c.Kind != policies.KindUnstated }) {
		// "高新技术企业奖多少": the subject is in the documents, but no
		// sentence naming it carries a sum, nor does the quote retrieval
		// found nearest (or, for a subject of four or more characters, the
		// nearest clause does not name it) — the amount is unstated,
		// whatever figures the clause gives for other things.
		if t, ok := e.unfiguredSubject(r.question); ok && (!reMoney.MatchString(knowledge.Normalize(top0(a.Citations))) ||
			len([]rune(t)) >= 4 && !strings.Contains(e.normalizedClauses()[a.Citations[0].ID], t)) {
			a.Answered, a.unstated = false, need
			a.Calculations = a.Calculations[:0]
			a.Missing, a.pending = nil, nil
			return
		}
	}
	if len(a.Missing) == 0 && !slices.ContainsFunc(a.Calculations, func(c policies.Calculation) bool { return c.Kind != policies.KindUnstated }) &&
		e.absentSupportSubject(r.question) {
		// "房租补贴有没有", "担保费能不能补贴": support for a thing neither
		// document names.
		a.Answered, a.unstated = false, "unstated"
		a.Calculations = a.Calculations[:0]
		a.Missing, a.pending = nil, nil
		return
	}
	if len(r.needs) == 0 {
		return
	}
	if need == "amount" && len(a.Calculations) == 0 && len(a.Missing) == 0 && r.asks("eligibility") && !r.quantity {
		// "有补贴没得": whether there is support at all is answered by the
		// clause — when the clause grants money at all (绿色工厂 has none).
		if cl, err := e.corpus.Clause(a.Citations[0].ID); err == nil {
			if q, _ := cl.Stating("amount"); len(q) > 0 {
				return
			}
		}
	}
	top := a.Citations[0]
	if cl, err := e.corpus.Clause(top.ID); err == nil {
		for i, n := range r.needs {
			// A second need counts only if it is another kind of question:
			// 有效期 inside "认定后有效期几年" is not the policy's validity.
			// A second amount counts only if one was computed: "科室电话好多"
			// asks a number, not the clause's 50万.
			// Nor does an amount word in a question about a criterion or a
			// period ("认定对研发费用占比要求是多少"): it asks that quantity.
			quantityOfMain := !amountBeside[r.need().ID]
			if i > 0 && (n.ID == "eligibility" || n.Contract == r.need().Contract || n.ID == "amount" && (len(a.Calculations) == 0 || quantityOfMain)) ||
				!e.states(cl, top.Quote, n.ID, *a) {
				continue
			}
			if i > 0 && !(r.need().Whole && e.anyStates(need)) {
				// (A whole-documents need — stacking, validity — stated by
				// some clause is no silence: the answer's receipts quote it.)
				a.notes = append(a.notes, e.silentText(need, r.lang))
			}
			return
		}
	}
	for i, c := range a.Citations {
		if i == 0 {
			continue
		}
		if i > 2 || c.Score < top.Score*0.6 {
			break
		}
		cl, err := e.corpus.Clause(c.ID)
		// An amount only a quoted figure would give (no calculation) is
		// not reason enough to change the subject.
		// A count asked ("培育多少家") is answered by a clause quoting counts.
		countAnswered := countAsked && reCountFigure.MatchString(c.Quote)
		if err == nil && e.states(cl, c.Quote, need, *a) && (need != "amount" || e.computedFor(cl.ID, *a) || countAnswered) {
			a.Citations = promote(a.Citations, c.ID, e)
			return
		}
	}
	if r.need().Whole {
		for _, cl := range e.corpus.Clauses() {
			if q, ok := cl.Stating(need); ok && len(q) > 0 {
				a.Citations = promote(a.Citations, cl.ID, e)
				return
			}
		}
	}
	a.Answered = false
	a.unstated = need
	a.Calculations = a.Calculations[:0]
	a.Missing, a.pending = nil, nil
}

// anyStates reports whether some clause states need.
func (e *Engine) anyStates(need string) bool {
	for _, cl := range e.corpus.Clauses() {
		if q, ok := cl.Stating(need); ok && len(q) > 0 {
			return true
		}
	}
	return false
}

func (e *Engine) silentText(need, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("The two documents do not state %s.", needLabelsEN[need])
	}
	return fmt.Sprintf("两份文件没有写%s。", needLabels[need])
}

// composeUnstated answers a question whose need no clause states: that
// first, then the nearest clause as context, who answers for it, and 12345.
func (e *Engine) composeUnstated(a Answer, lang string) string {
	var b strings.Builder
	if len(a.Citations) == 0 {
		b.WriteString(e.silentText(a.unstated, lang))
		if lang == "en" {
			fmt.Fprintf(&b, "\nPlease ask %s or call %s.\n%s", policies.DepartmentEN(e.leadDepartment()), HotlineEN, DraftNoteEN)
		} else {
			fmt.Fprintf(&b, "\n请咨询%s或拨打 %s。\n%s", e.leadDepartment(), Hotline, DraftNote)
		}
		return b.String()
	}
	cl, err := e.corpus.Clause(a.Citations[0].ID)
	if lang == "en" {
		b.WriteString(e.silentText(a.unstated, lang))
		if err == nil {
			fmt.Fprintf(&b, "\nThe nearest clause, for context only: %s (%s) [%s]\nText: “%s”\n", policies.CiteEN(cl), policies.ClauseTitleEN(cl.ID), cl.ID, a.Citations[0].Quote)
			fmt.Fprintf(&b, "%s. You can also call %s.\n", departmentsEN(e, cl.Departments), HotlineEN)
		}
		b.WriteString(DraftNoteEN)
		return b.String()
	}
	b.WriteString(e.silentText(a.unstated, lang))
	b.WriteString("以下条款只是最接近的内容，供参考，并不回答这个问题。\n")
	if err == nil {
		fmt.Fprintf(&b, "最接近的条款：%s（%s）[%s]\n原文：“%s”\n", cl.Cite(), cl.Title, cl.ID, a.Citations[0].Quote)
		if len(cl.Departments) > 0 {
			fmt.Fprintf(&b, "请咨询责任单位：%s，或拨打 %s。\n", strings.Join(cl.Departments, "、"), Hotline)
		} else {
			fmt.Fprintf(&b, "请咨询 %s。\n", Hotline)
		}
	}
	b.WriteString(DraftNote)
	return b.String()
}

// DraftNoteEN is DraftNote for answers in English.
const DraftNoteEN = "Note: both documents are consultation drafts (“征求意见稿”); amounts and conditions are subject to the final text."

// detectLang reads a question as English when it is written in Latin
// letters with no Chinese characters (a clause name in Chinese inside an
// English sentence still leaves it English if Latin letters dominate).
func detectLang(q string) string {
	han, latin := 0, 0
	for _, r := range q {
		switch {
		case r >= 0x4e00 && r <= 0x9fff:
			han++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			latin++
		}
	}
	if latin >= 6 && latin > 4*han {
		return "en"
	}
	return "zh"
}

// typoNotes say which words were read as another, so a wrong correction
// is visible to the user.
func typoNotes(fixes []knowledge.Fix) []string {
	var out []string
	for _, f := range fixes {
		if f.Kind == "typo" {
			out = append(out, fmt.Sprintf("“%s”按“%s”理解。", f.From, f.To))
		}
	}
	return out
}

// preferNamedDocument: a question that names one of the documents
// ("实施方案里…", "附件2") is about that document; its best cited clause
// leads if retrieval put the other document first.
func (e *Engine) preferNamedDocument(cs []Citation, q string) []Citation {
	if len(cs) < 2 {
		return cs
	}
	norm := knowledge.Normalize(q)
	var named []string
	for _, d := range e.corpus.Documents {
		for _, name := range []string{d.Short, d.Annex} {
			if name != "" && strings.Contains(norm, knowledge.Normalize(name)) {
				named = append(named, d.Prefix)
				break
			}
		}
	}
	if len(named) != 1 || strings.HasPrefix(cs[0].ID, named[0]+"/") {
		return cs
	}
	for _, c := range cs[1:] {
		if strings.HasPrefix(c.ID, named[0]+"/") {
			return promote(cs, c.ID, e)
		}
	}
	return cs
}

// silentNeed reports whether need is one the documents state nowhere or
// only for some clauses (materials, deadlines …): a question that asks it
// is this assistant's question even with few of the documents' words.
func silentNeed(need string) bool {
	switch need {
	case "amount", "eligibility", "other", "definition", "stacking", "validity", "department", "criteria":
		return false
	}
	return needLabels[need] != ""
}

// preferSubject: when the question names a term only a clause or two use
// (绿色工厂, 成都工匠) and the top clause is not one of them, a cited clause
// that uses it leads — a generic word the top clause shares (获评, 国家级)
// must not make it the answer. Clauses a calculation rests on are kept.
func (e *Engine) preferSubject(cs []Citation, q string, calcs []policies.Calculation) []Citation {
	if len(cs) < 2 || slices.ContainsFunc(calcs, func(c policies.Calculation) bool { return c.Clause == cs[0].ID }) {
		return cs
	}
	top := cs[0].ID
	for _, t := range knowledge.Tokens(q) {
		if len([]rune(t)) < 3 || e.clausesUsing(t) > 2 || e.inDocumentTitle(t) || strings.Contains(e.normalizedClauses()[top], t) {
			continue
		}
		for _, c := range cs[1:min(len(cs), 3)] {
			if strings.Contains(e.normalizedClauses()[c.ID], t) {
				return promote(cs, c.ID, e)
			}
		}
	}
	return cs
}

// clausesUsing counts the clauses whose normalised text contains term.
func (e *Engine) clausesUsing(term string) int {
	n := 0
	for _, t := range e.normalizedClauses() {
		if strings.Contains(t, term) {
			n++
		}
	}
	return n
}

// normalizedClauses are the clauses' texts with their titles, normalised
// once per engine, by clause id.
func (e *Engine) normalizedClauses() map[string]string {
	e.normOnce.Do(func() {
		e.norm = map[string]string{}
		for _, cl := range e.corpus.Clauses() {
			e.norm[cl.ID] = knowledge.Normalize(cl.Text + cl.Title)
		}
	})
	return e.norm
}

// inDocumentTitle reports whether term is part of a document's title or
// short name (实施方案, 梯度培育): naming the document is not naming a subject.
func (e *Engine) inDocumentTitle(term string) bool {
	for _, d := range e.corpus.Documents {
		if strings.Contains(knowledge.Normalize(d.Title+d.Short), term) {
			return true
		}
	}
	return false
}

// computedFor reports whether a calculation of the answer rests on clause id.
func (e *Engine) computedFor(id string, a Answer) bool {
	return slices.ContainsFunc(a.Calculations, func(c policies.Calculation) bool { return c.Clause == id && c.Kind != policies.KindUnstated })
}

// reMoney is a sum, rate or target count (400家) in the documents' sentences.
var reMoney = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?\s*(?:万元|亿元|元|%|家)`)

// unfiguredSubject reports whether the question's subject — its longest
// term of three or more characters that one or two clauses use, returned —
// is only ever said in sentences with no sum, rate or count. Such a
// subject's amount is not in the documents.
func (e *Engine) unfiguredSubject(q string) (string, bool) {
	e.sentenceOnce.Do(func() {
		for _, cl := range e.corpus.Clauses() {
			for _, s := range reSentence.Split(knowledge.Normalize(cl.Text), -1) {
				if strings.TrimSpace(s) != "" {
					e.sentences = append(e.sentences, s)
				}
			}
		}
	})
	// The longest such term is the subject ("新认定高新技术企业": 高新技术企业,
	// not the verb 新认定); it decides.
	longest, unfigured, subject := 0, false, ""
	for _, t := range knowledge.Tokens(q) {
		n := len([]rune(t))
		if n < 3 || n < longest || e.inDocumentTitle(t) {
			continue
		}
		if c := e.clausesUsing(t); c == 0 || c > 2 {
			continue
		}
		figured := slices.ContainsFunc(e.sentences, func(s string) bool { return strings.Contains(s, t) && reMoney.MatchString(s) })
		switch {
		case n > longest:
			longest, unfigured, subject = n, !figured, t
		case figured:
			unfigured = false
		}
	}
	return subject, unfigured
}

// top0 is the first citation's quote ("" if none).
func top0(cs []Citation) string {
	if len(cs) == 0 {
		return ""
	}
	return cs[0].Quote
}

// reSentence splits a clause into sentences.
var reSentence = regexp.MustCompile(`[。；;]`)

// reSupportWord is a word for public support, with the Han characters
// before it (the thing supported: "房租补贴", "担保费能不能补贴").
var reSupportWord = regexp.MustCompile(`(\p{Han}{2,10})(补贴|补助|奖励|资助|贴息|减免|免除|免吗|奖|补)`)

// reSupportOf is a support word followed by the cost it covers.
var reSupportOf = regexp.MustCompile(`(减免|免除|补贴|补助)(\p{Han}{1,5}[费租价])`)

// reSupportTail are words between the thing and the support word.
var reSupportTail = regexp.MustCompile(`(的|有没有|有无|没有|有|能不能|可不可以|能否|可否|能|可以|会|给|再|另外|还|也|都|是)+$`)

// reNotAThing starts words that name no thing (这个, 每家, 多少).
var reNotAThing = regexp.MustCompile(`^(这|那|我|你|他|它|每|一|几|多|什么|哪|该|本|此|其)`)

// absentSupportSubject reports whether the question asks for support of
// a cost neither document names: the thing before the support word is a
// fee, rent or price (…费, …租, …价: "房租补贴", "电价补贴", "担保费能不能
// 补贴") and its last two characters occur in no clause.
func (e *Engine) absentSupportSubject(q string) bool {
	norm := knowledge.Normalize(q)
	// "减免社保费", "补贴物流费": the cost named after the support word.
	for _, m := range reSupportOf.FindAllStringSubmatch(norm, -1) {
		thing := []rune(m[2])
		if head := string(thing[len(thing)-2:]); !reNotAThing.MatchString(head) && e.clausesUsing(head) == 0 {
			return true
		}
	}
	for _, m := range reSupportWord.FindAllStringSubmatch(norm, -1) {
		thing := []rune(reSupportTail.ReplaceAllString(m[1], ""))
		if len(thing) < 2 || !strings.ContainsRune("费租价", thing[len(thing)-1]) {
			continue
		}
		head := string(thing[len(thing)-2:])
		if reNotAThing.MatchString(head) || e.clausesUsing(head) > 0 {
			continue
		}
		return true
	}
	return false
}
