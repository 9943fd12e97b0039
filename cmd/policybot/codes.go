package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cdsme/policybot/push/asynqpush"
)

const pushCodesUsage = "usage: policybot push codes [--ids FILE] [--days N]"

// pushCodesHelp is `policybot push codes --help`.
const pushCodesHelp = pushCodesUsage + `

Issues a one-time binding code for each enterprise of the roster (REDIS_URL),
or for the ids in FILE (one per line, - for stdin; blank lines and lines
starting with # are skipped), and prints them: id, name, code, expiry. Give
each enterprise its code; '/subscribe CODE' in a chat binds the enterprise to
that chat and subscribes it. A code works once and expires after N days
(default 30); a new code voids the enterprise's previous one. Redis keeps
only the codes' SHA-256: print them to a file only staff can read. Ids not
in the roster get no code, are listed on stderr, and the exit status is 1.
`

// runPushCodes is `policybot push codes`.
func runPushCodes(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer, now func() time.Time) error {
	fs := flag.NewFlagSet("push codes", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	idsFile := fs.String("ids", "", "enterprise ids, one per line (- for stdin); default the whole roster")
	days := fs.Int("days", 30, "days a code is valid")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, pushCodesHelp)
		return err
	} else if err != nil {
		return usageError{fmt.Errorf("push codes: %w (%s)", err, pushCodesUsage)}
	}
	if fs.NArg() > 0 {
		return usagef("push codes: unexpected argument %q (%s)", fs.Arg(0), pushCodesUsage)
	}
	if *days <= 0 || *days > 365 {
		return usagef("push codes: --days %d: want 1 to 365", *days)
	}
	url := getenv("REDIS_URL")
	if url == "" {
		return usagef("push codes: REDIS_URL is not set")
	}
	var ids []string
	if *idsFile != "" {
		var err error
		if ids, err = readIDs(*idsFile, stdin); err != nil {
			return err
		}
		if len(ids) == 0 {
			return usagef("push codes: %s holds no ids", *idsFile)
		}
	}
	rdb, err := openPushRedis(ctx, url)
	if err != nil {
		return err
	}
	defer rdb.Close()
	store := asynqpush.NewStore(rdb)
	if *idsFile == "" {
		for after := ""; ; {
			ps, next, err := store.List(ctx, after, 1000)
			if err != nil {
				return err
			}
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			if next == "" {
				break
			}
			after = next
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "统一社会信用代码\t企业名称\t绑定码\t有效期至")
	var missing []string
	for start := 0; start < len(ids); start += 1000 {
		codes, miss, err := store.IssueCodes(ctx, ids[start:min(start+1000, len(ids))], now(), time.Duration(*days)*24*time.Hour)
		for _, c := range codes {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Name, c.Code, c.Expires.In(chinaTime).Format("2006-01-02 15:04"))
		}
		missing = append(missing, miss...)
		if err != nil {
			tw.Flush()
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("push codes: %d ids are not in the roster, no code issued: %s", len(missing), strings.Join(missing, ", "))
	}
	return nil
}

// readIDs reads one id a line.
func readIDs(name string, stdin io.Reader) ([]string, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageError{fmt.Errorf("push codes: %w", err)}
		}
		defer f.Close()
		r = f
	}
	var ids []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		id := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if id == "" || strings.HasPrefix(id, "#") || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("push codes: reading %s: %w", name, err)
	}
	return ids, nil
}
