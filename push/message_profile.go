package push

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Profile problems in plain Chinese, for people who send their profile in
// a chat (/subscribe). ParseProfile's *ProfileError names fields by JSON
// path and says what is wrong in English, for operators and logs; the chat
// names the field in Chinese with its key in brackets, which is what the
// sender typed: 研发投入（rd_spend_yuan）的年份“20x6”不是有效年份.

// ProfileErrorText says in Chinese what is wrong with a profile: one line a
// problem, each starting with "· ". err is what ParseProfile returned; an
// error that is not a *ProfileError gives one general line.
func ProfileErrorText(err error) string {
	var pe *ProfileError
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		return "· 资料无法读取，请按下面的格式重新发送。"
	}
	lines := make([]string, len(pe.Problems))
	for i, p := range pe.Problems {
		lines[i] = "· " + problemText(p)
	}
	return strings.Join(lines, "\n")
}

// Chinese names of the profile's keys, per level.
var (
	topNames = map[string]string{
		"id": "企业编号", "name": "企业名称", "chat_id": "会话编号", "tiers": "认定",
		"revenue_yuan": "营业收入", "rd_spend_yuan": "研发投入", "digital_investment_yuan": "数字化智能化投资",
		"loans": "贷款", "standards": "技术标准", "commercialization_rd_yuan": "研发成果产业化项目技术研发投入",
	}
	innerNames = map[string]map[string]string{
		"tiers":     {"tier": "认定等级", "recognized": "认定日期", "kind": "认定类型"},
		"loans":     {"product": "贷款产品", "interest_paid_yuan": "实际支付利息", "lpr_interest_yuan": "按同期LPR计算的利息", "principal_yuan": "贷款金额"},
		"standards": {"level": "标准级别", "approved": "批准日期"},
	}
	// valueNames explain the enum values.
	valueNames = map[string]string{
		TierInnovative: "创新型中小企业", TierProvincial: "省级专精特新中小企业", TierLittleGiant: "国家专精特新“小巨人”企业",
		KindNew: "新认定", KindReview: "复核",
		ProductZhuangda: "壮大贷", ProductXinyidai: "新易贷",
		"international": "国际标准", "national": "国家标准", "industry": "行业标准",
	}
	// counters say what one entry of a list is called.
	counters = map[string]string{"tiers": "项", "loans": "笔", "standards": "项"}
)

// pathPart is one step of a JSON path: tiers[0] is {key "tiers", index 0},
// revenue_yuan["2025"] is {key "revenue_yuan", mapKey "2025"}.
type pathPart struct {
	key    string
	index  int // -1: none
	mapKey string
	hasMap bool
}

var partRE = regexp.MustCompile(`^([^.\[]*)((?:\[[0-9]+\])?)((?:\["(?:[^"\\]|\\.)*"\])?)$`)

func splitPath(path string) ([]pathPart, bool) {
	var parts []pathPart
	// A map key may hold dots: split only outside ["…"].
	var segs []string
	start, inKey := 0, false
	for i := 0; i < len(path); i++ {
		switch {
		case inKey && path[i] == '\\':
			i++
		case path[i] == '"':
			inKey = !inKey
		case !inKey && path[i] == '.':
			segs = append(segs, path[start:i])
			start = i + 1
		}
	}
	segs = append(segs, path[start:])
	for _, s := range segs {
		m := partRE.FindStringSubmatch(s)
		if m == nil || m[1] == "" {
			return nil, false
		}
		p := pathPart{key: m[1], index: -1}
		if m[2] != "" {
			p.index, _ = strconv.Atoi(strings.Trim(m[2], "[]"))
		}
		if m[3] != "" {
			k, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(m[3], "["), "]"))
			if err != nil {
				return nil, false
			}
			p.mapKey, p.hasMap = k, true
		}
		parts = append(parts, p)
	}
	return parts, true
}

// fieldText names a field: 第1项认定的认定类型（tiers[0].kind）. The year of
// a year map is left to the caller (yearKey).
func fieldText(path string) (text string, yearKey string, isYear bool) {
	parts, ok := splitPath(path)
	if !ok || len(parts) == 0 {
		return "“" + path + "”", "", false
	}
	top := parts[0]
	name, known := topNames[top.key]
	if !known {
		return "“" + top.key + "”", "", false
	}
	key := top.key
	if top.index >= 0 {
		name = fmt.Sprintf("第%d%s%s", top.index+1, counters[top.key], name)
		key += fmt.Sprintf("[%d]", top.index)
	}
	text = name
	if len(parts) > 1 {
		inner := parts[1]
		sub, ok := innerNames[top.key][inner.key]
		if !ok {
			return fmt.Sprintf("%s（%s）中的“%s”", name, key, inner.key), "", false
		}
		text = name + "的" + sub
		key += "." + inner.key
	}
	if top.hasMap {
		return text + "（" + key + "）", top.mapKey, true
	}
	return text + "（" + key + "）", "", false
}

var (
	reQuoted   = `"((?:[^"\\]|\\.)*)"`
	reNotOneOf = regexp.MustCompile(`^` + reQuoted + ` is not one of (.+)$`)
	reRequired = regexp.MustCompile(`^required, one of (.+)$`)
	reNotDate  = regexp.MustCompile(`^` + reQuoted + ` is not a date`)
	reNegative = regexp.MustCompile(`^(-[0-9]+) is negative`)
	reTooLarge = regexp.MustCompile(`^([0-9]+) exceeds the limit`)
	reAtMost   = regexp.MustCompile(`^at most ([0-9]+) (bytes of printable text|bytes of text|entries|years)$`)
	reCase     = regexp.MustCompile(`^unknown field; keys are case-sensitive: write ` + reQuoted + `$`)
	reGot      = regexp.MustCompile(`^got JSON (\w+)(?: \S+)?, want (.+)$`)
	reSyntax   = regexp.MustCompile(`^not valid JSON at byte ([0-9]+)`)
	reLarger   = regexp.MustCompile(`^larger than ([0-9]+) bytes$`)
)

func unquote(s string) string {
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// choicesText lists enum values with their meaning: little_giant（国家专精特新“小巨人”企业）.
func choicesText(list string) string {
	vs := strings.Split(list, " | ")
	for i, v := range vs {
		if n, ok := valueNames[v]; ok {
			vs[i] = v + "（" + n + "）"
		}
	}
	return strings.Join(vs, "、")
}

var jsonKinds = map[string]string{
	"string": "带引号的文字", "number": "数字", "bool": "逻辑值", "array": "列表 […]", "object": "对象 {…}", "null": "空值",
}

var wantKinds = map[string]string{
	"a whole number of yuan (integer, no quotes, no decimals)": "以元为单位的整数金额（不加引号、不带小数）",
	"an integer chat id": "整数",
	"a string":           "带引号的文字",
	"an array":           "列表 […]",
	"an object":          "对象 {…}",
}

// problemText is one problem in Chinese.
func problemText(p Problem) string {
	field, year, isYear := "", "", false
	switch p.Field {
	case "", "(top level)":
		field = "资料"
	default:
		field, year, isYear = fieldText(p.Field)
	}
	r := p.Reason
	if isYear {
		if strings.HasPrefix(r, "the key must be a 4-digit year") {
			return fmt.Sprintf("%s的年份“%s”不是有效年份：应写四位年份（1990—2100），如“2025”", field, year)
		}
		field = fmt.Sprintf("%s%s年的金额", field, year)
	}
	switch {
	case strings.HasPrefix(r, "required, must not be empty"):
		return field + "必须填写，例如统一社会信用代码"
	case reRequired.MatchString(r):
		return fmt.Sprintf("%s必须填写，可选：%s", field, choicesText(reRequired.FindStringSubmatch(r)[1]))
	case reNotOneOf.MatchString(r):
		m := reNotOneOf.FindStringSubmatch(r)
		return fmt.Sprintf("%s的“%s”不是可选的值，可选：%s", field, unquote(m[1]), choicesText(m[2]))
	case reNotDate.MatchString(r):
		return fmt.Sprintf("%s“%s”不是有效日期：请写成“2026-07-01”这样的年-月-日（1990—2100年）", field, unquote(reNotDate.FindStringSubmatch(r)[1]))
	case reNegative.MatchString(r):
		return fmt.Sprintf("%s是负数（%s）：金额以元为单位，不能小于0", field, reNegative.FindStringSubmatch(r)[1])
	case reTooLarge.MatchString(r):
		return fmt.Sprintf("%s为%s元，超出上限：最多1000万亿元", field, reTooLarge.FindStringSubmatch(r)[1])
	case reAtMost.MatchString(r):
		m := reAtMost.FindStringSubmatch(r)
		unit := map[string]string{"bytes of printable text": "字节，且不能含换行等控制字符", "bytes of text": "字节", "entries": "项", "years": "个年份"}[m[2]]
		return fmt.Sprintf("%s太长或太多：最多%s%s", field, m[1], unit)
	case r == "not valid UTF-8 text":
		return field + "含有无法识别的字符（文字编码有误），请重新输入后发送"
	case reCase.MatchString(r):
		return fmt.Sprintf("%s：字段名区分大小写，应写作“%s”", field, unquote(reCase.FindStringSubmatch(r)[1]))
	case strings.HasPrefix(r, "unknown field"):
		return field + "不是企业资料中的字段，请对照下面的格式检查拼写"
	case strings.HasPrefix(r, "duplicate key"):
		return field + "写了不止一次：每个字段只能写一次"
	case reGot.MatchString(r):
		m := reGot.FindStringSubmatch(r)
		got, want := jsonKinds[m[1]], wantKinds[m[2]]
		if got == "" || want == "" {
			return field + "的类型不对，请对照下面的格式"
		}
		return fmt.Sprintf("%s的类型不对：写成了%s，应为%s", field, got, want)
	case reSyntax.MatchString(r):
		return fmt.Sprintf("资料格式有误（在第%s个字节附近）：请检查引号、逗号和括号是否成对", reSyntax.FindStringSubmatch(r)[1])
	case r == "truncated JSON":
		return "资料不完整，像是在中途断开了：请检查结尾的括号"
	case strings.HasPrefix(r, "empty input"):
		return "资料是空的"
	case strings.HasPrefix(r, "unexpected data after"):
		return "资料后面还有多余的内容：一次只能发送一家企业的资料（一个 {…}）"
	case reLarger.MatchString(r):
		return fmt.Sprintf("资料太大：最多%s字节", reLarger.FindStringSubmatch(r)[1])
	}
	return field + "不符合格式要求，请对照下面的格式检查"
}
