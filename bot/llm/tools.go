package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
	openai "github.com/sashabaranov/go-openai"
)

// Tool names offered to the model.
const (
	toolCalculate = "calculate"
	toolListRules = "list_rules"
)

// tools describes the calculators to the model: calculate (rule is an enum
// of policies.Rules() names; inputs an object of string values) and
// list_rules (no parameters).
func tools() []openai.Tool {
	rules := policies.Rules()
	names := make([]string, 0, len(rules))
	var desc strings.Builder
	desc.WriteString("运行本地确定性计算器，返回计算结果和可在回答中使用的占位符（JSON）。输入金额只能取自用户原话，其他数字一律被拒绝。可用规则：\n")
	for _, r := range rules {
		names = append(names, r.Name)
		fmt.Fprintf(&desc, "- %s（%s，%s）输入：", r.Name, r.Clause, r.Title)
		for i, in := range r.Inputs {
			if i > 0 {
				desc.WriteString("，")
			}
			desc.WriteString(in.Name)
			if in.Label != "" || in.Unit != "" {
				fmt.Fprintf(&desc, "(%s%s)", in.Label, unitSuffix(in.Unit))
			}
			if len(in.Choices) > 0 {
				fmt.Fprintf(&desc, "[%s]", strings.Join(in.Choices, "|"))
			}
			if in.Example != "" {
				fmt.Fprintf(&desc, "例%s", in.Example)
			}
			if !in.Required {
				desc.WriteString("可选")
			}
		}
		desc.WriteString("\n")
	}
	calcParams := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"rule": map[string]any{
				"type":        "string",
				"enum":        names,
				"description": "计算规则名",
			},
			"inputs": map[string]any{
				"type":                 "object",
				"description":          "输入参数，值一律为字符串，金额以元为单位，如 {\"increase_yuan\": \"6500000\"}",
				"additionalProperties": map[string]any{"type": "string"},
			},
		},
		"required": []string{"rule", "inputs"},
	}
	return []openai.Tool{
		{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name:        toolCalculate,
			Description: desc.String(),
			Parameters:  calcParams,
		}},
		{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name:        toolListRules,
			Description: "列出全部计算规则、所依据的条款及所需输入。",
			Parameters:  map[string]any{"type": "object", "properties": map[string]any{}},
		}},
	}
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return "，" + u
}

// calcArgs are the calculate tool's arguments. Inputs values are taken
// whatever their JSON type: models often send numbers despite the schema.
type calcArgs struct {
	Rule   string                     `json:"rule"`
	Inputs map[string]json.RawMessage `json:"inputs"`
}

// runTool executes one tool call locally and returns the JSON for the model
// or, for a calculate call that passed provenance, the calculation (Phrase
// then reports it to the model with its placeholders). A bad
// call (bad JSON, unknown rule, missing input, a figure the user did not
// write) goes back to the model as {"error": …} and yields no calculation:
// it never reaches the receipts.
func runTool(call openai.ToolCall, at time.Time, prov provenance) (string, *policies.Calculation) {
	switch call.Function.Name {
	case toolListRules:
		return mustJSON(map[string]any{"rules": ruleList()}), nil
	case toolCalculate:
		var args calcArgs
		if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil {
			return errJSON(fmt.Sprintf("参数不是有效的JSON: %v", err)), nil
		}
		in := policies.Inputs{}
		for k, raw := range args.Inputs {
			in[k] = rawString(raw)
		}
		if err := prov.admit(args.Rule, in); err != nil {
			return errJSON(err.Error()), nil
		}
		c, err := policies.Calculate(args.Rule, in, at)
		if err != nil {
			return errJSON(err.Error()), nil
		}
		return "", &c
	}
	return errJSON(fmt.Sprintf("未知工具 %q", call.Function.Name)), nil
}

// Why provenance refuses a tool input; the message goes back to the model.
var (
	errNotSaid     = errors.New("用户的原话中没有这个数字，不能使用；只能用用户给出的数字")
	errImplausible = errors.New("超出合理范围")
)

// maxInputYuan bounds any amount a tool call may pass (1000亿): no SME
// figure comes near it, and larger values are noise or an attack.
const maxInputYuan int64 = 100_000_000_000

// provenance is what the user wrote in this chat, read as figures: the only
// source of a tool call's inputs.
type provenance struct {
	yuan  map[int64]bool  // every amount yuan.Extract reads (both ends of a range)
	years map[string]bool // four-digit years 19xx and 20xx standing alone
	dates map[string]bool // dates written 2026-3-5, 2026/03/05, 2026年3月5日, as YYYY-MM-DD
}

var (
	yearRe = regexp.MustCompile(`(?:^|\D)((?:19|20)\d\d)(?:\D|$)`)
	dateRe = regexp.MustCompile(`((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)
)

func newProvenance(messages []string) provenance {
	p := provenance{yuan: map[int64]bool{}, years: map[string]bool{}, dates: map[string]bool{}}
	for _, m := range messages {
		for _, x := range yuan.Extract(m) {
			p.yuan[x.Yuan] = true
			if x.RangeTo > 0 {
				p.yuan[x.RangeTo] = true
			}
		}
		f := fold(m)
		for _, y := range yearRe.FindAllStringSubmatch(f, -1) {
			p.years[y[1]] = true
		}
		for _, d := range dateRe.FindAllStringSubmatch(f, -1) {
			mo, _ := strconv.Atoi(d[2])
			day, _ := strconv.Atoi(d[3])
			p.dates[fmt.Sprintf("%s-%02d-%02d", d[1], mo, day)] = true
		}
	}
	return p
}

// admit checks every figure of a calculate call against what the user
// wrote, and rewrites amounts to the plain integer yuan Calculate expects
// ("650万" → "6500000"). Enum inputs carry no figure; inputs the rule does
// not know are left for Calculate to refuse.
func (p provenance) admit(rule string, in policies.Inputs) error {
	r, ok := policies.RuleByName(rule)
	if !ok {
		return nil // Calculate names the unknown rule
	}
	for _, spec := range r.Inputs {
		v, ok := in[spec.Name]
		if !ok {
			continue
		}
		switch spec.Unit {
		case policies.InputYuan:
			var out []string
			for _, part := range splitValues(v) {
				y, err := p.amount(part)
				if err != nil {
					return fmt.Errorf("%s: %w", spec.Name, err)
				}
				out = append(out, strconv.FormatInt(y, 10))
			}
			in[spec.Name] = strings.Join(out, ";")
		case policies.InputDate:
			t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
			switch {
			case err != nil:
				return fmt.Errorf("%s: %w", spec.Name, err)
			case !p.dates[t.Format(time.DateOnly)]:
				return fmt.Errorf("%s: 日期 %q: %w", spec.Name, v, errNotSaid)
			}
		case policies.InputHistory:
			for _, part := range splitValues(v) {
				year, amount, _ := strings.Cut(part, ":")
				if !p.years[strings.TrimSpace(year)] {
					return fmt.Errorf("%s: 年份 %q: %w", spec.Name, year, errNotSaid)
				}
				if _, err := p.amount(amount); err != nil {
					return fmt.Errorf("%s: %w", spec.Name, err)
				}
			}
		}
	}
	return nil
}

// amount reads one amount input (plain integer yuan or written like
// "650万") and admits it only if the user wrote that amount.
func (p provenance) amount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	y, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if y, err = yuan.Parse(s); err != nil {
			return 0, fmt.Errorf("%q 不是整数金额: %w", s, err)
		}
	}
	switch {
	case y < 0 || y > maxInputYuan:
		return 0, fmt.Errorf("金额 %q: %w", s, errImplausible)
	case !p.yuan[y]:
		return 0, fmt.Errorf("金额 %q: %w", s, errNotSaid)
	}
	return y, nil
}

func splitValues(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' })
}

// rawString turns a JSON value into the string a calculator input expects:
// "6500000" and 6500000 both give "6500000".
func rawString(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

func errJSON(msg string) string { return mustJSON(map[string]string{"error": msg}) }

func ruleList() []map[string]any {
	var out []map[string]any
	for _, r := range policies.Rules() {
		var ins []map[string]any
		for _, in := range r.Inputs {
			m := map[string]any{"name": in.Name, "label": in.Label, "required": in.Required}
			if in.Unit != "" {
				m["unit"] = in.Unit
			}
			if len(in.Choices) > 0 {
				m["choices"] = in.Choices
			}
			if in.Help != "" {
				m["help"] = in.Help
			}
			if in.Example != "" {
				m["example"] = in.Example
			}
			if in.Multi {
				m["multi"] = true
			}
			ins = append(ins, m)
		}
		out = append(out, map[string]any{
			"rule": r.Name, "clause": r.Clause, "title": r.Title,
			"kind": r.Kind, "summary": r.Summary, "inputs": ins,
		})
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return `{"error":"internal: cannot encode result"}`
	}
	return string(b)
}
