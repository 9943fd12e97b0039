package questiongen

// Unanswerable questions: the documents do not say. Three kinds: another
// city's policy, a personal matter, and on-topic needs the two documents leave
// open (deadlines, materials, MIIT's criteria, when money arrives, where to
// apply online).

var cities = [][2]string{
	{"重庆", "Chongqing"}, {"深圳", "Shenzhen"}, {"西安", "Xi'an"}, {"杭州", "Hangzhou"},
	{"武汉", "Wuhan"}, {"上海", "Shanghai"}, {"绵阳", "Mianyang"}, {"苏州", "Suzhou"},
}

var subjects = [][2]string{
	{"小巨人奖励", "Little Giant award"}, {"研发投入补助", "R&D spending subsidy"},
	{"数字化转型补助", "digital transformation subsidy"}, {"技术标准奖励", "technical standard award"},
	{"壮大贷贴息", "Zhuangda Dai interest subsidy"}, {"股权投资奖励", "equity investment reward"},
	{"营收突破奖励", "revenue milestone reward"},
}

func unanswerable(g *q) {
	g.order = pick(g.r, []weighted[string]{{"other_city", 35}, {"personal", 30}, {"unstated", 35}})
	g.format = fmtNone
	c := one(g.r, cities...)
	s := one(g.r, subjects...)
	d, sm, zm := g.duoshao(), g.shenme(), g.zenme()
	var forms []string
	switch {
	case g.order == "other_city" && g.en():
		forms = []string{
			"What does " + c[1] + " give as " + s[1] + "?",
			"How much is the " + s[1] + " in " + c[1] + "?",
			"Our company is registered in " + c[1] + ". How do we apply for the " + s[1] + " there?",
			"Does " + c[1] + " have a " + s[1] + " like Chengdu's?",
		}
	case g.order == "other_city":
		forms = []string{
			c[0] + "的" + s[0] + "是" + d + "？",
			c[0] + "市对" + s[0] + "有" + sm + "规定？",
			"我们公司在" + c[0] + "，" + s[0] + "能拿" + d + "？",
			c[0] + "那边" + s[0] + zm + "申请？",
			c[0] + "的专精特新政策和成都比哪个好？",
		}
	case g.order == "personal" && g.en():
		forms = []string{
			"How do I renew my driving licence in Chengdu?",
			"What is the child-education deduction for personal income tax?",
			"How do I withdraw my housing provident fund?",
			"How is my pension calculated?",
			"Can I get a subsidy for buying my first flat?",
			"My social insurance payments lapsed for two months, how do I make them up?",
			"How do I enrol my child in a primary school in " + c[1] + "?",
		}
	case g.order == "personal":
		forms = []string{
			"个税专项附加扣除子女教育一个月扣" + d + "？",
			"社保断缴了两个月" + zm + "补？",
			"公积金" + zm + "提取？",
			"孩子上小学" + zm + "报名？",
			"失业金" + zm + "领？",
			"我个人买首套房有" + sm + "补贴？",
			"驾照到期了" + zm + "换？",
			"医保门诊报销比例是" + d + "？",
			"我想考公务员，报名条件是" + sm + "？",
			"我退休金" + zm + "算？",
			"我在" + c[0] + "上班，户口" + zm + "迁回成都？",
		}
	case g.en():
		forms = []string{
			"What is the application deadline for the " + s[1] + "?",
			"What documents do we need to apply for the " + s[1] + "?",
			"When will the " + s[1] + " money arrive in our account?",
			"What are MIIT's criteria for Little Giant recognition?",
			"In which month does the " + s[1] + " application open?",
			"Which website do we use to apply for the " + s[1] + "?",
		}
	default:
		forms = []string{
			s[0] + "申报截止时间是" + sm + "时候？",
			"申请" + s[0] + "要准备哪些材料？",
			s[0] + "的钱" + sm + "时候到账？",
			s[0] + "批下来后多久能到账？",
			s[0] + "在哪个网站申报？",
			"工信部认定小巨人的具体条件是" + sm + "？",
			"专精特新小巨人认定对研发费用占比要求是" + d + "？",
			"省级专精特新中小企业的认定标准有哪些？",
			s[0] + "每年几月份开始申报？",
			s[0] + "的申报表格在哪里下载？",
		}
	}
	g.text = one(g.r, forms...)
}
