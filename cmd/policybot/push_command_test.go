package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

const designID = "91510100MA6XXXXXXX"

// chatSays runs one command handler and checks its reply is Chinese user
// wording: no code words but the ones allowed (the enterprise ids, and in
// /subscribe's help and errors the profile's keys and the sender's words).
func chatSays(t *testing.T, h telegram.CommandHandler, c telegram.Command, want string, allow ...string) bot.Reply {
	t.Helper()
	r, err := h(context.Background(), c)
	if err != nil {
		t.Fatalf("/%s %s: %v", c.Name, c.Args, err)
	}
	if !strings.Contains(r.Text, want) {
		t.Errorf("/%s %s: reply lacks %q:\n%s", c.Name, c.Args, want, r.Text)
	}
	if w := push.CodeWords(r.Text, append(allow, designID, "E2")...); len(w) > 0 {
		t.Errorf("/%s %s: code words %q in the reply:\n%s", c.Name, c.Args, w, r.Text)
	}
	for _, b := range r.Buttons {
		if w := push.CodeWords(b.Text, designID, "E2"); len(w) > 0 {
			t.Errorf("/%s: button %q shows code words %q", c.Name, b.Text, w)
		}
	}
	return r
}

func TestChatCommandsSayItInChinese(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	store, corr := asynqpush.NewStore(rdb), newCorrections(rdb, "k")
	now := func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, chinaTime) }
	getenv := func(string) string { return "" }
	sub, bill, unsub, del := pushSubscribeCommand(store, nil, now), pushBillCommand(store, corr, getenv, now), pushUnsubscribeCommand(store), pushForgetCommand(store)
	correct := pushCorrectCommand(store, corr, now)
	json := append(push.ProfileWords(), "JSON")

	// /subscribe: help, every kind of bad profile, success, another chat's enterprise.
	chatSays(t, sub, cmdFor(5, "subscribe", "", false), "用法", json...)
	for args, want := range map[string]string{
		`{"id": "X", "bogus": 1}`:                                         "“bogus”不是企业资料中的字段",
		`{"id":"X","rd_spend_yuan":{"20x6":5}}`:                           "研发投入（rd_spend_yuan）的年份“20x6”不是有效年份",
		`{"id":"X","tiers":[{"tier":"gold","kind":"new"}]}`:               "第1项认定的认定等级（tiers[0].tier）的“gold”不是可选的值",
		`{"id":"X","revenue_yuan":{"2025":"5"}}`:                          "营业收入（revenue_yuan）的类型不对",
		`{"id":"X",`:                                                      "资料不完整",
		`研发投入930万`:                                                        "资料格式有误",
		`{"id":"X","loans":[{"product":"zhuangda","principal_yuan":-1}]}`: "第1笔贷款的贷款金额（loans[0].principal_yuan）是负数",
	} {
		chatSays(t, sub, cmdFor(5, "subscribe", args, false), want, append(json, "X", "bogus", "20x6", "gold")...)
	}
	chatSays(t, sub, cmdFor(5, "subscribe", designProfile, false), "需要工作人员发放的一次性绑定码")
	bindChat(t, store, designProfile, 5)
	chatSays(t, sub, cmdFor(5, "subscribe", designProfile, false), "已订阅：成都示例科技有限公司（91510100MA6XXXXXXX）")
	chatSays(t, sub, cmdFor(6, "subscribe", designProfile, false), "需要工作人员发放的一次性绑定码")

	// /bill: not subscribed; subscribed (footer and a 反馈有误 button).
	chatSays(t, bill, cmdFor(6, "bill", "", false), "尚未订阅", json...)
	r := chatSays(t, bill, cmdFor(5, "bill", "", false), "依据您登记的资料：国家专精特新“小巨人”企业（2026-07-01新认定）")
	if !strings.HasSuffix(r.Text, push.ChatFooter) || len(r.Buttons) != 1 || r.Buttons[0].Text != "反馈有误" {
		t.Errorf("/bill: footer and button: %q %+v", r.Text[len(r.Text)-80:], r.Buttons)
	}

	// /correct: no text; a text (refers to the bill /bill showed); after
	// a pushed bill, to that one.
	chatSays(t, correct, cmdFor(6, "correct", "研发投入不对", false), "没有绑定企业")
	chatSays(t, correct, cmdFor(5, "correct", "", false), "用法：/correct")
	chatSays(t, correct, cmdFor(5, "correct", "2025年研发投入应为600万，联系我13812345678", false),
		"已记录您对成都示例科技有限公司（91510100MA6XXXXXXX）红利账单（2026-11-30）的异议：\n“2025年研发投入应为600万，联系我138****5678”")
	if err := corr.store.SeenBill(context.Background(), 5, designID, "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	chatSays(t, correct, cmdFor(5, "correct", designID+" 营收填错了", false), "红利账单（2026-12-01）的异议：\n“营收填错了”")
	// Two enterprises: the text names one, else the reply asks which.
	bindChat(t, store, `{"id":"E2","name":"二号公司"}`, 5)
	chatSays(t, sub, cmdFor(5, "subscribe", `{"id":"E2","name":"二号公司"}`, false), "已订阅")
	chatSays(t, correct, cmdFor(5, "correct", "金额不对", false), "本会话订阅了2家企业，请在说明前写上企业编号")
	chatSays(t, correct, cmdFor(5, "correct", "二号公司：金额不对", false), "已记录您对二号公司（E2）红利账单（2026-11-30）的异议：\n“金额不对”")
	r = chatSays(t, bill, cmdFor(5, "bill", "", false), "【红利账单】二号公司（E2）")
	if len(r.Buttons) != 2 || r.Buttons[1].Text != "反馈有误：二号公司（E2）" {
		t.Errorf("/bill of two enterprises: buttons %+v", r.Buttons)
	}
	cs, _, err := corr.store.List(context.Background(), "", 10)
	if err != nil || len(cs) != 3 || cs[0].Enterprise != "E2" || cs[2].Text != "2025年研发投入应为600万，联系我138****5678" || cs[2].Source != push.CorrectionCommand {
		t.Errorf("stored corrections: %+v %v", cs, err)
	}

	// A chat's /correct texts are bounded per day.
	for range maxCorrectionsPerDay - 3 {
		chatSays(t, correct, cmdFor(5, "correct", "二号公司 又错了", false), "已记录")
	}
	chatSays(t, correct, cmdFor(5, "correct", "二号公司 又错了", false), "达到每日上限，这一条没有记录")

	// /unsubscribe and /deleteprofile, done and with nothing to do.
	chatSays(t, unsub, cmdFor(5, "unsubscribe", "", false), "已退订（2 家企业）")
	chatSays(t, unsub, cmdFor(5, "unsubscribe", "", false), "本会话没有订阅")
	chatSays(t, sub, cmdFor(6, "subscribe", designProfile, false), "需要工作人员发放的一次性绑定码")
	bindChat(t, store, designProfile, 6)
	chatSays(t, del, cmdFor(6, "deleteprofile", "", false), "已删除本会话绑定的 1 家企业资料")
	chatSays(t, del, cmdFor(6, "deleteprofile", "", false), "没有可删除的企业资料")
	if _, err := store.Get(context.Background(), designID); !errors.Is(err, asynqpush.ErrNotFound) {
		t.Errorf("after /deleteprofile: %v", err)
	}
}

// innerConv stands for the engine behind the correction buttons.
type innerConv struct {
	bot.Conversation
	forgot []bot.Message
}

func (c *innerConv) Feedback(context.Context, bot.Feedback) (string, error) { return "inner", nil }
func (c *innerConv) Forget(_ context.Context, m bot.Message) error {
	c.forgot = append(c.forgot, m)
	return nil
}

func TestCorrectionButton(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	corr := newCorrections(rdb, "k")
	inner := &innerConv{}
	conv := correctingConversation{inner, corr}

	b, ok := corr.button(designID, "2026-12-01")
	if !ok || len(b.Data) > telegram.MaxCallbackData || b.Text != "反馈有误" {
		t.Fatalf("button = %+v, %v", b, ok)
	}
	if _, ok := corr.button(strings.Repeat("x", 40), "2026-12-01"); ok {
		t.Error("a button with data over 64 bytes")
	}
	tap := func(data string) (string, error) {
		return conv.Feedback(ctx, bot.Feedback{Channel: "telegram", UserID: "5", Data: data, Time: time.Now()})
	}
	for i, want := range []string{"已记录：您认为2026-12-01的账单有误（企业 91510100MA6XXXXXXX）", "已经记录过了"} {
		ack, err := tap(b.Data)
		if err != nil || !strings.Contains(ack, want) {
			t.Errorf("tap %d: %q, %v", i, ack, err)
		}
		if w := push.CodeWords(ack, designID); len(w) > 0 || len([]rune(ack)) > 200 {
			t.Errorf("tap %d: ack %q (code words %q, callback answers hold 200 characters)", i, ack, w)
		}
	}
	cs, _, _ := corr.store.List(ctx, "", 10)
	if len(cs) != 1 || cs[0].Enterprise != designID || cs[0].BillDate != "2026-12-01" || cs[0].Source != push.CorrectionButton {
		t.Errorf("stored: %+v", cs)
	}
	// Forged, tampered or another key's data names no bill.
	other, _ := newCorrections(rdb, "other").button(designID, "2026-12-01")
	for _, bad := range []string{strings.Replace(b.Data, "20261201", "20261101", 1), strings.Replace(b.Data, "MA6", "MA7", 1),
		other.Data, "cr:", "cr:20261201:x:", "cr:2026120:" + designID + ":abc"} {
		if _, err := tap(bad); !errors.Is(err, bot.ErrBadCallback) {
			t.Errorf("tap %q: %v, want ErrBadCallback", bad, err)
		}
	}
	if ack, _ := tap("fb:up:1:x"); ack != "inner" {
		t.Errorf("feedback data not passed on: %q", ack)
	}
	// /forget also forgets which bills the chat received.
	if err := corr.store.SeenBill(ctx, 5, designID, "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	if err := conv.Forget(ctx, bot.Message{Channel: "telegram", UserID: "5", ChatID: "5"}); err != nil || len(inner.forgot) != 1 {
		t.Fatalf("Forget: %v, inner called %d times", err, len(inner.forgot))
	}
	if d, _ := corr.store.LastBill(ctx, 5, designID); d != "" {
		t.Errorf("last bill kept after /forget: %q", d)
	}
}

// fakeTelegramAdapter is an adapter on a fake Bot API, with a miniredis
// for the conversation and options build makes (nil: none).
func fakeTelegramAdapter(t *testing.T, build func(redis.UniversalClient) (bot.Conversation, []telegram.Option)) (*redis.Client, *fakeTelegram, *telegram.Adapter) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	t.Cleanup(func() { rdb.Close() })
	tg := &fakeTelegram{sent: make(chan map[string]string, 4)}
	srv := httptest.NewServer(tg)
	t.Cleanup(srv.Close)
	var conv bot.Conversation = &innerConv{}
	o := []telegram.Option{telegram.WithServerURL(srv.URL)}
	if build != nil {
		c, opts := build(rdb)
		conv, o = c, append(o, opts...)
	}
	a, err := telegram.New("123:abc", conv, o...)
	if err != nil {
		t.Fatal(err)
	}
	return rdb, tg, a
}

// TestTelegramSenderBill: a pushed bill ends with the footer and carries
// the 反馈有误 button, and becomes the chat's last bill.
func TestTelegramSenderBill(t *testing.T) {
	rdb, tg, a := fakeTelegramAdapter(t, nil)
	corr := newCorrections(rdb, "k")
	p, err := push.ParseProfile(strings.NewReader(designProfile))
	if err != nil {
		t.Fatal(err)
	}
	text := push.ComputeBill(p, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)).Text()
	if err := (telegramSender{a, corr}).Send(context.Background(), 555, text); err != nil {
		t.Fatal(err)
	}
	got := <-tg.sent
	b, _ := corr.button(designID, "2026-12-01")
	if !strings.HasSuffix(got["text"], push.ChatFooter) || !strings.Contains(got["reply_markup"], b.Data) || !strings.Contains(got["reply_markup"], "反馈有误") {
		t.Errorf("sent text ends %q, markup %s", got["text"][len(got["text"])-60:], got["reply_markup"])
	}
	if d, _ := corr.store.LastBill(context.Background(), 555, designID); d != "2026-12-01" {
		t.Errorf("last bill = %q", d)
	}
	// A text that is no bill goes as it is.
	if err := (telegramSender{a, corr}).Send(context.Background(), 555, "提醒：复核材料"); err != nil {
		t.Fatal(err)
	}
	if got := <-tg.sent; got["text"] != "提醒：复核材料" || got["reply_markup"] != "" {
		t.Errorf("sent %q with markup %q", got["text"], got["reply_markup"])
	}
}

// TestStartListsEveryCommand: with the bill commands registered as serve
// registers them, /start names every command, one line each.
func TestStartListsEveryCommand(t *testing.T) {
	_, tg, a := fakeTelegramAdapter(t, func(rdb redis.UniversalClient) (bot.Conversation, []telegram.Option) {
		return &innerConv{}, pushCommandOptions(asynqpush.NewStore(rdb), newCorrections(rdb, "k"), func(string) string { return "" }, time.Now)
	})
	a.HandleUpdate(context.Background(), &models.Update{ID: 1, Message: &models.Message{ID: 1, Chat: models.Chat{ID: 5, Type: models.ChatTypePrivate},
		From: &models.User{ID: 5}, Text: "/start"}})
	text := (<-tg.sent)["text"]
	for _, c := range []string{"calc", "subscribe", "profile", "bill", "unsubscribe", "deleteprofile", "correct", "forget", "help"} {
		if !strings.Contains(text, "\n/"+c+" ") {
			t.Errorf("/start does not list /%s:\n%s", c, text)
		}
	}
	if !strings.Contains(text, "/profile 查看和逐项修改企业资料") {
		t.Errorf("/start does not describe /profile:\n%s", text)
	}
}

// TestCorrectionTapThroughTelegram: a tap on the button under a bill
// reaches the correction store through the adapter, as serve wires it.
func TestCorrectionTapThroughTelegram(t *testing.T) {
	rdb, tg, a := fakeTelegramAdapter(t, func(rdb redis.UniversalClient) (bot.Conversation, []telegram.Option) {
		return correctingConversation{&innerConv{}, newCorrections(rdb, "k")}, nil
	})
	corr := newCorrections(rdb, "k")
	b, _ := corr.button(designID, "2026-12-01")
	a.HandleUpdate(context.Background(), &models.Update{ID: 2, CallbackQuery: &models.CallbackQuery{ID: "q1", From: models.User{ID: 5}, Data: b.Data,
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 9, Chat: models.Chat{ID: 5, Type: models.ChatTypePrivate}}}}})
	cs, _, err := corr.store.List(context.Background(), "", 5)
	if err != nil || len(cs) != 1 || cs[0].Enterprise != designID || cs[0].BillDate != "2026-12-01" {
		t.Errorf("corrections after a tap: %+v %v", cs, err)
	}
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if !slices.Contains(tg.methods, "answerCallbackQuery") {
		t.Errorf("the tap was not answered: %v", tg.methods)
	}
}
