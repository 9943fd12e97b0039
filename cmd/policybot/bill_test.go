package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/push"
)

// designProfile is docs/ARCHITECTURE.md's worked example, as `bill --help`
// shows it.
const designProfile = exampleProfile

func writeProfile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type billJSON struct {
	Enterprise string `json:"enterprise"`
	Date       string `json:"date"`
	TotalYuan  int64  `json:"total_yuan"`
	Items      []struct {
		Rule       string   `json:"rule"`
		Clause     string   `json:"clause"`
		AmountYuan int64    `json:"amount_yuan"`
		Steps      []string `json:"steps"`
		Action     string   `json:"action"`
	} `json:"items"`
	NearMisses []struct {
		Rule     string `json:"rule"`
		Clause   string `json:"clause"`
		GapYuan  int64  `json:"gap_yuan"`
		GainYuan int64  `json:"gain_yuan"`
		Advice   string `json:"advice"`
	} `json:"near_misses"`
	Missing   []string `json:"missing"`
	Deadlines []struct {
		Kind, Date, Clause, Advice string
	} `json:"deadlines"`
}

func TestBillDesignJSON(t *testing.T) {
	path := writeProfile(t, designProfile)
	// Flags in any order.
	for _, args := range [][]string{
		{"bill", "--profile", path, "--json", "--date", "2026-11-30"},
		{"bill", "--json", "--date=2026-11-30", "-profile", path},
	} {
		out, _, err := runCmd(t, "", args...)
		if err != nil {
			t.Fatal(err)
		}
		var b billJSON
		if err := json.Unmarshal([]byte(out), &b); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if b.Enterprise != "91510100MA6XXXXXXX" || b.Date != "2026-11-30" || b.TotalYuan != 2510000 {
			t.Errorf("%v: enterprise %q date %q total %d", args, b.Enterprise, b.Date, b.TotalYuan)
		}
		var got []string
		for _, it := range b.Items {
			got = append(got, it.Clause+" "+it.Rule)
			if len(it.Steps) == 0 || it.Action == "" {
				t.Errorf("item %s without steps or action", it.Rule)
			}
		}
		want := []string{"policy/1 little_giant", "policy/2 digital_transformation", "policy/3 revenue_milestone",
			"policy/4 rd_increase", "policy/5 standard", "policy/6 zhuangda_loan", "policy/6 xinyidai_loan"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("items (-want +got):\n%s", d)
		}
		if len(b.NearMisses) != 1 || b.NearMisses[0].GapYuan != 1700000 || b.NearMisses[0].GainYuan != 200000 {
			t.Errorf("near misses %+v", b.NearMisses)
		}
		if b.Missing == nil || b.Deadlines == nil {
			t.Errorf("missing/deadlines null: %s", out)
		}
	}
}

func TestBillStdinTextAndIssued(t *testing.T) {
	var out, errb bytes.Buffer
	getenv := env(map[string]string{"POLICY_ISSUED": "2026-12-01"})
	err := run(context.Background(), []string{"bill", "--date", "2026-11-30", "--profile", "-"}, getenv, strings.NewReader(designProfile), &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"红利账单", "成都示例科技有限公司", "251万", "第6条", "再增加170万研发投入可多得20万", "2027-01-13", "征求意见稿"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, out.String())
		}
	}
}

func TestBillErrors(t *testing.T) {
	good := writeProfile(t, designProfile)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no profile", "", []string{"bill", "--json"}, "--profile"},
		{"missing file", "", []string{"bill", "--profile", filepath.Join(t.TempDir(), "nope.json")}, "nope.json"},
		{"unknown field", `{"id":"a","employees":12}`, []string{"bill", "--profile", "-"}, `employees`},
		{"bad tier", `{"id":"a","tiers":[{"tier":"gold","kind":"new"}]}`, []string{"bill", "--profile", "-"}, "tiers[0].tier"},
		{"bad recognized", `{"id":"a","tiers":[{"tier":"little_giant","kind":"new","recognized":"July 2026"}]}`, []string{"bill", "--profile", "-"}, "tiers[0].recognized"},
		{"bad date", "", []string{"bill", "--profile", good, "--date", "2026-13-01"}, "--date"},
		{"stray argument", "", []string{"bill", "--profile", good, "extra"}, "extra"},
		{"bad flag", "", []string{"bill", "--profle", good}, "profle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, tc.stdin, tc.args...)
			if !isUsage(err) {
				t.Fatalf("error %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
		})
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"bill", "--profile", good}, env(map[string]string{"POLICY_ISSUED": "1 March"}), nil, &out, &errb)
	if !isUsage(err) || !strings.Contains(err.Error(), "POLICY_ISSUED") {
		t.Errorf("bad POLICY_ISSUED: %v", err)
	}
}

func TestBillHelp(t *testing.T) {
	for _, flag := range []string{"--help", "-h"} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"bill", flag}, env(nil), nil, &out, &errb); err != nil {
			t.Fatalf("bill %s: %v", flag, err)
		}
		help := out.String()
		for _, w := range append(push.ProfileWords(), "--profile", "--json", "--date", "POLICY_ISSUED", "whole number of yuan", "YYYY-MM-DD") {
			if !strings.Contains(help, w) {
				t.Errorf("bill %s does not document %q", flag, w)
			}
		}
		if !strings.Contains(help, exampleProfile) || errb.Len() > 0 {
			t.Errorf("bill %s: no example, or stderr %q", flag, errb.String())
		}
	}
	p, err := push.ParseProfile(strings.NewReader(exampleProfile))
	if err != nil {
		t.Fatal(err)
	}
	if b := push.ComputeBill(p, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)); b.TotalYuan != 2_510_000 {
		t.Errorf("the example's bill totals %d, the help says 251万", b.TotalYuan)
	}
}
