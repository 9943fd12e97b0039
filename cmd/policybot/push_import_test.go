package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

func TestPushImportCSV(t *testing.T) {
	m := miniredis.RunT(t)
	env := map[string]string{"REDIS_URL": "redis://" + m.Addr()}
	getenv := func(k string) string { return env[k] }
	dir := t.TempDir()
	write := func(name, data string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	store := asynqpush.NewStore(rdb)

	for _, tc := range []struct {
		name, file, data string
		usage, fails     bool     // exit 2, exit 1
		out              []string // in stdout
		saved, notSaved  []string
	}{
		{name: "good and bad rows", file: "roster.csv",
			data: "统一社会信用代码,企业名称,认定等级,认定日期,认定类型(新认定/复核),营收2025\n" +
				"91510100MA6XXXXXXX,一号,小巨人,2026-07-01,新认定,\"6,500,000\"\n" +
				"91510100MA6YYYYYYY,二号,小巨人,2099-07-01,新认定,650万\n" +
				"91510100MA6WWWWWWW,三号,,,,650万\n",
			fails: true,
			out:   []string{"第3行 认定日期：2099-07-01 晚于今天", "已导入 2 家企业（新增 2", "共读取 3 行：保留 2，有误未导入 1"},
			saved: []string{"91510100MA6XXXXXXX", "91510100MA6WWWWWWW"}, notSaved: []string{"91510100MA6YYYYYYY"}},
		{name: "unknown column saves nothing", file: "bad.csv",
			data:  "统一社会信用代码,利润\n91510100MA6HHHHHHH,1\n",
			usage: true, notSaved: []string{"91510100MA6HHHHHHH"}},
		{name: "jsonl by content", file: "roster.txt",
			data:  `{"id":"J1"}` + "\n" + `{"id":"J2","tiers":[{"tier":"gold","kind":"new"}]}` + "\n",
			fails: true, out: []string{"第2行：第1项认定的认定等级", "保留 1，有误未导入 1"},
			saved: []string{"J1"}, notSaved: []string{"J2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runPush(ctx, []string{"import", write(tc.file, tc.data)}, getenv, nil, &out, &out)
			var ue usageError
			if isUsage := errors.As(err, &ue); isUsage != tc.usage || (err != nil) != (tc.usage || tc.fails) {
				t.Errorf("err %v, want usage %v fails %v", err, tc.usage, tc.fails)
			}
			for _, w := range tc.out {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, id := range tc.saved {
				if _, err := store.Get(ctx, id); err != nil {
					t.Errorf("%s: %v", id, err)
				}
			}
			for _, id := range tc.notSaved {
				if _, err := store.Get(ctx, id); !errors.Is(err, asynqpush.ErrNotFound) {
					t.Errorf("%s saved (%v)", id, err)
				}
			}
		})
	}

	var out bytes.Buffer
	if err := runPush(ctx, []string{"import", "--help"}, func(string) string { return "" }, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"统一社会信用代码", "认定类型(新认定/复核)", "营收2025", "650万", "新易贷贷款额"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("--help lacks %q", w)
		}
	}
}

// TestSubscribeImportRace: a /subscribe and an import of the same
// enterprise run at once, many times; each either saves or says it did not,
// and the stored profile is always one that was reported saved.
func TestSubscribeImportRace(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	store := asynqpush.NewStore(rdb)
	bindChat(t, store, `{"id":"R","name":"起始"}`, 5)
	sub := pushSubscribeCommand(store, nil, time.Now)
	sch := asynqpush.NewScheduler(store, nil, asynqpush.ScheduleOptions{})
	refused := map[string]int{}
	for i := range 40 {
		fromChat, fromRoster := fmt.Sprintf("会话%d", i), fmt.Sprintf("名册%d", i)
		var wg sync.WaitGroup
		var chatSaved, rosterSaved bool
		wg.Add(2)
		go func() {
			defer wg.Done()
			r, err := sub(ctx, cmdFor(5, "subscribe", `{"id":"R","name":"`+fromChat+`"}`, false))
			if err != nil {
				t.Error(err)
			}
			chatSaved = strings.Contains(r.Text, "已订阅")
			if !chatSaved && r.Text != staleProfileText {
				t.Errorf("/subscribe: %q", r.Text)
			}
		}()
		go func() {
			defer wg.Done()
			res, err := importRoster(ctx, store, sch, []push.Profile{{ID: "R", Name: fromRoster}}, beijingDay(time.Now()))
			if err != nil {
				t.Error(err)
			}
			rosterSaved = len(res.Stale) == 0
		}()
		wg.Wait()
		r, err := store.Record(ctx, "R")
		if err != nil {
			t.Fatal(err)
		}
		switch name := r.Profile.Name; {
		case !chatSaved && !rosterSaved:
			t.Fatalf("round %d: both refused", i)
		case name == fromChat && !chatSaved, name == fromRoster && !rosterSaved, name != fromChat && name != fromRoster:
			t.Fatalf("round %d: stored %q; chat saved %v, roster saved %v", i, name, chatSaved, rosterSaved)
		case !chatSaved:
			refused["chat"]++
		case !rosterSaved:
			refused["roster"]++
		}
		if r.Profile.ChatID != 5 || r.Owner != 5 {
			t.Fatalf("round %d: %+v", i, r)
		}
	}
	t.Logf("refused writes: %v", refused)
}
