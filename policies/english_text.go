package policies

// The English wording of the corpus and the calculators, as data (see
// english.go for how it is used). Chinese stays only inside “ ” (a quote, a
// product name such as “壮大贷”) and in the Chinese form of an amount.

// receiptEN maps every Chinese format a receipt sentence is written with
// (verbs: %v amount, %d count, %s text) to its English format, which takes
// the same arguments in the same order (use %[n]s to reorder).
var receiptEN = map[string]string{
	// policy/1
	"条文只奖励“新获评”的国家专精特新“小巨人”企业，复核通过不在此项：0元":                 "The clause rewards only enterprises newly recognised as national Little Giants; passing a review is not covered: 0 yuan",
	"省级专精特新中小企业“新认定或通过复核”均可得10万元（见 provincial_sme）。":       "A provincial specialised SME gets 100,000 yuan (10万元) whether newly recognised or passing a review (see provincial_sme).",
	"新获评国家专精特新“小巨人”企业：一次性奖励%v":                             "Newly recognised national Little Giant enterprise: a one-off award of %v",
	"%s的省级专精特新中小企业：一次性奖励%v":                                "Provincial specialised SME, %s: a one-off award of %v",
	"第1条对创新型中小企业只写“%s”，没有规定奖励金额：0元":                        "For innovative SMEs Article 1 says only “%s” and sets no award: 0 yuan",
	"认定为创新型中小企业后即属本政策所称优质中小企业，可按其他条款（如数字化转型、研发投入、贴息）申请支持。": "Once recognised as an innovative SME, an enterprise is a quality SME under this policy and may apply under the other articles (digital transformation, R&D spending, interest subsidies).",

	// policy/2
	"“100万元以上”按含100万理解（民法典第一千二百五十九条：“以上”包括本数）。": "“100万元以上” (1 million yuan or more) is read as including 1,000,000 yuan (Civil Code, Article 1259: “以上” includes the number itself).",
	"数字化智能化投资%v，未达到%v的门槛：0元":                    "Digital and smart investment of %v is below the %v threshold: 0 yuan",
	"再增加%v数字化智能化投资（达到%v）可得%v补助":                 "Another %v of digital and smart investment (reaching %v) would bring a subsidy of %v",
	"数字化智能化投资%v，达到%v的门槛":                        "Digital and smart investment of %v reaches the %v threshold",
	"“最高120万元”是上限，实际金额以主管部门审核为准。":               "“最高120万元” is a cap (1,200,000 yuan); the actual amount is set by the competent department's review.",
	"金额按元向下取整。":                                 "Amounts are rounded down to the yuan.",

	// shared steps: a rate, rounding, a cap
	"%v × %d%% = %v": "%v × %d%% = %v",
	"（不足1元的部分舍去）":    " (fractions of a yuan dropped)",
	"超过%s%v，按%v计":    "Above the %s of %v, so %v counts",
	"未超过%s%v":        "Within the %s of %v",
	"（比例“不高于50%%”，按最高比例计算）": " (the rate is “不高于50%%”, at most 50%%; the highest rate is used)",
	"（补贴上限）":       " (the subsidy cap)",
	"合计%v":         "Total %v",
	"%v + %v = %v": "%v + %v = %v",

	// policy/3
	"本年度营收%v":  "Revenue this year: %v",
	"往年最高营收%v": "Highest revenue in earlier years: %v",
	"往年已突破%v，不是首次突破，该档不再奖励":                         "%v was already passed in an earlier year: not a first time, no award for this tier",
	"未提供往年营收：%v一档按往年已突破计，不重复奖励":                     "No earlier revenue given: the %v tier is taken as passed in an earlier year and not rewarded again",
	"如往年营收从未达到%v，本年度同时首次突破%v，可另得%v（共%v）；请提供往年营收核对。": "If revenue never reached %v before, this year also passes %v for the first time and brings another %v (%v in all); please give earlier revenue to check.",
	"首次突破%v（含）：奖励%v":                                "First time reaching %v (inclusive): award of %v",
	"未达到%v：该档无奖励":                                   "Below %v: no award for this tier",
	"营收再增加%v、首次突破%v可得%v奖励":                          "Another %v of revenue, first passing %v, would bring an award of %v",
	"条文写“分别给予”：每一档在首次突破时各奖励一次；同一年首次突破两档的，两档奖励都计。这是按条文字面的理解，以审核为准。": "The clause says “分别给予” (each given): each tier is rewarded once, when first passed; both tiers passed for the first time in one year are both rewarded. This is a literal reading of the clause, subject to review.",
	"未提供往年营收，按本年度为首次突破计算；往年已突破的档次不能再得奖励。":                          "No earlier revenue given, so this year is taken as the first time; a tier passed in an earlier year cannot be rewarded again.",

	// policy/4
	"研发投入增量：%v − %v = %v":       "Increase in R&D spending: %v − %v = %v",
	"研发投入没有增加：0元":               "R&D spending did not increase: 0 yuan",
	"研发投入比上年多%v可得%v":            "R&D spending %v above last year's would bring %v",
	"%v ÷ %v = %d 档（不足一档的部分不计）": "%v ÷ %v = %d (whole steps only; a part step does not count)",
	"%d × %v = %v":   "%d × %v = %v",
	"超过年度上限%v，按%v计":  "Above the yearly cap of %v, so %v counts",
	"未超过年度上限%v":      "Within the yearly cap of %v",
	"再增加%v研发投入可多得%v": "Another %v of R&D spending would bring %v more",
	"增量按本年度比上年度多投入的研发费用计算，每满200万元为一档。":        "The increase is this year's R&D spending minus last year's; every full 2,000,000 yuan (200万元) is one step.",
	"一次性补助；项目须已实现研发成果产业化。“最高300万元”是上限，以审核为准。": "A one-off subsidy; the project's R&D results must already be in production. “最高300万元” is a cap (3,000,000 yuan), subject to review.",
	"第4条对重大科技成果在蓉落地转化给予“最高%v元”补贴，没有计算公式":      "Article 4 grants major scientific achievements put into production in Chengdu a subsidy of up to %v, with no formula",
	"最高%v（上限，不是应得金额）":                         "Up to %v (a cap, not an amount due)",
	"实际金额由主管部门评审确定，%v是上限。":                    "The actual amount is set by the competent department's evaluation; %v is the cap.",

	// policy/5
	"%s %d 项 × %v = %v": "%s: %d × %v = %v",
	"多项标准按每项分别奖励并相加；是否对同一企业逐项奖励以申报通知为准。": "Several standards are each rewarded and added up; whether one enterprise is rewarded for each is subject to the application notice.",
	"须为企业主导制（修）订并已获批的标准；仅参与起草不在此项。":      "The enterprise must have led the drafting (or revision) of an approved standard; only taking part in drafting is not covered.",

	// policy/6
	"按LPR计算的利息%v，不超过实际支付利息%v，取%v":                    "Interest at the LPR %v is not above the interest actually paid %v: %v is used",
	"按LPR计算的利息%v超过实际支付利息%v，按实际支付利息%v计":               "Interest at the LPR %v is above the interest actually paid %v: the interest paid, %v, is used",
	"50%%是比例上限，实际贴息比例以主管部门审核为准。":                     "50%% is the highest rate; the actual rate is set by the competent department's review.",
	"条文写“分梯度给予贷款利息补贴”，各梯度比例没有公布；这里给出的是上限，实际金额以审核为准。": "The clause says “分梯度给予贷款利息补贴” (tiered interest subsidies) without publishing the tiers' rates; this is the cap, the actual amount is subject to review.",
	"第6条：对优质中小企业给予最高%v授信额度，并执行优惠融资利率":                "Article 6: quality SMEs get a credit line of up to %v at preferential financing rates",
	"这是银行授信额度的上限，不是补助资金，不计入可领取的奖补合计；额度以银行审批为准。":      "This is the cap of a bank credit line, not a subsidy, and is not added to the awards; the line is subject to the bank's approval.",

	// policy/7
	"第7条：“%s”": "Article 7: “%s”",
	"所处阶段：%s":  "Stage: %s",
	"条文没有写各阶段的奖励金额：无法计算，以申报通知为准": "The clause states no award for the stages: it cannot be calculated; see the application notice",
	"责任单位：%s。": "Responsible departments: %s.",
	"按平台促成的供应链融资业务规模、业务笔数分层分级奖励，最高%v": "Platforms are rewarded in tiers by the volume and number of supply-chain financing deals they bring about, up to %v",
	"分层分级的标准条文没有规定：%v是上限":             "The clause does not set the tiers: %v is the cap",
	"奖励对象是供应链融资平台，不是使用融资的企业。":         "The award goes to the supply-chain financing platform, not to the enterprises that borrow.",

	// policy/8
	"第%d家：": "Enterprise %d: ",
	"，超过每家企业最高%v，按%v计":    ", above the cap of %v per enterprise, so %v counts",
	"，未超过每家企业最高%v":        ", within the cap of %v per enterprise",
	"本年度已获%v，距年度上限%v还剩%v": "Already received this year: %[1]v; %[3]v left under the yearly cap of %[2]v",
	"超过本年度可得%v，按%v计":      "Above the %v still available this year, so %v counts",
	"未超过每家投资机构年度上限%v":     "Within the yearly cap of %v per investor",
	"奖励对象是股权投资企业或机构；被投企业须为省级以上专精特新中小企业，且为中早期投资。": "The award goes to the equity investor; the enterprise invested in must be a provincial or national specialised SME, at an early or middle stage.",
	"比例为“不超过5%%”，这里按5%%给出上限，以审核为准。":              "The rate is “不超过5%%” (at most 5%%); 5%% gives the cap here, subject to review.",

	// policy/9
	"在蓉注册%s，%d年内须在%s前（含当日）被认定；实际认定%s，超过%d年：0元": "Registered in Chengdu %s; recognition within %d years means by %s (inclusive); recognised %s, more than %d years: 0 yuan",
	"引入在蓉注册后约%d个月才被认定，超过%d年（%d个月）：0元":          "Recognised about %d months after being brought in and registered in Chengdu: more than %d years (%d months), 0 yuan",
	"引入在蓉注册后约%d个月被认定，在%d年（%d个月）内":              "Recognised about %d months after being brought in and registered in Chengdu: within %d years (%d months)",
	"在蓉注册%s，%s被认定，在%d年内（截至%s）":                 "Registered in Chengdu %s, recognised %s: within %d years (by %s)",
	"未同时提供注册日期和认定日期，没有核对“2年内被认定”的条件。":          "Registration and recognition dates were not both given, so the condition “2年内被认定” (recognised within 2 years) was not checked.",
	"奖励对象是基金管理机构，一次性奖励。":                       "The award goes to the fund manager, once.",

	// policy/10
	"“蓉漂计划”个人：最高%v资金资助（上限，按评审确定）":              "“蓉漂计划” (Rongpiao programme), individual: funding of up to %v (a cap, set by evaluation)",
	"“蓉漂计划”团队：最高%v资金资助（上限，按评审确定）":              "“蓉漂计划” (Rongpiao programme), team: funding of up to %v (a cap, set by evaluation)",
	"“产业建圈强链人才计划”入选人才：%v资金资助，另有人才安居、职称申报等配套支持": "Talent selected for the “产业建圈强链人才计划” (industrial chain talent programme): funding of %v, plus housing, professional-title and other support",
	"资助对象是符合条件的人才（团队）。":                        "The funding goes to the eligible talent (or team).",

	// policy/scope: the effective date (effective.go, calendar.go)
	"“自印发之日起30个工作日后施行”按此理解：印发当日不计，从次日起数到第30个工作日，当日起施行；有效期3年至施行之日起满3年的前一日。正式文件或公告另有规定的，以其为准。": "“自印发之日起30个工作日后施行” is read this way: the issue day does not count; counting from the next day, the policy takes effect on the 30th working day; it is valid for 3 years, to the day before the third anniversary of that date. The final document or a notice prevails.",
	"印发日期%s（当日不计）": "Issued %s (the issue day does not count)",
	"无法计算施行日期：%s":  "The effective date cannot be calculated: %s",
	"从次日起按国务院办公厅放假安排数工作日（节假日不计、调休上班日计入），第%d个工作日是%s（%s）：施行日期": "Counting working days from the next day on the State Council's holiday calendar (holidays skipped, make-up working days counted), working day %d is %s (%s): the effective date",
	"有效期%d年：%s至%s（施行之日起满%d年的前一日止）":                           "Valid for %d years: %s to %s (the day before %d years from the effective date)",
	"%s至%s %s，不计":    "%s to %s: %s, not counted",
	"%s（%s）%s，计入工作日": "%s (%s): %s, counted as a working day",
	"%d年没有官方放假安排数据，只按周末计算，节假日公布后需重算":    "No official holiday calendar for %d: only weekends are skipped; recalculate once the holidays are published",
	"%d年放假安排取自lunar-go数据，尚未与国务院办公厅通知核对": "The %d holidays come from the lunar-go data and have not been checked against the State Council notice",

	// every rule
	"条文数值取自征求意见稿，以正式印发的文本为准。": "The figures come from the consultation draft (“征求意见稿”); the final text prevails.",

	// Maximum (maximum.go)
	"条文规定的上限：%v（“%s”）":         "The cap the clause sets: %v (“%s”)",
	"实际金额按您的数字计算，告诉我相关金额即可算出。": "The actual amount depends on your figures: tell me them and I will calculate it.",

	// Minimum (maximum.go)
	"条文规定的门槛：%v（“%s”）":             "The threshold the clause sets: %v (“%s”)",
	"达到门槛后的金额按您的数字计算，告诉我相关金额即可算出。": "The amount above the threshold depends on your figures: tell me them and I will calculate it.",

	// Highest (maximum.go): awards said for one matter
	"同一事项可享受的奖补：%s":            "Awards for the same matter: %s",
	"按就高不就低原则取最高的一项：%v，不重复享受":  "Only the highest is granted (“就高不就低”): %v, not both",
	"“%s”；是否属于同一事项，以主管部门认定为准。": "“%s”; whether they are the same matter is for the competent department to decide.",

	// ApplyNoDoubleDipping: policy/scope's 就高不就低、不重复享受
	"与%s（%v）属同一事项，按就高不就低原则只享受较高的一项，本项不重复享受：0元": "The same matter as %s (%v): only the higher one is granted (“就高不就低”), not both: 0 yuan",
	"同一事项还涉及%s，按就高不就低原则取最高的本项%v，不重复享受":         "The same matter also involves %s: only the highest, this one at %v, is granted (“就高不就低”), not both",
}

// termsEN are the words receipts take as %s arguments: enum values, the
// names of caps, weekdays and holidays (holidayTerms adds their forms).
var termsEN = map[string]string{
	"新认定": "newly recognised", "通过复核": "passed review",
	"国际标准": "International standards", "国家标准": "National standards", "行业标准": "Industry standards",
	"入库": "entering the listing pool", "股改": "joint-stock reform", "辅导备案": "tutoring filing", "首发上市": "initial public offering",
	"最高补助": "subsidy cap", "最高": "cap", "最高贴息": "interest-subsidy cap", "单户企业最高": "cap per enterprise",
	"周一": "Monday", "周二": "Tuesday", "周三": "Wednesday", "周四": "Thursday", "周五": "Friday", "周六": "Saturday", "周日": "Sunday",
	"放假": "holiday", "调休上班": "make-up working day", "合计": "Total",
	"就高不就低": "The highest award only (“就高不就低”)",
}

// holidaysEN names the holidays of the official calendar (lunar-go's
// HolidayUtil.NAMES).
var holidaysEN = map[string]string{
	"元旦节": "New Year's Day", "春节": "Spring Festival", "清明节": "Qingming Festival", "劳动节": "Labour Day",
	"端午节": "Dragon Boat Festival", "中秋节": "Mid-Autumn Festival", "国庆节": "National Day",
	"国庆中秋": "National Day and Mid-Autumn Festival", "抗战胜利日": "Victory Day",
}

func init() {
	// The calendar writes 春节放假 and 春节调休上班.
	for zh, en := range holidaysEN {
		termsEN[zh+"放假"] = en + " holiday"
		termsEN[zh+"调休上班"] = en + " make-up working day"
	}
}

// ruleTitlesEN are the calculators' titles in English.
var ruleTitlesEN = map[string]string{
	"little_giant":           "Award for newly recognised national Little Giant enterprises",
	"provincial_sme":         "Award for provincial specialised SMEs",
	"innovative_sme":         "Innovative SMEs",
	"digital_transformation": "Subsidy for digital and smart transformation",
	"revenue_milestone":      "Award for first passing 100 million or 500 million yuan of revenue",
	"rd_increase":            "Subsidy for increased R&D spending",
	"rd_commercialization":   "Subsidy for putting R&D results into production",
	"major_achievement":      "Subsidy for major scientific achievements put into production in Chengdu",
	"standard":               "Award for leading technical standards",
	"zhuangda_loan":          "“壮大贷” (Zhuangda loan) interest subsidy",
	"xinyidai_loan":          "“新易贷” (Xinyidai loan) interest subsidy",
	"credit_line":            "Credit line for quality SMEs",
	"listing":                "Staged awards for listing on a stock exchange",
	"supply_chain_platform":  "Award for supply-chain financing platforms",
	"equity_investment":      "Award for equity investment",
	"fund_manager":           "Award for fund managers",
	"talent":                 "Talent funding",
	"effective_date":         "Effective date and validity",
}

// inputLabelsEN are the calculators' input labels in English, keyed
// rule.input.
var inputLabelsEN = map[string]string{
	"little_giant.kind":                                "new recognition or review",
	"provincial_sme.kind":                              "new recognition or review",
	"digital_transformation.investment_yuan":           "digital and smart investment actually made",
	"revenue_milestone.revenue_yuan":                   "this year's revenue",
	"revenue_milestone.previous_max_revenue_yuan":      "highest revenue of earlier years",
	"revenue_milestone.history":                        "revenue of earlier years",
	"rd_increase.increase_yuan":                        "increase in R&D spending over last year",
	"rd_increase.rd_this_year_yuan":                    "this year's R&D spending",
	"rd_increase.rd_last_year_yuan":                    "last year's R&D spending",
	"rd_commercialization.rd_yuan":                     "the project's technical R&D spending",
	"standard.level":                                   "level of the standard",
	"zhuangda_loan.interest_paid_yuan":                 "interest actually paid in the year",
	"zhuangda_loan.lpr_interest_yuan":                  "interest at the LPR for the same period",
	"xinyidai_loan.loan_yuan":                          "amount of the “新易贷” loan",
	"listing.stage":                                    "listing stage",
	"equity_investment.investment_yuan":                "amount invested in each enterprise",
	"equity_investment.already_awarded_this_year_yuan": "award already received this year",
	"fund_manager.investment_yuan":                     "the fund's equity investment in the enterprise",
	"fund_manager.registered":                          "date the enterprise registered in Chengdu",
	"fund_manager.months_to_recognition":               "months from being brought in and registered in Chengdu to recognition",
	"fund_manager.recognized":                          "date it was recognised as a Little Giant or provincial specialised SME",
	"talent.program":                                   "talent programme",
	"effective_date.issued":                            "issue date",
}

// documentsEN name the documents, keyed by id prefix.
var documentsEN = map[string]string{
	"plan":   "Annex 1, Three-Year Plan for the Tiered Cultivation of Quality SMEs in Chengdu (2023–2025)",
	"policy": "Annex 2, Several Policies of Chengdu to Support the Specialised and Innovative Development of SMEs",
}

// clauseTitlesEN are the 34 clauses' titles in English, keyed by clause id.
var clauseTitlesEN = map[string]string{
	"plan/preamble":   "Preamble",
	"plan/goal":       "Development goals",
	"plan/1":          "A complete cultivation system",
	"plan/2":          "A firm base for cultivation",
	"plan/3":          "A better policy system",
	"plan/4":          "Support for innovation research",
	"plan/5":          "Support for collaborative innovation platforms",
	"plan/6":          "Support for quality innovation and improvement",
	"plan/7":          "Support for digital transformation and green development",
	"plan/8":          "Stronger direct financing services",
	"plan/9":          "New models of financial services",
	"plan/10":         "Stronger talent attraction",
	"plan/11":         "Stronger enterprise training",
	"plan/12":         "Wider use of products",
	"plan/13":         "Support for expanding markets",
	"plan/14":         "A direct service mechanism",
	"plan/15":         "Service platforms",
	"plan/16":         "Stronger organisation and coordination",
	"plan/17":         "More fiscal support",
	"plan/18":         "Publicity for model enterprises",
	"policy/preamble": "Preamble",
	"policy/1":        "Support for enterprises moving up a tier",
	"policy/2":        "Support for digital and smart transformation",
	"policy/3":        "Support for leaps in growth",
	"policy/4":        "Support for innovation",
	"policy/5":        "Support for drafting and revising technical standards",
	"policy/6":        "Lower financing costs",
	"policy/7":        "Wider financing channels",
	"policy/8":        "Support for equity financing",
	"policy/9":        "Support for fund investment in enterprises",
	"policy/10":       "Support for recruiting talent",
	"policy/11":       "Stronger education and training",
	"policy/12":       "Tax and fee reductions",
	"policy/scope":    "Eligible enterprises, principles and period of effect",
}

// departmentsEN name the 责任单位 the clauses list.
var departmentsEN = map[string]string{
	"市经信局市新经济委":    "Chengdu Bureau of Economy and Information Technology (New Economy Commission)",
	"市科技局":         "Chengdu Bureau of Science and Technology",
	"各区（市）县":       "the district, city and county governments",
	"市财政局":         "Chengdu Finance Bureau",
	"市金融监管局":       "Chengdu Financial Regulatory Bureau",
	"市总工会":         "Chengdu Federation of Trade Unions",
	"市市场监管局":       "Chengdu Administration for Market Regulation",
	"市商务局":         "Chengdu Bureau of Commerce",
	"市人社局":         "Chengdu Bureau of Human Resources and Social Security",
	"市工商联":         "Chengdu Federation of Industry and Commerce",
	"市委组织部（市委人才办）": "Organisation Department of the CPC Chengdu Committee (Talent Office)",
	"市委组织部":        "Organisation Department of the CPC Chengdu Committee",
	"市发改委":         "Chengdu Development and Reform Commission",
	"国家税务总局成都市税务局": "Chengdu Tax Service of the State Taxation Administration",
	"各重点产业链牵头部门":   "the lead departments of each key industrial chain",
}
