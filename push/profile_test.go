package push

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func designProfile(t testing.TB) Profile {
	t.Helper()
	f, err := os.Open("testdata/design.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParseProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseProfileDesign(t *testing.T) {
	p := designProfile(t)
	want := Profile{
		ID: "91510100MA6XXXXXXX", Name: "成都示例科技有限公司", ChatID: 123456789,
		Tiers:                 []Tier{{Tier: "little_giant", Recognized: "2026-07-01", Kind: "new"}},
		RevenueYuan:           map[string]int64{"2025": 95000000, "2026": 120000000},
		RDSpendYuan:           map[string]int64{"2025": 5000000, "2026": 9300000},
		DigitalInvestmentYuan: 2600000,
		Loans: []Loan{{Product: "zhuangda", InterestPaidYuan: 1200000, LPRInterestYuan: 1000000},
			{Product: "xinyidai", PrincipalYuan: 20000000}},
		Standards: []Standard{{Level: "national", Approved: "2026-05-10"}},
	}
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("profile (-want +got):\n%s", d)
	}
}

// TestParseProfileErrors: every bad profile is rejected with ErrInvalidProfile
// and a message naming the field.
func TestParseProfileErrors(t *testing.T) {
	for _, tc := range []struct{ name, json, field string }{
		{"unknown field", `{"id":"a","revenue":{"2025":1}}`, `revenue`},
		{"unknown nested field", `{"id":"a","tiers":[{"tier":"little_giant","kind":"new","level":"x"}]}`, `level`},
		{"empty id", `{"id":" "}`, `id`},
		{"no id", `{"name":"x"}`, `id`},
		{"bad tier", `{"id":"a","tiers":[{"tier":"xiaojuren","kind":"new"}]}`, `tiers[0].tier`},
		{"no kind", `{"id":"a","tiers":[{"tier":"little_giant"}]}`, `tiers[0].kind`},
		{"bad kind", `{"id":"a","tiers":[{"tier":"little_giant","kind":"renew"}]}`, `tiers[0].kind`},
		{"bad date", `{"id":"a","tiers":[{"tier":"little_giant","kind":"new","recognized":"2026/07/01"}]}`, `tiers[0].recognized`},
		{"impossible date", `{"id":"a","standards":[{"level":"national","approved":"2026-02-30"}]}`, `standards[0].approved`},
		{"bad level", `{"id":"a","standards":[{"level":"provincial"}]}`, `standards[0].level`},
		{"bad year", `{"id":"a","revenue_yuan":{"25":1}}`, `revenue_yuan["25"]`},
		{"negative amount", `{"id":"a","rd_spend_yuan":{"2025":-1}}`, `rd_spend_yuan["2025"]`},
		{"huge amount", `{"id":"a","digital_investment_yuan":1000000000000001}`, `digital_investment_yuan`},
		{"float amount", `{"id":"a","digital_investment_yuan":1.5}`, `digital_investment_yuan`},
		{"string amount", `{"id":"a","commercialization_rd_yuan":"100"}`, `commercialization_rd_yuan`},
		{"bad product", `{"id":"a","loans":[{"product":"weilidai"}]}`, `loans[0].product`},
		{"negative loan", `{"id":"a","loans":[{"product":"xinyidai","principal_yuan":-5}]}`, `loans[0].principal_yuan`},
		{"wrong type nested", `{"id":"a","tiers":[{"tier":1,"kind":"new"}]}`, `tier`},
		{"not an object", `[1,2]`, ``},
		{"trailing data", `{"id":"a"} {"id":"b"}`, ``},
		{"syntax", `{"id":"a",}`, ``},
		{"empty", ``, ``},
		{"truncated", `{"id":"a"`, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseProfile(strings.NewReader(tc.json))
			if !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error %v, want ErrInvalidProfile", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %s", err, tc.field)
			}
			if strings.Contains(err.Error(), "Go struct") || strings.Contains(err.Error(), "push.") {
				t.Errorf("error %q speaks of Go types", err)
			}
		})
	}
}

func TestParseProfileReportsSeveralProblems(t *testing.T) {
	_, err := ParseProfile(strings.NewReader(`{"id":"a","tiers":[{"tier":"x","kind":"y"}],"loans":[{"product":"z"}]}`))
	var pe *ProfileError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v", err)
	}
	var fields []string
	for _, p := range pe.Problems {
		fields = append(fields, p.Field)
	}
	if d := cmp.Diff([]string{"tiers[0].tier", "tiers[0].kind", "loans[0].product"}, fields); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
}

func TestParseProfileMinimal(t *testing.T) {
	p, err := ParseProfile(strings.NewReader("\ufeff" + `{"id":"x"}` + "\n"))
	if err != nil || p.ID != "x" {
		t.Fatalf("%+v, %v", p, err)
	}
}

func TestParseRoster(t *testing.T) {
	array := `[{"id":"a"}, {"id":"b","tiers":[{"tier":"provincial_sme","kind":"review","recognized":"2026-01-05"}]}]`
	jsonl := "{\"id\":\"a\"}\n\n{\"id\":\"b\",\"tiers\":[{\"tier\":\"provincial_sme\",\"kind\":\"review\",\"recognized\":\"2026-01-05\"}]}\n"
	for name, in := range map[string]string{"array": array, "jsonl": jsonl} {
		ps, err := ParseRoster(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(ps) != 2 || ps[0].ID != "a" || ps[1].Tiers[0].Kind != "review" {
			t.Errorf("%s: %+v", name, ps)
		}
	}
	for _, tc := range []struct{ name, in, want string }{
		{"array bad record", `[{"id":"a"},{"id":"b","tiers":[{"tier":"gold","kind":"new"}]}]`, "record 2: invalid profile: tiers[0].tier"},
		{"array unknown field", `[{"id":"a","x":1}]`, `record 1: invalid profile: x: unknown field`},
		{"jsonl bad line", "{\"id\":\"a\"}\n\n{\"id\":\"b\",\"loans\":[{\"product\":\"q\"}]}\n", "line 3: invalid profile: loans[0].product"},
		{"jsonl syntax", "{\"id\":\"a\"}\n{\"id\":\n", "line 2: invalid profile"},
		{"duplicate id", "{\"id\":\"a\"}\n{\"id\":\"a\"}\n", `line 2: invalid profile: id: duplicate id "a" (first at line 1)`},
		{"empty", "  \n", "empty roster"},
		{"unclosed array", `[{"id":"a"}`, "roster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRoster(strings.NewReader(tc.in))
			if !errors.Is(err, ErrInvalidProfile) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInvalidProfile containing %q", err, tc.want)
			}
		})
	}
}

// FuzzParseProfile: no input panics, and every accepted profile validates
// and can be billed.
func FuzzParseProfile(f *testing.F) {
	data, err := os.ReadFile("testdata/design.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(`{"id":"a","revenue_yuan":{"2025":1e20}}`)
	f.Add(`{"id":"a","tiers":[{"tier":"little_giant","kind":"new","recognized":"2100-12-31"}],"standards":[{"level":"national"}]}`)
	f.Add(`{"id":"\u0000"}`)
	f.Add(`[{"id":"a"}]`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProfile(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error %v is not ErrInvalidProfile", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted profile fails Validate: %v", err)
		}
		b := ComputeBill(p, billDate)
		if b.TotalYuan < 0 {
			t.Fatalf("negative total %d", b.TotalYuan)
		}
		_ = b.Text()
		_, _ = ParseRoster(strings.NewReader(s))
	})
}

// TestParseProfileStrictKeys: encoding/json matches keys case-insensitively,
// lets a repeated key win and replaces invalid UTF-8 with U+FFFD; a profile
// must say exactly what it means, so each is rejected naming the field.
func TestParseProfileStrictKeys(t *testing.T) {
	for _, tc := range []struct{ name, json, field, reason string }{
		{"key case", `{"ID":"a"}`, `ID`, `write "id"`},
		{"nested key case", `{"id":"a","tiers":[{"Tier":"little_giant","kind":"new"}]}`, `tiers[0].Tier`, `write "tier"`},
		{"duplicate key", `{"id":"a","id":"b"}`, `id`, `duplicate`},
		{"duplicate in loan", `{"id":"a","loans":[{"product":"xinyidai","principal_yuan":1,"principal_yuan":2}]}`, `loans[0].principal_yuan`, `duplicate`},
		{"duplicate year", `{"id":"a","revenue_yuan":{"2025":1,"2025":2}}`, `revenue_yuan["2025"]`, `duplicate`},
		{"case twin", `{"id":"a","Id":"b"}`, `Id`, `write "id"`},
		{"invalid utf-8 value", "{\"id\":\"a\",\"name\":\"\xff\xfe\"}", `name`, `UTF-8`},
		{"invalid utf-8 nested", "{\"id\":\"a\",\"tiers\":[{\"tier\":\"little_giant\",\"kind\":\"new\",\"recognized\":\"2026\xc3\"}]}", `tiers[0].recognized`, `UTF-8`},
		{"invalid utf-8 key", "{\"id\":\"a\",\"revenue_yuan\":{\"20\xff5\":1}}", `revenue_yuan`, `UTF-8`},
		{"unknown nested with path", `{"id":"a","loans":[{"product":"xinyidai","rate":1}]}`, `loans[0].rate`, `unknown field`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseProfile(strings.NewReader(tc.json))
			var pe *ProfileError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error %v, want a *ProfileError", err)
			}
			if pe.Problems[0].Field != tc.field || !strings.Contains(pe.Problems[0].Reason, tc.reason) {
				t.Errorf("problem %+v, want field %s, reason containing %q", pe.Problems[0], tc.field, tc.reason)
			}
		})
	}
	// The same checks hold for every record of a roster.
	_, err := ParseRoster(strings.NewReader(`[{"id":"a"},{"id":"b","ID":"c"}]`))
	if err == nil || !strings.Contains(err.Error(), `record 2: invalid profile: ID`) {
		t.Errorf("roster: %v", err)
	}
	// Valid non-ASCII text and escaped characters pass.
	if p, err := ParseProfile(strings.NewReader(`{"id":"a","name":"成都\u793a例 \"科技\""}`)); err != nil || p.Name != `成都示例 "科技"` {
		t.Errorf("escaped name: %+v, %v", p, err)
	}
}
