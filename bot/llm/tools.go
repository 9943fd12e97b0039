package llm

import (
	"encoding/json"
	"fmt"
	"sort"
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
	desc.WriteString("运行本地确定性计算器，返回金额及计算步骤（JSON）。任何金额计算都必须调用本工具，不得自行计算。可用规则：\n")
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

// toolOutcome is what one tool call produced: the JSON returned to the
// model and, for a successful calculate, the calculation.
type toolOutcome struct {
	content string
	calc    *policies.Calculation
}

// runTool executes one tool call locally. Errors in the call (bad JSON,
// unknown rule, missing input) go back to the model as {"error": …} so it
// can correct itself; they are not Phrase errors.
func runTool(call openai.ToolCall, at time.Time) toolOutcome {
	switch call.Function.Name {
	case toolListRules:
		return toolOutcome{content: mustJSON(map[string]any{"rules": ruleList()})}
	case toolCalculate:
		var args calcArgs
		if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil {
			return errOutcome(fmt.Sprintf("参数不是有效的JSON: %v", err))
		}
		in := policies.Inputs{}
		keys := make([]string, 0, len(args.Inputs))
		for k := range args.Inputs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			in[k] = rawString(args.Inputs[k])
		}
		normalizeAmounts(args.Rule, in)
		c, err := policies.Calculate(args.Rule, in, at)
		if err != nil {
			return errOutcome(err.Error())
		}
		return toolOutcome{content: mustJSON(map[string]any{"calculation": c}), calc: &c}
	}
	return errOutcome(fmt.Sprintf("未知工具 %q", call.Function.Name))
}

// normalizeAmounts rewrites amount inputs a model wrote in words or units
// ("650万", "6,500,000元") as the plain integer yuan Calculate expects.
// Anything yuan.Parse cannot read exactly is left for Calculate to reject.
func normalizeAmounts(rule string, in policies.Inputs) {
	r, ok := policies.RuleByName(rule)
	if !ok {
		return
	}
	for _, spec := range r.Inputs {
		v, ok := in[spec.Name]
		if !ok || spec.Unit != policies.InputYuan || spec.Multi {
			continue
		}
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			continue
		}
		if y, err := yuan.Parse(v); err == nil {
			in[spec.Name] = strconv.FormatInt(y, 10)
		}
	}
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

func errOutcome(msg string) toolOutcome {
	return toolOutcome{content: mustJSON(map[string]string{"error": msg})}
}

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
