package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cdsme/policybot/bot"
)

func runAsk(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the answer as one JSON object")
	asJSONL := fs.Bool("jsonl", false, "read one question per stdin line, print one JSON object per line")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	question := strings.Join(fs.Args(), " ")
	if !*asJSONL && strings.TrimSpace(question) == "" {
		return usagef("ask: no question given (try: policybot ask \"新获评小巨人奖励多少\")")
	}
	if *asJSONL && question != "" {
		return usagef("ask --jsonl reads questions from stdin; got arguments too")
	}
	eng, err := newEngine(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	if *asJSONL {
		return askLines(ctx, eng, stdin, stdout)
	}
	a := eng.Ask(ctx, question)
	if *asJSON {
		return writeJSON(stdout, a)
	}
	_, err = fmt.Fprintln(stdout, a.Answer)
	return err
}

// maxLine bounds one --jsonl input line; a longer line is still answered
// (from its first MaxQuestionRunes characters) and keeps its place.
const maxLine = 1 << 20

// askLines answers each stdin line in order: one output line per input line,
// whatever the input (empty lines, binary, overlong lines).
func askLines(ctx context.Context, eng *bot.Engine, stdin io.Reader, stdout io.Writer) error {
	r := bufio.NewReaderSize(stdin, 64<<10)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	for {
		line, err := readLine(r)
		if len(line) > 0 || err == nil {
			if werr := writeJSON(w, eng.Ask(ctx, strings.TrimSuffix(line, "\r"))); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// readLine reads up to '\n', keeping at most maxLine bytes of it.
func readLine(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, err := r.ReadSlice('\n')
		if b.Len() < maxLine {
			b.Write(chunk[:min(len(chunk), maxLine-b.Len())])
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil:
			return b.String(), err
		default:
			return strings.TrimSuffix(b.String(), "\n"), nil
		}
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
