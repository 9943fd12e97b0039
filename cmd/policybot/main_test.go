package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, env(nil), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func TestAskJSON(t *testing.T) {
	out, _, err := runCmd(t, "", "ask", "--json", "研发投入比去年多了650万，能拿多少")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Question     string                `json:"question"`
		Answered     bool                  `json:"answered"`
		Answer       string                `json:"answer"`
		Citations    []struct{ ID string } `json:"citations"`
		Calculations []struct {
			Rule       string         `json:"rule"`
			Clause     string         `json:"clause"`
			AmountYuan int64          `json:"amount_yuan"`
			Inputs     map[string]any `json:"inputs"`
			Steps      []string       `json:"steps"`
		} `json:"calculations"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !a.Answered || a.Citations[0].ID != "policy/4" || len(a.Calculations) != 1 {
		t.Fatalf("answer %+v", a)
	}
	c := a.Calculations[0]
	if c.Rule != "rd_increase" || c.Clause != "policy/4" || c.AmountYuan != 600000 || c.Inputs["increase_yuan"] != float64(6500000) || len(c.Steps) == 0 {
		t.Errorf("calculation %+v", c)
	}
}

func TestAskText(t *testing.T) {
	out, _, err := runCmd(t, "", "ask", "新获评小巨人奖励多少")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"50万", "policy/1", "责任单位：市经信局市新经济委", "征求意见稿", "原文"} {
		if !strings.Contains(out, want) {
			t.Errorf("text answer lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runCmd(t, "", "ask", "  "); !isUsage(err) {
		t.Errorf("blank question: err = %v, want a usage error", err)
	}
}

// --jsonl keeps one output line per input line, whatever the line holds.
func TestAskJSONLOneLinePerLine(t *testing.T) {
	lines := []string{
		"小巨人奖励多少",
		"",
		"   ",
		"\x00\x01binary\xff\xfe",
		strings.Repeat("长", 200000),
		"🙂",
		"北京中关村补贴",
		"R&D up 6.5 million yuan, subsidy?",
	}
	out, _, err := runCmd(t, strings.Join(lines, "\n"), "ask", "--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("%d output lines for %d input lines", len(got), len(lines))
	}
	for i, l := range got {
		var a map[string]any
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Errorf("line %d not JSON: %v", i+1, err)
		}
		if _, ok := a["answered"]; !ok {
			t.Errorf("line %d lacks answered", i+1)
		}
	}
	if _, _, err := runCmd(t, "", "ask", "--jsonl", "extra"); !isUsage(err) {
		t.Errorf("--jsonl with args: err = %v", err)
	}
}

func TestCalc(t *testing.T) {
	out, _, err := runCmd(t, "", "calc", "rd_increase", "increase_yuan=6500000", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		AmountYuan int64 `json:"amount_yuan"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.AmountYuan != 600000 {
		t.Fatalf("calc json: %v %s", err, out)
	}
	out, _, err = runCmd(t, "", "calc", "--list")
	if err != nil || !strings.Contains(out, "zhuangda_loan") || !strings.Contains(out, "policy/6") {
		t.Fatalf("calc --list: %v\n%s", err, out)
	}
	bad := [][]string{
		{"calc"},
		{"calc", "no_such_rule"},
		{"calc", "rd_increase", "bogus=1"},
		{"calc", "rd_increase", "increase_yuan=-5"},
		{"calc", "rd_increase", "increase_yuan=abc"},
		{"calc", "rd_increase", "increase_yuan=1e30"},
		{"calc", "digital_transformation"},
		{"calc", "rd_increase", "increase_yuan"},
		{"calc", "rd_increase", "increase_yuan=1", "increase_yuan=2"},
		{"calc", "rd_increase", "increase_yuan=1", "--date", "tomorrow"},
		{"nonsense"},
	}
	for _, args := range bad {
		if _, _, err := runCmd(t, "", args...); !isUsage(err) {
			t.Errorf("%v: err = %v, want a usage error (exit 2)", args, err)
		}
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "e.jsonl")
	data := `{"q":"新获评小巨人奖励多少","clauses":["policy/1"],"amount_yuan":500000}
{"q":"深圳南山区有什么补贴","answerable":false}
{"q":"研发投入多了400万补多少","clauses":["policy/4"],"amount_yuan":400000}
`
	if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "", "eval", f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"top-1:        100.0% (2/2)", "amount exact: 100.0% (2/2)", "scope:        100.0% (3/3)"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	os.WriteFile(f, []byte("{not json}\n"), 0o644)
	if _, _, err := runCmd(t, "", "eval", f); !isUsage(err) {
		t.Errorf("bad eval file: err = %v", err)
	}
	if _, _, err := runCmd(t, "", "eval", filepath.Join(dir, "missing.jsonl")); !isUsage(err) {
		t.Errorf("missing eval file: err = %v", err)
	}
}

func TestBadEnvironment(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"ask", "小巨人"}, env(map[string]string{"POLICY_ISSUED": "soon"}), strings.NewReader(""), &out, &errb)
	if !isUsage(err) || !strings.Contains(err.Error(), "POLICY_ISSUED") {
		t.Errorf("bad POLICY_ISSUED: err = %v", err)
	}
}
