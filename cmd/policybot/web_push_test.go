package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/bot/wechat"
	"github.com/cdsme/policybot/internal/browsertest"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// webRig is the web chat as serve wires it (webConversation in front of
// a stand-in engine) on the real Redis, served on loopback, with one
// enterprise on the roster (subscribed to Telegram chat 5) and a binding
// code for it.
type webRig struct {
	rdb   *redis.Client
	store *asynqpush.Store
	bills *webBills
	base  string // the server's URL
	code  string
	day   time.Time
}

func newWebRig(t *testing.T) *webRig {
	t.Helper()
	rdb := redistest.Real(t)
	store := asynqpush.NewStore(rdb)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, chinaTime) }
	wxProfile(t, store, designID, 5)
	codes, _, err := store.IssueCodes(ctx, []string{designID}, now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "web-secret"
	bills := newWebBills(store, rdb, subscribeScheduler(store, awakeEnv(nil)), secret, awakeEnv(nil), now)
	srv := httptest.NewServer(web.New(webConversation{&passConv{}, bills},
		web.WithLogger(slog.New(slog.DiscardHandler)), web.WithSecret(secret)))
	t.Cleanup(srv.Close)
	return &webRig{rdb: rdb, store: store, bills: bills, base: srv.URL, code: codes[0].Code, day: now()}
}

// webSession is one browser: a cookie jar.
func (r *webRig) session(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(r.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return c
}

// ask posts text as the session c and returns the reply; it fails the
// test unless the answer contains want and, unless the engine answered,
// names no Telegram command and no code word.
func (r *webRig) ask(t *testing.T, c *http.Client, text, want string) web.AskResponse {
	t.Helper()
	b, _ := json.Marshal(web.AskRequest{Q: text})
	resp, err := c.Post(r.base+"/api/ask", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out web.AskResponse
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("%q: %d %s", text, resp.StatusCode, raw)
	}
	if !strings.Contains(out.Answer, want) {
		t.Fatalf("%q: answer %q, want %q", text, out.Answer, want)
	}
	if out.ExchangeID != "" { // the engine's answer, not a bill word's
		return out
	}
	if !out.Answered && out.Answer != "引擎回答" {
		t.Errorf("%q: a bill word's reply is marked unanswered", text)
	}
	if m := slashCommand.FindString(out.Answer); m != "" {
		t.Errorf("%q: the answer names the Telegram command %s: %q", text, m, out.Answer)
	}
	if w := push.CodeWords(out.Answer, designID, "LPR", "Cookie", "Telegram", "ABCD2345EFGH", "b"); len(w) > 0 {
		t.Errorf("%q: code words %q in %q", text, w, out.Answer)
	}
	return out
}

func (r *webRig) record(t *testing.T) asynqpush.Record {
	t.Helper()
	rec, err := r.store.Record(context.Background(), designID)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestWebProfile: on the web page, through the real handler and Redis: a
// binding code binds the enterprise to the session (owner, never a push
// subscriber, and the page says so), 资料 offers the fields as buttons, a
// bad value is explained and not saved, a good one is saved with the
// version bumped, 账单 shows the bill, a reload keeps the binding, another
// session cannot edit without a code, a concurrent edit is told and
// nothing is lost, and 清除记录 ends the binding with the session.
func TestWebProfile(t *testing.T) {
	r := newWebRig(t)
	ctx := context.Background()
	me, other := r.session(t), r.session(t)

	r.ask(t, me, "资料", "本页还没有绑定企业")
	r.ask(t, me, "账单", "订阅 绑定码")
	r.ask(t, me, "订阅", "一次性绑定码")
	r.ask(t, me, "订阅是什么意思", "引擎回答")
	r.ask(t, me, "资料 要准备哪些", "引擎回答")
	r.ask(t, me, "订阅 ABCD-EFGH-JKMN", "绑定码无效")
	v0 := r.record(t).Version

	out := r.ask(t, me, "订阅 "+r.code, "已绑定：成都示例科技有限公司")
	for _, want := range []string{"网页没有推送", "Telegram 或微信公众号", "清除记录"} {
		if !strings.Contains(out.Answer, want) {
			t.Errorf("binding reply lacks %q: %q", want, out.Answer)
		}
	}
	if !slices.Equal(out.Choices, []string{"资料", "账单"}) {
		t.Errorf("binding choices %q", out.Choices)
	}
	rec := r.record(t)
	if !asynqpush.IsExternalChat(rec.Owner) || rec.Profile.ChatID != 0 {
		t.Fatalf("after binding: owner %d, subscribed to %d; want an external owner, no subscription", rec.Owner, rec.Profile.ChatID)
	}
	if ch, _, err := asynqpush.NewRecipients(r.rdb).User(ctx, rec.Owner); err != nil || ch != web.Channel {
		t.Errorf("owner %d is a %q user (%v)", rec.Owner, ch, err)
	}
	// Nothing is ever planned for the page.
	client := asynq.NewClientFromRedisClient(r.rdb)
	defer client.Close()
	rep, err := asynqpush.NewScheduler(r.store, client, asynqpush.ScheduleOptions{}).ScheduleBills(ctx, r.day)
	if err != nil || rep.Subscribed != 0 || rep.Enqueued != 0 {
		t.Errorf("bills scheduled after a web binding: %+v %v", rep, err)
	}

	// 资料: the fields as buttons; a tap asks for the value.
	out = r.ask(t, me, "资料", "各年研发投入：2025年 500万；2026年 930万")
	if len(out.Choices) != len(push.EditFields)+1 || out.Choices[2] != "修改：各年研发投入" || out.Choices[len(out.Choices)-1] != "取消" {
		t.Fatalf("资料 choices %q", out.Choices)
	}
	r.ask(t, me, out.Choices[2], "例如：2026 930万")
	// A bad value: a Chinese reason naming the field, the user's text
	// given back as text, nothing saved.
	out = r.ask(t, me, "2026 <b>很多</b>", "“各年研发投入”填写有误")
	if !strings.Contains(out.Answer, "<b>很多</b>") {
		t.Errorf("the bad value is not given back as typed: %q", out.Answer)
	}
	r.ask(t, me, "2027 100万", "今年（2026年）")
	if got := r.record(t); got.Version != rec.Version || got.Profile.RDSpendYuan["2026"] != 9_300_000 {
		t.Fatalf("a bad value was saved: version %d (was %d), %v", got.Version, rec.Version, got.Profile.RDSpendYuan)
	}
	// A good one: saved, version bumped, still not subscribed.
	r.ask(t, me, "2026 1150万", "已保存“各年研发投入”")
	got := r.record(t)
	if got.Version != rec.Version+1 || got.Profile.RDSpendYuan["2026"] != 11_500_000 || got.Profile.ChatID != 0 || got.Owner != rec.Owner {
		t.Errorf("after the save: version %d (was %d), rd %v, chat %d, owner %d", got.Version, rec.Version, got.Profile.RDSpendYuan, got.Profile.ChatID, got.Owner)
	}
	if v0 >= rec.Version {
		t.Errorf("binding did not count a version: %d → %d", v0, rec.Version)
	}
	r.ask(t, me, "2026 1200万", "引擎回答") // the step is over

	// 账单 shows the bill with the saved figure, and the page's footer.
	out = r.ask(t, me, "账单", "【红利账单】成都示例科技有限公司")
	if !strings.Contains(out.Answer, webBillFooter) || strings.Contains(out.Answer, push.ChatFooter) {
		t.Errorf("账单 footer: %q", out.Answer)
	}
	if !strings.Contains(out.Answer, "1150万") {
		t.Errorf("账单 does not use the saved figure: %q", out.Answer)
	}
	r.ask(t, me, "/bill", "【红利账单】")

	// A reload (the same cookie, a new page) keeps the binding.
	if resp, err := me.Get(r.base + "/"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	r.ask(t, me, "/profile", "请点按下方按钮")
	r.ask(t, me, "取消", "已取消")

	// Another session: no binding, no edits, and the used code is spent.
	r.ask(t, other, "资料", "本页还没有绑定企业")
	r.ask(t, other, "修改：数字化投资", "引擎回答")
	r.ask(t, other, "300万", "引擎回答")
	r.ask(t, other, "订阅 "+r.code, "绑定码无效或已使用")
	r.ask(t, other, "退订", "无需退订")
	if after := r.record(t); after.Version != got.Version || after.Owner != got.Owner {
		t.Errorf("another session changed the profile: version %d, owner %d", after.Version, after.Owner)
	}

	// A concurrent edit: told, shown the fresh profile, nothing lost.
	r.ask(t, me, "资料", "请点按下方按钮")
	r.ask(t, me, "修改：数字化投资", "例如：120万")
	renamed := got.Profile
	renamed.Name = "改名公司"
	if _, err := r.store.SaveIf(ctx, renamed, got.Version); err != nil {
		t.Fatal(err)
	}
	r.ask(t, me, "120万", "资料刚被其他操作更新")
	if p, _ := r.store.Get(ctx, designID); p.Name != "改名公司" || p.DigitalInvestmentYuan != 2_600_000 {
		t.Errorf("after a stale edit: name %q, digital %d", p.Name, p.DigitalInvestmentYuan)
	}
	r.ask(t, me, "数字化投资", "例如：120万")
	r.ask(t, me, "120万", "已保存“数字化投资”")
	if p, _ := r.store.Get(ctx, designID); p.Name != "改名公司" || p.DigitalInvestmentYuan != 1_200_000 {
		t.Errorf("after the second try: name %q, digital %d", p.Name, p.DigitalInvestmentYuan)
	}

	r.ask(t, me, "退订", "本页本来就不推送账单")

	// A new code used on Telegram moves the enterprise away from the page.
	again, _, err := r.store.IssueCodes(ctx, []string{designID}, r.day, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.Redeem(ctx, again[0].Code, 9, "", r.day); err != nil {
		t.Fatal(err)
	}
	r.ask(t, me, "资料", "本页还没有绑定企业")
	r.ask(t, me, "订阅 "+r.code, "绑定码无效或已使用")
	r.ask(t, me, "账单", "本页还没有绑定企业")
	if p, _ := r.store.Get(ctx, designID); p.ChatID != 9 {
		t.Errorf("after the Telegram code: subscribed to %d, want 9", p.ChatID)
	}

	// 清除记录 ends the session, and the binding with it.
	third, _, err := r.store.IssueCodes(ctx, []string{designID}, r.day, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.ask(t, me, "订阅 "+third[0].Code, "已绑定")
	resp, err := me.Post(r.base+"/api/forget", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.ask(t, me, "资料", "本页还没有绑定企业")
	if _, err := r.store.Get(ctx, designID); err != nil {
		t.Errorf("清除记录 deleted the roster's profile: %v", err)
	}
}

// TestWebCommand: which web messages are bill words.
func TestWebCommand(t *testing.T) {
	for _, c := range []struct {
		text, word, args string
	}{
		{"资料", "资料", ""}, {" 账单。", "账单", ""}, {"/BILL", "账单", ""}, {"退订", "退订", ""}, {"订阅", "订阅", ""},
		{"订阅 ABCD-2345-EFGH", "订阅", "ABCD-2345-EFGH"}, {"订阅：abcd2345efgh", "订阅", "abcd2345efgh"},
		{"/subscribe whatever", "订阅", "whatever"}, {`订阅 {"id":"x"}`, "订阅", `{"id":"x"}`},
		{"资料 91510100MA6XXXXXXX", "资料", "91510100MA6XXXXXXX"}, {"/profile 91510100MA6XXXXXXX", "资料", "91510100MA6XXXXXXX"},
		{"订阅 是什么意思", "", ""}, {"订阅是什么意思", "", ""}, {"资料 要准备哪些", "", ""}, {"账单怎么算", "", ""},
		{"账单 怎么算", "", ""}, {"退订以后还能订阅吗", "", ""},
	} {
		word, args, ok := webCommand(c.text)
		if word != c.word || args != c.args || ok != (c.word != "") {
			t.Errorf("webCommand(%q) = %q, %q, %v; want %q, %q", c.text, word, args, ok, c.word, c.args)
		}
	}
}

// sendRecorder is a push sender that records the chats it is asked to
// send to.
type sendRecorder struct{ chats []int64 }

func (s *sendRecorder) Send(_ context.Context, chat int64, _ string) error {
	s.chats = append(s.chats, chat)
	return nil
}

// TestWebPushGuard: a push to a web session is refused as blocked (the
// worker then records it so and ends the subscription); WeChat and
// Telegram chats go through.
func TestWebPushGuard(t *testing.T) {
	rdb := redistest.Real(t)
	ctx := context.Background()
	rec := asynqpush.NewRecipients(rdb)
	webChat, err := rec.ChatID(ctx, web.Channel, "session-hash")
	if err != nil {
		t.Fatal(err)
	}
	wxChat, err := rec.ChatID(ctx, wechat.Channel, "oOpenID")
	if err != nil {
		t.Fatal(err)
	}
	next := &sendRecorder{}
	g := webPushGuard{next: next, rec: rec}
	if err := g.Send(ctx, webChat, "【红利账单】"); !errors.Is(err, asynqpush.ErrBlocked) {
		t.Errorf("a push to a web session: %v, want ErrBlocked", err)
	}
	for _, chat := range []int64{wxChat, 42} {
		if err := g.Send(ctx, chat, "x"); err != nil {
			t.Errorf("chat %d: %v", chat, err)
		}
	}
	if !slices.Equal(next.chats, []int64{wxChat, 42}) {
		t.Errorf("sent to %v, want the WeChat and the Telegram chat only", next.chats)
	}
}

// TestWebProfileBrowser drives the real page in headless Chromium: bind
// with a code, tap 资料 and then a field's button, a bad value (an HTML
// payload) shows as text and is not saved, a good one is saved, and after
// a reload the page still edits the enterprise.
func TestWebProfileBrowser(t *testing.T) {
	bctx := browsertest.Start(t, 90*time.Second)
	r := newWebRig(t)
	dialogs := browsertest.RecordDialogs(bctx)
	answers := 0
	// say sends text as typed and returns the new answer.
	say := func(text string) string {
		t.Helper()
		answers++
		if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.ID("q"), text), chromedp.Click(chromedp.ID("send"))); err != nil {
			t.Fatalf("typing %q: %v", text, err)
		}
		return r.waitAnswer(t, bctx, answers)
	}
	// tap clicks the last choice button labelled label and returns the new
	// answer.
	tap := func(label string) string {
		t.Helper()
		answers++
		js, _ := json.Marshal(label)
		ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => {
			const bs = Array.from(document.querySelectorAll('.msg.bot .choices button')).filter(b => b.textContent === `+string(js)+`);
			if (!bs.length) return false;
			bs[bs.length - 1].click();
			return true;
		})()`))
		if err != nil || !ok {
			t.Fatalf("no button %q (%v)", label, err)
		}
		return r.waitAnswer(t, bctx, answers)
	}

	if err := chromedp.Do(bctx, chromedp.Navigate(r.base+"/"), chromedp.WaitVisible(chromedp.ID("q"))); err != nil {
		t.Fatalf("browser: %v", err)
	}
	if a := say("订阅 " + r.code); !strings.Contains(a, "已绑定") || !strings.Contains(a, "网页没有推送") {
		t.Fatalf("binding: %q", a)
	}
	if a := tap("资料"); !strings.Contains(a, "请点按下方按钮") {
		t.Fatalf("资料: %q", a)
	}
	if a := tap("修改：数字化投资"); !strings.Contains(a, "例如：120万") {
		t.Fatalf("the field's button: %q", a)
	}
	v := r.record(t).Version
	const payload = `<img src=x onerror=alert(1)>万`
	if a := say(payload); !strings.Contains(a, "“数字化投资”填写有误") || !strings.Contains(a, payload) {
		t.Errorf("a bad value: %q", a)
	}
	if n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#log img').length`)); err != nil || n != 0 {
		t.Errorf("the payload became %d img elements (%v)", n, err)
	}
	if a := say("300万"); !strings.Contains(a, "已保存“数字化投资”") {
		t.Errorf("a good value: %q", a)
	}
	if rec := r.record(t); rec.Version != v+1 || rec.Profile.DigitalInvestmentYuan != 3_000_000 {
		t.Errorf("saved: version %d (was %d), digital %d", rec.Version, v, rec.Profile.DigitalInvestmentYuan)
	}

	// A reload: the page starts empty, the session and its binding stay.
	answers = 0
	if err := chromedp.Do(bctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("q"))); err != nil {
		t.Fatalf("reload: %v", err)
	}
	if a := say("资料"); !strings.Contains(a, "数字化投资：300万") {
		t.Errorf("资料 after a reload: %q", a)
	}
	if a := tap("取消"); !strings.Contains(a, "已取消") {
		t.Errorf("取消: %q", a)
	}
	if d := dialogs(); len(d) != 0 {
		t.Errorf("a dialog opened (script ran): %q", d)
	}
}

// waitAnswer waits for the page's nth answer and returns its text.
func (r *webRig) waitAnswer(t *testing.T, bctx context.Context, n int) string {
	t.Helper()
	a, err := chromedp.Run(bctx, chromedp.Poll[string](fmt.Sprintf(
		`(() => { const a = document.querySelectorAll('.msg.bot .bubble.answer'); return a.length >= %d ? a[%d].textContent : null; })()`, n, n-1),
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("answer %d: %v", n, err)
	}
	return a
}

// TestServeWebBills: serve wires the bill words into the web chat in front
// of the real engine, which still answers questions.
func TestServeWebBills(t *testing.T) {
	rdb := redistest.Real(t)
	store := asynqpush.NewStore(rdb)
	wxProfile(t, store, designID, 0)
	codes, _, err := store.IssueCodes(context.Background(), []string{designID}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	base, stop := startServe(t, map[string]string{"HTTP_ADDR": "127.0.0.1:0", "BOT_SECRET": "k", "REDIS_URL": redistest.URL(t)})
	defer stop()
	r := &webRig{rdb: rdb, store: store, base: base}
	me := r.session(t)
	r.ask(t, me, "订阅 "+codes[0].Code, "已绑定")
	r.ask(t, me, "资料", "请点按下方按钮")
	r.ask(t, me, "取消", "已取消")
	r.ask(t, me, "研发投入比去年多了650万，能拿多少", "60万")
	if rec := r.record(t); !asynqpush.IsExternalChat(rec.Owner) || rec.Profile.ChatID != 0 {
		t.Errorf("owner %d, subscribed to %d", rec.Owner, rec.Profile.ChatID)
	}
}
