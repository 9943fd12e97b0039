// Package questiongen generates evaluation questions with their expected
// answers from a grammar (issue 7, item 11).
//
// The expected amounts come from the grammar's own values and its own reading
// of the policy text (policies/docs/policy.txt, cited clause by clause in
// rules.go), never from the project's calculators: a case is a claim about
// the documents that the engine can be measured against.
//
// Each case carries a class: six dimensions joined by "/" (see Dimensions),
// e.g. "rd_increase/from_to/cn_wan/traditional/dialect/year".
package questiongen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Case is one evaluation case, one JSONL line of `policybot eval`.
type Case struct {
	Q          string   `json:"q"`
	Clauses    []string `json:"clauses,omitempty"`
	AmountYuan *int64   `json:"amount_yuan,omitempty"`
	Answerable *bool    `json:"answerable,omitempty"`
	Class      string   `json:"class"`
}

// Dimensions names the parts of a class, in order.
var Dimensions = []string{"calc", "order", "format", "script", "variety", "noise"}

// Values of the script, variety and noise dimensions.
const (
	scriptSimplified  = "simplified"
	scriptTraditional = "traditional"
	scriptEnglish     = "english"

	varietyPlain   = "plain"
	varietyDialect = "dialect" // Sichuan: 好多 = 多少, 啥子, 咋个, 没得, 要得
	varietyTypo    = "typo"    // one homophone typo: 专精特心, 数子化, 研发头入 …

	noiseNone   = "none"
	noiseIndex  = "index"  // a leading (1), 2.
	noiseYear   = "year"   // a leading 2026年
	noisePolite = "polite" // 您好，请问… / …谢谢
)

// UnanswerableShare is the share of generated cases the documents cannot answer.
const UnanswerableShare = 0.10

type weighted[T any] struct {
	v T
	w int
}

func pick[T any](r *rand.Rand, ws []weighted[T]) T {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	panic("unreachable")
}

func one[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// q is the question being built: the grammar's choices and the text.
type q struct {
	r       *rand.Rand
	script  string
	variety string
	format  string
	noise   string

	// filled by a rule
	order   string
	clauses []string
	amount  *int64 // nil for unanswerable cases
	text    string
}

func (g *q) en() bool { return g.script == scriptEnglish }

// money writes v yuan in the case's figure format.
func (g *q) money(v int64) string { return money(g.r, g.format, v, g.en()) }

// dialect words: the plain word, or its Sichuan form when the case is dialect.
func (g *q) duoshao() string { return g.dia("多少", "好多") }
func (g *q) shenme() string  { return g.dia("什么", "啥子") }
func (g *q) zenme() string   { return g.dia("怎么", "咋个") }
func (g *q) meiyou() string  { return g.dia("没有", "没得") }

func (g *q) dia(plain, sichuan string) string {
	if g.variety == varietyDialect {
		return sichuan
	}
	return plain
}

// ask is the closing question of an amount case; max asks for the ceiling
// (rules whose text says "up to": 新易贷, equity investment).
func (g *q) ask(noun string, max bool) string {
	if g.en() {
		if max {
			return one(g.r, "What is the maximum "+noun+"?", "How much at most can we get?", "What's the most we could receive?")
		}
		return one(g.r, "How much "+noun+" can we get?", "How much is the "+noun+"?", "What would the "+noun+" be?", "How much money is that?")
	}
	d := g.duoshao()
	if max {
		return one(g.r, "最多能拿"+d+"？", "最高"+noun+d+"？", noun+"最多"+d+"？", "顶格能拿"+d+"？")
	}
	forms := []string{"能拿" + d + noun + "？", noun + "有" + d + "？", "能申请" + d + "？", "可以拿到" + d + "？", noun + "是" + d + "？", "有" + g.meiyou() + noun + "？有" + d + "？"}
	if g.variety == varietyDialect {
		forms = append(forms, "咋个算，能拿好多？", "有啥子"+noun+"，好多钱？", "要得，那能拿好多嘛？", "能拿好多哦？")
	}
	return one(g.r, forms...)
}

// guess closes a question with a wrong figure offered as a guess; the
// expected amount stays the right one.
func (g *q) guess(right int64) string {
	cands := []int64{right * 2, right / 2, right + 100000, right + 50000, right * 3 / 2, 100000, 500000, 300000}
	var ok []int64
	for _, c := range cands {
		if c != right && c > 0 && c%10000 == 0 {
			ok = append(ok, c)
		}
	}
	w := g.money(one(g.r, ok...))
	if g.en() {
		return one(g.r, "Is it "+w+"?", "Would that be "+w+"?", "I heard "+w+", is that right?", "Can we get "+w+"?")
	}
	return one(g.r, "是"+w+"吗？", "应该是"+w+"吧？", "是不是能拿"+w+"？", "能补"+w+"对不对？", "听说是"+w+"，对吗？")
}

// join glues the clauses of a Chinese or English question.
func (g *q) join(parts ...string) string {
	if g.en() {
		return strings.Join(parts, " ")
	}
	s := strings.Join(parts, "，")
	return strings.ReplaceAll(s, "？，", "？")
}

func (g *q) set(clause string, order string, amount int64, text string) {
	g.clauses = []string{clause}
	g.order = order
	g.amount = &amount
	g.text = text
}

// Generate returns n cases with distinct questions, deterministic for a seed.
func Generate(n int, seed uint64) ([]Case, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	seen := make(map[string]bool, n)
	out := make([]Case, 0, n)
	for tries := 0; len(out) < n; tries++ {
		if tries > 50*n+1000 {
			return out, fmt.Errorf("questiongen: only %d distinct questions after %d tries", len(out), tries)
		}
		c := one1(r)
		if seen[c.Q] {
			continue
		}
		seen[c.Q] = true
		out = append(out, c)
	}
	return out, nil
}

// one1 builds one case.
func one1(r *rand.Rand) Case {
	g := &q{r: r, noise: noiseNone}
	g.script = pick(r, []weighted[string]{{scriptSimplified, 55}, {scriptTraditional, 20}, {scriptEnglish, 25}})
	g.variety = varietyPlain
	if !g.en() {
		g.variety = pick(r, []weighted[string]{{varietyPlain, 60}, {varietyDialect, 20}, {varietyTypo, 20}})
	}
	if g.en() {
		g.format = pick(r, enFormats)
	} else {
		g.format = pick(r, zhFormats)
	}
	calc := "unanswerable"
	if r.Float64() >= UnanswerableShare {
		rule := pick(r, rules)
		calc = rule.name
		rule.build(g)
	} else {
		unanswerable(g)
	}
	text := g.text
	if g.variety == varietyDialect && !hasDialect(text) {
		g.variety = varietyPlain // the grammar found no place for a Sichuan word
	}
	if g.variety == varietyTypo {
		var ok bool
		if text, ok = typo(r, text); !ok {
			g.variety = varietyPlain
		}
	}
	g.noise = pick(r, []weighted[string]{{noiseNone, 55}, {noiseIndex, 15}, {noiseYear, 15}, {noisePolite, 15}})
	if g.noise == noiseYear && strings.Contains(text, "2026") {
		g.noise = noisePolite
	}
	text = g.addNoise(text)
	if g.script == scriptTraditional {
		text = toTraditional(text)
	}
	c := Case{Q: text, Clauses: g.clauses, AmountYuan: g.amount}
	if g.amount == nil {
		f := false
		c.Answerable = &f
	}
	c.Class = strings.Join([]string{calc, g.order, g.format, g.script, g.variety, g.noise}, "/")
	return c
}

// sichuan are the dialect words the grammar writes.
var sichuan = []string{"好多", "啥子", "咋个", "没得", "要得"}

func hasDialect(s string) bool {
	for _, w := range sichuan {
		if strings.Contains(s, w) || strings.Contains(s, toTraditional(w)) {
			return true
		}
	}
	return false
}

func (g *q) addNoise(s string) string {
	r := g.r
	switch g.noise {
	case noiseIndex:
		return one(r, "(1)", "(2)", "（3）", "1.", "2、", "Q1: ", "3) ") + s
	case noiseYear:
		if g.en() {
			return "In 2026, " + lowerFirst(s)
		}
		return one(r, "2026年", "2026年度，", "2026年：") + s
	case noisePolite:
		if g.en() {
			pre := one(r, "Hello! ", "Hi there! ", "Excuse me, ")
			if strings.HasSuffix(pre, ", ") {
				s = lowerFirst(s)
			}
			return pre + s + one(r, "", " Thanks!", " Thank you very much.")
		}
		pre := one(r, "您好，请问", "你好，想问一下，", "麻烦问下，", "老师好，", "打扰了，请教一下：", "")
		post := one(r, "", "谢谢！", "麻烦了，谢谢", "感谢！")
		if pre == "" && post == "" {
			post = "谢谢"
		}
		return pre + s + post
	}
	return s
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	if strings.HasPrefix(s, "I ") || strings.HasPrefix(s, "R&D") || strings.HasPrefix(s, "RMB") {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// typos are homophone (and one look-alike) misspellings a hurried typist makes.
var typos = [][2]string{
	{"专精特新", "专精特心"}, {"数字化", "数子化"}, {"研发投入", "研发头入"}, {"研发", "研法"},
	{"营收", "营受"}, {"补贴", "补帖"}, {"奖励", "奖历"}, {"贷款", "代款"}, {"利息", "利习"},
	{"小巨人", "小巨仁"}, {"标准", "标淮"}, {"投资", "投姿"}, {"产业化", "产业话"},
	{"智能化", "智能话"}, {"贴息", "贴西"}, {"壮大贷", "壮大代"}, {"新易贷", "新易代"},
	{"申报", "申抱"}, {"补助", "补住"},
}

// typo applies one typo that fits the text; false if none fits.
func typo(r *rand.Rand, s string) (string, bool) {
	var fit [][2]string
	for _, t := range typos {
		if strings.Contains(s, t[0]) {
			fit = append(fit, t)
		}
	}
	if len(fit) == 0 {
		return s, false
	}
	t := one(r, fit...)
	return strings.Replace(s, t[0], t[1], 1), true
}
