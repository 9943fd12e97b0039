package knowledge

// seventhCases: the categories an independent evaluation found weak —
// English place names with possessives and punctuation, the stock exchanges
// named in English (in scope: policy/7 lists 沪深北交易所), other countries,
// personal errands and labour law, national tax rules the documents do not
// state, business 落户 (policy/9) against personal 落户, the policy/scope
// terms (stacking, changed recognition rules, validity), and targets
// (plan/goal).
var seventhCases = []testCase{
	// other places, however spelled
	outAs("Shenzhen's R&D subsidies for SMEs", "other_place"),
	outAs("Are there grants for Beijing-based little giants?", "other_place"),
	outAs("What does Shanghai's government give to SRDI firms?", "other_place"),
	outAs("SME subsidies in the UK", "other_place"),
	outAs("Does the US have a little giant programme?", "other_place"),
	outAs("Singapore's startup grants", "other_place"),
	outAs("Hong Kong's own SME funding schemes", "other_place"),
	outAs("Hangzhou-based SRDI reward?", "other_place"),
	outAs("廣州的專精特新獎勵是多少", "other_place"),
	outAs("高雄市中小企业有什么补贴", "other_place"),
	outAs("Taipei SME loan interest rates", "other_place"),
	outAs("申请发明专利的专利费能减免吗", "off_topic"),
	// how the city policy relates to national and provincial support
	in("市里的政策会不会取代国家和四川省的支持政策", "policy/preamble"),
	in("Is this on top of national and provincial support?", "policy/preamble"),
	// exchanges named in English are in scope
	in("Is there a reward for listing on the Shanghai Stock Exchange?", "policy/7"),
	in("We plan an IPO on the Shenzhen stock exchange — any subsidy?", "policy/7"),
	in("Listing on the Shanghai, Shenzhen or Beijing exchanges: how much is the reward?", "policy/7"),
	in("Reward for a STAR Market listing?", "policy/7"),
	in("Does Chengdu reward companies listing on the BSE?", "policy/7"),
	in("Beijing Stock Exchange listing reward for SRDI companies", "policy/7"),
	in("在深圳證券交易所上市有獎勵嗎", "policy/7"),
	// personal errands, labour law
	outAs("How do I renew my driver's licence?", "off_topic"),
	outAs("Can I withdraw my housing provident fund?", "off_topic"),
	outAs("How to transfer my hukou to Chengdu?", "off_topic"),
	outAs("劳动合同到期不续签有补偿吗", "off_topic"),
	outAs("公司辞退员工要赔多少钱", "off_topic"),
	outAs("裁员赔偿怎么算", "off_topic"),
	outAs("加班费怎么计算", "off_topic"),
	outAs("What severance must we pay when laying off staff?", "off_topic"),
	outAs("Does a labor contract need to be signed within a month?", "off_topic"),
	outAs("勞動合同試用期最長多久", "off_topic"),
	// national tax rules and programmes the documents do not contain
	outAs("研发费用加计扣除比例是多少", "off_topic"),
	outAs("增值税税率是多少", "off_topic"),
	outAs("小规模纳税人增值税起征点", "off_topic"),
	outAs("高新技术企业所得税优惠税率是多少", "off_topic"),
	outAs("高新技术企业认定标准是什么", "off_topic"),
	outAs("高新技術企業申報條件有哪些", "off_topic"),
	outAs("Is there an R&D tax credit for small companies?", "off_topic"),
	outAs("国家中小企业发展基金怎么申请", "off_topic"),
	// ... while the documents' own tax service and funds stay in scope
	in("税费服务直通车是什么", "policy/12"),
	in("红利账单怎么推送给企业", "policy/12"),
	in("减税降费政策能不能应享尽享", "policy/12"),
	in("高新技术企业倍增计划是什么", "plan/2"),
	in("政府引导基金投资专精特新企业有奖励吗", "policy/9"),
	in("优质中小企业（专精特新）发展基金是什么", "plan/8"),
	// business 落户 is policy/9, personal 落户 is not
	in("基金引进企业落户成都有什么奖励", "policy/9"),
	in("引进外地企业在我市注册经营，基金管理机构能拿多少", "policy/9"),
	outAs("我想把户口落户到成都", "off_topic"),
	// policy/scope: stacking, changed rules, validity
	in("Can we get both the district and the city subsidy, or only the higher one?", "policy/scope"),
	in("Is double dipping allowed for the same project?", "policy/scope"),
	in("区里市里都有奖励，能两边都拿吗", "policy/scope"),
	in("省级专精特新和小巨人奖励可以叠加吗", "policy/scope"),
	in("两项补贴能同时享受吗", "policy/scope"),
	in("如果认定办法更改了怎么办", "policy/scope"),
	in("What if the recognition rules change?", "policy/scope"),
	in("这些政策什么时候生效，有效期多久", "policy/scope"),
	in("How long are these policies valid?", "policy/scope"),
	in("政策從什麼時候開始施行", "policy/scope"),
	// plan/goal: targets
	in("到2025年要培育多少家专精特新企业", "plan/goal"),
	in("What is the target number of innovative SMEs by 2025?", "plan/goal"),
	in("How many little giants should Chengdu have by 2025?", "plan/goal"),
	in("梯度培育的发展目标是什么", "plan/goal"),
	in("到2025年培育多少家国家级小巨人", "plan/goal"),
}

// eighthCases: variations on the same categories, written after the fixes
// to check they generalise.
var eighthCases = []testCase{
	in("两边的奖励只能拿高的那个吗", "policy/scope"),
	in("区里和市里的配套奖励能一起拿吗", "policy/scope"),
	in("Can we stack the city reward with the district one, or only take the higher?", "policy/scope"),
	in("认定办法变了按哪个执行", "policy/scope"),
	in("When does the policy take effect?", "policy/scope"),
	in("在上海和深圳交易所上市有奖励吗", "policy/7"),
	in("沪深交易所上市奖励", "policy/7"),
	in("Our firm is listed on the Shanghai Stock Exchange main board, reward?", "policy/7"),
	in("企业迁到成都落户有补贴吗", "policy/9"),
	in("The target for little giants by 2025?", "plan/goal"),
	in("到2025年全市专精特新企业目标多少家", "plan/goal"),
	outAs("上海的企业在北交所上市有奖励吗", "other_place"),
	outAs("What does the UK give to SMEs?", "other_place"),
	outAs("Britain’s grants for R&D", "other_place"),
	outAs("Do EU countries support SMEs like this?", "other_place"),
	outAs("What is the tax rate for small businesses?", "off_topic"),
	outAs("高企认定有奖励吗", "off_topic"),
	outAs("员工试用期可以不交社保吗", "off_topic"),
	outAs("落户成都需要什么条件", "off_topic"),
	outAs("How to get a residence permit in Chengdu?", "off_topic"),
}
