package policies

import (
	"fmt"
	"strings"
	"time"

	"github.com/cdsme/policybot/yuan"
)

// Common inputs.
var (
	inTierKind = Input{Name: "kind", Label: "新认定还是复核", Unit: InputEnum, Choices: []string{"new", "review"},
		Help: "new 新获评/新认定，review 通过复核；默认 new", Example: "new",
		Aliases: map[string]string{"新": "new", "新获评": "new", "新认定": "new", "复核": "review", "通过复核": "review"}}
)

const roundingNote = "金额按元向下取整。"

// rules is every calculator, in clause order. Names are a contract with the
// bot, the push bills and `policybot calc`.
var rules = []Rule{
	{
		Name: "little_giant", Clause: "policy/1", Title: "新获评国家专精特新“小巨人”企业奖励", Kind: KindFixed,
		Summary: "新获评国家专精特新“小巨人”企业一次性奖励50万元（仅新获评，复核不在此项）。",
		Inputs:  []Input{inTierKind}, Params: []string{"little_giant_award"},
		calc: func(r *run) {
			award := r.p("little_giant_award")
			if r.str("kind") == "review" {
				r.step("条文只奖励“新获评”的国家专精特新“小巨人”企业，复核通过不在此项：0元")
				r.note("省级专精特新中小企业“新认定或通过复核”均可得10万元（见 provincial_sme）。")
				return
			}
			r.step("新获评国家专精特新“小巨人”企业：一次性奖励%v", yuan.Format(award))
			r.c.AmountYuan = award
		},
	},
	{
		Name: "provincial_sme", Clause: "policy/1", Title: "省级专精特新中小企业奖励", Kind: KindFixed,
		Summary: "新认定或通过复核的省级专精特新中小企业一次性奖励10万元。",
		Inputs:  []Input{inTierKind}, Params: []string{"provincial_sme_award"},
		calc: func(r *run) {
			award := r.p("provincial_sme_award")
			how := "新认定"
			if r.str("kind") == "review" {
				how = "通过复核"
			}
			r.step("%s的省级专精特新中小企业：一次性奖励%v", how, yuan.Format(award))
			r.c.AmountYuan = award
		},
	},
	{
		Name: "innovative_sme", Clause: "policy/1", Title: "创新型中小企业", Kind: KindUnstated,
		Summary: "创新型中小企业：条文只写“支持企业申报认定”，没有现金奖励。",
		Params:  []string{"innovative_sme_support"},
		calc: func(r *run) {
			q := r.cite("innovative_sme_support")
			r.step("第1条对创新型中小企业只写“%s”，没有规定奖励金额：0元", q)
			r.note("认定为创新型中小企业后即属本政策所称优质中小企业，可按其他条款（如数字化转型、研发投入、贴息）申请支持。")
		},
	},
	{
		Name: "digital_transformation", Clause: "policy/2", Title: "数字化智能化转型补助", Kind: KindComputed,
		Summary: "数字化智能化投资达到100万元以上（含100万）的，按实际投入的10%补助，最高120万元。",
		Inputs: []Input{{Name: "investment_yuan", Label: "数字化智能化实际投资（元）", Unit: InputYuan, Required: true,
			Help: "数字化升级、智能化改造的实际投入", Example: "2600000"}},
		Params: []string{"digital_threshold", "digital_rate", "digital_cap"},
		calc: func(r *run) {
			inv := r.yuanIn("investment_yuan")
			th, rate, cap := r.p("digital_threshold"), r.p("digital_rate"), r.p("digital_cap")
			r.note("“100万元以上”按含100万理解（民法典第一千二百五十九条：“以上”包括本数）。")
			if inv < th {
				r.step("数字化智能化投资%v，未达到%v的门槛：0元", yuan.Format(inv), yuan.Format(th))
				gain := min(percentOf(th, rate), cap)
				r.nearMiss(th-inv, gain, fmt.Sprintf("再增加%v数字化智能化投资（达到%v）可得%v补助", yuan.Format(th-inv), yuan.Format(th), yuan.Format(gain)))
				return
			}
			r.step("数字化智能化投资%v，达到%v的门槛", yuan.Format(inv), yuan.Format(th))
			r.rateCapped(inv, rate, cap, "", "最高补助")
			r.note("“最高120万元”是上限，实际金额以主管部门审核为准。")
			r.note(roundingNote)
		},
	},
	{
		Name: "revenue_milestone", Clause: "policy/3", Title: "营收首次突破1亿元、5亿元奖励", Kind: KindFixed,
		Summary: "年度营收首次突破1亿元（含）奖励5万元，首次突破5亿元（含）奖励10万元；每档各奖励一次。",
		Inputs: []Input{
			{Name: "revenue_yuan", Label: "本年度营业收入（元）", Unit: InputYuan, Required: true, Example: "120000000"},
			{Name: "previous_max_revenue_yuan", Label: "往年最高年度营收（元）", Unit: InputYuan, ZeroOK: true,
				Help: "用于判断是否“首次”突破；不填则按首次突破计算", Example: "95000000"},
			{Name: "history", Label: "往年营收", Unit: InputHistory,
				Help: "年份:金额，用;分隔，如 2024:80000000;2025:95000000（只填往年）", Example: "2024:80000000;2025:95000000"},
		},
		Params: []string{"revenue_milestone_1", "revenue_award_1", "revenue_milestone_2", "revenue_award_2"},
		calc: func(r *run) {
			rev := r.yuanIn("revenue_yuan")
			prev, known := int64(0), false
			if r.has("previous_max_revenue_yuan") {
				prev, known = r.yuanIn("previous_max_revenue_yuan"), true
			}
			if h, ok := r.in["history"].(map[string]int64); ok {
				known = true
				for _, v := range h {
					prev = max(prev, v)
				}
			}
			r.step("本年度营收%v", yuan.Format(rev))
			if known {
				r.step("往年最高营收%v", yuan.Format(prev))
			}
			type tier struct{ m, a int64 }
			tiers := []tier{{r.p("revenue_milestone_1"), r.p("revenue_award_1")}, {r.p("revenue_milestone_2"), r.p("revenue_award_2")}}
			// Without past figures, "首次突破5亿" is read as the 5亿 milestone
			// alone: a lower milestone is taken as crossed in an earlier year
			// (the usual case), and the receipt says what more it may be worth.
			assumed := -1
			if !known {
				for i := len(tiers) - 1; i > 0; i-- {
					if rev >= tiers[i].m {
						assumed = i - 1
						break
					}
				}
			}
			var got []int64
			for i, t := range tiers {
				switch {
				case rev >= t.m && prev >= t.m:
					r.step("往年已突破%v，不是首次突破，该档不再奖励", yuan.Format(t.m))
				case rev >= t.m && i <= assumed:
					var higher int64
					for _, u := range tiers[i+1:] {
						if rev >= u.m {
							higher += u.a
						}
					}
					r.step("未提供往年营收：%v一档按往年已突破计，不重复奖励", yuan.Format(t.m))
					r.note("如往年营收从未达到%v，本年度同时首次突破%v，可另得%v（共%v）；请提供往年营收核对。",
						yuan.Format(t.m), yuan.Format(t.m), yuan.Format(t.a), yuan.Format(higher+t.a))
				case rev >= t.m:
					r.step("首次突破%v（含）：奖励%v", yuan.Format(t.m), yuan.Format(t.a))
					got = append(got, t.a)
					r.c.AmountYuan += t.a
				default:
					r.step("未达到%v：该档无奖励", yuan.Format(t.m))
					if r.c.NearMiss == nil && prev < t.m {
						r.nearMiss(t.m-rev, t.a, fmt.Sprintf("营收再增加%v、首次突破%v可得%v奖励", yuan.Format(t.m-rev), yuan.Format(t.m), yuan.Format(t.a)))
					}
				}
			}
			if len(got) == 2 {
				r.step("%v + %v = %v", yuan.Format(got[0]), yuan.Format(got[1]), yuan.Format(r.c.AmountYuan))
				r.note("条文写“分别给予”：每一档在首次突破时各奖励一次；同一年首次突破两档的，两档奖励都计。这是按条文字面的理解，以审核为准。")
			}
			if !known && assumed < 0 && r.c.AmountYuan > 0 {
				r.note("未提供往年营收，按本年度为首次突破计算；往年已突破的档次不能再得奖励。")
			}
		},
	},
	{
		Name: "rd_increase", Clause: "policy/4", Title: "研发投入增量补助", Kind: KindComputed,
		Summary: "研发投入比上年每增加满200万元补助20万元，年度最高500万元。填 increase_yuan，或同时填 rd_this_year_yuan 和 rd_last_year_yuan。",
		Inputs: []Input{
			{Name: "increase_yuan", Label: "研发投入比上年增加额（元）", Unit: InputYuan, ZeroOK: true, Example: "6500000"},
			{Name: "rd_this_year_yuan", Label: "本年度研发投入（元）", Unit: InputYuan, ZeroOK: true, Example: "9300000"},
			{Name: "rd_last_year_yuan", Label: "上年度研发投入（元）", Unit: InputYuan, ZeroOK: true, Example: "5000000"},
		},
		Params: []string{"rd_increase_step", "rd_increase_award", "rd_increase_cap"},
		calc: func(r *run) {
			step, award, cap := r.p("rd_increase_step"), r.p("rd_increase_award"), r.p("rd_increase_cap")
			var inc int64
			switch {
			case r.has("increase_yuan") && (r.has("rd_this_year_yuan") || r.has("rd_last_year_yuan")):
				r.badInput("increase_yuan", "填增加额，或填本年度和上年度研发投入，不要同时填")
				return
			case r.has("increase_yuan"):
				inc = r.yuanIn("increase_yuan")
			case r.has("rd_this_year_yuan") && r.has("rd_last_year_yuan"):
				this, last := r.yuanIn("rd_this_year_yuan"), r.yuanIn("rd_last_year_yuan")
				inc = this - last
				r.step("研发投入增量：%v − %v = %v", yuan.Format(this), yuan.Format(last), yuan.Format(inc))
				if inc <= 0 {
					r.step("研发投入没有增加：0元")
					r.nearMiss(step-inc, award, fmt.Sprintf("研发投入比上年多%v可得%v", yuan.Format(step), yuan.Format(award)))
					return
				}
			default:
				missing := "increase_yuan"
				if r.has("rd_this_year_yuan") {
					missing = "rd_last_year_yuan"
				} else if r.has("rd_last_year_yuan") {
					missing = "rd_this_year_yuan"
				}
				r.err = &InputError{Rule: r.rule.Name, Input: missing, Reason: "填 increase_yuan，或同时填 rd_this_year_yuan 和 rd_last_year_yuan", Err: ErrMissingInput}
				return
			}
			n := inc / step
			r.step("%v ÷ %v = %d 档（不足一档的部分不计）", yuan.Format(inc), yuan.Format(step), n)
			raw := n * award // n ≤ MaxYuan/2e6, no overflow
			r.step("%d × %v = %v", n, yuan.Format(award), yuan.Format(raw))
			if raw > cap {
				r.step("超过年度上限%v，按%v计", yuan.Format(cap), yuan.Format(cap))
				r.c.AmountYuan = cap
			} else {
				r.step("未超过年度上限%v", yuan.Format(cap))
				r.c.AmountYuan = raw
				if raw < cap {
					gap := (n+1)*step - inc
					gain := min(award, cap-raw)
					r.nearMiss(gap, gain, fmt.Sprintf("再增加%v研发投入可多得%v", yuan.Format(gap), yuan.Format(gain)))
				}
			}
			r.note("增量按本年度比上年度多投入的研发费用计算，每满200万元为一档。")
		},
	},
	{
		Name: "rd_commercialization", Clause: "policy/4", Title: "研发成果产业化项目补助", Kind: KindComputed,
		Summary: "研发成果产业化项目，按项目技术研发投入的15%一次性补助，最高300万元。",
		Inputs:  []Input{{Name: "rd_yuan", Label: "项目技术研发投入（元）", Unit: InputYuan, Required: true, Example: "10000000"}},
		Params:  []string{"rd_commercialization_rate", "rd_commercialization_cap"},
		calc: func(r *run) {
			rd := r.yuanIn("rd_yuan")
			rate, cap := r.p("rd_commercialization_rate"), r.p("rd_commercialization_cap")
			r.rateCapped(rd, rate, cap, "", "最高")
			r.note("一次性补助；项目须已实现研发成果产业化。“最高300万元”是上限，以审核为准。")
			r.note(roundingNote)
		},
	},
	{
		Name: "major_achievement", Clause: "policy/4", Title: "重大科技成果在蓉落地转化补贴", Kind: KindMaximum,
		Summary: "重大科技成果在蓉落地转化的，最高1000万元；没有计算公式，评审确定。",
		Params:  []string{"major_achievement_max"},
		calc: func(r *run) {
			m := r.p("major_achievement_max")
			r.step("第4条对重大科技成果在蓉落地转化给予“最高%v元”补贴，没有计算公式", trimYuanWord(yuan.Format(m)))
			r.step("最高%v（上限，不是应得金额）", yuan.Format(m))
			r.c.AmountYuan = m
			r.note("实际金额由主管部门评审确定，%v是上限。", yuan.Format(m))
		},
	},
	{
		Name: "standard", Clause: "policy/5", Title: "主导制（修）订技术标准奖励", Kind: KindFixed,
		Summary: "主导制（修）订并获批的国际、国家、行业技术标准，分别一次性奖励60万、40万、25万元。",
		Inputs: []Input{{Name: "level", Label: "标准级别", Unit: InputEnum, Required: true, Multi: true,
			Choices: []string{"international", "national", "industry"},
			Help:    "international 国际、national 国家、industry 行业；多项用;分隔", Example: "national",
			Aliases: map[string]string{"国际": "international", "国际标准": "international", "国家": "national", "国家标准": "national",
				"行业": "industry", "行业标准": "industry"}}},
		Params: []string{"standard_international", "standard_national", "standard_industry"},
		calc: func(r *run) {
			names := map[string]string{"international": "国际标准", "national": "国家标准", "industry": "行业标准"}
			count := map[string]int64{}
			for _, l := range r.strs("level") {
				count[l]++
			}
			for _, l := range []string{"international", "national", "industry"} {
				if count[l] == 0 {
					continue
				}
				a := r.p("standard_" + l)
				r.step("%s %d 项 × %v = %v", names[l], count[l], yuan.Format(a), yuan.Format(count[l]*a))
				r.c.AmountYuan += count[l] * a
			}
			if len(r.strs("level")) > 1 {
				r.step("合计%v", yuan.Format(r.c.AmountYuan))
				r.note("多项标准按每项分别奖励并相加；是否对同一企业逐项奖励以申报通知为准。")
			}
			r.note("须为企业主导制（修）订并已获批的标准；仅参与起草不在此项。")
		},
	},
	{
		Name: "zhuangda_loan", Clause: "policy/6", Title: "“壮大贷”贴息", Kind: KindMaximum,
		Summary: "“壮大贷”贴息：按同期LPR计算的利息（不超过实际支付利息）的不高于50%，最高80万元。",
		Inputs: []Input{
			{Name: "interest_paid_yuan", Label: "年度实际支付利息（元）", Unit: InputYuan, Required: true, Example: "600000"},
			{Name: "lpr_interest_yuan", Label: "按同期LPR计算的利息（元）", Unit: InputYuan, Required: true,
				Help: "贷款本金按同期贷款市场报价利率计算的年度利息，以银行出具为准", Example: "400000"},
		},
		Params: []string{"zhuangda_rate", "zhuangda_cap"},
		calc: func(r *run) {
			paid, lpr := r.yuanIn("interest_paid_yuan"), r.yuanIn("lpr_interest_yuan")
			rate, cap := r.p("zhuangda_rate"), r.p("zhuangda_cap")
			base := min(paid, lpr)
			if lpr <= paid {
				r.step("按LPR计算的利息%v，不超过实际支付利息%v，取%v", yuan.Format(lpr), yuan.Format(paid), yuan.Format(base))
			} else {
				r.step("按LPR计算的利息%v超过实际支付利息%v，按实际支付利息%v计", yuan.Format(lpr), yuan.Format(paid), yuan.Format(base))
			}
			r.rateCapped(base, rate, cap, "（比例“不高于50%%”，按最高比例计算）", "最高贴息")
			r.note("50%%是比例上限，实际贴息比例以主管部门审核为准。")
			r.note(roundingNote)
		},
	},
	{
		Name: "xinyidai_loan", Clause: "policy/6", Title: "“新易贷”贷款利息补贴", Kind: KindMaximum,
		Summary: "“新易贷”系列产品分梯度贴息，最高不超过贷款金额的2%，单户企业最高60万元。",
		Inputs:  []Input{{Name: "loan_yuan", Label: "“新易贷”贷款金额（元）", Unit: InputYuan, Required: true, Example: "10000000"}},
		Params:  []string{"xinyidai_rate", "xinyidai_cap"},
		calc: func(r *run) {
			loan := r.yuanIn("loan_yuan")
			rate, cap := r.p("xinyidai_rate"), r.p("xinyidai_cap")
			r.rateCapped(loan, rate, cap, "（补贴上限）", "单户企业最高")
			r.note("条文写“分梯度给予贷款利息补贴”，各梯度比例没有公布；这里给出的是上限，实际金额以审核为准。")
			r.note(roundingNote)
		},
	},
	{
		Name: "credit_line", Clause: "policy/6", Title: "优质中小企业授信额度", Kind: KindMaximum, NotPayout: true,
		Summary: "优质中小企业最高5000万元授信额度，执行优惠融资利率；是银行授信，不是补助资金。",
		Params:  []string{"credit_line_max"},
		calc: func(r *run) {
			m := r.p("credit_line_max")
			r.step("第6条：对优质中小企业给予最高%v授信额度，并执行优惠融资利率", yuan.Format(m))
			r.c.AmountYuan = m
			r.note("这是银行授信额度的上限，不是补助资金，不计入可领取的奖补合计；额度以银行审批为准。")
		},
	},
	{
		Name: "listing", Clause: "policy/7", Title: "上市分阶段资金奖励", Kind: KindUnstated,
		Summary: "拟在沪深北交易所上市的企业，在入库、股改、辅导备案、首发上市等阶段分阶段奖励；条文没有写金额。",
		Inputs: []Input{{Name: "stage", Label: "所处阶段", Unit: InputEnum,
			Choices: []string{"pool", "joint_stock", "tutoring", "ipo"},
			Help:    "pool 入库、joint_stock 股改、tutoring 辅导备案、ipo 首发上市", Example: "tutoring",
			Aliases: map[string]string{"入库": "pool", "股改": "joint_stock", "辅导备案": "tutoring", "首发上市": "ipo", "上市": "ipo"}}},
		Params: []string{"listing_stages"},
		calc: func(r *run) {
			q := r.cite("listing_stages")
			r.step("第7条：“%s”", q)
			stages := map[string]string{"pool": "入库", "joint_stock": "股改", "tutoring": "辅导备案", "ipo": "首发上市"}
			if s := r.str("stage"); s != "" {
				r.step("所处阶段：%s", stages[s])
			}
			r.step("条文没有写各阶段的奖励金额：无法计算，以申报通知为准")
			r.departments()
		},
	},
	{
		Name: "supply_chain_platform", Clause: "policy/7", Title: "供应链融资平台奖励", Kind: KindMaximum,
		Summary: "按平台促成的供应链融资业务规模、笔数分层分级奖励平台，最高100万元；奖励对象是平台。",
		Params:  []string{"supply_chain_platform_max"},
		calc: func(r *run) {
			m := r.p("supply_chain_platform_max")
			r.step("按平台促成的供应链融资业务规模、业务笔数分层分级奖励，最高%v", yuan.Format(m))
			r.step("分层分级的标准条文没有规定：%v是上限", yuan.Format(m))
			r.c.AmountYuan = m
			r.note("奖励对象是供应链融资平台，不是使用融资的企业。")
		},
	},
	{
		Name: "equity_investment", Clause: "policy/8", Title: "股权投资奖励", Kind: KindMaximum,
		Summary: "股权投资机构投资省级以上专精特新中小企业：不超过投资额5%，每家被投企业最高30万元，每家投资机构年度最高80万元。",
		Inputs: []Input{
			{Name: "investment_yuan", Label: "对每家企业的实际投资金额（元）", Unit: InputYuan, Required: true, Multi: true,
				Help: "投资几家企业就填几笔，用;分隔；同一家企业的多笔投资请合并", Example: "2000000"},
			{Name: "already_awarded_this_year_yuan", Label: "本年度已获本项奖励（元）", Unit: InputYuan, ZeroOK: true, Example: "0"},
		},
		Params: []string{"equity_rate", "equity_cap_per_investee", "equity_cap_per_year"},
		calc: func(r *run) {
			rate, per, year := r.p("equity_rate"), r.p("equity_cap_per_investee"), r.p("equity_cap_per_year")
			invs := r.yuansIn("investment_yuan")
			var total int64
			for i, inv := range invs {
				raw := percentOf(inv, rate)
				s := rateStep(inv, rate, raw)
				if len(invs) > 1 {
					s = fmt.Sprintf("第%d家：%s", i+1, s)
				}
				if raw > per {
					s += fmt.Sprintf("，超过每家企业最高%v，按%v计", yuan.Format(per), yuan.Format(per))
					raw = per
				} else {
					s += fmt.Sprintf("，未超过每家企业最高%v", yuan.Format(per))
				}
				r.step("%s", s)
				total += raw
			}
			if len(invs) > 1 {
				r.step("合计%v", yuan.Format(total))
			}
			room := year
			if r.has("already_awarded_this_year_yuan") {
				done := r.yuanIn("already_awarded_this_year_yuan")
				if done > year {
					r.badInput("already_awarded_this_year_yuan", fmt.Sprintf("超过每家投资机构年度上限%v，不可能已获得这么多", yuan.Format(year)))
					return
				}
				room = max(0, year-done)
				r.step("本年度已获%v，距年度上限%v还剩%v", yuan.Format(done), yuan.Format(year), yuan.Format(room))
			}
			if total > room {
				r.step("超过本年度可得%v，按%v计", yuan.Format(room), yuan.Format(room))
				total = room
			} else {
				r.step("未超过每家投资机构年度上限%v", yuan.Format(year))
			}
			r.c.AmountYuan = total
			r.note("奖励对象是股权投资企业或机构；被投企业须为省级以上专精特新中小企业，且为中早期投资。")
			r.note("比例为“不超过5%%”，这里按5%%给出上限，以审核为准。" + roundingNote)
		},
	},
	{
		Name: "fund_manager", Clause: "policy/9", Title: "基金管理机构奖励", Kind: KindComputed,
		Summary: "引导基金及参股基金引入的企业在蓉注册后2年内被认定为“小巨人”或省级专精特新的，按基金对该企业股权投资额的1%奖励基金管理机构，最高50万元。",
		Inputs: []Input{
			// Required unless the two-year window is already missed (then 0
			// whatever the investment): checked in calc.
			{Name: "investment_yuan", Label: "基金对该企业的股权投资额（元）", Unit: InputYuan, Example: "20000000"},
			{Name: "registered", Label: "企业在成都注册日期", Unit: InputDate, Example: "2024-03-01"},
			{Name: "recognized", Label: "被认定为“小巨人”或省级专精特新的日期", Unit: InputDate, Example: "2025-07-01"},
			// The user often says only how long it took ("投资后第30个月才认定").
			{Name: "months_to_recognition", Label: "从引入在蓉注册到被认定的月数", Unit: InputMonths, ZeroOK: true, Example: "18"},
		},
		Params: []string{"fund_manager_window", "fund_manager_rate", "fund_manager_cap"},
		calc: func(r *run) {
			win, rate, cap := r.p("fund_manager_window"), r.p("fund_manager_rate"), r.p("fund_manager_cap")
			if r.has("registered") && r.has("recognized") {
				reg, _ := time.Parse(time.DateOnly, r.str("registered"))
				rec, _ := time.Parse(time.DateOnly, r.str("recognized"))
				if rec.Before(reg) {
					r.badInput("recognized", "认定日期早于在蓉注册日期")
					return
				}
				end := addYears(reg, int(win))
				if rec.After(end) {
					r.step("在蓉注册%s，%d年内须在%s前（含当日）被认定；实际认定%s，超过%d年：0元",
						r.str("registered"), win, end.Format(time.DateOnly), r.str("recognized"), win)
					return
				}
				r.step("在蓉注册%s，%s被认定，在%d年内（截至%s）", r.str("registered"), r.str("recognized"), win, end.Format(time.DateOnly))
			} else if r.has("months_to_recognition") {
				n := r.months("months_to_recognition")
				if n > win*12 {
					r.step("引入在蓉注册后约%d个月才被认定，超过%d年（%d个月）：0元", n, win, win*12)
					return
				}
				r.step("引入在蓉注册后约%d个月被认定，在%d年（%d个月）内", n, win, win*12)
			} else {
				r.note("未同时提供注册日期和认定日期，没有核对“2年内被认定”的条件。")
			}
			if !r.has("investment_yuan") {
				r.err = &InputError{Rule: r.rule.Name, Input: "investment_yuan", Reason: "基金对该企业的股权投资额（必填）", Err: ErrMissingInput}
				return
			}
			inv := r.yuanIn("investment_yuan")
			r.rateCapped(inv, rate, cap, "", "最高")
			r.note("奖励对象是基金管理机构，一次性奖励。" + roundingNote)
		},
	},
	{
		Name: "talent", Clause: "policy/10", Title: "人才资助", Kind: KindMaximum,
		Summary: "“蓉漂计划”个人最高300万元、团队最高500万元；“产业建圈强链人才计划”入选人才30万元。",
		Inputs: []Input{{Name: "program", Label: "人才计划", Unit: InputEnum, Required: true,
			Choices: []string{"rongpiao_individual", "rongpiao_team", "industry_chain"},
			Help:    "rongpiao_individual 蓉漂计划个人、rongpiao_team 蓉漂计划团队、industry_chain 产业建圈强链人才计划", Example: "rongpiao_team",
			Aliases: map[string]string{"蓉漂个人": "rongpiao_individual", "蓉漂团队": "rongpiao_team", "产业建圈强链": "industry_chain", "产业建圈强链人才计划": "industry_chain"}}},
		Params: []string{"talent_rongpiao_individual_max", "talent_rongpiao_team_max", "talent_chain_award"},
		calc: func(r *run) {
			switch r.str("program") {
			case "rongpiao_individual":
				m := r.p("talent_rongpiao_individual_max")
				r.step("“蓉漂计划”个人：最高%v资金资助（上限，按评审确定）", yuan.Format(m))
				r.c.AmountYuan = m
			case "rongpiao_team":
				m := r.p("talent_rongpiao_team_max")
				r.step("“蓉漂计划”团队：最高%v资金资助（上限，按评审确定）", yuan.Format(m))
				r.c.AmountYuan = m
			default:
				a := r.p("talent_chain_award")
				r.step("“产业建圈强链人才计划”入选人才：%v资金资助，另有人才安居、职称申报等配套支持", yuan.Format(a))
				r.c.AmountYuan = a
				r.c.Kind = KindFixed
			}
			r.note("资助对象是符合条件的人才（团队）。")
			r.departments()
		},
	},
	{
		Name: "effective_date", Clause: "policy/scope", Title: "施行日期和有效期", Kind: KindNone, NotPayout: true,
		Summary: "印发之日起第30个工作日施行（印发当日不计，按国务院放假安排），有效期3年。",
		Inputs:  []Input{{Name: "issued", Label: "印发日期", Unit: InputDate, Required: true, Example: "2025-09-15"}},
		Params:  []string{"effective_delay", "validity"},
		calc: func(r *run) {
			issued, _ := time.Parse(time.DateOnly, r.str("issued"))
			delay, years := r.p("effective_delay"), r.p("validity")
			if r.err != nil {
				return
			}
			start, end, steps := effectiveDate(OfficialCalendar(), issued, int(delay), int(years))
			if !r.quiet {
				r.c.Steps = append(r.c.Steps, steps...)
			}
			r.note("“自印发之日起30个工作日后施行”按此理解：印发当日不计，从次日起数到第30个工作日，当日起施行；有效期3年至施行之日起满3年的前一日。正式文件或公告另有规定的，以其为准。")
			r.c.Dates = map[string]string{"issued": r.str("issued"), "effective": start.Format(time.DateOnly), "expires": end.Format(time.DateOnly)}
		},
	},
}

// departments notes the clause's 责任单位, whom a user can ask.
func (r *run) departments() {
	if cl, err := MustDefault().Clause(r.rule.Clause); err == nil && len(cl.Departments) > 0 {
		r.note("责任单位：%s。", strings.Join(cl.Departments, "、"))
	}
}

// trimYuanWord drops a trailing 元 so "最高%s元" reads 最高1000万元.
func trimYuanWord(s string) string {
	if len(s) > 3 && s[len(s)-3:] == "元" {
		return s[:len(s)-3]
	}
	return s
}
