package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// calcCommand answers "/calc RULE k=v …" (the chat form of `policybot calc`).
// Amounts may be written as users write them ("650万"): they are read into
// integer yuan before the calculator sees them.
func (e *Engine) calcCommand(a Answer, args string) Answer {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		a.Answer = calcUsage()
		return a
	}
	rule, ok := policies.RuleByName(fields[0])
	if !ok {
		a.Error = "unknown rule"
		a.Answer = fmt.Sprintf("没有名为 %q 的计算规则。\n%s", fields[0], calcUsage())
		return a
	}
	in := policies.Inputs{}
	for _, kv := range fields[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			a.Error = "bad input"
			a.Answer = fmt.Sprintf("参数 %q 的写法不对：请写成 名称=值，例如 increase_yuan=650万。", kv)
			return a
		}
		in[k] = plainYuan(rule, k, v)
	}
	c, err := policies.Calculate(rule.Name, in, e.opts.now())
	if err != nil {
		a.Error = "bad input"
		a.Answer = "无法计算：" + inputErrorText(err) + "\n" + ruleUsage(rule)
		return a
	}
	a.Answered = true
	a.Calculations = append(a.Calculations, c)
	a.Citations = promote(a.Citations, rule.Clause, e)
	a.rule = rule.Name
	a.Answer = e.compose(a, false)
	return a
}

// plainYuan turns "650万" into "6500000" for yuan inputs; anything else is
// passed on for the calculator to judge.
func plainYuan(r policies.Rule, name, v string) string {
	for _, in := range r.Inputs {
		if in.Name == name && in.Unit == policies.InputYuan {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				if y, err := yuan.Parse(v); err == nil {
					return strconv.FormatInt(y, 10)
				}
			}
		}
	}
	return v
}

func inputErrorText(err error) string {
	var ie *policies.InputError
	if errors.As(err, &ie) {
		switch {
		case errors.Is(err, policies.ErrUnknownInput):
			return fmt.Sprintf("没有参数 %s", ie.Input)
		case errors.Is(err, policies.ErrMissingInput):
			return fmt.Sprintf("缺少参数 %s", ie.Input)
		default:
			return fmt.Sprintf("参数 %s=%q 无效（%s）", ie.Input, ie.Value, ie.Reason)
		}
	}
	return "输入有误"
}

func ruleUsage(r policies.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%s）参数：", r.Title, r.Clause)
	if len(r.Inputs) == 0 {
		b.WriteString("无")
	}
	for i, in := range r.Inputs {
		if i > 0 {
			b.WriteString("，")
		}
		fmt.Fprintf(&b, "%s=%s", in.Name, in.Label)
		if len(in.Choices) > 0 {
			fmt.Fprintf(&b, "[%s]", strings.Join(in.Choices, "|"))
		}
	}
	return b.String()
}

func calcUsage() string {
	var names []string
	for _, r := range policies.Rules() {
		names = append(names, r.Name)
	}
	return "用法：/calc 规则 参数=金额，例如 /calc rd_increase increase_yuan=650万\n规则：" + strings.Join(names, "、")
}
