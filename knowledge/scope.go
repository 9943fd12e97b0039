package knowledge

import (
	"regexp"
	"strings"
)

// Scope detection answers one question: do the two Chengdu documents speak to
// this at all? Three tests, in order:
//
//  1. Place: naming another city, province or country (and not Chengdu) is
//     out — the documents are Chengdu municipal policy. The exchanges of
//     Shanghai, Shenzhen and Beijing are not places: policy/7 rewards
//     listing there (沪深北交易所), in Chinese or English.
//  2. Topic: a few subjects people bring to a government bot that these
//     documents never treat (licences, personal social insurance and 落户,
//     labour law, the specifics of national tax rules, national funds,
//     weather …) are out however policy-like the wording. policy/12 only
//     promises to apply national tax cuts; 增值税 rates or 高新技术企业认定
//     criteria are national rules it does not state.
//
// Result.Scope records which test put a question out (ScopeEmpty,
// ScopeOtherPlace, ScopeOffTopic, ScopeWeak); only a weak question is near
// enough to a clause for its responsible department to be worth naming.
//  3. Evidence: otherwise the question must carry enough of the documents'
//     vocabulary — a domain concept from the synonym table, a word asking
//     for public support (supportWords), or lexicon words and bigrams of the
//     corpus worth minEvidence in IDF.

// minEvidence is the summed IDF (lexicon words count fully, bare bigrams a
// third) a question needs when no domain concept matched: one lexicon word
// found in at most a few clauses (有什么补贴: 补贴, IDF 2.6) is enough, a
// couple of bigrams the corpus happens to contain (推荐 in 推荐人才, 流程 in
// 审批流程) are not. Subjects whose words the corpus shares with citizens' errands (社保,
// 公积金) are caught by offTopics first.
const minEvidence = 2.5

// inScopePlaces are the names that put a question in Chengdu.
var inScopePlaces = []string{"成都", "蓉城", "四川", "天府", "川渝", "chengdu", "sichuan", "tianfu"}

// otherPlaces are places the documents do not cover. Chinese names match as
// substrings, Latin ones as whole words. Names that are also common word
// parts (广安 in 推广安排, 中山 in 中山大学) are left out on purpose.
var otherPlaces = []string{
	"北京", "上海", "深圳", "广州", "杭州", "南京", "苏州", "武汉", "西安", "重庆", "天津", "长沙", "郑州",
	"合肥", "青岛", "厦门", "宁波", "东莞", "佛山", "无锡", "济南", "福州", "昆明", "贵阳", "南宁", "沈阳",
	"大连", "哈尔滨", "长春", "石家庄", "太原", "南昌", "兰州", "乌鲁木齐", "拉萨", "海口", "呼和浩特",
	"银川", "西宁", "珠海", "温州", "常州", "绍兴", "嘉兴", "泉州", "烟台", "徐州", "中关村", "浦东", "前海",
	"雄安", "张江", "临港", "滨海新区", "香港", "澳门", "台湾", "广东", "江苏", "浙江", "山东", "河南",
	"河北", "湖北", "湖南", "安徽", "福建", "江西", "云南", "贵州", "陕西", "甘肃", "辽宁", "吉林",
	"黑龙江", "山西", "内蒙古", "广西", "海南", "西藏", "新疆", "宁夏", "青海", "绵阳", "德阳", "宜宾",
	"台北", "高雄", "台中", "台南", "新竹", "泸州", "南充", "乐山", "眉山", "自贡", "攀枝花", "遂宁", "内江", "达州", "雅安", "巴中", "资阳",
	"美国", "日本", "韩国", "新加坡", "欧洲", "欧盟", "英国", "德国", "法国", "意大利", "荷兰", "瑞士", "瑞典",
	"以色列", "俄罗斯", "印度", "澳大利亚", "加拿大", "越南", "泰国", "马来西亚", "迪拜", "硅谷",
	"beijing", "shanghai", "shenzhen", "guangzhou", "hangzhou", "nanjing", "suzhou", "wuhan", "xi'an",
	"xian", "chongqing", "tianjin", "changsha", "zhengzhou", "hefei", "qingdao", "xiamen", "ningbo",
	"zhongguancun", "pudong", "hong kong", "hongkong", "macau", "macao", "taiwan", "guangdong",
	"jiangsu", "zhejiang", "shandong", "taipei", "kaohsiung", "taichung", "mianyang", "deyang", "singapore", "silicon valley", "new york",
	"london", "tokyo", "usa", "america", "europe",
	// countries and their adjectives; "US" only where it cannot be the
	// pronoun ("the US", "U.S.").
	"uk", "u k", "britain", "british", "england", "united kingdom", "united state", "the us", "u s",
	"american", "japan", "japanese", "korea", "korean", "germany", "german", "france", "french",
	"european", "eu", "israel", "russia", "india", "australia", "canada", "vietnam", "thailand",
	"malaysia", "dubai", "switzerland", "netherlands", "sweden", "italy", "seoul", "paris", "berlin",
	"sydney", "toronto",
}

// placeExceptions name institutions, not places: listing on the Beijing
// Stock Exchange or working with a Shanghai university is a Chengdu question.
// They are blanked out before otherPlaces is checked.
var placeExceptions = []string{
	"北京证券交易所", "上海证券交易所", "深圳证券交易所", "北京大学", "上海交通大学", "上海交大", "浙江大学",
	"beijing stock exchange", "shanghai stock exchange", "shenzhen stock exchange", "hong kong stock exchange",
	"peking university", "shanghai jiao tong",
}

// placeExceptionReplacer blanks placeExceptions out of a normalised question
// and out of its padded word form.
var placeExceptionReplacer = func() *strings.Replacer {
	var pairs []string
	for _, e := range placeExceptions {
		if isASCII(e) {
			pairs = append(pairs, " "+strings.Join(englishWords(e), " ")+" ", "  ")
		} else {
			pairs = append(pairs, e, " ")
		}
	}
	return strings.NewReplacer(pairs...)
}()

// exchangeCities are the cities whose exchanges policy/7 names (沪深北交易所).
// Listing there is a Chengdu question however the exchanges are listed:
// "上海、深圳或北京证券交易所", "the Shanghai, Shenzhen or Beijing
// exchanges", "Shanghai stock market".
var exchangeCities = map[string]bool{"shanghai": true, "shenzhen": true, "beijing": true}

// exchangeHan matches Chinese lists of those cities ending in an exchange.
var exchangeHan = regexp.MustCompile(`(?:上海|深圳|北京)(?:证券)?(?:[、,，/和或及与 ]*(?:上海|深圳|北京)(?:证券)?)*(?:证券交易所|交易所|证交所)`)

// blankExchanges removes exchange cities from a question that names them as
// exchanges: in the padded English form, a run of those cities (joined by
// and/or/the/stock) directly before exchange, bourse or stock market; in
// Chinese, exchangeHan.
func blankExchanges(norm, padded string) (string, string) {
	norm = exchangeHan.ReplaceAllString(norm, " ")
	words := strings.Fields(padded)
	drop := make([]bool, len(words))
	for i, w := range words {
		if w != "exchange" && w != "bourse" && (w != "market" || i == 0 || words[i-1] != "stock") {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			switch v := words[j]; {
			case exchangeCities[v]:
				drop[j] = true
			case v == "and" || v == "or" || v == "the" || v == "stock" || v == "securitie" || v == "nor":
			default:
				j = -1
			}
		}
	}
	var b strings.Builder
	b.WriteByte(' ')
	for i, w := range words {
		if !drop[i] {
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	return norm, b.String()
}

// offTopics are subjects outside the documents, each with the label the
// reason names. A trigger "A+B" needs both parts. The triggers are specific
// on purpose: 社保 alone is in the text (the 社保 直通车 of plan/3), 交社保
// is a citizen's errand.
//
// unless lists the phrases that make a trigger mean something the documents
// do treat: 落户 of a person is an errand, 企业落户 (a company moving its
// registration to Chengdu) is policy/9.
var offTopics = []struct {
	label    string
	triggers []string
	unless   []string
}{
	{"营业执照与工商注册", []string{"营业执照", "工商注册", "注册公司", "公司注册", "注册一家", "注册个公司", "开公司流程", "工商登记", "注销", "工商变更", "变更登记", "企业年报", "年检", "business license", "business licence", "register a company", "company registration", "register my company"}, nil},
	{"个人社保、医保与公积金", []string{"交社保", "社保缴费", "社保+缴", "社保+怎么交", "公积金+提取", "公积金+取出", "医保+报销", "社保卡", "个人社保", "社保断缴", "补缴社保", "社保怎么交", "养老金", "养老保险", "医保", "医疗保险", "公积金提取", "提取公积金", "公积金贷款", "下岗", "低保", "工伤", "劳动仲裁", "最低工资", "生育津贴", "退休", "pension", "social insurance", "social security", "medical insurance", "health insurance", "housing fund", "provident fund"}, nil},
	{"专利申请与费用减免", []string{"专利申请费", "专利费", "专利年费", "专利代理", "商标注册", "patent fee", "patent application fee"}, nil},
	{"个人所得税与日常报税", []string{"个人所得税", "个税", "税务登记", "开发票", "发票", "personal income tax", "income tax return", "invoice"}, nil},
	{"就业与社保补贴", []string{"社保补贴", "稳岗", "就业补贴", "吸纳就业", "岗位补贴", "失业", "employment subsidy"}, nil},
	{"住房与户籍", []string{"买房", "购房", "首套房", "二套房", "买首套", "first flat", "first home", "buy a flat", "buying a flat", "buying my first", "房贷", "房价", "户口", "户籍", "buy a house", "mortgage", "hukou", "household registration", "residence permit", "居住证"}, nil},
	{"个人落户", []string{"落户", "settle in chengdu", "settle down"},
		[]string{"企业+落户", "公司+落户", "项目+落户", "基金+落户", "机构+落户", "引进", "引入", "招商", "注册经营", "company", "companie", "firm", "enterprise", "business"}},
	{"交通与证照", []string{"驾照", "驾驶证", "车牌", "摇号", "违章", "签证", "护照", "身份证", "driver's license", "driver's licence", "driving license", "driving licence", "passport", "visa", "id card"}, nil},
	{"劳动用工与劳动法", []string{"劳动合同", "劳动法", "劳动争议", "劳务合同", "辞退", "开除", "解雇", "裁员", "经济补偿金", "离职补偿", "赔偿金", "加班费", "加班工资", "试用期", "年假", "带薪休假", "竞业", "五险一金",
		"labor contract", "labour contract", "employment contract", "labor law", "labour law", "severance", "lay off", "laid off", "layoff", "dismiss", "fire an employee", "overtime pay", "probation period", "annual leave", "minimum wage"}, nil},
	{"国家税收政策的具体规定（成都文件只承诺落实国家减税降费政策）", []string{
		"加计扣除", "增值税", "起征点", "纳税人", "所得税", "税率", "免征", "减按", "留抵退税", "印花税", "房产税", "个体户+税", "核定征收",
		"高新技术企业认定", "高新+认定标准", "高新+认定条件", "高新+申报条件", "高新+评定标准", "高新+认定要求", "高企认定", "高企+条件", "高企+标准",
		"tax credit", "super deduction", "additional deduction", "vat", "value-added tax", "value added tax", "corporate income tax", "enterprise income tax", "tax rate", "taxpayer", "tax threshold", "tax exemption"}, nil},
	{"国家层面的其他专项资金（如国家中小企业发展基金）", []string{"国家中小企业发展基金", "国家级基金", "国家基金", "国家大基金", "national sme development fund", "national development fund", "national sme fund"}, nil},
	{"消费与生育补贴", []string{"买车", "购车", "买新能源", "买电动车", "新能源车补贴", "购置补贴", "汽车补贴", "以旧换新", "消费券", "家电补贴", "育儿补贴", "生育补贴", "生孩子", "生二胎", "生三胎", "car purchase", "buy a car", "consumer voucher"}, nil},
	{"天气", []string{"天气", "下雨", "气温", "weather", "temperature", "rain"}, nil},
	{"娱乐与生活", []string{"电影", "电视剧", "小说", "音乐", "唱歌", "游戏", "美食", "火锅", "餐厅", "旅游", "景点", "熊猫", "菜谱", "做菜", "笑话", "写诗", "写一首", "足球", "篮球", "彩票", "星座", "movie", "film", "music", "song", "game", "restaurant", "hotpot", "tourist", "panda", "recipe", "joke", "poem", "football", "soccer", "basketball", "lottery"}, nil},
	{"股票与理财", []string{"炒股", "股价", "股票推荐", "推荐股票", "基金推荐", "理财产品", "比特币", "汇率", "stock price", "stock tip", "bitcoin", "exchange rate", "crypto"}, nil},
	{"婚姻、教育与医疗", []string{"结婚", "离婚", "高考", "中考", "幼儿园", "小学入学", "挂号", "看病", "医院", "marriage", "divorce", "kindergarten", "hospital", "doctor appointment"}, nil},
}

// The values of Result.Scope for a question out of scope.
const (
	ScopeEmpty      = "empty"       // nothing to search for
	ScopeOtherPlace = "other_place" // another city, province or country
	ScopeOffTopic   = "off_topic"   // a subject the documents never treat
	ScopeWeak       = "weak"        // too little of the documents' vocabulary
)

type scopeVerdict struct {
	in     bool
	kind   string // "" when in, else one of the Scope constants
	reason string
}

// judgeScope applies the three tests to a normalised question; padded is its
// " word word " English form, found the matched concepts, evidence the
// lexical evidence of the user's own words.
func judgeScope(norm, padded string, found []*compiledConcept, evidence float64) scopeVerdict {
	if strings.TrimSpace(norm) == "" {
		return scopeVerdict{kind: ScopeEmpty, reason: "问题为空，请输入想了解的政策问题"}
	}
	if p := otherPlaceIndex.first(norm, padded); p >= 0 && (inScopeIndex.first(norm, padded) < 0 || reComparison.MatchString(norm)) {
		// Only now blank out institutions named after places (北京证券交易所)
		// and look again: rare, so not worth doing on every question.
		pn, pp := blankExchanges(norm, padded)
		pn, pp = placeExceptionReplacer.Replace(pn), placeExceptionReplacer.Replace(pp)
		if p = otherPlaceIndex.first(pn, pp); p >= 0 {
			return scopeVerdict{kind: ScopeOtherPlace, reason: "问题涉及" + displayPlace(otherPlaces[p]) + "，本助手只覆盖成都市的两份政策文件（优质中小企业梯度培育三年实施方案、支持中小企业专精特新发展若干政策）"}
		}
	}
	if t := offTopic(norm, padded); t >= 0 {
		return scopeVerdict{kind: ScopeOffTopic, reason: "问题涉及" + offTopics[t].label + "，不在两份政策文件的范围内，可咨询相关主管部门或拨打12345热线"}
	}
	for _, c := range found {
		if c.domain {
			return scopeVerdict{in: true}
		}
	}
	if supportWordIndex.first(norm, padded) >= 0 {
		return scopeVerdict{in: true}
	}
	if evidence >= minEvidence {
		return scopeVerdict{in: true}
	}
	return scopeVerdict{kind: ScopeWeak, reason: "问题与两份政策文件（优质中小企业梯度培育、专精特新支持政策）的内容关联不足，本助手无法据此作答，可拨打12345热线咨询"}
}

// reComparison: a question that sets another place beside Chengdu
// ("重庆的政策和成都比哪个好", "does Suzhou have X like Chengdu's") asks about
// the other place, which the documents do not cover.
var reComparison = regexp.MustCompile(`(和|跟|与|同)成都(比|相比|对比|一样|差不多)|比成都|哪个好|哪里好|哪边好|有没有.{0,12}(像|和|跟)成都|\blike chengdu|\bcompared? (to|with) chengdu|\bthan chengdu|\bversus chengdu|\bvs\.? chengdu`)

// supportWords ask for public support in general (奖补资金怎么申请, any
// grants?). Past the place and topic tests they are enough to be in scope:
// that is what these documents are for. Amount words alone (多少钱) are not.
var supportWords = []string{"奖励", "补贴", "补助", "资助", "奖金", "奖补", "扶持", "贴息", "优惠政策", "惠企",
	"subsidy", "subsidies", "grant", "reward", "award", "incentive", "funding", "support policy", "preferential policy"}

var supportWordIndex = func() *phraseIndex {
	p := &phraseIndex{}
	for i, w := range supportWords {
		p.add(w, i)
	}
	return p
}()

// Phrase indexes over the lists above; ids are list positions.
var inScopeIndex, otherPlaceIndex, offTopicIndex = func() (*phraseIndex, *phraseIndex, *phraseIndex) {
	in, other, off := &phraseIndex{}, &phraseIndex{}, &phraseIndex{}
	for i, p := range inScopePlaces {
		in.add(p, i)
	}
	for i, p := range otherPlaces {
		other.add(p, i)
	}
	for i, t := range offTopics {
		for _, tr := range t.triggers {
			off.add(tr, i)
		}
	}
	return in, other, off
}()

// offTopicUnless indexes the offTopics' unless phrases.
var offTopicUnless = func() *phraseIndex {
	p := &phraseIndex{}
	for i, t := range offTopics {
		for _, u := range t.unless {
			p.add(u, i)
		}
	}
	return p
}()

// offTopic returns the first offTopics entry the question triggers and no
// unless phrase of it cancels, or -1.
func offTopic(norm, padded string) int {
	var hit [64]bool
	found := false
	offTopicIndex.each(norm, padded, func(id int) { hit[id], found = true, true })
	if !found {
		return -1
	}
	offTopicUnless.each(norm, padded, func(id int) { hit[id] = false })
	for i, h := range hit {
		if h {
			return i
		}
	}
	return -1
}

// displayPlace names a Latin place in the reason in a readable form.
func displayPlace(p string) string {
	switch p {
	case "the us", "u s":
		return "US"
	case "u k":
		return "UK"
	}
	if isASCII(p) && len(p) <= 3 {
		return strings.ToUpper(p)
	}
	if isASCII(p) {
		return strings.ToUpper(p[:1]) + p[1:]
	}
	return p
}
