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
	"time"

	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

const pushImportUsage = "usage: policybot push import FILE.csv | FILE.json | FILE.jsonl | - (stdin)"

// pushImportHelp is `policybot push import --help`.
var pushImportHelp = pushImportUsage + `

Loads enterprise profiles into the push store (REDIS_URL), replacing the
profiles with the same id. A bad row is reported (row, field, reason in
Chinese) and skipped; the good rows are saved. The exit status is 1 when a
row was skipped, 2 when the file as a whole is unreadable (nothing saved).
A roster never unsubscribes: a row without chat_id keeps the enterprise's
current chat. A profile whose bill changed gets the change pushed. Each
profile is written only if it did not change since the import read it: a
profile an enterprise re-sent with /subscribe meanwhile is kept, and its row
reported as not imported.

The format is JSON when the name ends in .json or .jsonl, CSV when it ends
in .csv, else JSON if the file starts with [ or {. JSON rosters are an array
of profile objects or one profile per line (the profile JSON of
'policybot bill --help'); recognition and approval dates must not be after
today.

` + push.RosterColumns + "\n"

// runPushImport is `policybot push import FILE`.
func runPushImport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("push import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, pushImportHelp)
		return err
	} else if err != nil {
		return usageError{fmt.Errorf("push import: %w (%s)", err, pushImportUsage)}
	}
	if fs.NArg() != 1 {
		return usagef("push import: want one roster file (%s; --help lists the CSV columns)", pushImportUsage)
	}
	url := getenv("REDIS_URL")
	if url == "" {
		return usagef("push import: REDIS_URL is not set (the embedded Redis would forget everything on exit)")
	}
	today := beijingDay(time.Now())
	rep, err := readRosterFile(fs.Arg(0), stdin, today)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, rep.Text()); err != nil {
		return err
	}
	kept := 0
	if len(rep.Profiles) > 0 {
		rdb, err := openPushRedis(ctx, url)
		if err != nil {
			return err
		}
		defer rdb.Close()
		store := asynqpush.NewStore(rdb)
		// A replaced profile whose bill changed gets the change (a re-bill).
		sch, err := newPushScheduler(store, nil, getenv, nil)
		if err != nil {
			return err
		}
		res, err := importRoster(ctx, store, sch, rep.Profiles, today)
		if err != nil {
			return err
		}
		var stale []push.RowProblem
		for i := range rep.Profiles {
			if res.Stale[i] != nil {
				stale = append(stale, push.RowProblem{Row: rep.Rows[i], Reason: "该企业的资料在导入期间被修改（如企业在会话中重新提交），本行未导入，以免覆盖：请核对后重新导入"})
			}
		}
		_, err = io.WriteString(stdout, push.RosterReport{Problems: stale, Unit: rep.Unit}.Text())
		if err != nil {
			return err
		}
		rep.Rejected += len(stale)
		kept = len(rep.Profiles) - len(stale)
		if _, err := fmt.Fprintf(stdout, "已导入 %d 家企业（新增 %d，带会话 %d；账单变化待推送 %d）。\n", kept, res.Added, res.subscribed, res.rebills); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(stdout, "共读取 %d %s：保留 %d，有误未导入 %d。\n", rep.Read, rep.Unit, kept, rep.Rejected); err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("push import: %d %s有误未导入（见上），其余已保存", rep.Rejected, rep.Unit)
	}
	if rep.Read == 0 {
		return usagef("push import: the roster has no rows")
	}
	return nil
}

// rosterImport is what importRoster did.
type rosterImport struct {
	asynqpush.ImportResult
	subscribed, rebills int // saved profiles with a chat; re-bills enqueued
}

// importRoster saves a roster on the condition that no profile changed
// since it was read here (asynqpush.Store.ImportIf: a profile re-sent
// meanwhile is kept, and its record reported in Stale), then enqueues the
// change of each replaced profile's bill on day (Scheduler.Rebill).
func importRoster(ctx context.Context, store *asynqpush.Store, sch *asynqpush.Scheduler, roster []push.Profile, day time.Time) (rosterImport, error) {
	var out rosterImport
	ids := make([]string, len(roster))
	for i, p := range roster {
		ids[i] = p.ID
	}
	old, err := store.Records(ctx, ids)
	if err != nil {
		return out, err
	}
	versions := make(map[string]int64, len(old))
	for id, r := range old {
		versions[id] = r.Version
	}
	if out.ImportResult, err = store.ImportIf(ctx, roster, versions); err != nil {
		return out, err
	}
	for i, p := range roster {
		if out.Stale[i] != nil {
			continue
		}
		o, replaced := old[p.ID]
		if p.ChatID == 0 && replaced {
			p.ChatID = o.Profile.ChatID // kept by the import
		}
		if p.ChatID != 0 {
			out.subscribed++
		}
		if !replaced {
			continue
		}
		_, isNew, err := sch.Rebill(ctx, o.Profile, p, day)
		if err != nil {
			return out, err
		}
		if isNew {
			out.rebills++
		}
	}
	return out, nil
}

// readRosterFile reads a roster file (- for stdin), CSV or JSON by its
// name, else by its first byte.
func readRosterFile(name string, stdin io.Reader, today time.Time) (push.RosterReport, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return push.RosterReport{}, usageError{fmt.Errorf("push import: %w", err)}
		}
		defer f.Close()
		r = f
	}
	lower := strings.ToLower(name)
	var isCSV bool
	switch {
	case strings.HasSuffix(lower, ".csv"):
		isCSV = true
	case strings.HasSuffix(lower, ".json"), strings.HasSuffix(lower, ".jsonl"):
	default:
		br := bufio.NewReader(r)
		head, _ := br.Peek(512)
		isCSV = !push.LooksLikeJSON(head)
		r = br
	}
	rep, err := push.ReadRoster(r, isCSV, today)
	if errors.Is(err, push.ErrRoster) {
		return rep, usageError{fmt.Errorf("push import: %s: %w", name, err)}
	}
	return rep, err
}
