package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/internal/questiongen"
)

// evalCase is one line of an evaluation file (DESIGN.md).
type evalCase struct {
	Q          string   `json:"q"`
	Clauses    []string `json:"clauses"`
	AmountYuan *int64   `json:"amount_yuan"`
	Answerable *bool    `json:"answerable"`
	// Class, optional, groups cases for per-class accuracy: parts joined by
	// "/", the first the top-level class (internal/questiongen writes them).
	Class string `json:"class"`
}

func (c evalCase) answerable() bool { return c.Answerable == nil || *c.Answerable }

// evalReport holds the metrics of one run; ratios are over the cases that
// have the property (clauses for top-1 and recall, amounts for amount match).
type evalReport struct {
	Cases                   int
	Top1, Recall3, WithGold int
	AmountOK, WithAmount    int
	ScopeOK                 int
	Misses                  []string
	Classes                 questiongen.Tally // cases that carry a class
}

func runEval(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usagef("eval: give one evaluation file (JSONL)")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usagef("eval: %w", err)
	}
	cases, err := parseEvalCases(data)
	if err != nil {
		return usageError{err}
	}
	eng, err := newEngine(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	r := evaluate(ctx, eng, cases)
	printReport(stdout, r)
	return nil
}

func parseEvalCases(data []byte) ([]evalCase, error) {
	var cases []evalCase
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		var c evalCase
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("eval file line %d: %w", n, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read eval file: %w", err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("eval file holds no cases")
	}
	return cases, nil
}

func evaluate(ctx context.Context, eng *bot.Engine, cases []evalCase) evalReport {
	r := evalReport{Cases: len(cases)}
	for _, c := range cases {
		a := eng.Ask(ctx, c.Q)
		var miss []string
		if a.Answered == c.answerable() {
			r.ScopeOK++
		} else {
			miss = append(miss, fmt.Sprintf("scope: answered=%v", a.Answered))
		}
		if len(c.Clauses) > 0 {
			r.WithGold++
			var ids []string
			for _, ci := range a.Citations {
				ids = append(ids, ci.ID)
			}
			if len(ids) > 0 && slices.Contains(c.Clauses, ids[0]) {
				r.Top1++
			} else {
				miss = append(miss, fmt.Sprintf("top-1: got %v want %v", first(ids), c.Clauses))
			}
			if slices.ContainsFunc(ids[:min(3, len(ids))], func(id string) bool { return slices.Contains(c.Clauses, id) }) {
				r.Recall3++
			}
		}
		if c.AmountYuan != nil {
			r.WithAmount++
			var got []int64
			for _, k := range a.Calculations {
				got = append(got, k.AmountYuan)
			}
			if slices.Contains(got, *c.AmountYuan) {
				r.AmountOK++
			} else {
				miss = append(miss, fmt.Sprintf("amount: got %v want %d", got, *c.AmountYuan))
			}
		}
		r.Classes.Add(c.Class, len(miss) == 0)
		if len(miss) > 0 {
			r.Misses = append(r.Misses, fmt.Sprintf("%s — %s", c.Q, strings.Join(miss, "; ")))
		}
	}
	return r
}

func first(ids []string) string {
	if len(ids) == 0 {
		return "(none)"
	}
	return ids[0]
}

func pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(n)/float64(d), n, d)
}

// printReport lists the misses first and the metrics last, so that the
// figures are the closing lines a terminal (or `tail`) shows.
func printReport(w io.Writer, r evalReport) {
	if len(r.Misses) > 0 {
		fmt.Fprintf(w, "misses (%d):\n", len(r.Misses))
		for _, m := range r.Misses {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
	if !r.Classes.Empty() {
		r.Classes.Write(w)
	}
	fmt.Fprintf(w, "cases:        %d\n", r.Cases)
	fmt.Fprintf(w, "top-1:        %s\n", pct(r.Top1, r.WithGold))
	fmt.Fprintf(w, "recall@3:     %s\n", pct(r.Recall3, r.WithGold))
	fmt.Fprintf(w, "amount exact: %s\n", pct(r.AmountOK, r.WithAmount))
	fmt.Fprintf(w, "scope:        %s\n", pct(r.ScopeOK, r.Cases))
}
