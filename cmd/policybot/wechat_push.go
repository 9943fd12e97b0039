package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/wechat"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// Bills over WeChat. A WeChat user gets a chat id from
// asynqpush.Recipients (2^60 and up) the first time it uses a bill word,
// so the store, binding codes, per-chat pacing, the ledger and the
// corrections key it like a Telegram chat. The bill words (订阅 绑定码,
// 账单, 资料, 退订, 账单有误, 删除企业资料, 删除我的记录) run the same commands
// as Telegram's (chatCommand), their replies reworded for WeChat
// (wechatWords); pushes to an id of that range go out through WeChat
// (routeSender, wechatSender).

// wechatFooter ends a bill sent over WeChat (push.ChatFooter there).
const wechatFooter = "回复“资料”修改资料 · “退订”退订 · “账单有误：…”反馈账单有误"

// wechatSubscribeHelp answers a bare 订阅.
const wechatSubscribeHelp = "订阅红利账单：请向工作人员索取本企业的一次性绑定码（12位字母和数字），然后发送“订阅 绑定码”，例如“订阅 ABCD2345EFGH”，企业即绑定到您的微信并订阅。\n\n" +
	"订阅后每月1日09:00推送红利账单（夜间不推送）。之后可以发送：\n· 账单：立即查看\n· 资料：查看和逐项修改企业资料\n· 退订：不再推送（企业资料保留，发送“订阅 企业编号”可重新订阅）\n· 账单有误：反馈账单有误\n· 删除企业资料：删除企业资料"

// wechatBillWrongHelp answers a bare 账单有误.
const wechatBillWrongHelp = "请在“账单有误”后写明哪里不对，例如：\n账单有误：2025年研发投入应为600万，不是500万\n记录会保存给工作人员核对，账单和资料不会因此自动修改。"

// wechatWordsReplacer turns the Telegram commands named in the chat
// commands' replies into WeChat's words. Longer phrases come first: at one
// position the first matching pair wins.
var wechatWordsReplacer = func() *strings.Replacer {
	pairs := []string{
		subscribeHelp, wechatSubscribeHelp,
		push.ChatFooter, wechatFooter,
		asynqpush.NoticeFooter, "回复“退订”退订",
		"可以重新发送 /subscribe 附上正确的完整资料", "可以发送“资料”逐项修改",
		"可发送 /subscribe 附上完整的新资料", "可发送“资料”逐项修改",
		"也可以点账单下方的“反馈有误”按钮。", "",
		"/correct ", "账单有误：",
		"本会话", "您的微信",
	}
	return strings.NewReplacer(append(pairs, commandWordPairs()...)...)
}()

// commandWordPairs are strings.Replacer pairs that turn the Telegram
// commands a chat command's reply names into the words typed instead
// (“订阅 绑定码”, “账单” …), spaces around a command included; WeChat and
// the web page share them.
func commandWordPairs() []string {
	words := []struct{ cmd, word string }{
		{"/subscribe 绑定码", "订阅 绑定码"}, {"/subscribe 企业编号", "订阅 企业编号"}, {"/profile 企业编号", "资料 企业编号"},
		{"/subscribe", "订阅"}, {"/unsubscribe", "退订"}, {"/deleteprofile", "删除企业资料"}, {"/profile", "资料"},
		{"/bill", "账单"}, {"/correct", "账单有误"}, {"/forget", "删除我的记录"},
	}
	var pairs []string
	for _, w := range words {
		q := "“" + w.word + "”"
		pairs = append(pairs, " "+w.cmd+" ", q, " "+w.cmd, q, w.cmd+" ", q, w.cmd, q)
	}
	return pairs
}

// wechatWords is a chat command's reply text for WeChat: its Telegram
// commands as WeChat's words, and no buttons to point at.
func wechatWords(text string) string { return wechatWordsReplacer.Replace(text) }

// wechatChats gives WeChat users their chat ids.
type wechatChats struct{ rec *asynqpush.Recipients }

// chat is the chat id of the sender of a WeChat command, given now if it
// has none.
func (w wechatChats) chat(ctx context.Context, m bot.Message) (int64, error) {
	return w.rec.ChatID(ctx, wechat.Channel, m.UserID)
}

// chatOf is the chat id of a WeChat message; ok is false for a user that
// never used a bill word (nothing is given).
func (w wechatChats) chatOf(ctx context.Context, m bot.Message) (int64, bool, error) {
	if m.Channel != wechat.Channel || m.UserID == "" {
		return 0, false, nil
	}
	return w.rec.Lookup(ctx, wechat.Channel, m.UserID)
}

// enterpriseIDShape is what an enterprise id typed after 订阅 looks like
// (a 统一社会信用代码, or a roster's own ids): anything else after 订阅 is a
// question for the engine.
var enterpriseIDShape = regexp.MustCompile(`^[0-9A-Za-z_.-]{2,64}$`)

// wechatCommandOptions registers the bill words on the WeChat adapter:
// the chat commands of Telegram on the sender's chat id. conv is the
// conversation the adapter answers with (wechatConversation): 删除我的记录
// forgets through it.
func wechatCommandOptions(store *asynqpush.Store, corr *corrections, chats wechatChats, edit *profileEditor, conv bot.Conversation, getenv func(string) string, now func() time.Time) []wechat.Option {
	on := func(word string, f chatCommand) wechat.Option {
		return wechat.WithCommand(word, func(ctx context.Context, c wechat.Command) (bot.Reply, error) {
			chat, err := chats.chat(ctx, c.Message)
			if err != nil {
				return bot.Reply{}, err
			}
			r, err := f(ctx, chat, c.Args)
			r.Text, r.Buttons = wechatWords(r.Text), nil
			return r, err
		})
	}
	subscribe := subscribeCommand(store, subscribeScheduler(store, getenv), now)
	correct := correctCommand(store, corr, now)
	return []wechat.Option{
		on(wechat.WordSubscribe, func(ctx context.Context, chat int64, args string) (bot.Reply, error) {
			code, js := splitSubscribeArgs(args)
			if args != "" && code == "" && !strings.HasPrefix(js, "{") && !enterpriseIDShape.MatchString(js) {
				return bot.Reply{}, wechat.ErrNotCommand
			}
			return subscribe(ctx, chat, args)
		}),
		on(wechat.WordBill, billCommand(store, corr, getenv, now)),
		on(wechat.WordProfile, edit.open),
		on(wechat.WordUnsubscribe, unsubscribeCommand(store)),
		on(wechat.WordDeleteProfile, deleteProfileCommand(store)),
		on(wechat.WordBillWrong, func(ctx context.Context, chat int64, args string) (bot.Reply, error) {
			if strings.TrimSpace(args) == "" {
				return bot.Reply{Text: wechatBillWrongHelp}, nil
			}
			return correct(ctx, chat, args)
		}),
		wechat.WithCommand(wechat.WordForget, func(ctx context.Context, c wechat.Command) (bot.Reply, error) {
			if err := conv.Forget(ctx, c.Message); err != nil {
				return bot.Reply{}, err
			}
			return bot.Reply{Text: wechatForgetText}, nil
		}),
	}
}

// wechatForgetText answers 删除我的记录.
const wechatForgetText = "已删除：您在本公众号的对话记录（提问和回答）、对话上下文，以及用您的微信订阅的企业资料和推送记录。之后的提问将重新开始；如需再订阅账单，请向工作人员索取新的绑定码。"

// wechatConversation is the conversation the WeChat adapter answers with:
// a pending 资料 step takes the user's next message (its replies reworded
// for WeChat), and Forget also deletes what the bills keep of the user
// (the enterprise profiles subscribed from it, its push ledger entries,
// the record of its last bills, a pending 资料 step). The user's chat id
// itself is kept: it is what made the user an enterprise's owner, and
// means nothing without the profiles.
type wechatConversation struct {
	bot.Conversation
	store *asynqpush.Store
	corr  *corrections
	edit  *profileEditor
}

func (w wechatConversation) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) {
	r, handled, err := w.edit.message(ctx, m)
	if err != nil || handled {
		r.Text, r.Buttons = wechatWords(r.Text), nil
		return r, err
	}
	return w.Conversation.Handle(ctx, m)
}

func (w wechatConversation) Forget(ctx context.Context, m bot.Message) error {
	errs := []error{w.Conversation.Forget(ctx, m)}
	chat, ok, err := w.edit.chatOf(ctx, m)
	if err != nil || !ok {
		return errors.Join(append(errs, err)...)
	}
	_, err = deleteChatProfiles(ctx, w.store, chat)
	return errors.Join(append(errs, err, w.corr.store.ForgetChat(ctx, chat), w.edit.drop(ctx, chat))...)
}

// wechatPusher is what wechatSender needs of the adapter.
type wechatPusher interface {
	Send(ctx context.Context, openID, text string) error
	SendTemplate(ctx context.Context, openID string, m wechat.TemplateMessage) error
}

// wechatSender delivers pushes to WeChat users (chat ids of
// asynqpush.Recipients): the whole text as a customer-service message (a
// bill with wechatFooter); when WeChat refuses that because the user has
// not written in 48 hours (or got too many messages without replying) and
// a template is configured (WECHAT_TEMPLATE_BILL), a template message
// instead: for a bill its enterprise, total, date and "回复“账单”查看完整
// 账单"; for another push (a reminder, a bill's change, a notice, staff's
// reply to a correction) its first line. Errors for the worker: the user
// unfollowed or refuses the account → asynqpush.ErrBlocked (the
// subscription ends, no retry); WeChat busy → *asynqpush.RetryAfterError
// of wechatBusyPause, the daily quota used up → of wechatQuotaPause (both
// pause every replica's sends, Telegram's too); an invalid or expired
// access token has been fetched again once by the adapter; anything else
// is retried by asynq.
type wechatSender struct {
	a     wechatPusher
	chats wechatChats
	tmpl  wechatTemplate // zero: customer-service messages only
	corr  *corrections   // nil: bills are not recorded for 账单有误
	now   func() time.Time
}

// Pauses of the push workers on WeChat's refusals.
const (
	wechatBusyPause  = 5 * time.Second
	wechatQuotaPause = 10 * time.Minute
)

func (s wechatSender) Send(ctx context.Context, chat int64, text string) error {
	channel, openID, err := s.chats.rec.User(ctx, chat)
	switch {
	case errors.Is(err, asynqpush.ErrUnknownRecipient):
		return fmt.Errorf("%w: %w", asynqpush.ErrBlocked, err) // nobody to send to
	case err != nil:
		return err
	case channel != wechat.Channel:
		return fmt.Errorf("wechat push: chat %d is a %s user", chat, channel)
	}
	enterprise, date, isBill := push.ParseBillRef(text)
	body := text
	if isBill {
		body = push.WithChatFooter(text)
	}
	err = s.a.Send(ctx, openID, wechatWords(body))
	if errors.Is(err, wechat.ErrOutsideWindow) && s.tmpl.id != "" {
		err = s.a.SendTemplate(ctx, openID, s.tmpl.message(openID, text, s.now()))
	}
	if err != nil {
		return mapWeChatError(err)
	}
	if isBill && s.corr != nil {
		// The bill went out: failing now would send it again.
		_ = s.corr.store.SeenBill(context.WithoutCancel(ctx), chat, enterprise, date)
	}
	return nil
}

func mapWeChatError(err error) error {
	switch {
	case errors.Is(err, wechat.ErrUserGone):
		return fmt.Errorf("%w: %w", asynqpush.ErrBlocked, err)
	case errors.Is(err, wechat.ErrBusy):
		return &asynqpush.RetryAfterError{After: wechatBusyPause, Err: err}
	case errors.Is(err, wechat.ErrQuota):
		return &asynqpush.RetryAfterError{After: wechatQuotaPause, Err: err}
	}
	return err
}

// wechatTemplate is WECHAT_TEMPLATE_BILL: a template id and the template's
// names for the four values a push fills in.
type wechatTemplate struct {
	id                              string
	enterprise, total, date, remark string // the template's field names
}

// wechatTemplateFields are the values a template message carries, by
// their default field names.
var wechatTemplateFields = []string{"enterprise", "total", "date", "remark"}

// templateValueRunes bounds each value: WeChat's 'thing' fields take 20
// characters.
const templateValueRunes = 20

// readWeChatTemplate reads WECHAT_TEMPLATE_BILL: "TEMPLATE_ID", or
// "TEMPLATE_ID;enterprise=thing1,total=amount2,date=time3,remark=thing4"
// when the template names its fields otherwise. Unset: no template. A
// malformed value is a usageError.
func readWeChatTemplate(getenv func(string) string) (wechatTemplate, error) {
	raw := strings.TrimSpace(getenv("WECHAT_TEMPLATE_BILL"))
	if raw == "" {
		return wechatTemplate{}, nil
	}
	id, fields, _ := strings.Cut(raw, ";")
	t := wechatTemplate{id: strings.TrimSpace(id), enterprise: "enterprise", total: "total", date: "date", remark: "remark"}
	if !templateName.MatchString(t.id) {
		return t, usagef("WECHAT_TEMPLATE_BILL=%q: want the template id (模板ID), optionally followed by ;enterprise=…,total=…,date=…,remark=…", raw)
	}
	name := map[string]*string{"enterprise": &t.enterprise, "total": &t.total, "date": &t.date, "remark": &t.remark}
	for _, kv := range strings.Split(fields, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		p, known := name[strings.TrimSpace(k)]
		if v = strings.TrimSpace(v); !ok || !known || !templateName.MatchString(v) {
			return t, usagef("WECHAT_TEMPLATE_BILL: %q: want one of %s = the template's field name", kv, strings.Join(wechatTemplateFields, ", "))
		}
		*p = v
	}
	return t, nil
}

// templateName is the form of a template id and of its field names.
var templateName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// message is the template message for a push of text to openID at now.
func (t wechatTemplate) message(openID, text string, now time.Time) wechat.TemplateMessage {
	day := beijingDay(now).Format(time.DateOnly)
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	values := map[string]string{t.date: day, t.remark: first}
	if who, date, ok := billHead(text); ok {
		values[t.enterprise], values[t.date], values[t.total] = who, date, billTotal(text)
		values[t.remark] = "回复“账单”查看完整账单"
	}
	for k, v := range values {
		if r := []rune(strings.TrimSpace(wechat.PlainText(v))); len(r) > templateValueRunes {
			v = string(r[:templateValueRunes-1]) + "…"
		}
		values[k] = v
	}
	h := sha256.Sum256([]byte(openID + "\x00" + day + "\x00" + text))
	return wechat.TemplateMessage{TemplateID: t.id, Fields: values, ClientMsgID: hex.EncodeToString(h[:12])}
}

// billHead is a bill text's enterprise as its first line names it (名称
// or 编号) and its date.
func billHead(text string) (who, date string, ok bool) {
	if _, date, ok = push.ParseBillRef(text); !ok {
		return "", "", false
	}
	first, _, _ := strings.Cut(text, "\n")
	who = strings.TrimPrefix(first, "【红利账单】")
	if i := strings.LastIndex(who, "（"); i > 0 {
		who = who[:i] // the name without the id
	}
	return who, date, true
}

// billTotal is a bill text's total ("251万元"), or what it says when there
// is none.
func billTotal(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, "可申请合计："); ok {
			v, _, _ = strings.Cut(v, "（")
			return strings.TrimSpace(v)
		}
	}
	return "暂未测算出可申请的奖补"
}

// routeSender sends a push through the channel its chat id belongs to:
// ids of asynqpush.Recipients through WeChat, the others through
// Telegram. A channel this replica does not run is an error (the task is
// retried, and another replica may run it).
type routeSender struct {
	telegram, wechat asynqpush.Sender // nil: not configured
}

func (r routeSender) Send(ctx context.Context, chat int64, text string) error {
	s, name := r.telegram, "Telegram"
	if asynqpush.IsExternalChat(chat) {
		s, name = r.wechat, "WeChat"
	}
	if s == nil {
		return fmt.Errorf("push: chat %d is a %s chat, and %s is not configured on this replica", chat, name, name)
	}
	return s.Send(ctx, chat, text)
}
