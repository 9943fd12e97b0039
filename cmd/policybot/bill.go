package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cdsme/policybot/push"
)

// chinaTime is Beijing time (no daylight saving): "today" for a Chengdu bill.
// A fixed zone needs no tzdata in the image.
var chinaTime = time.FixedZone("CST", 8*3600)

// runBill is `policybot bill --profile F.json [--json] [--date YYYY-MM-DD]`:
// the enterprise's 红利账单 on date (default today in China), as text or as
// the `bill --json` contract. --profile - reads stdin. POLICY_ISSUED
// (YYYY-MM-DD) adds the policy's effective and expiry dates. A missing or
// unreadable profile file, an invalid profile, a bad date or stray arguments
// are usage errors (exit 2) naming the field or flag.
func runBill(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bill", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the error says it; --help prints billHelp
	profile := fs.String("profile", "", "the enterprise profile JSON file (- for stdin)")
	asJSON := fs.Bool("json", false, "print the bill as JSON")
	date := fs.String("date", "", "bill date YYYY-MM-DD (default today, Beijing time)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, billHelp)
		return err
	} else if err != nil {
		return usageError{fmt.Errorf("bill: %w (%s; --help describes the profile JSON)", err, billUsage)}
	}
	if fs.NArg() > 0 {
		return usagef("bill: unexpected argument %q (%s)", fs.Arg(0), billUsage)
	}
	if *profile == "" {
		return usagef("bill: --profile is required (a profile JSON file, or - for stdin; policybot bill --help describes it)")
	}
	now := time.Now().In(chinaTime)
	at := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if *date != "" {
		t, err := time.Parse(time.DateOnly, *date)
		if err != nil {
			return usagef("bill: --date %q: want a date YYYY-MM-DD", *date)
		}
		at = t
	}
	var opts []push.BillOption
	if s := getenv("POLICY_ISSUED"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return usagef("bill: POLICY_ISSUED=%q: want a date YYYY-MM-DD", s)
		}
		opts = append(opts, push.WithIssued(t))
	}
	p, err := readProfile(*profile, stdin)
	if err != nil {
		return err
	}
	b := push.ComputeBill(p, at, opts...)
	if *asJSON {
		return writeJSON(stdout, b)
	}
	_, err = io.WriteString(stdout, b.Text())
	return err
}

const billUsage = "usage: policybot bill --profile F.json [--json] [--date YYYY-MM-DD]"

// billHelp is `policybot bill --help`: the flags and the profile JSON
// (docs/ARCHITECTURE.md, "Profile JSON"), with the worked example.
const billHelp = billUsage + `

Prints an enterprise's 红利账单 (personal bill): what it can claim under
附件2, how much and on which clause, what it is short of for the next step,
the data that would let the bill say more, and the dates that matter.

  --profile F.json   the enterprise profile (below); - reads it from stdin
  --json             the bill as JSON: enterprise, date, total_yuan, items,
                     near_misses, missing, deadlines (and facts, notes …)
  --date YYYY-MM-DD  the bill date (default: today in Beijing)

POLICY_ISSUED=YYYY-MM-DD (附件2's issue date) adds the policy's effective
date and last valid day. Exit status: 0 success, 2 a bad command line or
profile (the error names the field), 1 other failures.

Profile JSON: one object. Keys are exact (case-sensitive); an unknown key, a
repeated key, invalid UTF-8, a wrong JSON type or a value outside the lists
below is rejected. Only id is required.

  key                        type                     meaning
  id                         string (required)        enterprise id, e.g. the 统一社会信用代码
  name                       string                   企业名称
  chat_id                    integer                  Telegram chat the monthly bill goes to (push import)
  tiers                      array of objects         certifications (认定):
    tier                     "innovative_sme" | "provincial_sme" | "little_giant"
                                                      创新型中小企业 | 省级专精特新中小企业 | 国家专精特新“小巨人”企业
    recognized               "YYYY-MM-DD"             date recognised; without it no award and no review date
    kind                     "new" | "review"         新认定 | 复核
  revenue_yuan               {"YYYY": yuan, …}        营业收入 per year
  rd_spend_yuan              {"YYYY": yuan, …}        研发投入 per year
  digital_investment_yuan    yuan                     数字化智能化投资
  loans                      array of objects         loans:
    product                  "zhuangda" | "xinyidai"  壮大贷 | 新易贷
    interest_paid_yuan       yuan                     壮大贷: interest actually paid in the year
    lpr_interest_yuan        yuan                     壮大贷: the interest at the LPR
    principal_yuan           yuan                     新易贷: the loan amount
  standards                  array of objects         technical standards led and approved:
    level                    "international" | "national" | "industry"
    approved                 "YYYY-MM-DD"             approval date
  commercialization_rd_yuan  yuan                     研发成果产业化项目的技术研发投入

  yuan: a whole number of yuan ≥ 0, written without quotes or decimals
  (9300000, not "930万" or 9300000.0). Years are 4-digit strings ("2026");
  dates are YYYY-MM-DD.

Example (on 2026-11-30 its bill totals 251万; push import takes an array of
these, or one per line):

` + exampleProfile + `
`

// exampleProfile is docs/ARCHITECTURE.md's worked example.
const exampleProfile = `{
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

// readProfile reads and validates the profile named by --profile.
func readProfile(name string, stdin io.Reader) (push.Profile, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return push.Profile{}, usageError{fmt.Errorf("bill: --profile: %w", err)}
		}
		defer f.Close()
		r = f
	}
	p, err := push.ParseProfile(r)
	if err != nil {
		if name == "-" {
			name = "(stdin)"
		}
		if errors.Is(err, push.ErrInvalidProfile) {
			return push.Profile{}, usageError{fmt.Errorf("bill: profile %s: %w", name, err)}
		}
		return push.Profile{}, fmt.Errorf("bill: %w", err)
	}
	return p, nil
}
