package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reminderRoster: the design example, and E2 whose 省级 certification
// (2023-12-24) is due for review on 2026-12-24.
const reminderRoster = `{"id": "91510100MA6XXXXXXX", "name": "成都示例科技有限公司", "tiers": [{"tier": "little_giant", "recognized": "2026-07-01", "kind": "new"}], "rd_spend_yuan": {"2025": 5000000, "2026": 9300000}}
{"id": "E2", "tiers": [{"tier": "provincial_sme", "recognized": "2023-12-24", "kind": "new"}]}
`

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPushReminders(t *testing.T) {
	roster := writeTemp(t, "roster.jsonl", reminderRoster)
	windows := filepath.Join("..", "..", "push", "testdata", "windows.yaml")
	issued := map[string]string{"POLICY_ISSUED": "2026-12-01"}
	for _, c := range []struct {
		name  string
		env   map[string]string
		args  []string
		stdin string
		want  []string // substrings of stdout
		not   []string
	}{
		{"a review 7 days ahead", nil, []string{"--roster", roster, "--date", "2026-12-17"},
			"", []string{"1 reminders due on 2026-12-17 (2 profiles)", "2026-12-17  cert_review  E2  task reminder:cert_review:2026-12-17:E2",
				"  【复核提醒】还有7天：省级专精特新中小企业认定（2023-12-24）将于2026-12-24满3年"}, []string{"window_close"}},
		{"windows", nil, []string{"--roster", roster, "--date", "2026-12-24", "--windows", windows},
			"", []string{"1 reminders due on 2026-12-24", "window_close  91510100MA6XXXXXXX 成都示例科技有限公司", "2026年度研发投入增量补助申报"}, []string{"E2"}},
		{"lead days", nil, []string{"--roster", roster, "--date", "2026-12-21", "--windows", windows, "--lead-days", "10"},
			"", []string{"1 reminders due on 2026-12-21", "还有10天截止"}, nil},
		{"several days, POLICY_ISSUED, stdin", issued, []string{"--roster", "-", "--date", "2027-01-10", "--days", "5"},
			reminderRoster, []string{"2 reminders due from 2027-01-10 to 2027-01-14 (2 profiles)", "2027-01-13  policy_effective  E2", "今天（2027-01-13）起施行"}, nil},
		{"nothing due", nil, []string{"--roster", roster, "--date", "2026-12-18"}, "", []string{"0 reminders due on 2026-12-18 (2 profiles)\n"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"push", "reminders"}, c.args...), env(c.env), strings.NewReader(c.stdin), &out, &errb)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range c.want {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range c.not {
				if strings.Contains(out.String(), s) {
					t.Errorf("output has %q:\n%s", s, out.String())
				}
			}
		})
	}
}

func TestPushRemindersJSON(t *testing.T) {
	roster := writeTemp(t, "roster.json", "["+strings.Replace(strings.TrimSpace(reminderRoster), "\n", ",", 1)+"]")
	out, _, err := runCmd(t, "", "push", "reminders", "--roster", roster, "--date", "2026-11-30", "--days", "1000", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Date      string `json:"date"`
		Days      int    `json:"days"`
		Profiles  int    `json:"profiles"`
		Reminders []struct {
			Enterprise, Kind, Due, Date, Clause, Text string
			TaskID                                    string `json:"task_id"`
			DaysLeft                                  int    `json:"days_left"`
		} `json:"reminders"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	// E2: 7 days before 2026-12-24; the design example: 90, 30, 7 days before 2029-07-01.
	if got.Date != "2026-11-30" || got.Days != 1000 || got.Profiles != 2 || len(got.Reminders) != 4 {
		t.Fatalf("%+v", got)
	}
	r := got.Reminders[1]
	if r.Enterprise != "91510100MA6XXXXXXX" || r.Kind != "cert_review" || r.Due != "2029-04-02" || r.Date != "2029-07-01" ||
		r.DaysLeft != 90 || r.Clause != "policy/1" || r.TaskID != "reminder:cert_review:2029-04-02:91510100MA6XXXXXXX" || !strings.Contains(r.Text, "还有90天") {
		t.Errorf("%+v", r)
	}
	// No reminder: "reminders" is [], not null.
	out, _, err = runCmd(t, "", "push", "reminders", "--roster", roster, "--date", "2026-12-18", "--json")
	if err != nil || !strings.Contains(out, `"reminders":[]`) {
		t.Errorf("%v %s", err, out)
	}
}

// TestPushRemindersBadInput: each bad input exits 2 with a message naming it.
func TestPushRemindersBadInput(t *testing.T) {
	roster := writeTemp(t, "roster.jsonl", reminderRoster)
	badRoster := writeTemp(t, "bad.jsonl", `{"id": "X", "tiers": [{"tier": "gold", "kind": "new"}]}`)
	badWindows := writeTemp(t, "w.yaml", "windows:\n  - name: A\n    clause: policy/1\n    opens: 2026-12-01\n    closes: 2026-11-01\n")
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no roster", nil, nil, "--roster is required"},
		{"missing roster file", nil, []string{"--roster", "/nonexistent/r.json"}, "--roster: open /nonexistent/r.json"},
		{"invalid profile", nil, []string{"--roster", badRoster}, `line 1: invalid profile: tiers[0].tier: "gold" is not one of`},
		{"bad date", nil, []string{"--roster", roster, "--date", "2026-02-30"}, `--date "2026-02-30": want a date YYYY-MM-DD`},
		{"bad days", nil, []string{"--roster", roster, "--days", "0"}, "--days 0"},
		{"bad lead days", nil, []string{"--roster", roster, "--lead-days", "-1"}, "--lead-days -1"},
		{"unknown flag", nil, []string{"--roster", roster, "--when", "x"}, "flag provided but not defined: -when"},
		{"stray argument", nil, []string{"--roster", roster, "extra"}, `unexpected argument "extra"`},
		{"missing windows file", nil, []string{"--roster", roster, "--windows", "/nonexistent/w.yaml"}, "--windows: open /nonexistent/w.yaml"},
		{"bad windows file", nil, []string{"--roster", roster, "--windows", badWindows}, "windows[0].closes (line 5): 2026-11-01 is before opens 2026-12-01"},
		{"bad POLICY_ISSUED", map[string]string{"POLICY_ISSUED": "soon"}, []string{"--roster", roster}, `POLICY_ISSUED="soon"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"push", "reminders"}, c.args...), env(c.env), strings.NewReader(""), &out, &errb)
			if !isUsage(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v (usage: %v), want a usage error with %q", err, isUsage(err), c.want)
			}
		})
	}
	// Without REDIS_URL, and --help.
	out, _, err := runCmd(t, "", "push", "reminders", "--help")
	if err != nil || !strings.Contains(out, "--windows F.yaml") {
		t.Errorf("--help: %v %s", err, out)
	}
}
