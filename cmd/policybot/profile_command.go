package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// /profile: an owner chat edits its enterprise's profile one field at a
// time. /profile shows the profile in Chinese with a button per field; a
// tap (or the field's name) asks for the value; the next message is
// checked (push.ApplyEdit) and saved with the store's versioned write,
// then re-billed as /subscribe does. The pending step is kept per chat in
// Redis for profileEditTTL; “取消” ends it. The buttons and the next
// message reach profileConversation, which wraps the chat's conversation.

// profileEditTTL is how long a chat's pending /profile step is kept.
const profileEditTTL = 30 * time.Minute

const profileEditPrefix = "policybot:profile:edit:"

// profileChoicePrefix starts the text of a field button.
const profileChoicePrefix = "修改："

const (
	profileNoEnterpriseText = "本会话还没有绑定企业，无法修改资料。请向工作人员索取一次性绑定码，然后发送 /subscribe 绑定码 绑定本会话。"
	profileCancelText       = "已取消，资料未修改。"
	profileAgainText        = "请重新发送，或发送“取消”放弃修改。"
	profileStaleText        = "资料刚被其他操作更新，您的修改未保存（其他修改也未丢失）。以下是最新资料："
	profileGoneText         = "本会话已不再拥有该企业，资料未修改。"
)

// profileStep is a chat's pending step: which enterprise, at which version
// it was shown, and the field asked for ("" while choosing).
type profileStep struct {
	Enterprise string `json:"e"`
	Version    int64  `json:"v"`
	Field      string `json:"f,omitempty"`
}

// profileEditor is the /profile flow; sch (nil: none) re-bills saves.
// chatOf reads the chat id of a message (telegramChat by default);
// numbered lists the fields as numbered lines instead of buttons (WeChat),
// and a number chooses in either case. owned lists the enterprises a chat
// may edit: what it owns (ownedProfiles), subscribed or not.
type profileEditor struct {
	store    *asynqpush.Store
	rdb      redis.UniversalClient
	sch      *asynqpush.Scheduler
	now      func() time.Time
	chatOf   func(context.Context, bot.Message) (int64, bool, error)
	owned    func(context.Context, int64) ([]push.Profile, error)
	numbered bool
}

func newProfileEditor(store *asynqpush.Store, rdb redis.UniversalClient, sch *asynqpush.Scheduler, now func() time.Time) *profileEditor {
	return &profileEditor{store: store, rdb: rdb, sch: sch, now: now, chatOf: telegramChat, owned: ownedProfiles(store)}
}

// telegramChat is the chat id of a Telegram message (its ChatID in
// decimal); ok is false for a message of another channel.
func telegramChat(_ context.Context, m bot.Message) (int64, bool, error) {
	chat, err := strconv.ParseInt(m.ChatID, 10, 64)
	return chat, err == nil && chat != 0, nil
}

func (e *profileEditor) key(chat int64) string {
	return profileEditPrefix + strconv.FormatInt(chat, 10)
}

func (e *profileEditor) step(ctx context.Context, chat int64) (profileStep, bool, error) {
	b, err := e.rdb.Get(ctx, e.key(chat)).Bytes()
	if errors.Is(err, redis.Nil) {
		return profileStep{}, false, nil
	}
	if err != nil {
		return profileStep{}, false, fmt.Errorf("profile step: %w", err)
	}
	var s profileStep
	if err := json.Unmarshal(b, &s); err != nil {
		return profileStep{}, false, nil // unreadable: as if none
	}
	return s, true, nil
}

func (e *profileEditor) keep(ctx context.Context, chat int64, s profileStep) error {
	b, _ := json.Marshal(s)
	return e.rdb.Set(ctx, e.key(chat), b, profileEditTTL).Err()
}

func (e *profileEditor) drop(ctx context.Context, chat int64) error {
	return e.rdb.Del(ctx, e.key(chat)).Err()
}

// menu is the profile with a button per field, and keeps the choosing step.
func (e *profileEditor) menu(ctx context.Context, chat int64, rec asynqpush.Record, lead string) (bot.Reply, error) {
	if err := e.keep(ctx, chat, profileStep{Enterprise: rec.Profile.ID, Version: rec.Version}); err != nil {
		return bot.Reply{}, err
	}
	if lead != "" {
		lead += "\n"
	}
	if e.numbered {
		lines := make([]string, len(push.EditFields))
		for i, f := range push.EditFields {
			lines[i] = fmt.Sprintf("%d. %s", i+1, f.Name)
		}
		return bot.Reply{Text: lead + push.ProfileText(rec.Profile) + "\n\n要修改哪一项？请回复序号（如“2”）或项目名称：\n" +
			strings.Join(lines, "\n") + "\n发送“取消”结束。"}, nil
	}
	choices := make([]string, len(push.EditFields))
	for i, f := range push.EditFields {
		choices[i] = profileChoicePrefix + f.Name
	}
	text := lead + push.ProfileText(rec.Profile) + "\n\n请点按下方按钮选择要修改的一项（也可发送项目名称，如“各年研发投入”），发送“取消”结束。"
	return bot.Reply{Text: text, Choices: choices}, nil
}

// chosenField is the field a message chooses: by name (a button's text, or
// typed) or by its number in the list.
func chosenField(text string) (push.EditField, bool) {
	if f, ok := push.FindEditField(strings.TrimPrefix(text, profileChoicePrefix)); ok {
		return f, true
	}
	if n, err := strconv.Atoi(strings.TrimRight(text, ".、。")); err == nil && n >= 1 && n <= len(push.EditFields) {
		return push.EditFields[n-1], true
	}
	return push.EditField{}, false
}

// command is /profile [企业编号] on Telegram.
func (e *profileEditor) command(ctx context.Context, c telegram.Command) (bot.Reply, error) {
	return chatCommand(e.open).telegram()(ctx, c)
}

// open is /profile [企业编号] without its channel: the profile and the
// fields to choose from.
func (e *profileEditor) open(ctx context.Context, chat int64, args string) (bot.Reply, error) {
	ps, err := e.owned(ctx, chat)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(ps) == 0 {
		return bot.Reply{Text: profileNoEnterpriseText}, nil
	}
	p := ps[0]
	if len(ps) > 1 {
		var names []string
		found := false
		for _, q := range ps {
			names = append(names, enterpriseName(q))
			if q.ID == strings.TrimSpace(args) {
				p, found = q, true
			}
		}
		if !found {
			return bot.Reply{Text: "本会话绑定了多家企业：" + strings.Join(names, "、") + "。请发送 /profile 企业编号 选择要修改的一家。"}, nil
		}
	}
	rec, err := e.store.Record(ctx, p.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	return e.menu(ctx, chat, rec, "")
}

// message handles a chat's message while a step is pending; handled false
// passes it on (no step, or a message that is not for /profile while the
// field is being chosen).
func (e *profileEditor) message(ctx context.Context, m bot.Message) (r bot.Reply, handled bool, err error) {
	chat, ok, err := e.chatOf(ctx, m)
	if err != nil || !ok {
		return bot.Reply{}, false, err
	}
	s, ok, err := e.step(ctx, chat)
	if err != nil || !ok {
		return bot.Reply{}, false, err
	}
	text := strings.TrimSpace(m.Text)
	if text == "取消" {
		return bot.Reply{Text: profileCancelText}, true, e.drop(ctx, chat)
	}
	if f, ok := chosenField(text); ok && (s.Field == "" || !strings.ContainsFunc(text, unicode.IsDigit)) {
		s.Field = f.Key
		if err := e.keep(ctx, chat, s); err != nil {
			return bot.Reply{}, true, err
		}
		return bot.Reply{Text: "修改“" + f.Name + "”：" + f.Prompt + "\n发送“无”清空此项，发送“取消”放弃修改。"}, true, nil
	}
	if s.Field == "" {
		return bot.Reply{}, false, nil
	}
	r, err = e.save(ctx, chat, s, text)
	return r, true, err
}

// save checks text for the step's field and saves it at the step's
// version.
func (e *profileEditor) save(ctx context.Context, chat int64, s profileStep, text string) (bot.Reply, error) {
	rec, err := e.store.Record(ctx, s.Enterprise)
	if errors.Is(err, asynqpush.ErrNotFound) || err == nil && rec.Owner != chat {
		return bot.Reply{Text: profileGoneText}, e.drop(ctx, chat)
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if rec.Version != s.Version {
		return e.menu(ctx, chat, rec, profileStaleText)
	}
	day := beijingDay(e.now())
	p, err := push.ApplyEdit(rec.Profile, s.Field, text, day)
	var bad *push.EditError
	if errors.As(err, &bad) {
		return bot.Reply{Text: bad.Error() + "\n" + profileAgainText}, e.keep(ctx, chat, s)
	}
	if err != nil {
		return bot.Reply{}, err
	}
	saved := p
	saved.ChatID = 0 // keeps the subscription as it is
	if _, err := e.store.SaveIf(ctx, saved, rec.Version); errors.Is(err, asynqpush.ErrStale) {
		fresh, err := e.store.Record(ctx, s.Enterprise)
		if err != nil {
			return bot.Reply{}, err
		}
		return e.menu(ctx, chat, fresh, profileStaleText)
	} else if err != nil {
		return bot.Reply{}, err
	}
	if err := e.drop(ctx, chat); err != nil {
		return bot.Reply{}, err
	}
	if e.sch != nil {
		if _, _, err := e.sch.Rebill(ctx, rec.Profile, p, day); err != nil {
			return bot.Reply{}, err
		}
		if _, err := e.sch.ScheduleProfileReminders(ctx, p, day); err != nil {
			return bot.Reply{}, err
		}
	}
	f, _ := push.FindEditField(s.Field)
	return bot.Reply{Text: "已保存“" + f.Name + "”。当前资料：\n" + push.ProfileText(p) + "\n\n发送 /bill 查看新账单，/profile 继续修改。"}, nil
}

// profileConversation passes a chat's messages to the /profile step
// pending in it, and the others to the wrapped conversation.
type profileConversation struct {
	bot.Conversation
	edit *profileEditor
}

func (w profileConversation) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) {
	r, handled, err := w.edit.message(ctx, m)
	if err != nil || handled {
		return r, err
	}
	return w.Conversation.Handle(ctx, m)
}

// Forget also drops the chat's pending step.
func (w profileConversation) Forget(ctx context.Context, m bot.Message) error {
	errs := []error{w.Conversation.Forget(ctx, m)}
	chat, ok, err := w.edit.chatOf(ctx, m)
	if ok {
		err = w.edit.drop(ctx, chat)
	}
	return errors.Join(append(errs, err)...)
}
