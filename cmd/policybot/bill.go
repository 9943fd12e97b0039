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
	fs.SetOutput(stderr)
	profile := fs.String("profile", "", "the enterprise profile JSON file (- for stdin)")
	asJSON := fs.Bool("json", false, "print the bill as JSON")
	date := fs.String("date", "", "bill date YYYY-MM-DD (default today, Beijing time)")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Errorf("bill: %w", err)}
	}
	if fs.NArg() > 0 {
		return usagef("bill: unexpected argument %q (usage: policybot bill --profile F.json [--json] [--date YYYY-MM-DD])", fs.Arg(0))
	}
	if *profile == "" {
		return usagef("bill: --profile is required (a profile JSON file, or - for stdin)")
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
