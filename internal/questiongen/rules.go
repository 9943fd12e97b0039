package questiongen

import "strconv"

// The grammar of the amount questions: one rule per computable promise of
// 附件2 (policies/docs/policy.txt, clauses policy/1 … policy/12). Each rule's
// arithmetic is this package's own reading of the clause it cites.

type rule struct {
	name  string
	build func(*q)
}

var rules = []weighted[rule]{
	{rule{"rd_increase", rdIncrease}, 16},
	{rule{"digital", digital}, 13},
	{rule{"revenue", revenue}, 8},
	{rule{"title", title}, 8},
	{rule{"standards", standards}, 10},
	{rule{"zhuangda", zhuangda}, 8},
	{rule{"xinyidai", xinyidai}, 8},
	{rule{"equity", equity}, 12},
	{rule{"rd_industrial", rdIndustrial}, 8},
	{rule{"fund", fund}, 4},
}

const wan = 10_000

// between is a random multiple of step in [lo, hi].
func (g *q) between(lo, hi, step int64) int64 {
	return lo + g.r.Int64N((hi-lo)/step+1)*step
}

// closing is the end of an amount question: the plain ask, or for the
// "guess" order a wrong figure offered as a guess (sometimes after the ask).
func (g *q) closing(right int64, noun string, max bool) string {
	if g.order != "guess" {
		return g.ask(noun, max)
	}
	if g.variety == varietyDialect || g.r.IntN(2) == 0 {
		return g.join(g.ask(noun, max), g.guess(right))
	}
	return g.guess(right)
}

// policy/4, first measure: "按年度每增加200万元研发投入给予20万元、年度最高500万元补助"
// — 20万 for every full 200万 of increase over the previous year, at most 500万 a year.
func rdIncreaseAmount(increase int64) int64 {
	return min(increase/(200*wan)*(20*wan), 500*wan)
}

func rdIncrease(g *q) {
	var d int64
	switch x := g.r.IntN(100); {
	case x < 8:
		d = g.between(50*wan, 190*wan, 10*wan) // below one step: nothing
	case x < 20:
		d = g.between(5000*wan, 8000*wan, 100*wan) // at or above the cap
	default:
		d = g.between(200*wan, 4900*wan, 10*wan)
	}
	x := g.between(100*wan, 6000*wan, 10*wan)
	y := x + d
	g.order = pick(g.r, []weighted[string]{{"increase", 25}, {"from_to", 20}, {"last_this", 15}, {"this_last", 15}, {"years", 10}, {"guess", 15}})
	form := g.order
	if form == "guess" {
		form = one(g.r, "increase", "from_to", "last_this")
	}
	D, X, Y := g.money(d), g.money(x), g.money(y)
	var body string
	if g.en() {
		body = one(g.r, map[string][]string{
			"increase":  {"Our R&D spending increased by " + D + " this year", "R&D investment is up " + D + " on last year", "We spent " + D + " more on R&D than last year"},
			"from_to":   {"Our R&D spending went from " + X + " last year to " + Y + " this year", "R&D investment rose from " + X + " to " + Y + " year on year", "R&D spend: " + X + " → " + Y + " (last year → this year)"},
			"last_this": {"Last year we spent " + X + " on R&D and this year " + Y, "R&D spending last year was " + X + "; this year it is " + Y},
			"this_last": {"This year our R&D spending is " + Y + "; last year it was " + X, "We spent " + Y + " on R&D this year versus " + X + " last year"},
			"years":     {"R&D spending was " + X + " in 2025 and " + Y + " in 2026", "In 2025 we invested " + X + " in R&D, in 2026 " + Y},
		}[form]...)
		body += "."
	} else {
		body = one(g.r, map[string][]string{
			"increase":  {"今年研发投入比去年增加了" + D, "研发投入同比增长" + D, "我们公司研发费用比上年多投了" + D, "年度研发投入比上一年度增加" + D, "研发比去年多花了" + D},
			"from_to":   {"研发投入由" + X + "增至" + Y, "研发投入从" + X + "增加到" + Y, "研发投入：" + X + "→" + Y, "我们研发费用从去年的" + X + "涨到今年的" + Y, "研发投入从" + X + "到" + Y},
			"last_this": {"去年研发投入" + X + "，今年" + Y, "我们去年研发投了" + X + "今年投了" + Y, "上年度研发费用" + X + "，本年度" + Y},
			"this_last": {"今年研发投入" + Y + "，去年是" + X, "今年研发投了" + Y + "，去年只有" + X, "本年度研发投入" + Y + "，上年度" + X},
			"years":     {"2025年研发投入" + X + "，2026年" + Y, "研发投入2025年是" + X + "，2026年是" + Y},
		}[form]...)
	}
	amount := rdIncreaseAmount(d)
	g.set("policy/4", g.order, amount, g.join(body, g.closing(amount, g.noun("补助", "subsidy"), false)))
}

func (g *q) noun(zh, en string) string {
	if g.en() {
		return en
	}
	return zh
}

// policy/2: "对数字化智能化投资达到100万元以上的企业，按实际投入的10%给予最高120万元补助"
// — 10 % of the enterprise's investment once it reaches 100万 (以上 includes
// 100万), at most 120万; below 100万 nothing.
func digitalAmount(invest int64) int64 {
	if invest < 100*wan {
		return 0
	}
	return min(invest/10, 120*wan)
}

func digital(g *q) {
	g.order = pick(g.r, []weighted[string]{{"plain", 50}, {"list", 30}, {"guess", 20}})
	var total int64
	var body string
	if g.order == "list" {
		n := 2 + g.r.IntN(2)
		items := make([]string, n)
		for i := range items {
			v := g.between(20*wan, 800*wan, 10*wan)
			total += v
			items[i] = g.money(v)
		}
		if g.en() {
			if n == 2 {
				body = one(g.r, "We invested in digital upgrades in two phases, "+items[0]+" and "+items[1]+".", "Two digitalization projects this year cost "+items[0]+" and "+items[1]+" respectively.")
			} else {
				body = one(g.r, "Our three digital and intelligent transformation projects cost "+items[0]+", "+items[1]+" and "+items[2]+" respectively.", "We spent "+items[0]+", "+items[1]+" and "+items[2]+" on three smart-manufacturing upgrades.")
			}
		} else if n == 2 {
			body = one(g.r, "数字化改造分两期，第一期"+items[0]+"，第二期"+items[1], "今年数字化投资两个项目，一个"+items[0]+"，一个"+items[1], "智能化改造两个项目分别投了"+items[0]+"和"+items[1])
		} else {
			body = one(g.r, "数字化智能化投资分别"+items[0]+"、"+items[1]+"、"+items[2], "三个智能化改造项目分别投了"+items[0]+"、"+items[1]+"和"+items[2], "今年数字化转型投了三笔："+items[0]+"、"+items[1]+"、"+items[2])
		}
	} else {
		switch x := g.r.IntN(100); {
		case x < 10:
			total = g.between(20*wan, 95*wan, 5*wan)
		case x < 25:
			total = g.between(1200*wan, 3000*wan, 50*wan)
		case x < 45:
			total = g.between(100*wan, 1190*wan, wan)
		default:
			total = g.between(100*wan, 1190*wan, 10*wan)
		}
		I := g.money(total)
		if g.en() {
			body = one(g.r, "We invested "+I+" in digital and intelligent transformation this year.", "Our digitalization project cost "+I+".", "We spent "+I+" on smart-manufacturing upgrades.")
		} else {
			body = one(g.r, "我们今年数字化智能化投资"+I, "搞数字化转型投了"+I, "智能化改造花了"+I, "公司数字化升级投入"+I, "今年在数字化、智能化上投了"+I, "数字化转型项目实际投入"+I)
		}
	}
	amount := digitalAmount(total)
	g.set("policy/2", g.order, amount, g.join(body, g.closing(amount, g.noun("补助", "subsidy"), false)))
}

// policy/3: "对年度营收首次突破1亿元（含）、5亿元（含）的优质中小企业，分别给予5万元、10万元奖励"
// — 5万 the year revenue first reaches 1亿, 10万 the year it first reaches 5亿.
// The grammar crosses one threshold at a time (crossing both in one year is
// not settled by the text).
func revenue(g *q) {
	var x, y, t, amount int64
	if g.r.IntN(10) < 6 {
		t, amount = 10000*wan, 5*wan
		x = g.between(3000*wan, 9900*wan, 100*wan)
		y = g.between(10000*wan, 25000*wan, 100*wan)
	} else {
		t, amount = 50000*wan, 10*wan
		x = g.between(10000*wan, 49000*wan, 1000*wan)
		y = g.between(50000*wan, 80000*wan, 1000*wan)
	}
	if g.r.IntN(8) == 0 {
		y = t // 含: reaching the threshold exactly counts
	}
	g.order = pick(g.r, []weighted[string]{{"plain", 35}, {"from_to", 25}, {"last_this", 20}, {"guess", 20}})
	form := g.order
	if form == "guess" {
		form = one(g.r, "plain", "from_to")
	}
	X, Y, T := g.money(x), g.money(y), g.money(t)
	var body string
	if g.en() {
		body = one(g.r, map[string][]string{
			"plain":     {"Our annual revenue exceeded " + T + " for the first time this year, reaching " + Y + ".", "This year our revenue reached " + Y + ", the first time it has passed " + T + "."},
			"from_to":   {"Revenue grew from " + X + " to " + Y + " this year, passing " + T + " for the first time.", "Our annual revenue went from " + X + " to " + Y + ", first time over " + T + "."},
			"last_this": {"Revenue was " + X + " last year and " + Y + " this year, the first time above " + T + "."},
		}[form]...)
	} else {
		plain := []string{"今年营收" + Y + "，首次突破" + T, "年度营业收入首次突破" + T + "，达到" + Y, "我们是专精特新企业，今年营收" + Y + "，第一次突破" + T}
		if t == 10000*wan {
			plain = append(plain, "我们今年营收第一次过亿，做到了"+Y)
		}
		body = one(g.r, map[string][]string{
			"plain":     plain,
			"from_to":   {"营收从" + X + "增长到" + Y + "，第一次突破" + T, "年营收由" + X + "增至" + Y + "，首次突破" + T},
			"last_this": {"去年营收" + X + "，今年" + Y + "，首次突破" + T, "我们去年营收" + X + "今年" + Y + "，头一回突破" + T},
		}[form]...)
	}
	g.set("policy/3", g.order, amount, g.join(body, g.closing(amount, g.noun("奖励", "reward"), false)))
}

// policy/1: "对新获评国家专精特新“小巨人”企业，一次性给予50万元奖励。对新认定或通过复核的省级
// 专精特新中小企业一次性给予10万元奖励" — 50万 for a new national 小巨人; 10万
// for a new or re-reviewed provincial 专精特新.
func title(g *q) {
	g.order = pick(g.r, []weighted[string]{{"plain", 70}, {"guess", 30}})
	if g.order == "plain" {
		g.format = fmtNone
	}
	kind := g.r.IntN(3)
	amount := []int64{50 * wan, 10 * wan, 10 * wan}[kind]
	var body string
	if g.en() {
		body = one(g.r, [][]string{
			{"We were just named a national 'Little Giant' specialized SME.", "Our company got the national specialized, refined, distinctive and innovative 'little giant' title this year.", "We are newly recognised as a national Little Giant (小巨人) enterprise."},
			{"We were newly recognized as a provincial specialized and sophisticated SME.", "Our firm just got provincial-level 专精特新 recognition.", "We have just been certified as a Sichuan provincial specialized SME."},
			{"Our provincial specialized-and-sophisticated SME status passed its re-review.", "We passed the review of our provincial 专精特新 SME status.", "Our provincial 专精特新 title was renewed after re-examination."},
		}[kind]...)
	} else {
		body = one(g.r, [][]string{
			{"刚被评为国家级专精特新“小巨人”企业", "我们新获评国家专精特新小巨人", "公司今年评上了国家级小巨人", "刚拿到国家级专精特新小巨人称号"},
			{"我们新认定为省级专精特新中小企业", "刚拿到省级专精特新认定", "公司今年被认定为四川省专精特新中小企业"},
			{"省级专精特新复核通过了", "我们的省级专精特新中小企业资格通过了复核", "省级专精特新到期复核过了"},
		}[kind]...)
	}
	g.set("policy/1", g.order, amount, g.join(body, g.closing(amount, g.noun("奖励", "award"), false)))
}

// policy/5: "对主导制（修）订并获批国际、国家和行业技术标准的企业分别给予60万元、40万元、25万元
// 一次性资金奖励" — per approved standard led: international 60万, national
// 40万, industry 25万; a mix is the sum.
var standardLevels = []struct {
	zh, en string
	award  int64
}{
	{"国际标准", "international standard", 60 * wan},
	{"国家标准", "national standard", 40 * wan},
	{"行业标准", "industry standard", 25 * wan},
}

func standards(g *q) {
	g.order = pick(g.r, []weighted[string]{{"single", 35}, {"mixed", 45}, {"guess", 20}})
	counts := one(g.r, fmtCountCn, fmtCountDig)
	if g.order != "guess" {
		g.format = counts
	}
	levels := []int{g.r.IntN(3)}
	if g.order == "mixed" || (g.order == "guess" && g.r.IntN(2) == 0) {
		levels = g.r.Perm(3)[:2+g.r.IntN(2)]
	}
	var amount int64
	var items []string
	for _, l := range levels {
		k := 1 + g.r.IntN(3)
		amount += int64(k) * standardLevels[l].award
		switch {
		case g.en() && counts == fmtCountDig:
			items = append(items, strconv.Itoa(k)+" "+standardLevels[l].en+plural(k))
		case g.en():
			items = append(items, enCounts[k]+" "+standardLevels[l].en+plural(k))
		default:
			items = append(items, count(counts, k)+"项"+standardLevels[l].zh)
		}
	}
	var body string
	if g.en() {
		list := enList(items)
		body = one(g.r, "We led the drafting of "+list+", all approved.", "Our company led the revision of "+list+" and they were approved.", "We took the lead in setting "+list+"; approval came this year.")
	} else {
		list := items[0]
		switch len(items) {
		case 2:
			list = items[0] + one(g.r, "和", "、", "，还有") + items[1]
		case 3:
			list = items[0] + "、" + items[1] + "和" + items[2]
		}
		body = one(g.r, "我们主导制定的"+list+"获批了", "公司主导修订并获批了"+list, "今年牵头制定了"+list+"，都已获批", "主导制（修）订的"+list+"都批下来了")
	}
	g.set("policy/5", g.order, amount, g.join(body, g.closing(amount, g.noun("奖励", "award"), false)))
}

func plural(k int) string {
	if k > 1 {
		return "s"
	}
	return ""
}

func enList(items []string) string {
	switch len(items) {
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return items[0] + ", " + items[1] + " and " + items[2]
}

// policy/6, 壮大贷: "在年度实际支付利息中，按同期贷款市场报价利率（LPR）计算金额（不超过实际
// 支付利息）不高于50%的比例，给予最高80万元贴息补助" — 50 % of the interest at
// the LPR, that interest taken no higher than the interest actually paid; at
// most 80万.
func zhuangdaAmount(paid, atLPR int64) int64 {
	return min(min(paid, atLPR)/2, 80*wan)
}

func zhuangda(g *q) {
	paid := g.between(20*wan, 400*wan, wan)
	var lpr int64
	if g.r.IntN(4) == 0 {
		lpr = paid * int64(100+g.r.IntN(31)) / 100 / wan * wan // loan rate at or below the LPR
	} else {
		lpr = max(wan, paid*int64(50+g.r.IntN(46))/100/wan*wan)
	}
	g.order = pick(g.r, []weighted[string]{{"paid_first", 40}, {"lpr_first", 40}, {"guess", 20}})
	form := g.order
	if form == "guess" {
		form = one(g.r, "paid_first", "lpr_first")
	}
	P, L := g.money(paid), g.money(lpr)
	var body string
	if g.en() {
		body = one(g.r, map[string][]string{
			"paid_first": {"We have a Zhuangda Dai (壮大贷) loan: interest actually paid this year was " + P + " and interest at the LPR would be " + L + ".", "On our 壮大贷 loan we paid " + P + " of interest this year; at the same-period LPR it would have been " + L + "."},
			"lpr_first":  {"Interest on our 壮大贷 loan at the LPR comes to " + L + "; we actually paid " + P + ".", "Zhuangda Dai loan: LPR-based interest " + L + ", interest actually paid " + P + "."},
		}[form]...)
	} else {
		body = one(g.r, map[string][]string{
			"paid_first": {"用壮大贷贷款，今年实际支付利息" + P + "，按同期LPR计算的利息是" + L, "我们有笔壮大贷，年度实际付息" + P + "，按LPR算是" + L},
			"lpr_first":  {"壮大贷按同期LPR计算利息" + L + "，实际支付了" + P, "壮大贷的利息按LPR算" + L + "，实际付了" + P},
		}[form]...)
	}
	amount := zhuangdaAmount(paid, lpr)
	g.set("policy/6", g.order, amount, g.join(body, g.closing(amount, g.noun("贴息", "interest subsidy"), false)))
}

// policy/6, 新易贷: "补贴金额最高不超过贷款金额的2%，给予单户企业最高补贴60万元" — the
// subsidy is tiered, so the text fixes only its ceiling: 2 % of the loan, at
// most 60万. The questions ask for the maximum.
func xinyidaiAmount(loan int64) int64 { return min(loan/50, 60*wan) }

func xinyidai(g *q) {
	loan := g.between(100*wan, 5000*wan, 10*wan)
	g.oneFigure("policy/6", loan, xinyidaiAmount(loan), func(A string) []string {
		return []string{"We got a Xin Yi Dai (新易贷) loan of " + A + ".", "Our 新易贷 loan is " + A + ".", "We borrowed " + A + " through a 新易贷 product."}
	}, func(A string) []string {
		return []string{"获得新易贷贷款" + A, "我们用了新易贷，贷了" + A, "新易贷系列产品贷款" + A, "申请到" + A + "的新易贷"}
	}, "利息补贴", "interest subsidy", true)
}

// policy/8: "按不超过实际投资金额5%的比例给予奖励，每投资1家企业最高奖励30万元，每家股权投资企业
// 年度累计奖励金额最高80万元" — up to 5 % of each investment, at most 30万 per
// investee, at most 80万 a year per investing institution.
func equityAmount(investments []int64) int64 {
	var sum int64
	for _, v := range investments {
		sum += min(v/20, 30*wan)
	}
	return min(sum, 80*wan)
}

func equity(g *q) {
	g.order = pick(g.r, []weighted[string]{{"single", 25}, {"per_item", 30}, {"list", 30}, {"guess", 15}})
	form := g.order
	if form == "guess" {
		form = one(g.r, "single", "per_item", "list")
	}
	var inv []int64
	var body string
	switch form {
	case "single":
		inv = []int64{g.between(100*wan, 1500*wan, 10*wan)}
		V := g.money(inv[0])
		if g.en() {
			body = one(g.r, "We are a venture capital firm and made an early-stage investment of "+V+" in a provincial specialized SME (专精特新).", "Our equity investment institution put "+V+" into a national Little Giant at an early stage.")
		} else {
			body = one(g.r, "我们是股权投资机构，今年中早期投资了一家省级专精特新企业"+V, "我们创投公司投了一家专精特新小巨人企业"+V+"（中早期）", "作为创投机构，我们对一家省级专精特新中小企业做了中早期投资，金额"+V)
		}
	case "per_item":
		k := 2 + g.r.IntN(4)
		v := g.between(100*wan, 1500*wan, 10*wan)
		for range k {
			inv = append(inv, v)
		}
		V := g.money(v)
		if g.en() {
			body = one(g.r, "Our equity investment firm invested in "+strconv.Itoa(k)+" provincial 专精特新 SMEs at an early stage this year, "+V+" each.", "We are a VC and backed "+enCounts[k]+" specialized SMEs (专精特新, early stage) with "+V+" apiece.")
		} else {
			n := one(g.r, strconv.Itoa(k), count(fmtCountCn, k))
			body = one(g.r, "我们投资机构今年投了"+n+"家省级专精特新企业，每家"+V, "创投公司中早期投资了"+n+"家专精特新中小企业，每家投"+V, "我们股权投资机构投了"+n+"家专精特新企业每家"+V)
		}
	default:
		k := 2 + g.r.IntN(2)
		var vs []string
		for range k {
			v := g.between(100*wan, 1500*wan, 10*wan)
			inv = append(inv, v)
			vs = append(vs, g.money(v))
		}
		if g.en() {
			body = one(g.r, "As a VC firm we invested "+enList(vs)+" in "+enCounts[k]+" provincial 专精特新 SMEs (early stage).", "Our equity fund's early-stage investments this year in specialized SMEs were "+enList(vs)+".")
		} else if k == 2 {
			body = one(g.r, "我们股权投资机构今年投了两家专精特新企业，一家"+vs[0]+"一家"+vs[1], "创投机构中早期投资了两家省级专精特新企业，分别"+vs[0]+"、"+vs[1])
		} else {
			body = one(g.r, "我们创投公司今年分别投了"+vs[0]+"、"+vs[1]+"、"+vs[2]+"，都是省级专精特新企业的中早期投资", "股权投资机构投了三家专精特新企业：一家"+vs[0]+"，一家"+vs[1]+"，一家"+vs[2])
		}
	}
	amount := equityAmount(inv)
	g.set("policy/8", g.order, amount, g.join(body, g.closing(amount, g.noun("奖励", "reward"), true)))
}

// policy/4, second measure: "对实现研发成果产业化项目，按项目技术研发投入的15%给予最高300万元的
// 一次性补助" — 15 % of the project's R&D investment, at most 300万.
func rdIndustrialAmount(invest int64) int64 { return min(invest/100*15, 300*wan) }

func rdIndustrial(g *q) {
	var t int64
	if g.r.IntN(5) == 0 {
		t = g.between(2000*wan, 5000*wan, 100*wan)
	} else {
		t = g.between(50*wan, 2000*wan, wan)
	}
	g.oneFigure("policy/4", t, rdIndustrialAmount(t), func(T string) []string {
		return []string{"Our R&D results were commercialized (研发成果产业化); the project's technical R&D investment was " + T + ".", "An R&D commercialization project of ours had " + T + " of R&D investment.", "We turned our research results into production; R&D spending on the project was " + T + "."}
	}, func(T string) []string {
		return []string{"我们的研发成果实现了产业化，项目技术研发投入" + T, "研发成果产业化项目，技术研发投入了" + T, "有个研发成果产业化项目，研发投入" + T, "研发成果产业化，项目研发投了" + T}
	}, "一次性补助", "one-off subsidy", false)
}

// policy/9: "按基金对该企业股权投资额的1%给予基金管理机构最高50万元的一次性奖励" — 1 % of
// the fund's equity investment in an enterprise it brought to Chengdu that
// became 小巨人 or 省级专精特新 within 2 years, at most 50万.
func fundAmount(invest int64) int64 { return min(invest/100, 50*wan) }

func fund(g *q) {
	e := g.between(500*wan, 8000*wan, 100*wan)
	g.oneFigure("policy/9", e, fundAmount(e), func(E string) []string {
		return []string{"Our government guidance fund brought a company to register in Chengdu and it became a national Little Giant within 2 years; the fund's equity investment in it was " + E + ".", "A company our participating fund introduced to Chengdu was recognised as a provincial 专精特新 SME a year later; we invested " + E + " in its equity."}
	}, func(E string) []string {
		return []string{"我们管理的政府引导基金引进一家企业在成都注册，两年内被认定为国家级小巨人，基金对它股权投资" + E, "参股基金引入的企业落户成都，第二年评上省级专精特新，基金对该企业股权投资" + E + "，我们基金管理机构", "引导基金投了" + E + "引进的企业，在成都注册经营一年后认定为专精特新小巨人，我们管理机构"}
	}, "奖励", "award", false)
}

// oneFigure builds a question about one figure v (order plain or guess): en
// and zh give the statements with the figure as written.
func (g *q) oneFigure(clause string, v, amount int64, en, zh func(string) []string, nounZh, nounEn string, max bool) {
	g.order = pick(g.r, []weighted[string]{{"plain", 75}, {"guess", 25}})
	f := g.money(v)
	forms := zh(f)
	if g.en() {
		forms = en(f)
	}
	g.set(clause, g.order, amount, g.join(one(g.r, forms...), g.closing(amount, g.noun(nounZh, nounEn), max)))
}
