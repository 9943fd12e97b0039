package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// Bills on the web page. A web chat session binds an enterprise with a
// staff-issued code (订阅 绑定码, or /subscribe 绑定码), then sees its bill
// (账单) and edits its profile one field at a time (资料: the fields as the
// page's choice buttons, each value checked by push.ApplyEdit and saved
// with the store's versioned write), as Telegram and WeChat users do.
//
// The page has no push channel, so a web session owns the enterprise but
// is never its subscriber: right after the code is redeemed the
// subscription it moved here is ended (Store.Unsubscribe; the ownership
// stays), so the scheduler, re-bills, reminders and notices, which all go
// to subscribers only, never plan a push to a web session. webPushGuard
// refuses one anyway should it come up.
//
// The session's chat id comes from asynqpush.Recipients under the channel
// web.Channel, for a keyed hash of the session id (never the id itself,
// which is the cookie's bearer secret). The session is the page's signed
// cookie (bot/web): it lives a year, or until 清除记录 (/api/forget), the
// cookie is cleared, or BOT_SECRET changes (a random one: until the
// process restarts). A binding lasts as long: a reload keeps it, a new
// session needs a new code. What a session owns is Store.Owned, so an
// enterprise bound elsewhere since drops out.

// Web words: the WeChat words, and the Telegram commands too.
var webWords = map[string]string{
	"订阅": "订阅", "/subscribe": "订阅",
	"资料": "资料", "/profile": "资料",
	"账单": "账单", "/bill": "账单",
	"退订": "退订", "/unsubscribe": "退订",
}

// Replies of the web page's bill words.
const (
	webSubscribeHelp = "绑定企业：请向工作人员索取本企业的一次性绑定码（12位字母和数字），然后发送“订阅 绑定码”，例如“订阅 ABCD2345EFGH”。\n\n" +
		"绑定后可以发送：\n· 资料：查看和逐项修改企业资料\n· 账单：查看本企业的红利账单\n\n" + webNoPushText
	webNoPushText = "网页没有推送：每月红利账单不会发到本页，请随时发送“账单”查看。如需每月推送，请用新的绑定码在 Telegram 或微信公众号发送“订阅 绑定码”（企业的绑定随之转到那里）。"
	// webSessionText says how long a binding lasts on the page.
	webSessionText   = "本页的绑定在本浏览器会话内有效（刷新页面不受影响）；点“清除记录”或清除浏览器 Cookie 后，需要新的绑定码才能再修改。"
	webNotBoundText  = "本页还没有绑定企业。请向工作人员索取一次性绑定码，然后发送“订阅 绑定码”。"
	webUnsubOwned    = "本页本来就不推送账单，无需退订；企业仍绑定本页，可发送“资料”修改、“账单”查看。如需每月推送，请用新的绑定码在 Telegram 或微信公众号订阅。"
	webUnsubNone     = "本页没有绑定企业，也不推送账单，无需退订。"
	webBillFooter    = "发送“资料”修改企业资料。网页没有推送，账单请随时发送“账单”查看。"
	webCodeExpired   = "绑定码已过期，未绑定。请向工作人员索取新的绑定码。"
	webCodeInvalid   = "绑定码无效或已使用，未绑定。绑定码只能使用一次；请向工作人员索取新的绑定码。"
	webSubscribeJSON = "网页上不能直接提交企业资料。请先发送“订阅 绑定码”绑定企业，再发送“资料”逐项修改。"
)

// webReplacer rewords the chat commands' replies for the page: their
// Telegram commands as the words, the chat as 本页.
var webReplacer = strings.NewReplacer(append([]string{"本会话", "本页"}, commandWordPairs()...)...)

// webBills are the web page's bill words and its /profile flow.
type webBills struct {
	store  *asynqpush.Store
	rec    *asynqpush.Recipients
	edit   *profileEditor
	secret string
	getenv func(string) string
	now    func() time.Time
}

// newWebBills wires the page's bill words on rdb; sch (nil: none) is
// handed to the profile editor (which re-bills subscribers only, so never
// a web session). secret keys the sessions' hashes (BOT_SECRET).
func newWebBills(store *asynqpush.Store, rdb redis.UniversalClient, sch *asynqpush.Scheduler, secret string, getenv func(string) string, now func() time.Time) *webBills {
	w := &webBills{store: store, rec: asynqpush.NewRecipients(rdb), secret: secret, getenv: getenv, now: now}
	w.edit = newProfileEditor(store, rdb, sch, now)
	w.edit.chatOf, w.edit.owned = w.chatOf, w.owned
	return w
}

// user is the Recipients user of a web session: a keyed hash of its id.
func (w *webBills) user(session string) string {
	m := hmac.New(sha256.New, []byte(w.secret))
	m.Write([]byte("policybot web recipient v1\x00"))
	m.Write([]byte(session))
	return hex.EncodeToString(m.Sum(nil))
}

// chatOf is the chat id of a web message's session; ok is false for a
// session that never bound an enterprise (nothing is given), or a message
// of another channel.
func (w *webBills) chatOf(ctx context.Context, m bot.Message) (int64, bool, error) {
	if m.Channel != web.Channel || m.UserID == "" {
		return 0, false, nil
	}
	return w.rec.Lookup(ctx, web.Channel, w.user(m.UserID))
}

// owned lists the enterprises chat owns, sorted by id.
func (w *webBills) owned(ctx context.Context, chat int64) ([]push.Profile, error) {
	return ownedProfiles(w.store)(ctx, chat)
}

// webCommand reads a web message as a bill word: 订阅, 资料, 账单, 退订 (or
// /subscribe, /profile, /bill, /unsubscribe) alone, or 订阅 with a binding
// code or a profile and 资料 with an enterprise id after a space or a
// colon. Anything else ("订阅是什么意思", "资料 要准备哪些", "账单怎么算")
// is a question for the engine.
func webCommand(text string) (word, args string, ok bool) {
	t := strings.TrimSpace(text)
	if w, ok := webWords[strings.ToLower(strings.TrimRight(t, "。！!"))]; ok {
		return w, "", true
	}
	for cmd, w := range webWords {
		rest, found := strings.CutPrefix(t, cmd)
		r, _ := utf8.DecodeRuneInString(rest)
		if !found || !unicode.IsSpace(r) && r != '：' && r != ':' && r != '{' {
			continue
		}
		args = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(rest), "：:"))
		code, js := splitSubscribeArgs(args)
		switch {
		case w == "订阅" && (code != "" || strings.HasPrefix(js, "{") || strings.HasPrefix(cmd, "/")):
			return w, args, true
		case w == "资料" && enterpriseIDShape.MatchString(args):
			return w, args, true
		}
	}
	return "", "", false
}

// command runs a bill word for the session of m.
func (w *webBills) command(ctx context.Context, m bot.Message, word, args string) (bot.Reply, error) {
	if word == "订阅" {
		return w.subscribe(ctx, m, args)
	}
	chat, ok, err := w.chatOf(ctx, m)
	if err != nil {
		return bot.Reply{}, err
	}
	var ps []push.Profile
	if ok {
		if ps, err = w.owned(ctx, chat); err != nil {
			return bot.Reply{}, err
		}
	}
	switch {
	case word == "退订" && len(ps) == 0:
		return bot.Reply{Text: webUnsubNone}, nil
	case word == "退订":
		return bot.Reply{Text: webUnsubOwned}, nil
	case len(ps) == 0:
		return bot.Reply{Text: webNotBoundText}, nil
	case word == "资料":
		return w.edit.open(ctx, chat, args)
	}
	return w.bill(ps), nil
}

// subscribe binds the enterprise of a binding code to the session, which
// becomes its owner (the chat that owned it before loses it, as with any
// code) but not its subscriber: the page cannot receive pushes.
func (w *webBills) subscribe(ctx context.Context, m bot.Message, args string) (bot.Reply, error) {
	code, js := splitSubscribeArgs(args)
	switch {
	case args == "":
		return bot.Reply{Text: webSubscribeHelp}, nil
	case code == "" && !strings.HasPrefix(js, "{"):
		return bot.Reply{Text: webCodeInvalid}, nil
	case js != "":
		return bot.Reply{Text: webSubscribeJSON}, nil
	}
	chat, err := w.rec.ChatID(ctx, web.Channel, w.user(m.UserID))
	if err != nil {
		return bot.Reply{}, err
	}
	id, err := w.store.Redeem(ctx, code, chat, "", w.now())
	switch {
	case errors.Is(err, asynqpush.ErrCodeExpired):
		return bot.Reply{Text: webCodeExpired}, nil
	case errors.Is(err, asynqpush.ErrCodeInvalid), errors.Is(err, asynqpush.ErrCodeOtherEnterprise):
		return bot.Reply{Text: webCodeInvalid}, nil
	case err != nil:
		return bot.Reply{}, err
	}
	// Owner, not subscriber: nothing is ever planned for the page.
	if _, err := w.store.Unsubscribe(ctx, chat); err != nil {
		return bot.Reply{}, err
	}
	rec, err := w.store.Record(ctx, id)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Text: "已绑定：" + enterpriseName(rec.Profile) + "。发送“资料”查看和逐项修改企业资料，发送“账单”查看红利账单。\n\n" +
			webNoPushText + "如该企业此前在 Telegram 或微信订阅了推送，那里的推送已随绑定转到本页而停止。\n\n" + webSessionText,
		Choices: []string{"资料", "账单"},
	}, nil
}

// bill is the bills of ps today, as /bill shows them, with the page's
// footer instead of the chat commands.
func (w *webBills) bill(ps []push.Profile) bot.Reply {
	opts, _ := pushBillOptions(w.getenv) // checked at start-up
	day := beijingDay(w.now())
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = push.ComputeBill(p, day, opts...).Text()
	}
	return bot.Reply{Text: strings.Join(texts, "\n\n") + "\n\n" + webBillFooter, Choices: []string{"资料"}}
}

// webReply is a bill word's reply for the page: its commands as words,
// 取消 as a button while a /profile step waits for it, and answered (the
// page marks unanswered replies as what the documents do not say).
func webReply(r bot.Reply) bot.Reply {
	r.Text, r.Buttons, r.Answered = webReplacer.Replace(r.Text), nil, true
	if strings.Contains(r.Text, "发送“取消”") && !slices.Contains(r.Choices, "取消") {
		r.Choices = append(r.Choices, "取消")
	}
	return r
}

// webConversation is the conversation the web page answers with: the bill
// words (webCommand) and a pending 资料 step take a message first, the
// engine the rest. Forget also ends the session's pending step; the
// session ends with it (bot/web), and its bindings with the session (the
// enterprise's profile stays: it is the bureau's roster, owned by the
// ended session until staff issue a new code).
type webConversation struct {
	bot.Conversation
	bills *webBills
}

func (c webConversation) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) {
	if m.Channel != web.Channel {
		return c.Conversation.Handle(ctx, m)
	}
	if word, args, ok := webCommand(m.Text); ok {
		r, err := c.bills.command(ctx, m, word, args)
		return webReply(r), err
	}
	r, handled, err := c.bills.edit.message(ctx, m)
	if err != nil || handled {
		return webReply(r), err
	}
	return c.Conversation.Handle(ctx, m)
}

func (c webConversation) Forget(ctx context.Context, m bot.Message) error {
	errs := []error{c.Conversation.Forget(ctx, m)}
	chat, ok, err := c.bills.chatOf(ctx, m)
	if ok {
		err = c.bills.edit.drop(ctx, chat)
	}
	return errors.Join(append(errs, err)...)
}

// webPushGuard refuses pushes to web sessions, which have no channel:
// asynqpush.ErrBlocked (the worker records the push as blocked and ends
// the subscription; the ownership stays). Sessions are never subscribed
// (webBills.subscribe), so this is a guard, not a path. Other chats go to
// next.
type webPushGuard struct {
	next asynqpush.Sender
	rec  *asynqpush.Recipients
}

func (g webPushGuard) Send(ctx context.Context, chat int64, text string) error {
	if asynqpush.IsExternalChat(chat) {
		if channel, _, err := g.rec.User(ctx, chat); err == nil && channel == web.Channel {
			return fmt.Errorf("%w: chat %d is a web page session, which has no push channel", asynqpush.ErrBlocked, chat)
		}
	}
	return g.next.Send(ctx, chat, text)
}
