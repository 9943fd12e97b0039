// Command policybot answers questions about Chengdu's quality-SME policies,
// computes the amounts they promise, and serves the chat channels.
//
// main is thin: everything happens in run, which tests call directly.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "policybot:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError marks errors caused by the command line or its input values:
// the process exits with status 2 for them.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

const usage = `policybot — 成都市优质中小企业（专精特新）政策助手

usage:
  policybot                      same as 'policybot serve'
  policybot serve                web chat (HTTP_ADDR), Telegram if TELEGRAM_BOT_TOKEN is set
  policybot ask [--json] Q...    answer one question
  policybot ask --jsonl          one question per stdin line -> one JSON object per line
  policybot calc --list          the calculators, their inputs and clauses
  policybot calc RULE k=v... [--json]
  policybot bill --profile F.json [--json] [--date YYYY-MM-DD]
                                 an enterprise's personal bill (红利账单)
  policybot push import F.csv|F.json  load enterprise profiles (REDIS_URL; --help: CSV columns)
  policybot push codes [--ids F]      one-time binding codes for /subscribe CODE (REDIS_URL)
  policybot push schedule [--date D]  enqueue that day's bills (REDIS_URL)
  policybot eval FILE.jsonl      retrieval / amount / scope metrics over an eval file
  policybot wechat menu [--install]   print (or install, WECHAT_*) the WeChat custom menu
`

// run is the whole program: args without the program name, the environment
// through getenv, and the three standard streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return runServe(ctx, nil, getenv, stdout, stderr)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "ask":
		return runAsk(ctx, rest, getenv, stdin, stdout, stderr)
	case "calc":
		return runCalc(ctx, rest, getenv, stdout, stderr)
	case "eval":
		return runEval(ctx, rest, getenv, stdout, stderr)
	case "bill":
		return runBill(ctx, rest, getenv, stdin, stdout, stderr)
	case "push":
		return runPush(ctx, rest, getenv, stdin, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, getenv, stdin, stdout, stderr)
	case "wechat":
		return runWeChat(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", cmd)
	}
}
