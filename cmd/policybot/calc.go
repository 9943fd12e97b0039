package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

func runCalc(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.Bool("list", false, "list the calculators, their inputs and clauses")
	asJSON := fs.Bool("json", false, "print the calculation as JSON")
	date := fs.String("date", "", "compute with the parameters valid on this date (YYYY-MM-DD; default today)")
	// Flags may follow the rule and its k=v pairs: parse them out first.
	var flags, rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else {
			rest = append(rest, a)
		}
	}
	if err := fs.Parse(flags); err != nil {
		return usageError{err}
	}
	rest = append(rest, fs.Args()...)
	if *list {
		return listRules(stdout, *asJSON)
	}
	if len(rest) == 0 {
		return usagef("calc: name a rule (policybot calc --list shows them)")
	}
	at := time.Now()
	if *date != "" {
		t, err := time.Parse(time.DateOnly, *date)
		if err != nil {
			return usagef("calc: --date %q: want YYYY-MM-DD", *date)
		}
		at = t
	}
	in := policies.Inputs{}
	for _, kv := range rest[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usagef("calc: %q: inputs are written k=v (e.g. increase_yuan=6500000)", kv)
		}
		if _, dup := in[k]; dup {
			return usagef("calc: input %q given twice", k)
		}
		in[k] = v
	}
	c, err := policies.Calculate(rest[0], in, at)
	if err != nil {
		return usageError{fmt.Errorf("calc: %w", err)}
	}
	if *asJSON {
		return writeJSON(stdout, c)
	}
	printCalculation(stdout, c)
	return nil
}

func printCalculation(w io.Writer, c policies.Calculation) {
	fmt.Fprintf(w, "%s [%s] %s\n", c.Title, c.Clause, amountText(c))
	for _, s := range c.Steps {
		fmt.Fprintf(w, "  · %s\n", s)
	}
	if c.NearMiss != nil {
		fmt.Fprintf(w, "  提示：%s\n", c.NearMiss.Advice)
	}
	for _, n := range c.Notes {
		fmt.Fprintf(w, "  说明：%s\n", n)
	}
	for _, p := range c.Params {
		fmt.Fprintf(w, "  依据 %s：“%s”\n", p.Clause, p.Quote)
	}
}

func amountText(c policies.Calculation) string {
	switch c.Kind {
	case policies.KindUnstated:
		return "文件未规定金额"
	case policies.KindMaximum:
		return "最高 " + yuan.Format(c.AmountYuan)
	case policies.KindNone:
		return ""
	}
	return yuan.Format(c.AmountYuan)
}

func listRules(w io.Writer, asJSON bool) error {
	rules := policies.Rules()
	if asJSON {
		return writeJSON(w, rules)
	}
	for _, r := range rules {
		fmt.Fprintf(w, "%-24s %-13s %s\n", r.Name, r.Clause, r.Title)
		fmt.Fprintf(w, "%-24s %s\n", "", r.Summary)
		for _, in := range r.Inputs {
			req := ""
			if in.Required {
				req = " (required)"
			}
			choices := ""
			if len(in.Choices) > 0 {
				choices = " [" + strings.Join(in.Choices, "|") + "]"
			}
			fmt.Fprintf(w, "%-24s   %s=%s%s%s — %s\n", "", in.Name, in.Unit, choices, req, in.Label)
		}
	}
	return nil
}
