package llm

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cdsme/policybot/knowledge"
)

// The guard reads the model's prose — its reply with every placeholder cut
// out (see fill) — and refuses it if it states anything the engine did not
// supply. The prose may hold no figure at all; every amount, step, clause
// number and quote reaches the user through a placeholder the engine fills.
//
// The figure rule, applied to the prose folded as package knowledge folds
// questions (traditional → simplified, full-width → ASCII, lower case,
// zero-width and format characters dropped):
//
//  1. A character Unicode classes as a number is a figure: Arabic and
//     full-width digits, 〇, circled and Roman numerals, fractions,
//     superscripts; so are 🔟 and 💯.
//  2. A Chinese numeral character (零一二两三…十百千万亿, 大写 壹贰叁…拾佰仟,
//     萬億兩 before folding, 兆, the colloquial 幺俩仨廿卅, the old 弌弍弎, and
//     双, 半 and 倍, which state a multiple or a fraction) is a figure
//     unless it stands (a) inside a lexicalised word of noFigureWords
//     (一次性, 一定, 统一, 第一, 万一, 十分, 四川 …), or (b) with its
//     neighbours copied verbatim from a clause the answer cites: the
//     numeral, the Han character before it (if any) and the Han character
//     after it occur together in the clause's text or title (校企双进,
//     四方平台). Even then it is a figure when it reads as a quantity: when
//     it touches another numeral (二十, 一万), when a measure, unit or money
//     word follows it (一项, 十分钟, 第一条, 两级, 三年), or when no Han
//     character follows it (“奖励五”).
//  3. An English number word is a figure: zero … twenty, thirty … ninety,
//     hundred, thousand, million, billion, half, dozen, twice …, and so are
//     pinyin numerals (wan, bai, qian) and currency names (yuan, rmb)
//     (numberWords) — also when spelled out with spaces or marks between
//     its letters ("f i v e", "mil-lion"). A currency sign (¥, $) is a figure, and so is 元/块
//     after a Latin letter ("lOO元" reads as 100元): amounts come only from
//     placeholders, so prose needs neither.
//  4. Verbatim copies of the cited clauses' titles and documents' titles are
//     not read (they are the engine's text: 《…三年实施方案（2023—2025）》).
//
// So “您可一次性获得{{amount:little_giant}}，由四川…统一…” passes, and 五百万,
// 伍佰万, 5百万, ５００万, 两项, 翻倍, “half a million” are refused. A false
// refusal costs only the phrasing (the offline answer is shown), never a
// figure, which is why the rule is an allow-list.
//
// Beside figures the guard refuses, unless the offline answer itself
// contains the same text: links, domain names and e-mail addresses
// (linkPatterns), requests for personal or payment data (personalWords) and
// claims that the policy lapsed (lapseWords). Phone numbers are figures.

// chineseNumerals are the numeral characters of rule 2, after folding
// (traditional forms are listed too, in case folding misses one).
const chineseNumerals = "零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩兆幺弌弍弎俩仨廿卅卌皕双半倍"

// measureWords follow a numeral that counts or measures something: a numeral
// (even inside an allowed word) before one of them reads as a quantity. 之
// is here for fractions (十分之一).
const measureWords = "元块角毛分厘个项类种条款档家名人位次回遍年月日天号钟周岁季期批轮笔份件台套张本页成折级届层步亩吨米斤倍%‰万亿千百十美欧镑刀户所之"

// noFigureWords are lexicalised words that contain a numeral character but
// state no figure. Keep it short: anything that might read as a count
// (一项, 两者, 千万) stays out.
var noFigureWords = []string{
	"一次性", "进一步", "一方面", "另一方面", "一站式", "一揽子", "一系列", "一体化", "千方百计",
	"一定", "一些", "一般", "一起", "一律", "一致", "一旦", "一并", "一体", "一直", "一样",
	"一切", "一同", "一下", "一流", "统一", "唯一", "同一", "之一", "逐一", "万一", "第一",
	"一点", "十分", "四川", "半导体",
}

var noFigureRunes = func() [][]rune {
	out := make([][]rune, len(noFigureWords))
	for i, w := range noFigureWords {
		out[i] = []rune(w)
	}
	return out
}()

// numberWords are English number words (rule 3), matched as whole words.
var numberWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`zero one two three four five six seven eight nine ten
		eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty
		thirty forty fourty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
		million millions billion billions trillion trillions half halves quarter quarters dozen dozens
		twice thrice double triple quadruple tenfold hundredfold lakh crore mn bn mln bln
		wan bai qian baiwan qianwan shiwan yiwan
		yuan rmb cny renminbi kuai usd hkd eur dollar dollars buck bucks`) {
		numberWords[w] = true
	}
}

// linkPatterns find links, domain names and e-mail addresses in folded
// prose, including spelled-out dots ("evil 点 com", "evil(dot)com"). A link
// or address is matched whole, so the offline answer's exception covers only
// that very link.
var linkPatterns = []*regexp.Regexp{
	regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^\s，。；、）)]*|\b(?:mailto|tel|sms|javascript|weixin|tg):[^\s，。；、）)]*|www\s*[.。]|[^\s@]*@[^\s@，。；、）)]*|\(at\)|\[at\]`),
	regexp.MustCompile(`\.(?:中国|公司|网络)`),
	regexp.MustCompile(`[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b`),
	regexp.MustCompile(`[a-z0-9-]+\s*(?:\(dot\)|\[dot\]|\bdot\b|点|。)\s*(?:com|cn|net|org|gov|edu|io|top|xyz|info|cc|me|app|site|vip|shop|example)\b`),
}

// personalWords ask for personal, account or payment data or send the user
// elsewhere (二维码, 链接); lapseWords claim the policy was abolished,
// withdrawn or has lapsed. Both are matched
// on the folded prose with all but letters removed ("银 行·卡" is 银行卡).
var (
	personalWords = []string{
		"银行卡", "卡号", "验证码", "校验码", "动态码", "密码", "口令", "身份证", "证件照", "证件号", "护照",
		"账号", "帐号", "账户", "帐户", "转账", "转帐", "汇款", "打款", "付款", "缴费", "手续费", "保证金",
		"押金", "开户行", "支付宝", "微信支付", "收款", "个人信息", "手机号", "短信", "人脸", "刷脸", "姓名",
		"联系方式", "住址", "微信号", "加微信", "二维码", "扫码", "网址", "链接", "点击",
	}
	lapseWords = []string{
		"废止", "作废", "废除", "停止执行", "暂停执行", "不再执行", "不再有效", "失效", "过期",
		"撤销", "撤回", "已取消", "取消了", "终止", "无效",
	}
)

// personalEnglish and lapseEnglish are the English forms, matched as words
// on the folded prose.
var (
	personalEnglish = regexp.MustCompile(`\b(?:bank\s*(?:cards?|accounts?)|(?:card|account|phone|id)\s*numbers?|pass\s*(?:words?|codes?)|pin(?:\s*codes?)?|(?:verification|security|sms)\s*codes?|otp|one[\s-]*time\s*(?:codes?|passwords?)|id\s*(?:cards?|photos?)|identity\s*(?:cards?|documents?)|passports?|social\s*security|transfer(?:s|red|ring)?|remit(?:s|ted|tance)?|wire[sd]?|deposits?|fees?|payments?|cvv|log\s*in|login|qr\s*codes?|wechat\s*id|qq|whatsapp|contact\s*details|e-?mail|personal\s*(?:data|information|details))\b`)
	lapseEnglish    = regexp.MustCompile(`\b(?:abolish\w*|repeal\w*|withdr[ae]wn?|withdrawal|revok\w*|revocation|rescind\w*|cancell?ed|suspend\w*|expired?|no\s+longer\s+(?:valid|in\s+force|effective|applies|apply)|invalid|lapsed|void)\b`)
)

// guard holds what a reply's prose is checked against.
type guard struct {
	offlineSqueezed string   // the offline answer, folded, letters only: words it uses are allowed
	offlineFolded   string   // the offline answer, folded (spaces kept), for links
	sources         []string // cited clause texts and titles, folded: verbatim context for numerals
	titles          []string // clause and document titles, folded: masked before reading
}

// newGuard prepares the checks for one answer.
func newGuard(offline string, sources, titles []string) guard {
	g := guard{offlineFolded: fold(offline), offlineSqueezed: squeeze(fold(offline))}
	for _, s := range sources {
		if s = fold(s); s != "" {
			g.sources = append(g.sources, s)
		}
	}
	for _, t := range titles {
		if t = fold(t); utf8.RuneCountInString(t) >= 2 {
			g.titles = append(g.titles, t)
		}
	}
	return g
}

// check reads prose (the reply with placeholders cut out) and returns the
// first thing it refuses as a *RejectError, or nil.
func (g guard) check(prose string) error {
	f := fold(prose)
	for _, re := range linkPatterns {
		if err := g.banned(re.FindAllString(f, -1), g.offlineFolded, "a link, domain or e-mail address"); err != nil {
			return err
		}
	}
	sq := squeeze(f)
	for _, set := range []struct {
		words   []string
		english *regexp.Regexp
		why     string
	}{
		{personalWords, personalEnglish, "asks for personal or payment data"},
		{lapseWords, lapseEnglish, "says the policy lapsed"},
	} {
		var found []string
		for _, w := range set.words {
			if strings.Contains(sq, w) {
				found = append(found, w)
			}
		}
		if err := g.banned(found, g.offlineSqueezed, set.why); err != nil {
			return err
		}
		if err := g.banned(set.english.FindAllString(f, -1), g.offlineFolded, set.why); err != nil {
			return err
		}
	}
	for _, t := range g.titles {
		f = strings.ReplaceAll(f, t, "|")
	}
	prev := ' ' // the last rune that is not a space
	for _, r := range f {
		switch {
		case unicode.IsNumber(r) || r == '🔟' || r == '💯':
			return reject(ErrInventedNumber, string(r), "a digit or numeral")
		case unicode.Is(unicode.Sc, r):
			return reject(ErrInventedNumber, string(r), "a currency sign")
		case (r == '元' || r == '块') && prev < utf8.RuneSelf && unicode.IsLetter(prev):
			return reject(ErrInventedNumber, string([]rune{prev, r}), "a unit after a Latin letter")
		}
		if r != ' ' {
			prev = r
		}
	}
	if w := englishNumber(f); w != "" {
		return reject(ErrInventedNumber, w, "a number or currency word")
	}
	return g.checkChinese(f)
}

// banned refuses the first of found that the offline answer (in the same
// folding) does not contain itself.
func (g guard) banned(found []string, offline, why string) error {
	for _, m := range found {
		if !strings.Contains(offline, m) {
			return reject(ErrUnsafe, m, why)
		}
	}
	return nil
}

// checkChinese applies rule 2 of the figure rule to folded prose.
func (g guard) checkChinese(f string) error {
	rs := []rune(f)
	lexical := make([]bool, len(rs))
	for i := range rs {
		for _, wr := range noFigureRunes {
			if !hasRunesAt(rs, i, wr) {
				continue
			}
			end := i + len(wr)
			last := wr[len(wr)-1]
			if end < len(rs) && (isNumeral(last) || isMeasure(last)) && (isMeasure(rs[end]) || isNumeral(rs[end])) {
				return reject(ErrInventedNumber, string(rs[i:end+1]), "reads as a quantity")
			}
			for k := i; k < end; k++ {
				lexical[k] = true
			}
		}
	}
	for i, r := range rs {
		if !isNumeral(r) || lexical[i] {
			continue
		}
		if (i > 0 && isNumeral(rs[i-1])) || (i+1 < len(rs) && isNumeral(rs[i+1])) {
			return reject(ErrInventedNumber, numeralRun(rs, i), "reads as a quantity")
		}
		if i+1 == len(rs) || !isHan(rs[i+1]) || isMeasure(rs[i+1]) {
			return reject(ErrInventedNumber, string(rs[i:min(i+2, len(rs))]), "reads as a quantity")
		}
		ctx := string(rs[i : i+2])
		if i > 0 && isHan(rs[i-1]) {
			ctx = string(rs[i-1 : i+2])
		}
		if !g.fromSource(ctx) {
			return reject(ErrInventedNumber, ctx, "a numeral not copied from the cited clauses")
		}
	}
	return nil
}

func (g guard) fromSource(s string) bool {
	for _, src := range g.sources {
		if strings.Contains(src, s) {
			return true
		}
	}
	return false
}

// englishNumber returns the first English number word in folded text,
// reading each word, each chunk between spaces with its marks dropped
// ("mil-lion"), and each run of single letters joined ("f i v e").
func englishNumber(f string) string {
	isLetter := func(r rune) bool { return r >= 'a' && r <= 'z' }
	for _, w := range strings.FieldsFunc(f, func(r rune) bool { return !isLetter(r) }) {
		if numberWords[w] {
			return w
		}
	}
	var spelled strings.Builder // the current run of single letters
	for _, chunk := range strings.FieldsFunc(f, func(r rune) bool { return r == ' ' || r >= utf8.RuneSelf }) {
		letters := strings.Map(func(r rune) rune {
			if isLetter(r) {
				return r
			}
			return -1
		}, chunk)
		if numberWords[letters] {
			return chunk
		}
		if len(letters) == 1 {
			spelled.WriteString(letters)
			if w := spelled.String(); numberWords[w] {
				return w
			}
			continue
		}
		spelled.Reset()
	}
	return ""
}

func numeralRun(rs []rune, i int) string {
	s, e := i, i
	for s > 0 && isNumeral(rs[s-1]) {
		s--
	}
	for e < len(rs) && isNumeral(rs[e]) {
		e++
	}
	return string(rs[s:e])
}

func hasRunesAt(rs []rune, i int, w []rune) bool {
	if i+len(w) > len(rs) {
		return false
	}
	for k, r := range w {
		if rs[i+k] != r {
			return false
		}
	}
	return true
}

func isNumeral(r rune) bool { return strings.ContainsRune(chineseNumerals, r) }
func isMeasure(r rune) bool { return strings.ContainsRune(measureWords, r) }
func isHan(r rune) bool     { return unicode.Is(unicode.Han, r) }

// fold maps s rune by rune as knowledge.Normalize does (which bounds its
// output, so it is applied per rune here to read every rune of a long
// reply); white space stays one space per rune.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			b.WriteByte(' ')
			continue
		}
		if r < utf8.RuneSelf {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteString(knowledge.Normalize(string(r)))
	}
	return b.String()
}

// squeeze keeps only letters (Han included), so that words spaced or
// dotted apart ("银 行 卡", "银·行·卡") match.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}
