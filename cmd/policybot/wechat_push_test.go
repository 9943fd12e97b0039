package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/util"

	"github.com/cdsme/policybot/bot/wechat"
	"github.com/cdsme/policybot/bot/wechat/wechattest"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

const (
	wxAppID  = "wx0123456789abcdef"
	wxSecret = "wxsecret"
	wxToken  = "cbtoken42"
)

var wxMsgID atomic.Int64

// wxSay posts text from openID as a signed plain-mode callback to the
// WeChat path under base, and returns the passive reply's text.
func wxSay(t *testing.T, base, openID, text string) string {
	t.Helper()
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "n"+strconv.FormatInt(wxMsgID.Add(1), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {util.Signature(wxToken, ts, nonce)}, "openid": {openID}}
	body := fmt.Sprintf(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%s</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		openID, ts, text, 1000+wxMsgID.Add(1))
	resp, err := http.Post(base+"/wechat?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m struct{ Content string }
	if resp.StatusCode != http.StatusOK || xml.Unmarshal(raw, &m) != nil {
		t.Fatalf("%q: %d %s", text, resp.StatusCode, raw)
	}
	return m.Content
}

// slashCommand finds a Telegram command in a WeChat reply.
var slashCommand = regexp.MustCompile(`/[a-z]{3,}`)

// wxProfile stores the design profile as enterprise id, subscribed to
// chat (0: none).
func wxProfile(t *testing.T, store *asynqpush.Store, id string, chat int64) push.Profile {
	t.Helper()
	p, err := push.ParseProfile(strings.NewReader(designProfile))
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.ChatID = id, chat
	if err := store.Save(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeWeChatBills: over WeChat, with serve on real Redis and the fake
// WeChat API: a binding code subscribes, 账单 shows the bill, 资料 edits
// step by step, 账单有误 records an objection, a scheduled bill reaches the
// user exactly once, 退订 keeps ownership (the owner subscribes again by
// the id, another user cannot), 删除我的记录 deletes the profile.
func TestServeWeChatBills(t *testing.T) {
	rdb := redistest.Real(t)
	api := wechattest.New(t, wxAppID, wxSecret)
	envs := wechatEnv(api.URL)
	envs["HTTP_ADDR"], envs["BOT_SECRET"], envs["REDIS_URL"] = "127.0.0.1:0", "k", redistest.URL(t)
	envs["QUIET_HOURS"] = awakeEnv(nil)("QUIET_HOURS")
	envs["WECHAT_TEMPLATE_BILL"] = "TPLBILL"
	ctx := context.Background()
	store := asynqpush.NewStore(rdb)
	const id = "91510100MA6XXXXXXX"
	wxProfile(t, store, id, 0)
	codes, _, err := store.IssueCodes(ctx, []string{id}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	base, stop := startServe(t, envs)
	defer stop()
	const me, other = "oOwner", "oOther"

	noSlash := func(what, r string) {
		t.Helper()
		if m := slashCommand.FindString(r); m != "" {
			t.Errorf("%s names the Telegram command %s:\n%s", what, m, r)
		}
	}
	r := wxSay(t, base, me, "订阅")
	if !strings.Contains(r, "订阅 绑定码") {
		t.Errorf("bare 订阅: %q", r)
	}
	noSlash("订阅", r)
	if r = wxSay(t, base, me, "订阅 "+codes[0].Code); !strings.Contains(r, "已绑定并订阅") {
		t.Fatalf("订阅 CODE: %q", r)
	}
	noSlash("订阅 CODE", r)
	chat, ok, err := asynqpush.NewRecipients(rdb).Lookup(ctx, wechat.Channel, me)
	if p, _ := store.Get(ctx, id); err != nil || !ok || p.ChatID != chat || !asynqpush.IsExternalChat(chat) {
		t.Fatalf("subscribed chat %d, the user's id %d %v %v", p.ChatID, chat, ok, err)
	}
	r = wxSay(t, base, me, "账单")
	if !strings.HasPrefix(r, "【红利账单】") {
		t.Errorf("账单: %q", r)
	}
	for _, m := range api.WaitSends(t, 2) { // a long bill: the passive reply and two more parts
		r += m.Content
	}
	if !strings.Contains(r, wechatFooter) {
		t.Errorf("账单 without the WeChat footer: %q", r)
	}
	noSlash("账单", r)

	// 资料: numbered fields, a number chooses, the value is saved.
	r = wxSay(t, base, me, "资料")
	if !strings.Contains(r, "1. ") || !strings.Contains(r, "请回复序号") {
		t.Errorf("资料: %q", r)
	}
	noSlash("资料", r)
	n := 0
	for i, f := range push.EditFields {
		if f.Key == "digital_investment_yuan" {
			n = i + 1
		}
	}
	if n == 0 {
		t.Fatal("no edit field digital_investment_yuan")
	}
	if r = wxSay(t, base, me, strconv.Itoa(n)); !strings.Contains(r, "修改“") {
		t.Errorf("choosing field %d: %q", n, r)
	}
	if r = wxSay(t, base, me, "300万"); !strings.Contains(r, "已保存") {
		t.Errorf("saving: %q", r)
	}
	noSlash("saving", r)
	if p, _ := store.Get(ctx, id); p.DigitalInvestmentYuan != 3_000_000 || p.ChatID != chat {
		t.Errorf("after 资料: digital investment %d, chat %d", p.DigitalInvestmentYuan, p.ChatID)
	}

	if r = wxSay(t, base, me, "账单有误：2025年研发投入应为600万"); !strings.Contains(r, "已记录") {
		t.Errorf("账单有误: %q", r)
	}
	noSlash("账单有误", r)
	if cs, _, err := newRedisCorrections(rdb).List(ctx, "", 10); err != nil || len(cs) != 1 || cs[0].Enterprise != id {
		t.Errorf("corrections %+v %v", cs, err)
	}
	// A question that starts with 订阅 is a question.
	if r = wxSay(t, base, other, "订阅 是什么意思"); strings.Contains(r, "绑定码") && strings.Contains(r, "未绑定") {
		t.Errorf("a question went to 订阅: %q", r)
	}

	// A scheduled bill reaches the user exactly once.
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	day := beijingDay(time.Now()).AddDate(0, 0, -1)
	if _, err := asynqpush.NewScheduler(store, client, asynqpush.ScheduleOptions{}).ScheduleBills(ctx, day); err != nil {
		t.Fatal(err)
	}
	waitLedger(t, rdb, asynqpush.StateSent, 1)
	time.Sleep(1500 * time.Millisecond)
	// The pushed bill's messages (a long one is in parts, the last with the
	// footer); other pushes (the re-bill of the 资料 edit above) may come
	// before or after it.
	var bills []string
	done := false
	for _, m := range api.Sent() {
		if m.ToUser != me || done || len(bills) == 0 && !strings.Contains(m.Content, "账单日期："+day.Format(time.DateOnly)) {
			continue
		}
		bills = append(bills, m.Content)
		done = strings.Contains(m.Content, wechatFooter)
	}
	for _, m := range api.Sent() {
		if m.ToUser == me && strings.Count(m.Content, "【红利账单】") > 0 && !slices.Contains(bills, m.Content) {
			t.Errorf("a second bill pushed: %.80q", m.Content)
		}
	}
	if len(bills) == 0 || strings.Count(strings.Join(bills, ""), "【红利账单】") != 1 || !strings.Contains(bills[len(bills)-1], wechatFooter) {
		t.Fatalf("pushed %q, want one bill to %s ending with the WeChat footer", bills, me)
	}
	noSlash("the pushed bill", strings.Join(bills, ""))
	if len(api.Templates()) != 0 {
		t.Errorf("templates sent inside the 48-hour window: %+v", api.Templates())
	}

	// 退订 keeps ownership.
	if r = wxSay(t, base, me, "退订"); !strings.Contains(r, "已退订") {
		t.Errorf("退订: %q", r)
	}
	noSlash("退订", r)
	if r = wxSay(t, base, other, "订阅 "+id); !strings.Contains(r, "绑定码") {
		t.Errorf("another user naming the id: %q", r)
	}
	if p, _ := store.Get(ctx, id); p.ChatID != 0 {
		t.Errorf("after 退订 and another's 订阅, subscribed to %d", p.ChatID)
	}
	if r = wxSay(t, base, me, "订阅 "+id); !strings.Contains(r, "已重新订阅") {
		t.Errorf("the owner subscribing again: %q", r)
	}
	if p, _ := store.Get(ctx, id); p.ChatID != chat {
		t.Errorf("after the owner's 订阅, subscribed to %d, want %d", p.ChatID, chat)
	}

	if r = wxSay(t, base, me, "删除我的记录"); !strings.Contains(r, "已删除") {
		t.Errorf("删除我的记录: %q", r)
	}
	if _, err := store.Get(ctx, id); err == nil {
		t.Error("the profile survived 删除我的记录")
	}
}

// waitLedger waits up to 15 s for n pushes in state.
func waitLedger(t *testing.T, rdb redis.UniversalClient, state asynqpush.State, n int) []asynqpush.Entry {
	t.Helper()
	l := asynqpush.NewLedger(rdb, asynqpush.LedgerOptions{})
	var es []asynqpush.Entry
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if es, _, err = l.List(context.Background(), asynqpush.Filter{State: state}, "", 100); err != nil {
			t.Fatal(err)
		}
		if len(es) >= n {
			return es
		}
	}
	t.Fatalf("ledger: %d pushes %s, want %d", len(es), state, n)
	return nil
}

// wechatPushRig runs the push workers on real Redis sending to WeChat
// users through the adapter and the fake API, with QUIET_HOURS quiet.
func wechatPushRig(t *testing.T, quiet string, tmpl wechatTemplate) (redis.UniversalClient, *wechattest.API, wechatChats) {
	t.Helper()
	rdb := redistest.Real(t)
	api := wechattest.New(t, wxAppID, wxSecret)
	a, err := wechat.New(wechat.Config{AppID: wxAppID, Secret: wxSecret, Token: wxToken, APIURL: api.URL}, nopConv{},
		wechat.WithLogger(slog.New(slog.DiscardHandler)), wechat.WithCache(redisTokenCache{rdb}))
	if err != nil {
		t.Fatal(err)
	}
	chats := wechatChats{asynqpush.NewRecipients(rdb)}
	s := wechatSender{a: a, chats: chats, tmpl: tmpl, corr: newCorrections(rdb, "k"), now: time.Now}
	stop, err := startPush(context.Background(), rdb, routeSender{wechat: s}, slog.New(slog.DiscardHandler),
		env(map[string]string{"QUIET_HOURS": quiet}), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return rdb, api, chats
}

// scheduleFor subscribes openID to enterprise id and schedules the bills
// of day (every subscribed enterprise's).
func scheduleFor(t *testing.T, rdb redis.UniversalClient, chats wechatChats, openID, id string, day time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	chat, err := chats.rec.ChatID(ctx, wechat.Channel, openID)
	if err != nil {
		t.Fatal(err)
	}
	store := asynqpush.NewStore(rdb)
	wxProfile(t, store, id, chat)
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	if _, err := asynqpush.NewScheduler(store, client, asynqpush.ScheduleOptions{}).ScheduleBills(ctx, day); err != nil {
		t.Fatal(err)
	}
	return chat
}

// TestWeChatPushErrors: a user who unfollowed the account ends the
// subscription without retries; an expired access token is fetched again
// once and the bill goes; outside the 48-hour window the template message
// carries the bill's enterprise, total and date.
func TestWeChatPushErrors(t *testing.T) {
	rdb, api, chats := wechatPushRig(t, awakeEnv(nil)("QUIET_HOURS"), wechatTemplate{id: "TPLBILL", enterprise: "thing1", total: "amount2", date: "time3", remark: "thing4"})
	ctx := context.Background()
	store := asynqpush.NewStore(rdb)
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	api.FailNext(wechattest.PathCustom, 43004)
	scheduleFor(t, rdb, chats, "oGone", "E-GONE", day)
	es := waitLedger(t, rdb, asynqpush.StateBlocked, 1)
	if es[0].Enterprise != "E-GONE" || es[0].Attempts != 1 {
		t.Errorf("blocked %+v", es[0])
	}
	if p, _ := store.Get(ctx, "E-GONE"); p.ChatID != 0 {
		t.Errorf("unfollowed user still subscribed (%d)", p.ChatID)
	}

	calls := api.TokenCalls()
	api.ExpireToken()
	scheduleFor(t, rdb, chats, "oToken", "E-TOKEN", day.AddDate(0, 0, 1))
	sent := api.WaitSends(t, 1)
	if sent[0].ToUser != "oToken" || !strings.HasPrefix(sent[0].Content, "【红利账单】") {
		t.Errorf("sent %+v", sent)
	}
	if n := api.TokenCalls() - calls; n != 1 {
		t.Errorf("%d token fetches after expiry, want 1", n)
	}
	waitLedger(t, rdb, asynqpush.StateSent, 1) // all its parts

	if _, err := store.Unsubscribe(ctx, sentChat(t, chats, "oToken")); err != nil {
		t.Fatal(err)
	}
	api.FailNext(wechattest.PathCustom, 45015)
	scheduleFor(t, rdb, chats, "oAway", "E-AWAY", day.AddDate(0, 0, 2))
	tpl := api.WaitTemplates(t, 1)[0]
	want := map[string]string{"thing1": "成都示例科技有限公司", "amount2": "251万", "time3": "2026-11-03", "thing4": "回复“账单”查看完整账单"}
	if tpl.ToUser != "oAway" || tpl.TemplateID != "TPLBILL" || fmt.Sprint(tpl.Data) != fmt.Sprint(want) || tpl.ClientMsgID == "" {
		t.Errorf("template %+v, want data %v", tpl, want)
	}
	waitLedger(t, rdb, asynqpush.StateSent, 2)
	for _, m := range api.Sent() {
		if m.ToUser == "oAway" {
			t.Errorf("a customer-service message outside the window: %+v", m)
		}
	}
}

func sentChat(t *testing.T, chats wechatChats, openID string) int64 {
	t.Helper()
	id, ok, err := chats.rec.Lookup(context.Background(), wechat.Channel, openID)
	if err != nil || !ok {
		t.Fatalf("no chat id for %s: %v", openID, err)
	}
	return id
}

// TestWeChatPushQuietHours: a bill that comes up inside quiet hours is
// deferred, not sent.
func TestWeChatPushQuietHours(t *testing.T) {
	c := time.Now().In(chinaTime)
	quiet := c.Add(-time.Hour).Format("15:04") + "-" + c.Add(time.Hour).Format("15:04")
	rdb, api, chats := wechatPushRig(t, quiet, wechatTemplate{})
	scheduleFor(t, rdb, chats, "oNight", "E-NIGHT", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	waitLedger(t, rdb, asynqpush.StateSkippedQuiet, 1)
	time.Sleep(500 * time.Millisecond)
	if s, tp := api.Sent(), api.Templates(); len(s)+len(tp) != 0 {
		t.Errorf("sent in quiet hours: %+v %+v", s, tp)
	}
}

func TestReadWeChatTemplate(t *testing.T) {
	for _, c := range []struct {
		env  string
		want wechatTemplate
		bad  bool
	}{
		{"", wechatTemplate{}, false},
		{"TPL_1-x", wechatTemplate{"TPL_1-x", "enterprise", "total", "date", "remark"}, false},
		{"TPL;total=amount2, remark=thing4", wechatTemplate{"TPL", "enterprise", "amount2", "date", "thing4"}, false},
		{"TPL;colour=red", wechatTemplate{}, true},
		{"TPL;total", wechatTemplate{}, true},
		{"a b", wechatTemplate{}, true},
	} {
		got, err := readWeChatTemplate(env(map[string]string{"WECHAT_TEMPLATE_BILL": c.env}))
		if c.bad {
			if !isUsage(err) {
				t.Errorf("%q: %v, want a usage error", c.env, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %+v %v, want %+v", c.env, got, err, c.want)
		}
	}
}

func TestWeChatWords(t *testing.T) {
	for _, s := range []string{subscribeHelp, needCodeText, staleProfileText, profileNoEnterpriseText, correctUsageText, correctKeptText,
		correctNoProfileText, push.WithChatFooter("x"), asynqpush.NoticeFooter, correctWhichText} {
		if m := slashCommand.FindString(wechatWords(s)); m != "" {
			t.Errorf("%s left in %q", m, wechatWords(s))
		}
	}
	if got := wechatWords("发送 /bill 立即查看，/unsubscribe 退订。"); got != "发送“账单”立即查看，回复“退订”退订。" {
		t.Errorf("got %q", got)
	}
}
