package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// bindChat puts the enterprise of profileJSON in the roster (without a
// chat) unless it is there, and binds chat to it with a binding code, as
// staff and the enterprise would.
func bindChat(t *testing.T, store *asynqpush.Store, profileJSON string, chat int64) {
	t.Helper()
	ctx := context.Background()
	p, err := push.ParseProfile(strings.NewReader(profileJSON))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Record(ctx, p.ID); err != nil {
		p.ChatID = 0
		if err := store.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	codes, _, err := store.IssueCodes(ctx, []string{p.ID}, time.Now(), 0)
	if err != nil || len(codes) != 1 {
		t.Fatalf("codes %v, %v", codes, err)
	}
	if _, err := store.Redeem(ctx, codes[0].Code, chat, "", time.Now()); err != nil {
		t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}`)

func TestPushCodesAndOwnership(t *testing.T) {
	m := miniredis.RunT(t)
	env := map[string]string{"REDIS_URL": "redis://" + m.Addr()}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.jsonl")
	if err := os.WriteFile(roster, []byte(`{"id":"91510100MA6XXXXXXX","name":"成都示例科技有限公司"}`+"\n"+`{"id":"E2","name":"二号公司"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runPush(ctx, []string{"import", roster}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	issued := time.Date(2026, 11, 29, 9, 0, 0, 0, chinaTime)
	clock := func() time.Time { return issued }

	// The whole roster, then --ids with an id not in the roster.
	out.Reset()
	if err := runPushCodes(ctx, nil, getenv, nil, &out, clock); err != nil {
		t.Fatal(err)
	}
	if codes := codeRE.FindAllString(out.String(), -1); len(codes) != 2 || !strings.Contains(out.String(), "二号公司") || !strings.Contains(out.String(), "2026-12-29 09:00") {
		t.Fatalf("push codes printed:\n%s", out.String())
	}
	ids := filepath.Join(dir, "ids.txt")
	os.WriteFile(ids, []byte("# 第一批\n91510100MA6XXXXXXX\n\nNOPE\n"), 0o600)
	out.Reset()
	err := runPushCodes(ctx, []string{"--ids", ids, "--days", "7"}, getenv, nil, &out, clock)
	if err == nil || !strings.Contains(err.Error(), "NOPE") {
		t.Errorf("unknown id: %v", err)
	}
	codes := codeRE.FindAllString(out.String(), -1)
	if len(codes) != 1 || !strings.Contains(out.String(), "2026-12-06 09:00") {
		t.Fatalf("push codes --ids printed:\n%s", out.String())
	}
	code := codes[0] // A's: the one printed before is void now

	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	store := asynqpush.NewStore(rdb)
	at := issued
	sub := pushSubscribeCommand(store, nil, func() time.Time { return at })
	unsub := pushUnsubscribeCommand(store)
	e2Code := func() string {
		c, _, err := store.IssueCodes(ctx, []string{"E2"}, issued, 0)
		if err != nil {
			t.Fatal(err)
		}
		return c[0].Code
	}
	for _, st := range []struct {
		name string
		at   time.Time
		chat int64
		cmd  func() (string, string) // name, args
		want string
	}{
		{"no code, not bound", issued, 5, func() (string, string) { return "subscribe", designProfile }, "需要工作人员发放的一次性绑定码"},
		{"not in the roster", issued, 5, func() (string, string) { return "subscribe", `{"id":"ELSE"}` }, "需要工作人员发放的一次性绑定码"},
		{"code for another enterprise", issued, 5, func() (string, string) { return "subscribe", code + " " + `{"id":"E2"}` }, "不是资料中这家企业"},
		{"bind with the code", issued, 5, func() (string, string) { return "subscribe", strings.ToLower(code) }, "已绑定并订阅：成都示例科技有限公司"},
		{"owner sends its profile", issued, 5, func() (string, string) { return "subscribe", designProfile }, "已订阅"},
		{"used code, second chat", issued, 6, func() (string, string) { return "subscribe", code }, "绑定码无效或已使用"},
		{"second chat without a code", issued, 6, func() (string, string) { return "subscribe", designProfile }, "需要工作人员发放的一次性绑定码"},
		{"unsubscribe", issued, 5, func() (string, string) { return "unsubscribe", "" }, "企业仍绑定本会话"},
		{"second chat after unsubscribe", issued, 6, func() (string, string) { return "subscribe", designProfile }, "需要工作人员发放的一次性绑定码"},
		{"owner subscribes again", issued, 5, func() (string, string) { return "subscribe", designProfile }, "已订阅"},
		{"expired code", issued.Add(31 * 24 * time.Hour), 6, func() (string, string) { return "subscribe", e2Code() }, "绑定码已过期"},
		{"profile then code", issued, 6, func() (string, string) { return "subscribe", `{"id":"E2","name":"二号"} ` + e2Code() }, "已订阅：二号"},
	} {
		at = st.at
		name, args := st.cmd()
		h := sub
		if name == "unsubscribe" {
			h = unsub
		}
		r, err := h(ctx, cmdFor(st.chat, name, args, false))
		if err != nil || !strings.Contains(r.Text, st.want) {
			t.Errorf("%s: %q, %v; want %q", st.name, r.Text, err, st.want)
		}
	}
	for id, want := range map[string]int64{designID: 5, "E2": 6} {
		r, err := store.Record(ctx, id)
		if err != nil || r.Owner != want || r.Profile.ChatID != want {
			t.Errorf("%s: %+v %v, want owned by and subscribed in %d", id, r, err, want)
		}
	}

	out.Reset()
	if err := runPush(ctx, []string{"codes", "--help"}, getenv, nil, &out, &out); err != nil || !strings.Contains(out.String(), "/subscribe CODE") {
		t.Errorf("--help: %v %s", err, out.String())
	}
}

func TestSplitSubscribeArgs(t *testing.T) {
	for _, tc := range []struct{ in, code, js string }{
		{"ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN", ""},
		{"abcd efgh jkmn", "abcd efgh jkmn", ""},
		{`ABCD-EFGH-JKMN {"id":"A"}`, "ABCD-EFGH-JKMN", `{"id":"A"}`},
		{`{"id":"A"}  ABCDEFGHJKMN`, "ABCDEFGHJKMN", `{"id":"A"}`},
		{`{"id":"A"}`, "", `{"id":"A"}`},
		{`{"id":"A"} trailing`, "", `{"id":"A"} trailing`},
		{"研发投入930万", "", "研发投入930万"},
	} {
		if code, js := splitSubscribeArgs(tc.in); code != tc.code || js != tc.js {
			t.Errorf("%q: %q, %q; want %q, %q", tc.in, code, js, tc.code, tc.js)
		}
	}
}
