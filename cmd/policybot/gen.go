package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"io"

	"github.com/cdsme/policybot/internal/questiongen"
)

// runGen writes generated evaluation cases (internal/questiongen) as JSONL.
func runGen(_ context.Context, args []string, _ func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 6000, "how many cases (distinct questions)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same cases")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("gen: unexpected arguments %q", fs.Args())
	}
	if *n < 1 {
		return usagef("gen: -n must be at least 1")
	}
	cases, err := questiongen.Generate(*n, *seed)
	if err != nil {
		return usageError{err}
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	return w.Flush()
}
