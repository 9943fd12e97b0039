package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// Corrections: an enterprise says a bill is wrong, with /correct TEXT or
// the 反馈有误 button under a bill. Either records a push.Correction
// (enterprise, bill date, the masked text) for staff; nothing is changed
// automatically, and the acknowledgements say so.

// correctionPrefix starts the data of a 反馈有误 button:
// "cr:" YYYYMMDD ":" enterprise ":" mac — signed with BOT_SECRET like the
// feedback buttons, so forged data names no bill.
const correctionPrefix = "cr:"

// correctionButtonText labels the button under a bill.
const correctionButtonText = "反馈有误"

// corrections is the chat side of corrections: the store, the record of
// the bills each chat received, and the button signing key.
type corrections struct {
	store *redisCorrections
	key   []byte
}

func newCorrections(rdb redis.UniversalClient, secret string) *corrections {
	return &corrections{store: newRedisCorrections(rdb), key: []byte("correction\x00" + secret)}
}

func (c *corrections) mac(date8, enterprise string) string {
	h := hmac.New(sha256.New, c.key)
	h.Write([]byte(correctionPrefix + date8 + ":" + enterprise))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

// button is the 反馈有误 button for enterprise's bill of date; ok is false
// when the data would not fit Telegram's 64 bytes (an id over 39 bytes:
// /correct still works).
func (c *corrections) button(enterprise, date string) (bot.Button, bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil || enterprise == "" {
		return bot.Button{}, false
	}
	d := t.Format("20060102")
	data := correctionPrefix + d + ":" + enterprise + ":" + c.mac(d, enterprise)
	if len(data) > telegram.MaxCallbackData {
		return bot.Button{}, false
	}
	return bot.Button{Text: correctionButtonText, Data: data}, true
}

// verify reads button data back: the enterprise and the bill date
// (YYYY-MM-DD), ok false for data this key did not sign.
func (c *corrections) verify(data string) (enterprise, date string, ok bool) {
	rest, found := strings.CutPrefix(data, correctionPrefix)
	i := strings.LastIndexByte(rest, ':')
	if !found || len(rest) < 11 || rest[8] != ':' || i <= 9 {
		return "", "", false
	}
	d, enterprise, mac := rest[:8], rest[9:i], rest[i+1:]
	if !hmac.Equal([]byte(mac), []byte(c.mac(d, enterprise))) {
		return "", "", false
	}
	t, err := time.Parse("20060102", d)
	if err != nil {
		return "", "", false
	}
	return enterprise, t.Format(time.DateOnly), true
}

// billButtons are the 反馈有误 buttons for bills shown in one message, named
// by enterprise when there are several.
func (c *corrections) billButtons(ps []push.Profile, date string) []bot.Button {
	var bs []bot.Button
	for _, p := range ps {
		b, ok := c.button(p.ID, date)
		if !ok {
			continue
		}
		if len(ps) > 1 {
			b.Text += "：" + enterpriseName(p)
		}
		bs = append(bs, b)
	}
	return bs
}

// enterpriseName is how replies name an enterprise: 名称（编号）, or the id.
func enterpriseName(p push.Profile) string {
	if p.Name == "" {
		return p.ID
	}
	return p.Name + "（" + p.ID + "）"
}

// User texts of /correct and the button.
const (
	correctUsageText = "用法：/correct 后写明账单哪里有误，例如：\n/correct 2025年研发投入应为600万，不是500万\n" +
		"也可以点账单下方的“反馈有误”按钮。"
	correctNoProfileText = "本会话没有绑定企业，没有可以反馈的账单。发送 /subscribe 可订阅红利账单。"
	correctWhichText     = "本会话订阅了%d家企业，请在说明前写上企业编号，例如：\n/correct %s 2025年研发投入应为600万\n本会话的企业：%s"
	correctKeptText      = "记录会保存给工作人员核对，工作人员可能在这里回复您；账单和企业资料不会因此自动修改。如果是资料填错了，可以重新发送 /subscribe 附上正确的完整资料，再发送 /bill 查看新账单。"
	correctLimitText     = "本会话今天已提交%d条异议，达到每日上限，这一条没有记录。请明天再提交；情况紧急请咨询主管部门或拨打 12345 热线。"
	correctTapAddedText  = "已记录：您认为%s的账单有误（企业 %s）。账单和资料不会因此自动修改；可发送 /correct 加文字说明哪里不对。"
	correctTapRepeatText = "这份账单（%s，企业 %s）的异议已经记录过了。可发送 /correct 加文字说明哪里不对。"
)

// pushCorrectCommand is /correct TEXT: an objection to the last bill this
// chat received (or, if none is on record, the bill /bill shows today).
// A chat with several enterprises names one by its id or name first.
func pushCorrectCommand(store *asynqpush.Store, corr *corrections, now func() time.Time) telegram.CommandHandler {
	return correctCommand(store, corr, now).telegram()
}

// correctCommand is /correct without its channel.
func correctCommand(store *asynqpush.Store, corr *corrections, now func() time.Time) chatCommand {
	return func(ctx context.Context, chat int64, args string) (bot.Reply, error) {
		ps, err := ownedProfiles(store)(ctx, chat)
		if err != nil {
			return bot.Reply{}, err
		}
		if len(ps) == 0 {
			return bot.Reply{Text: correctNoProfileText}, nil
		}
		p, text, ok := correctionTarget(ps, strings.TrimSpace(args))
		if !ok {
			names := make([]string, len(ps))
			for i, p := range ps {
				names[i] = enterpriseName(p)
			}
			return bot.Reply{Text: fmt.Sprintf(correctWhichText, len(ps), ps[0].ID, strings.Join(names, "、"))}, nil
		}
		if text == "" {
			return bot.Reply{Text: correctUsageText}, nil
		}
		today := beijingDay(now()).Format(time.DateOnly)
		if ok, err := corr.store.Allow(ctx, chat, today); err != nil || !ok {
			return bot.Reply{Text: fmt.Sprintf(correctLimitText, maxCorrectionsPerDay)}, err
		}
		date, err := corr.store.LastBill(ctx, chat, p.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		if date == "" {
			date = today
		}
		masked := bot.MaskPersonal(text)
		cut := ""
		if r := []rune(masked); len(r) > push.MaxCorrectionText {
			masked, cut = string(r[:push.MaxCorrectionText]), fmt.Sprintf("（只保存了前%d个字）", push.MaxCorrectionText)
		}
		if _, _, err := corr.store.Add(ctx, push.Correction{Enterprise: p.ID, Name: p.Name, BillDate: date, Text: masked,
			Source: push.CorrectionCommand, At: now()}); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Text: fmt.Sprintf("已记录您对%s红利账单（%s）的异议%s：\n“%s”\n\n%s", enterpriseName(p), date, cut, masked, correctKeptText)}, nil
	}
}

// correctionTarget picks the enterprise a /correct text is about: the
// chat's only one, or the one whose id or name the text starts with (the
// longest match). The text comes back without that prefix.
func correctionTarget(ps []push.Profile, args string) (push.Profile, string, bool) {
	var best push.Profile
	n := 0
	for _, p := range ps {
		for _, k := range []string{p.ID, p.Name} {
			if k != "" && len(k) > n && strings.HasPrefix(args, k) {
				best, n = p, len(k)
			}
		}
	}
	if n > 0 {
		return best, strings.TrimLeft(strings.TrimSpace(args[n:]), "：:，, "), true
	}
	if len(ps) == 1 {
		return ps[0], args, true
	}
	return push.Profile{}, args, false
}

// correctingConversation answers taps on the 反馈有误 button (other taps go
// to the wrapped conversation) and makes /forget also drop the record of
// the bills the chat received.
type correctingConversation struct {
	bot.Conversation
	corr *corrections
}

func (w correctingConversation) Feedback(ctx context.Context, f bot.Feedback) (string, error) {
	if !strings.HasPrefix(f.Data, correctionPrefix) {
		return w.Conversation.Feedback(ctx, f)
	}
	enterprise, date, ok := w.corr.verify(f.Data)
	if !ok {
		return "", bot.ErrBadCallback
	}
	_, added, err := w.corr.store.Add(ctx, push.Correction{Enterprise: enterprise, BillDate: date, Source: push.CorrectionButton, At: f.Time})
	switch {
	case err != nil:
		return "", err
	case !added:
		return fmt.Sprintf(correctTapRepeatText, date, enterprise), nil
	}
	return fmt.Sprintf(correctTapAddedText, date, enterprise), nil
}

func (w correctingConversation) Forget(ctx context.Context, m bot.Message) error {
	errs := []error{w.Conversation.Forget(ctx, m)}
	if chat, err := strconv.ParseInt(m.ChatID, 10, 64); err == nil {
		errs = append(errs, w.corr.store.ForgetChat(ctx, chat))
	}
	return errors.Join(errs...)
}
