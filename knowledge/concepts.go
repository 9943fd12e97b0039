package knowledge

import "strings"

// concept maps the ways people ask about one thing — colloquial Chinese,
// English — to the vocabulary the documents use for it. Triggers are matched
// on the normalised question: zh as substrings, en as whole words after the
// same light stemming Tokens applies. A matched concept adds the tokens of
// expand to the query with weight expansionWeight.
type concept struct {
	name   string
	zh     []string
	en     []string
	expand []string
	// domain marks a concept only these documents' readers would ask about;
	// one of them is enough evidence that a question is in scope.
	domain bool
	// audience marks a concept that names who (SME, 小巨人) rather than what;
	// see scope.go.
	audience bool
	// money marks a question about an amount: clauses that state amounts in
	// 万元 are preferred (附件2 carries the money, 附件1 the intentions).
	money bool
	// weight overrides expansionWeight for concepts specific enough to
	// count like a word the user typed (不重复享受, 有效期).
	weight float64
	// unless suppresses the concept: 多少家 asks for a count, not money.
	unless []string
}

// concepts is the synonym table. Keep expansions to words that occur in the
// documents: anything else cannot match and only dilutes the query.
var concepts = []concept{
	// —— money and intent ——
	{name: "money", money: true,
		unless: []string{"多少家", "几家", "培育多少", "要培育", "多少个", "多少企业", "多少户", "多久", "多少天", "多少年", "多长时间", "how many", "how long"},
		zh:     []string{"奖补", "贴钱", "返钱", "拨款", "配套奖励", "钱", "奖励", "补贴", "补助", "资助", "奖金", "给多少", "多少", "能拿", "能领", "能补", "补多少", "报销", "返还", "返多少", "扶持资金", "资金支持", "金额", "额度", "几万", "万块", "块钱", "给予", "兑现"},
		en:     []string{"prize", "rebate", "refund of", "money", "reward", "subsidy", "subsidize", "subsidise", "grant", "bonus", "how much", "amount", "funding", "fund support", "cash", "pay", "paid", "incentive", "award", "allowance", "compensation", "reimburse", "receive", "maximum", "max", "cap", "up to"},
		expand: []string{"奖励", "补助", "补贴", "资助", "给予", "万元", "最高"}},
	{name: "newly", zh: []string{"新评上", "刚评上", "新评", "刚认定", "新获", "首次评上", "评上", "获评", "认定为", "被认定"},
		en:     []string{"new", "newly", "recognized", "recognised", "certified", "designated", "awarded", "named", "become", "became"},
		expand: []string{"新获评", "新认定", "认定"}},
	{name: "review", zh: []string{"复核", "复审", "通过复核"}, en: []string{"review", "re-certification", "recertification", "renewal", "renew"},
		expand: []string{"复核"}, domain: true},

	// —— tiers ——
	{name: "srdi", domain: true, audience: true,
		zh:     []string{"专精特新", "专精特新企业", "专新特精", "专精"},
		en:     []string{"specialized", "specialised", "sophisticated", "srdi", "specialized and sophisticated", "distinctive", "novel", "specialised and new", "specialized and new", "zjtx"},
		expand: []string{"专精特新"}},
	{name: "little giant", domain: true, audience: true,
		zh:     []string{"小巨人", "巨人企业", "国家级专精特新"},
		en:     []string{"little giant", "giant", "national-level", "national level srdi"},
		expand: []string{"小巨人", "国家", "专精特新"}},
	{name: "provincial", domain: true, audience: true,
		zh:     []string{"省级", "省里", "省专精特新", "四川省专精特新"},
		en:     []string{"provincial", "province", "province-level", "sichuan-level"},
		expand: []string{"省级", "专精特新中小企业"}},
	{name: "innovative sme", domain: true, audience: true,
		zh:     []string{"创新型中小企业", "创新型企业", "创新型"},
		en:     []string{"innovative sme", "innovative enterprise", "innovative small", "innovation-oriented", "innovative company", "innovative firm"},
		expand: []string{"创新型中小企业"}},
	{name: "quality sme", domain: true, audience: true,
		zh:     []string{"优质中小企业", "优质企业", "优质中小"},
		en:     []string{"quality sme", "high-quality sme", "quality enterprise", "high-quality enterprise", "quality small"},
		expand: []string{"优质中小企业"}},
	{name: "sme", domain: true, audience: true, zh: []string{"中小企业", "小企业", "中小微", "小微"}, en: []string{"sme", "small business", "small and medium", "smes", "small firm", "small company", "medium-sized"},
		expand: []string{"中小企业"}},
	{name: "champion", domain: true,
		zh:     []string{"单项冠军", "隐形冠军", "冠军企业", "冠军"},
		en:     []string{"champion", "single champion", "manufacturing champion", "hidden champion", "individual champion"},
		expand: []string{"制造业单项冠军", "单项冠军"}},
	{name: "definition", zh: []string{"是指", "什么意思", "定义", "指的是", "哪些企业算", "算不算", "包括哪些企业", "哪几类"},
		en:     []string{"definition", "define", "mean", "meaning", "what count", "count as", "qualify as", "what is a quality"},
		expand: []string{"是指", "经认定", "优质中小企业", "创新型中小企业"}},

	// —— plan: cultivation system ——
	{name: "cultivation pool", domain: true,
		zh:     []string{"培育库", "入库", "企业库", "梯度培育", "梯队", "分级培育", "动态管理", "培育体系", "重点培育"},
		en:     []string{"cultivation pool", "cultivation database", "pool", "database of", "tiered cultivation", "tier", "tiered", "cultivation system", "dynamic management", "incubation pool", "talent pool of firms"},
		expand: []string{"培育库", "入库", "梯度培育", "培育体系", "动态管理"}},
	// How the city policy stands to national and provincial support: the
	// preamble's "在全面落实国家和四川省支持政策的基础上".
	{name: "national_basis", domain: true,
		zh:     []string{"国家和省", "国家和四川", "国家、省", "国家政策", "省里的政策", "省级政策", "叠加国家", "替代国家", "取代"},
		en:     []string{"national and sichuan", "national and provincial", "on top of", "replace", "instead of national"},
		expand: []string{"全面落实", "国家和四川省支持政策", "基础上"}},
	{name: "goal", domain: true,
		zh:     []string{"目标", "到2025", "2025年", "培育多少", "要培育", "培育多少家", "多少家", "几家", "力争", "累计培育", "规划"},
		en:     []string{"goal", "target", "objective", "by 2025", "2025", "how many", "cultivate", "aim"},
		expand: []string{"发展目标", "力争", "累计培育", "2025", "家以上"}},
	{name: "high-tech", domain: true,
		zh:     []string{"高新技术企业", "高新企业", "高企", "倍增", "转企升规", "升规", "规上", "规模以上", "潜在优质", "产业链梳理", "医疗器械", "新能源汽车", "集成电路"},
		en:     []string{"high-tech enterprise", "high-tech", "hi-tech", "high and new tech", "doubling", "above-scale", "above designated size", "scale up", "upgrade to enterprise", "potential", "medical device", "new energy vehicle", "integrated circuit", "semiconductor", "chip", "industrial chain", "industry chain"},
		expand: []string{"高新技术企业", "倍增计划", "转企升规", "潜在对象", "产业链", "夯实培育基础"}},
	{name: "policy system", domain: true,
		zh:     []string{"一户一档", "政策体系", "政策工具", "用地", "用能", "涉企部门", "政务服务", "享受国家"},
		en:     []string{"one file per", "one-file", "policy toolkit", "policy system", "land use", "energy use", "government service", "one household one file"},
		expand: []string{"一户一档", "政策体系", "直通车", "政务服务"}},

	// —— innovation and R&D ——
	{name: "rnd", domain: true,
		zh:     []string{"研发", "研究开发", "科研", "搞研发", "研发费用", "研发经费", "研发支出", "研发投入", "研发花", "投研发"},
		en:     []string{"r&d", "r & d", "r and d", "rd", "research and development", "research", "development spending", "research spending", "rd spending", "r&d spending", "r&d investment", "r&d expense"},
		expand: []string{"研发投入", "研发"}},
	{name: "increase", zh: []string{"增加", "多了", "增长", "提高了", "比去年", "同比", "增量", "加大", "多投"},
		en:     []string{"increase", "increased", "grow", "grew", "growth", "more than last year", "raise", "raised", "additional", "extra", "incremental", "every 2 million", "per 2 million"},
		expand: []string{"增加", "每增加", "年度", "加大"}},
	{name: "commercialization", domain: true,
		zh:     []string{"产业化", "成果转化", "科技成果", "研发成果", "转化", "落地", "商业化", "量产"},
		en:     []string{"commercialization", "commercialisation", "commercialize", "industrialization", "industrialisation", "technology transfer", "tech transfer", "research result", "achievement", "mass production", "land in chengdu", "landing"},
		expand: []string{"研发成果", "产业化", "科技成果转化", "重大科技成果", "落地转化"}},
	{name: "core tech", domain: true,
		zh:     []string{"卡脖子", "核心技术", "关键技术", "技术攻关", "攻关", "前沿", "人工智能", "航空航天", "医药健康", "重大科技项目", "共性技术", "ai"},
		en:     []string{"biotech", "biomedical", "medicine", "bottleneck", "chokepoint", "choke point", "stranglehold", "core technology", "key technology", "breakthrough", "frontier", "artificial intelligence", "aerospace", "biomedicine", "healthcare", "pharmaceutical", "major science", "major technology project", "cutting-edge", "cutting edge", "common technology"},
		expand: []string{"卡脖子", "核心技术攻关", "重大科技项目", "前沿领域", "关键共性技术", "创新研究"}},
	{name: "platform rnd", domain: true,
		zh:     []string{"实验室", "产学研", "高校合作", "和大学", "跟高校", "校企合作", "工程技术中心", "研发机构", "研究院", "研发中心", "创新平台", "协同创新", "研发平台"},
		en:     []string{"laboratory", "lab", "with universities", "with a university", "with university", "university cooperation", "industry-university-research", "research institute", "engineering center", "engineering centre", "r&d center", "r&d centre", "r&d institution", "innovation platform", "joint lab", "collaborative innovation", "industry-university"},
		expand: []string{"联合实验室", "产学研", "工程技术中心", "研发机构", "行业研究院", "协同创新", "创新平台", "高校院所"}},

	// —— quality and standards ——
	{name: "standard", domain: true,
		unless: []string{"认定标准", "认定条件", "评定标准", "评价标准", "申报标准"},
		zh:     []string{"标准", "国标", "行标", "制定标准", "定标准", "修订", "制修订", "主导制定", "牵头制定"},
		en:     []string{"standard", "standardization", "standardisation", "norm", "iso", "specification"},
		expand: []string{"技术标准", "标准", "制定", "制修订"}},
	{name: "lead", zh: []string{"主导", "牵头", "带头", "领衔", "主持"}, en: []string{"lead", "leading", "led", "chief drafter", "principal", "in charge of drafting"},
		expand: []string{"主导", "获批"}},
	{name: "international", zh: []string{"国际"}, en: []string{"international", "global", "iso"}, expand: []string{"国际"}},
	{name: "national", zh: []string{"国家级", "国家"}, en: []string{"national", "state-level", "country-level"}, expand: []string{"国家"}},
	{name: "industry level", zh: []string{"行业标准", "行标"}, en: []string{"industry standard", "sector standard", "industry-level", "trade standard"}, expand: []string{"行业"}},
	{name: "quality", domain: true,
		zh:     []string{"质量", "品质", "产品质量"},
		en:     []string{"quality improvement", "product quality", "quality upgrade", "quality innovation"},
		expand: []string{"质量", "产品质量", "质量创新"}},
	{name: "matchmaking events", domain: true, weight: 1,
		zh:     []string{"菁蓉汇", "校企双进", "创业天府", "对接活动", "专场"},
		en:     []string{"jingronghui", "matchmaking", "match-making", "school-enterprise", "university-enterprise", "universities and enterprises", "university and enterprise", "schools and enterprises", "startup event", "entrepreneurship event", "special event"},
		expand: []string{"菁蓉汇", "校企双进", "创业天府", "服务专场", "精准对接"}},

	// —— digital and green ——
	{name: "digital", domain: true,
		zh:     []string{"技改", "设备改造", "技术改造", "数字化", "智能化", "数智化", "数位", "智慧化", "智慧制造", "资讯化", "智能制造", "智能改造", "智改数转", "数字转型", "信息化", "自动化", "机器换人", "工业互联网", "软件", "数字化投入", "智能化改造"},
		en:     []string{"technical transformation", "technological transformation", "upgrade equipment", "equipment upgrade", "digital", "digitalization", "digitalisation", "digitization", "digital transformation", "intelligent", "smart", "automation", "smart manufacturing", "intelligent manufacturing", "industrial internet", "software", "it system", "informatization"},
		expand: []string{"数字化", "智能化", "数字化转型", "智能化改造"}},
	{name: "investment amount", zh: []string{"投资", "投入", "花了", "花费", "投了", "砸了"},
		en:     []string{"invest", "investment", "spend", "spent", "spending", "cost"},
		expand: []string{"投资", "实际投入", "投入"}},
	{name: "smart factory", domain: true,
		zh:     []string{"智能工厂", "数字化车间", "智慧工厂", "灯塔工厂", "上云", "云平台", "云服务", "生产线"},
		en:     []string{"smart factory", "intelligent factory", "digital workshop", "cloud", "production line", "lighthouse factory"},
		expand: []string{"智能工厂", "数字化车间", "上云", "生产线", "智能制造服务平台"}},
	{name: "green", domain: true,
		zh:     []string{"绿色", "环保", "低碳", "节能", "双碳", "碳中和", "绿色工厂", "绿色制造"},
		en:     []string{"green", "environment", "environmental", "eco", "low-carbon", "low carbon", "energy saving", "energy-saving", "carbon", "sustainable"},
		expand: []string{"绿色制造", "绿色工厂", "绿色园区", "绿色设计", "绿色产业示范基地"}},

	// —— revenue ——
	{name: "revenue", domain: true,
		zh:     []string{"营收", "营业收入", "营业额", "收入", "销售额", "销售收入", "产值", "过亿", "破亿", "上亿", "1个亿", "一个亿", "5个亿", "五个亿", "亿元", "突破1亿", "突破5亿"},
		en:     []string{"revenue", "sales", "turnover", "income", "annual revenue", "100 million", "500 million", "hundred million", "first time exceed", "exceed", "surpass", "cross", "breakthrough revenue"},
		expand: []string{"营收", "首次突破", "亿元", "跨越发展"}},

	// —— finance ——
	{name: "loan", domain: true,
		zh:     []string{"担保", "转贷", "过桥", "贷款", "借钱", "借款", "融资", "信贷", "银行贷", "授信", "贷", "借贷", "资金周转", "缺钱"},
		en:     []string{"guarantee", "bridge loan", "loan", "borrow", "borrowing", "credit", "bank loan", "lending", "financing", "finance", "debt", "credit line"},
		expand: []string{"贷款", "融资", "信贷产品", "授信"}},
	{name: "interest subsidy", domain: true,
		zh:     []string{"利息", "贴息", "利率", "息费", "还息", "付息", "lpr", "降息", "融资成本"},
		en:     []string{"interest", "interest subsidy", "interest rate", "lpr", "loan prime rate", "financing cost", "cost of financing", "interest payment", "discount"},
		expand: []string{"贴息", "利息", "贷款利息", "利息补贴", "融资成本", "贷款市场报价利率"}},
	{name: "loan products", domain: true,
		zh:     []string{"壮大贷", "新易贷", "蓉易贷", "科创贷", "易贷"},
		en:     []string{"zhuangdadai", "zhuangda", "xinyidai", "xinyi", "rongyidai", "rongyi", "kechuangdai", "kechuang"},
		expand: []string{"金融产品", "信贷产品", "政策性金融产品"}},
	{name: "zhuangdai", zh: []string{"壮大贷"}, en: []string{"zhuangdadai", "zhuangda"}, expand: []string{"壮大贷", "贴息"}, domain: true},
	{name: "xinyidai", zh: []string{"新易贷"}, en: []string{"xinyidai", "xinyi"}, expand: []string{"新易贷", "利息补贴"}, domain: true},
	{name: "finance channel", domain: true,
		zh:     []string{"绿色通道", "审批", "多层次资本市场", "交子", "5+2", "产融通", "金融顾问", "私募", "金融服务"},
		en:     []string{"green channel", "fast track", "fast-track", "approval", "capital market", "private equity", "financial service"},
		expand: []string{"绿色通道", "审批流程", "多层次资本市场", "金融服务模式"}},
	{name: "bond", domain: true,
		zh:     []string{"发债", "债券", "资产证券化", "abs", "融资渠道"},
		en:     []string{"bond", "bond issuance", "issue bond", "securitization", "securitisation", "asset-backed", "financing channel"},
		expand: []string{"发行债券", "资产证券化", "拓宽融资渠道"}},
	{name: "listing", domain: true,
		zh:     []string{"上市", "ipo", "敲钟", "挂牌", "上柜", "兴柜", "首发", "股改", "辅导备案", "北交所", "科创板", "科创版", "上交所", "深交所", "主板", "创业板", "新三板", "交易所", "资本市场", "登陆"},
		en:     []string{"neeq", "new third board", "hkex", "listing", "listed", "get listed", "go public", "going public", "ipo", "stock exchange", "exchange", "bell", "ring the bell", "public offering", "star market", "beijing stock exchange", "shanghai stock exchange", "shenzhen stock exchange", "main board", "stock market", "bse", "sse", "szse"},
		expand: []string{"上市", "首发上市", "北交所", "科创板", "交易所", "主板"}},
	{name: "listing service", domain: true,
		zh:     []string{"上市后备", "后备企业", "上市培育", "上市服务", "专板", "股权交易中心", "天府(四川)联合股权交易中心", "区域股权"},
		en:     []string{"listing reserve", "reserve pool", "pre-ipo", "listing service", "listing cultivation", "equity exchange center", "equity exchange centre", "regional equity", "special board", "dedicated board"},
		expand: []string{"上市后备企业", "资源库", "上市培育计划", "上市服务专员", "专板", "股权交易中心", "挂牌"}},
	{name: "listing stages", domain: true,
		zh:     []string{"分阶段", "哪些阶段", "阶段", "入库", "股改", "辅导", "申报上市", "拟上市", "准备上市", "打算上市"},
		en:     []string{"stage", "phase", "shareholding reform", "tutoring", "counselling", "planning to list", "plan to list", "prepare to list", "intend to list"},
		expand: []string{"拟在沪深北交易所上市", "入库", "股改", "辅导备案", "首发上市", "分阶段"}},
	{name: "supply chain finance", domain: true,
		zh:     []string{"供应链金融", "供应链融资", "供应链平台"},
		en:     []string{"supply chain finance", "supply-chain finance", "supply chain financing", "supply chain platform"},
		expand: []string{"供应链融资", "平台", "业务规模", "业务笔数"}},
	{name: "equity investment", domain: true,
		zh:     []string{"股权投资", "创投", "风投", "vc", "pe", "天使投资", "投资机构", "投资人", "投资方", "创业投资", "股权融资", "入股", "私募股权", "投早", "早期投资"},
		en:     []string{"vc", "venture", "venture capital", "equity investment", "equity investor", "investor", "angel", "private equity", "pe fund", "equity financing", "early-stage", "early stage", "stake"},
		expand: []string{"股权投资", "股权投资企业", "创业投资企业", "投资机构", "中早期投资", "实际投资金额"}},
	{name: "guidance fund", domain: true,
		zh:     []string{"引导基金", "政府基金", "参股基金", "基金管理", "基金公司", "母基金", "产业基金", "政府引导", "基金投资", "基金投的", "基金引入"},
		en:     []string{"guidance fund", "government fund", "government-guided fund", "fund manager", "fund management", "fof", "fund of fund", "industrial fund", "government guidance"},
		expand: []string{"引导基金", "政府引导基金", "参股基金", "基金管理机构", "基金"}},
	{name: "firm relocation", domain: true,
		zh:     []string{"企业落户", "公司落户", "项目落户", "落户成都", "落户我市", "引进企业", "引入企业", "引进外地企业", "招引企业", "在我市注册", "注册经营", "迁到成都", "迁入成都", "搬到成都"},
		en:     []string{"relocate to chengdu", "move to chengdu", "moving to chengdu", "register in chengdu", "registered in chengdu", "attract companies", "attract firms", "bring companies", "bring in companies", "relocation"},
		expand: []string{"引入企业", "注册经营", "引导基金", "参股基金", "基金管理机构"}},
	{name: "development fund", zh: []string{"发展基金", "专精特新基金"}, en: []string{"development fund", "srdi fund"},
		expand: []string{"发展基金", "社会资本", "国有平台公司"}, domain: true},

	// —— talent and training ——
	{name: "talent", domain: true,
		zh:     []string{"硕士", "研究生", "人才", "引才", "引进人才", "招人", "招聘", "专家", "高层次人才", "团队", "海归", "博士", "人才计划"},
		en:     []string{"headhunt", "master's degree", "graduate student", "talent", "talents", "recruit", "recruitment", "hire", "hiring", "expert", "high-level", "team", "returnee", "phd", "doctor", "scientist", "researcher", "talent program", "talent programme"},
		expand: []string{"人才", "引进人才", "人才计划", "资金资助"}},
	{name: "rongpiao", domain: true,
		zh:     []string{"蓉漂", "蓉漂计划"},
		en:     []string{"rongpiao", "rong piao", "chengdu talent plan", "chengdu talent program"},
		expand: []string{"蓉漂计划"}},
	{name: "chain talent", domain: true,
		zh:     []string{"建圈强链人才", "产业建圈强链人才计划"},
		en:     []string{"industrial chain talent", "circle-building", "chain-strengthening talent", "chain talent"},
		expand: []string{"产业建圈强链人才计划"}},
	{name: "craftsman", domain: true,
		zh:     []string{"工匠", "成都工匠", "技工", "匠人", "高技能"},
		en:     []string{"craftsman", "craftsmen", "artisan", "skilled worker", "technician", "chengdu craftsman"},
		expand: []string{"成都工匠", "工匠", "高技能人才"}},
	{name: "postdoc", domain: true,
		zh:     []string{"博士后", "工作站", "科研工作站", "实践基地"},
		en:     []string{"postdoc", "postdoctoral", "post-doctoral", "workstation", "research station", "practice base"},
		expand: []string{"博士后", "科研工作站", "创新实践基地"}},
	{name: "housing", domain: true,
		zh:     []string{"人才公寓", "公寓", "住房", "租房", "买房", "安居", "住宿"},
		en:     []string{"apartment", "housing", "accommodation", "rent", "talent apartment", "flat", "dormitory"},
		expand: []string{"人才公寓", "人才安居", "优惠租购"}},
	{name: "title", zh: []string{"职称", "评职称"}, en: []string{"professional title", "title evaluation", "job title"},
		expand: []string{"职称申报"}, domain: true},
	{name: "training", domain: true,
		zh:     []string{"培训", "培养", "学习", "教育", "技能", "进修", "上课", "研讨", "培训班", "课程"},
		en:     []string{"training", "education", "educate", "course", "courses", "workshop", "skill", "skills", "learning", "study tour", "seminar", "class"},
		expand: []string{"培训", "教育培训", "专题培训", "职业技能培训"}},
	{name: "staff training", domain: true,
		zh:     []string{"职工", "员工", "工人", "职业技能", "技能培训", "职业院校", "技工学校", "高技能人才", "技工队伍"},
		en:     []string{"employee", "staff", "worker", "workforce", "vocational", "vocational school", "technical school", "skilled talent"},
		expand: []string{"职工职业技能培训", "职业院校", "技工学校", "高技能人才", "企业工匠技工队伍"}},
	{name: "entrepreneur", domain: true,
		zh:     []string{"企业家", "老板", "管理层", "高管", "ceo", "经营管理", "企业管理", "先进地区", "外出学习", "考察学习", "品牌"},
		en:     []string{"entrepreneur", "boss", "executive", "manager", "management", "ceo", "founder", "business leader", "brand", "branding", "study trip", "developed region"},
		expand: []string{"企业家", "企业家培训", "经营管理水平", "品牌塑造", "先进管理模式"}},
	{name: "training system", domain: true,
		zh:     []string{"培训体系", "线上线下", "政府采购培训", "学习研讨", "专题培训"},
		en:     []string{"training system", "online and offline", "online", "offline", "training mechanism", "seminar mechanism"},
		expand: []string{"培训体系", "线上线下", "学习研讨机制", "政府采购", "专题培训"}},

	// —— market ——
	{name: "product promotion", domain: true,
		zh:     []string{"推广产品", "产品推广", "供需对接", "对接活动", "融通", "大中小企业", "链主", "龙头企业", "大企业", "需求清单", "机会清单", "找客户", "客户"},
		en:     []string{"promote product", "product promotion", "supply and demand", "supply-demand", "large enterprise", "large companies", "big company", "chain leader", "leading enterprise", "customer", "client", "demand list", "opportunity list", "procurement need"},
		expand: []string{"推广产品应用", "供需对接", "融通发展", "龙头企业", "链主企业", "需求清单"}},
	{name: "market expansion", domain: true,
		zh:     []string{"开拓市场", "拓展市场", "市场开拓", "展会", "博览会", "参展", "发布会", "新品", "政府采购", "招投标", "招标", "投标", "价格扣除", "中博会", "apec", "卖产品"},
		en:     []string{"market expansion", "expand market", "new market", "exhibition", "expo", "trade fair", "fair", "launch", "product launch", "new product", "government procurement", "public procurement", "procurement", "tender", "bidding", "bid", "price deduction", "apec"},
		expand: []string{"拓展市场", "新品发布会", "博览会", "展会", "政府采购", "招投标", "价格扣除"}},
	{name: "patent", zh: []string{"专利", "专有技术", "知识产权"}, en: []string{"patent", "proprietary technology", "intellectual property", "ip"},
		expand: []string{"专利", "专有技术", "优先进行采购"}, domain: true},

	// —— services and organisation ——
	{name: "service channel", domain: true,
		zh:     []string{"直通机制", "联系机制", "上门", "走访", "座谈会", "反映问题", "提意见", "意见建议", "困难", "找谁", "找政府", "诉求", "协调解决"},
		en:     []string{"hotline", "contact mechanism", "visit", "on-site visit", "symposium", "forum", "feedback", "complaint", "problem", "difficulty", "difficulties", "who to contact", "liaison"},
		expand: []string{"服务直通机制", "联系机制", "直通车", "上门走访", "座谈会", "实际困难"}},
	{name: "service platform", domain: true,
		zh:     []string{"服务通", "服务平台", "银企校院", "数据库", "服务包", "政策推送", "大数据", "一站式", "线上服务", "app", "小程序", "公共服务"},
		en:     []string{"service platform", "fuwutong", "service pass", "online platform", "enterprise database", "service package", "policy push", "big data", "one-stop", "one stop", "app", "portal", "public service"},
		expand: []string{"服务通", "服务载体平台", "银企校院", "优质企业数据库", "专属服务包", "政策推送", "公共服务平台"}},
	{name: "organisation", domain: true,
		zh:     []string{"领导小组", "组织协调", "组织保障", "统筹", "协调机制", "民营经济", "督促"},
		en:     []string{"leading group", "leadership group", "coordination", "coordinate", "organization", "organisation", "oversee", "private economy"},
		expand: []string{"领导小组", "组织协调", "统筹协调", "民营经济", "督促指导"}},
	{name: "fiscal", domain: true,
		zh:     []string{"财政", "专项资金", "财政资金", "配套资金", "区县配套", "补助项目", "预算", "专项", "区里", "县里", "配套支持"},
		en:     []string{"fiscal", "budget", "special fund", "special funding", "earmarked", "district", "county", "matching fund", "matching support", "public finance", "government funding"},
		expand: []string{"财政支持", "专项资金", "财政资金", "配套支持", "补助项目", "区(市)县"}},
	{name: "publicity", domain: true,
		zh:     []string{"宣传", "典型", "标杆", "示范", "案例", "表彰", "展示", "树立", "榜样", "媒体", "报道"},
		en:     []string{"publicity", "publicize", "publicise", "promotion campaign", "showcase", "benchmark", "role model", "example", "case study", "media", "exemplary", "recognition campaign"},
		expand: []string{"典型宣传", "宣传展示", "典型", "标杆", "示范引领"}},
	{name: "tax", domain: true,
		zh:     []string{"税", "减税", "降费", "税费", "税收", "纳税", "退税", "免税", "税务", "红利账单", "税收优惠", "所得税", "增值税", "加计扣除"},
		en:     []string{"tax", "taxes", "taxation", "tax cut", "tax reduction", "fee reduction", "tax break", "tax relief", "tax refund", "vat", "dividend bill", "fee"},
		expand: []string{"减税降费", "税费", "税费服务直通车", "红利账单", "税务"}},

	// —— the policy's own terms ——
	{name: "validity", domain: true, weight: 1,
		zh:     []string{"有效期", "施行", "生效", "实施时间", "什么时候开始", "何时", "啥时候", "多久", "期限", "几年", "过期", "截止", "到期", "执行时间", "什么时候实施", "开始实施"},
		en:     []string{"valid", "validity", "effective", "take effect", "in force", "expire", "expiry", "expiration", "how long", "start date", "deadline", "duration", "period", "effective date", "come into force"},
		expand: []string{"施行", "有效期", "印发之日", "工作日", "有效期3年"}},
	{name: "no double", domain: true, weight: 1.4,
		zh:     []string{"重复享受", "同时享受", "叠加", "两边", "双份", "拿高的", "高的那个", "取高", "只能拿一", "只能选一", "区里+市里", "市里+区里", "市区两级", "同时拿", "一起拿", "都能拿", "都能领", "重复领", "重复申报", "同时申请", "就高", "兼得", "都拿", "两个都", "同类奖励", "多个奖励", "重复", "同一事项", "按高", "从高", "两项+奖励", "两个+奖励", "两项+补贴", "两个+补贴", "多项+奖励"},
		en:     []string{"double", "double-dip", "double dipping", "stack", "stacking", "combine", "cumulative", "at the same time", "simultaneously", "overlap", "duplicate", "higher one", "the higher", "whichever is higher", "only one of", "receive both", "take both", "both subsidies", "both rewards", "claim both", "get both", "multiple reward", "multiple subsidy", "same project", "same matter", "same item", "several reward", "two reward"},
		expand: []string{"不重复享受", "就高不就低", "同一事项", "同类奖励补助政策"}},
	{name: "rules change", domain: true, weight: 1,
		zh:     []string{"认定办法更改", "办法更改", "办法变了", "办法调整", "办法修订", "标准变了", "标准调整", "规则变了", "政策变了", "政策调整", "按最新", "最新办法", "新办法", "如有更改", "更改"},
		en:     []string{"rule change", "rules change", "rule changed", "criteria change", "criteria changed", "recognition rule", "new rule", "latest rule", "latest measure", "amended", "revised rule", "if the rule", "measures change", "method change"},
		expand: []string{"认定办法", "如有更改", "最新办法", "按照最新办法执行"}},
	{name: "purpose", domain: true, zh: []string{"依据", "为什么出台", "为什么制定", "目的", "背景", "根据什么", "宗旨", "初衷", "出台"},
		en:     []string{"purpose", "basis", "legal basis", "background", "rationale", "intent", "based on"},
		expand: []string{"根据", "制定本方案", "制定如下政策", "暂行办法", "全面落实", "为加强", "为加快推动"}},
	{name: "criteria", domain: true,
		zh:     []string{"认定标准", "认定条件", "申报条件", "评定标准", "评价标准", "什么条件", "条件是什么", "门槛", "资格", "怎么认定", "如何认定", "认定办法"},
		en:     []string{"condition", "conditions", "prerequisite", "criteria", "criterion", "requirement", "eligibility", "eligible", "qualify", "qualification", "threshold"},
		expand: []string{"暂行办法", "经认定", "认定办法", "最新办法", "符合条件"}},
	{name: "applicability", domain: true,
		zh:     []string{"适用", "哪些企业", "什么企业", "谁能申请", "谁可以", "申报对象", "适用对象", "适用范围", "支持对象", "面向"},
		en:     []string{"who can apply", "applicable", "apply to", "who is eligible", "which companies", "which enterprises", "scope of"},
		expand: []string{"适用对象", "优质中小企业", "是指", "经认定"}},
	{name: "plan document", domain: true,
		zh:     []string{"实施方案", "三年方案", "培育方案", "三年实施"},
		en:     []string{"implementation plan", "three-year plan", "3-year plan", "cultivation plan", "action plan"},
		expand: []string{"实施方案", "制定本方案", "梯度培育"}},
	{name: "miit", zh: []string{"工信部", "工业和信息化部", "暂行办法"}, en: []string{"miit", "ministry of industry", "interim measures", "ministry"},
		expand: []string{"工业和信息化部", "暂行办法"}, domain: true},
}

// expansionWeight is the query weight of a token that came from a concept
// rather than from the user's own words.
const expansionWeight = 0.6

// compiledConcept is a concept with its expansion pre-tokenised.
type compiledConcept struct {
	*concept
	expand []string // tokens
}

// compiledConcepts, conceptTriggers and conceptSuppressors are built once
// from concepts; a phrase's id is the concept's index.
var compiledConcepts, conceptTriggers, conceptSuppressors = func() ([]compiledConcept, *phraseIndex, *phraseIndex) {
	out := make([]compiledConcept, len(concepts))
	trig, supp := &phraseIndex{}, &phraseIndex{}
	for i := range concepts {
		c := &concepts[i]
		out[i] = compiledConcept{concept: c}
		// Latin triggers listed under zh (ipo, vc, ai) are matched as whole
		// words like the en ones: as substrings "ai" would fire in "maintain".
		for _, t := range c.zh {
			trig.add(t, i)
		}
		for _, t := range c.en {
			trig.add(t, i)
		}
		for _, t := range c.unless {
			supp.add(t, i)
		}
		for _, e := range c.expand {
			out[i].expand = append(out[i].expand, tokenize(Normalize(e))...)
		}
	}
	return out, trig, supp
}()

// englishWords are the lower-case, stemmed Latin words and numbers of
// normalised text, stop words included (phrases need them).
func englishWords(s string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			w := s[start:end]
			// Possessives fold to the noun: "shenzhen's" → "shenzhen",
			// "driver's licence" → "driver licence" (xi'an keeps its
			// apostrophe).
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
			if w != "" {
				out = append(out, stem(w))
			}
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		// '&' and '\'' stay inside words (r&d, xi'an); '-' splits, so
		// "high-tech" and "high tech" meet.
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '&' || c == '\'' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// matchConcepts returns the concepts whose triggers occur in normalised
// text (padded is its " word word " form), in table order.
func matchConcepts(norm, padded string) []*compiledConcept {
	var hit, suppressed [128]bool
	if len(concepts) > len(hit) {
		panic("knowledge: more concepts than matchConcepts can track")
	}
	conceptTriggers.each(norm, padded, func(id int) { hit[id] = true })
	conceptSuppressors.each(norm, padded, func(id int) { suppressed[id] = true })
	var out []*compiledConcept
	for i := range compiledConcepts {
		if hit[i] && !suppressed[i] {
			out = append(out, &compiledConcepts[i])
		}
	}
	return out
}
