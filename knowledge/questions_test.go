package knowledge

// testCase is one question with the acceptable top-1 clauses; an empty want
// means the question is out of scope. These are written for this package,
// independently of any evaluation file: colloquial, English and traditional
// phrasings of what each clause answers, and the overlapping pairs.
type testCase struct {
	q    string
	want []string
	// scope, when set, is the Result.Scope an out-of-scope question must get.
	scope string
}

func in(q string, ids ...string) testCase { return testCase{q: q, want: ids} }
func out(q string) testCase               { return testCase{q: q} }

// outAs is out with the expected Result.Scope kind.
func outAs(q, scope string) testCase { return testCase{q: q, scope: scope} }

var testCases = []testCase{
	// plan/preamble, plan/goal
	in("梯度培育实施方案是根据哪些文件制定的", "plan/preamble"),
	in("What is the legal basis of the tiered cultivation plan?", "plan/preamble"),
	in("到2025年成都要培育多少家小巨人企业", "plan/goal"),
	in("全市计划累计培育多少家创新型中小企业", "plan/goal"),
	in("How many little giants does Chengdu aim to have by 2025?", "plan/goal"),
	in("實施方案的發展目標是什麼", "plan/goal"),
	// plan/1 … plan/18
	in("企业怎么进培育库，入库后有什么服务", "plan/1"),
	in("What is the SME cultivation pool?", "plan/1"),
	in("转企升规专项攻坚是啥", "plan/2"),
	in("高企倍增计划跟我们有关系吗", "plan/2"),
	in("新能源汽车产业链上的潜在优质企业怎么培育", "plan/2"),
	in("入选制造业单项冠军有没有奖", "plan/3"),
	in("Is there a reward for manufacturing single champion enterprises?", "plan/3"),
	in("一户一档是什么服务", "plan/3"),
	in("税务社保公积金直通车是怎么回事", "plan/3"),
	in("卡脖子技术攻关政府支持吗", "plan/4"),
	in("做人工智能前沿重大科技项目有支持吗", "plan/4"),
	in("Does the city support breakthroughs in chokepoint core technologies?", "plan/4"),
	in("和高校一起建联合实验室有支持吗", "plan/5"),
	in("企业研发机构升级为国家级省级研发机构", "plan/5"),
	in("Support for building a joint lab with a university?", "plan/5"),
	in("菁蓉汇是什么活动", "plan/6"),
	in("产品质量提升和校企双进活动", "plan/6"),
	in("智能工厂和数字化车间建设有什么举措", "plan/7"),
	in("企业上云和绿色工厂", "plan/7"),
	in("Green manufacturing and smart factory support", "plan/7"),
	in("天府股权交易中心的专板挂牌", "plan/8"),
	in("上市服务专员是干什么的", "plan/8"),
	in("怎么进入成都市上市后备企业资源库", "plan/8"),
	in("蓉易贷和科创贷是什么产品", "plan/9"),
	in("银行对优质中小企业融资有绿色通道吗", "plan/9"),
	in("交子金融5+2平台对接", "plan/9"),
	in("成都工匠评选获评后有什么待遇", "plan/10"),
	in("可以设博士后科研工作站吗", "plan/10"),
	in("Can we set up a postdoctoral workstation?", "plan/10"),
	in("职工职业技能培训有支持吗", "plan/11"),
	in("企业家培训和去发达地区学习", "plan/11"),
	in("Is there training for entrepreneurs and business owners?", "plan/11"),
	in("怎么跟龙头企业做供需对接", "plan/12"),
	in("大中小企业融通发展的平台", "plan/12"),
	in("参加中小企业博览会和新品发布会", "plan/13"),
	in("政府采购对小微企业有价格扣除吗", "plan/13"),
	in("Government procurement preference for small businesses?", "plan/13"),
	in("有困难能找谁反映，会上门走访吗", "plan/14"),
	in("服务通平台能干啥", "plan/15"),
	in("银企校院四方对接平台", "plan/15"),
	in("What does the service platform offer, like policy push?", "plan/15"),
	in("领导小组办公室统筹协调什么", "plan/16"),
	in("区县有没有配套的专项资金", "plan/17"),
	in("市级财政安排专项资金支持吗", "plan/17"),
	in("每年会宣传展示小巨人典型吗", "plan/18"),
	in("Will the city publicize benchmark enterprises as role models?", "plan/18"),
	// policy/preamble … policy/scope
	in("若干政策是在什么基础上制定的", "policy/preamble", "plan/preamble"),
	in("新评上小巨人能拿多少钱", "policy/1"),
	in("How much does a new Little Giant get?", "policy/1"),
	in("省级专精特新复核通过给钱吗", "policy/1"),
	in("新認定省級專精特新企業獎勵多少", "policy/1"),
	in("评上专精特新有啥奖励", "policy/1"),
	in("What reward for a newly recognized provincial SRDI enterprise?", "policy/1"),
	in("数字化改造花了300万能补多少", "policy/2"),
	in("How much subsidy for digital transformation investment?", "policy/2"),
	in("智能化改造投資800萬，補貼是多少", "policy/2"),
	in("营收第一次过亿有奖吗", "policy/3"),
	in("年营业收入首次突破5亿元奖励多少", "policy/3"),
	in("What is the reward when annual revenue first exceeds 100 million yuan?", "policy/3"),
	in("销售额破亿了政府给奖励吗", "policy/3"),
	in("搞研发花的钱多了能补多少", "policy/4"),
	in("研發投入增加了四百萬元，補助多少", "policy/4"),
	in("研发费用比去年多了600万能拿多少补贴", "policy/4"),
	in("How much is the subsidy if our R&D spending increased by 4 million?", "policy/4"),
	in("研发成果产业化项目补助比例", "policy/4"),
	in("重大科技成果在成都落地转化最多给多少", "policy/4"),
	in("主导制定国家标准奖励多少", "policy/5"),
	in("What reward for leading a national standard?", "policy/5"),
	in("牵头修订行业标准能拿多少钱", "policy/5"),
	in("主導制定國際標準獎勵", "policy/5"),
	in("借钱利息能报销吗", "policy/6"),
	in("Is there a subsidy for loan interest?", "policy/6"),
	in("壮大贷贴息最多多少", "policy/6"),
	in("新易贷利息补贴怎么算", "policy/6"),
	in("贷款利息补贴最高60万吗", "policy/6"),
	in("授信额度最高多少", "policy/6"),
	in("公司要去敲钟有啥奖励", "policy/7"),
	in("What rewards are there for an IPO?", "policy/7"),
	in("准备在北交所上市，各阶段奖励", "policy/7"),
	in("供应链融资平台奖励最高多少", "policy/7"),
	in("发债券和资产证券化有支持吗", "policy/7"),
	in("风投投了专精特新企业有奖励吗", "policy/8"),
	in("VC firms investing in SRDI companies get what reward?", "policy/8"),
	in("创投机构投资省级专精特新每家最高奖励多少", "policy/8"),
	in("政府引导基金投的企业评上小巨人，基金管理机构有奖励吗", "policy/9"),
	in("Reward for a government guidance fund whose portfolio company becomes a little giant?", "policy/9"),
	in("蓉漂计划团队最高资助多少", "policy/10"),
	in("引进人才能给多少钱", "policy/10"),
	in("How much funding for talent under the Rongpiao program?", "policy/10"),
	in("产业建圈强链人才计划入选给多少", "policy/10"),
	in("人才公寓能优惠租购吗", "policy/10"),
	in("政府采购培训、线上线下培训体系", "policy/11"),
	in("减税降费政策怎么落实", "policy/12"),
	in("红利账单是什么", "policy/12"),
	in("Are there tax cuts for SMEs?", "policy/12"),
	in("能不能同时拿市里两个同类奖励", "policy/scope"),
	in("政策什么时候开始施行，有效期多久", "policy/scope"),
	in("How long is the policy valid?", "policy/scope"),
	in("同一事项能重复享受吗", "policy/scope"),
	// out of scope
	out("北京的专精特新企业有什么补贴"),
	out("上海小巨人奖励多少"),
	out("深圳研发投入补贴怎么申请"),
	out("杭州的人才政策"),
	out("中关村的企业能享受吗"),
	out("What subsidies does Shenzhen give to little giants?"),
	out("怎么注册一家公司，营业执照去哪办"),
	out("推荐几部好看的电影"),
	out("明天成都天气怎么样"),
	out("个人社保怎么交"),
	out("我的个税怎么退"),
	out("How do I apply for a passport?"),
	out("What's the weather like today?"),
	out("成都哪家火锅好吃"),
	out("帮我写一首诗"),
	out("买新能源车有补贴吗"),
	out("退休金每个月多少"),
	out("hello"),
	out("😀😀😀"),
	out("德阳的企业怎么申请小巨人奖励"),
	out("Tell me a joke"),
}

func allCases() []testCase {
	var all []testCase
	all = append(all, testCases...)
	all = append(all, moreCases...)
	all = append(all, thirdCases...)
	all = append(all, fourthCases...)
	all = append(all, fifthCases...)
	all = append(all, sixthCases...)
	all = append(all, seventhCases...)
	return append(all, eighthCases...)
}
