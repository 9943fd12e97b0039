package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexicon is the domain vocabulary of the two documents, in simplified
// characters. Segmentation prefers the longest entry, so terms of art such as
// 专精特新 or 壮大贷 stay whole tokens instead of dissolving into bigrams.
// Every quoted term of the corpus must be here (TestLexiconCoversQuotedTerms).
var lexicon = []string{
	// tiers and enterprise kinds
	"优质中小企业", "中小企业", "中小微企业", "小微企业", "创新型中小企业", "专精特新", "小巨人", "单项冠军",
	"制造业单项冠军", "高新技术企业", "领军企业", "龙头企业", "链主企业", "潜在对象", "省级", "国家级", "市级",
	"梯度培育", "培育库", "入库", "分类指导", "分级培育", "动态管理", "转企升规", "倍增计划", "提档升位",
	"新获评", "新认定", "复核", "认定", "一次性", "暂行办法", "实施方案", "工业和信息化部", "发展目标",
	// money
	"奖励", "补助", "补贴", "资助", "资金奖励", "一次性资金奖励", "专项资金", "专项经费", "配套支持", "万元", "亿元",
	"最高", "年度", "实际投入", "就高不就低", "不重复享受", "工作日", "有效期", "施行", "印发",
	// innovation and R&D
	"研发投入", "研发成果", "产业化", "科技成果转化", "科技成果", "成果转化", "重大科技成果", "落地转化",
	"卡脖子", "核心技术攻关", "重大科技项目", "关键共性技术", "人工智能", "集成电路", "航空航天", "医药健康",
	"高端医疗器械", "新能源汽车", "产业链", "建圈强链", "产业建圈强链", "产学研", "联合实验室", "工程技术中心",
	"研发机构", "研发平台", "研发中心", "行业研究院", "协同创新", "创新平台", "高校院所", "科研院所",
	// quality and standards
	"技术标准", "标准攻关", "产品质量", "主导", "制修订", "国际标准", "国家标准", "行业标准", "获批",
	"创业天府", "菁蓉汇", "校企双进",
	// digital and green
	"数字化", "智能化", "数字化转型", "智能化改造", "数字化升级", "诊断咨询", "解决方案", "智能制造",
	"智能工厂", "数字化车间", "上云", "信息化", "绿色制造", "绿色设计", "绿色工厂", "绿色园区", "示范基地",
	"公共服务平台", "新技术",
	// finance
	"融资", "融资成本", "直接融资", "融资渠道", "融资贷款", "贷款", "贴息", "利息", "贷款利息", "授信",
	"授信额度", "融资利率", "贷款市场报价利率", "壮大贷", "新易贷", "蓉易贷", "科创贷", "信贷产品",
	"金融产品", "金融机构", "银行", "地方法人银行", "绿色通道", "审批流程", "债券", "发行债券",
	"资产证券化", "供应链融资", "股权融资", "股权投资", "股权投资机构", "创业投资", "私募股权",
	"引导基金", "政府引导基金", "参股基金", "基金管理机构", "发展基金", "交子金融", "产融通", "成制产融通",
	"资本市场", "多层次资本市场", "金融顾问", "生态圈", "股权交易中心", "专板", "挂牌", "上市",
	"上市培育计划", "后备企业", "资源库", "上市服务专员", "科创板", "科创版", "北交所", "上交所", "主板",
	"交易所", "辅导备案", "股改", "首发上市", "易融荟", "新制造新经济",
	// talent and training
	"人才", "人才计划", "人才引进", "蓉漂计划", "产业建圈强链人才计划", "成都工匠", "蓉漂人才荟",
	"招才引智", "急需紧缺人才", "博士后", "科研工作站", "创新实践基地", "人才公寓", "人才安居", "职称",
	"团队", "培训", "职业技能培训", "技能培训", "高技能人才", "职业院校", "技工学校", "工匠", "企业家",
	"专题培训", "培训班", "培训体系", "教育培训", "品牌塑造", "经营管理",
	// market
	"供需对接", "融通创新", "融通发展", "新品发布会", "博览会", "展会", "招投标", "政府采购", "价格扣除",
	"专利", "专有技术", "开拓市场", "拓展市场",
	// services and organisation
	"直通车", "服务直通", "一户一档", "联系机制", "上门走访", "座谈会", "服务通", "银企校院", "服务包",
	"大数据", "政策推送", "领导小组", "组织协调", "民营经济", "财政", "财政资金", "典型宣传", "标杆",
	"宣传展示", "减税降费", "税费", "税务", "社保", "公积金", "红利账单", "点对点", "滴灌式", "应享尽享",
	"营收", "营业收入", "首次突破", "跨越发展",
	// places in scope
	"成都", "四川", "天府", "成德眉资",
}

// lexiconSet maps each entry to true; lexiconHeads maps the first two
// characters of each entry to the longest entry starting with them, so that
// segmentation probes the set only where a word can start.
var lexiconSet, lexiconHeads = func() (map[string]bool, map[string]int) {
	m := make(map[string]bool, len(lexicon))
	heads := map[string]int{}
	for _, w := range lexicon {
		m[w] = true
		r := []rune(w)
		if len(r) >= 2 {
			h := string(r[:2])
			heads[h] = max(heads[h], len(r))
		}
	}
	return m, heads
}()

// maxRunRunes is the chunk size segmentHan works in.
const maxRunRunes = 256

// stopSet is stopRunes as a set.
var stopSet = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range stopRunes {
		m[r] = true
	}
	return m
}()

// stopRunes are function characters that carry no topic on their own. They
// are dropped only as isolated single characters, never out of bigrams.
const stopRunes = "的了吗呢啊吧是在和与及或等对把被我你他她它们这那有也都就还又很可能会要想让之其并而且为以于从向个些么啥怎呀哦嘛哪谁么里吧咋"

// englishStop are English words too common to be evidence of anything.
var englishStop = map[string]bool{
	"a": true, "an": true, "the": true, "is": true, "are": true, "was": true, "be": true, "do": true, "doe": true,
	"does": true, "did": true, "i": true, "we": true, "my": true, "our": true, "you": true, "it": true, "for": true,
	"of": true, "to": true, "in": true, "on": true, "at": true, "by": true, "and": true, "or": true, "if": true,
	"there": true, "what": true, "which": true, "how": true, "can": true, "get": true, "any": true, "with": true,
	"that": true, "this": true, "thi": true, "from": true, "as": true, "me": true, "us": true, "will": true, "would": true,
	"should": true, "about": true, "when": true, "who": true, "where": true, "why": true, "company": true,
}

// docSpellings rewrites the documents' spellings to what people type before
// a clause is tokenised (quotes keep the original): bracketed forms that
// Normalize would split (各区（市）县 → 区县, 制（修）订 → 制修订), the
// contracted 沪深北交易所 spelled out as the exchanges' usual short names,
// and the draft's typo 科创版.
var docSpellings = strings.NewReplacer(
	"区(市)县", "区县",
	"制(修)订", "制修订",
	"沪深北交易所", "沪深北交易所 上交所 深交所 北交所",
	"科创版", "科创板",
)

// clauseTokens tokenises clause text for the index.
func clauseTokens(s string) []string { return tokenize(docSpellings.Replace(Normalize(s))) }

// Tokens returns the index tokens of s after Normalize: lexicon words by
// longest match (with the bigrams inside words longer than two characters, so
// 研发 still meets 研发投入), character bigrams for Chinese text between
// lexicon words (a lone character as a unigram unless it is a function
// character), and lower-cased, lightly stemmed English words and numbers.
// Order follows s; duplicates are kept.
func Tokens(s string) []string { return tokenize(Normalize(s)) }

// tokenize is Tokens on already normalised text.
func tokenize(s string) []string {
	var out []string
	runes := []rune(s)
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case isHan(r):
			j := i
			for j < len(runes) && isHan(runes[j]) {
				j++
			}
			// Runs are segmented in chunks so the offset table stays on
			// the stack; a word cut at a chunk edge only loses one token.
			for k := i; k < j; k += maxRunRunes {
				out = segmentHan(string(runes[k:min(j, k+maxRunRunes)]), out)
			}
			i = j
		case isWordRune(r):
			j := i
			for j < len(runes) && isWordRune(runes[j]) {
				j++
			}
			if w := stem(string(runes[i:j])); w != "" && !englishStop[w] {
				out = append(out, w)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') ||
		r >= utf8.RuneSelf && !isHan(r) && unicode.IsLetter(r)
}

// stem folds the English plural forms users write ("loans", "subsidies").
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// segmentHan appends the tokens of one run of Han characters. It works on
// byte offsets of the run so that lexicon probes are substrings, not
// allocations. run holds at most maxRunRunes runes.
func segmentHan(run string, out []string) []string {
	var offs [maxRunRunes + 1]int
	off := offs[:0]
	for i := range run {
		off = append(off, i)
	}
	n := len(off)
	off = append(off, len(run))
	sub := func(i, j int) string { return run[off[i]:off[j]] }
	gap := -1 // start of the current stretch of non-lexicon characters
	flushGap := func(end int) {
		if gap < 0 {
			return
		}
		if end-gap == 1 {
			if r, _ := utf8.DecodeRuneInString(sub(gap, end)); !stopSet[r] {
				out = append(out, sub(gap, end))
			}
		} else {
			for i := gap; i+1 < end; i++ {
				out = append(out, sub(i, i+2))
			}
		}
		gap = -1
	}
	for i := 0; i < n; {
		w := 0
		longest := 0
		if i+2 <= n {
			longest = lexiconHeads[sub(i, i+2)]
		}
		for l := min(longest, n-i); l >= 2; l-- {
			if lexiconSet[sub(i, i+l)] {
				w = l
				break
			}
		}
		if w == 0 {
			if gap < 0 {
				gap = i
			}
			i++
			continue
		}
		flushGap(i)
		out = append(out, sub(i, i+w))
		if w > 2 {
			for j := i; j+1 < i+w; j++ {
				out = append(out, sub(j, j+2))
			}
		}
		i += w
	}
	flushGap(n)
	return out
}

func appendBigrams(out []string, r []rune) []string {
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}

// isHan is unicode.Is(unicode.Han, r) with the common cases first: the
// table search costs more than everything else segmentation does per rune.
func isHan(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return unicode.Is(unicode.Han, r)
}
