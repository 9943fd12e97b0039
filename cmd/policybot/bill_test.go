package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const designProfile = `{
  "id": "91510100MA6XXXXXXX", "name": "成都示例科技有限公司", "chat_id": 123456789,
  "tiers": [{"tier": "little_giant", "recognized": "2026-07-01", "kind": "new"}],
  "revenue_yuan":   {"2025": 95000000, "2026": 120000000},
  "rd_spend_yuan":  {"2025": 5000000,  "2026": 9300000},
  "digital_investment_yuan": 2600000,
  "loans": [{"product": "zhuangda", "interest_paid_yuan": 1200000, "lpr_interest_yuan": 1000000},
            {"product": "xinyidai", "principal_yuan": 20000000}],
  "standards": [{"level": "national", "approved": "2026-05-10"}],
  "commercialization_rd_yuan": 0
}`

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
