package main

import (
	"context"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// pushCommandOptions registers the chat commands of the bills, in the order
// of the command menu, with one-line Chinese descriptions.
func pushCommandOptions(store *asynqpush.Store, corr *corrections, getenv func(string) string, now func() time.Time) []telegram.Option {
	return []telegram.Option{
		telegram.WithMenuCommand("subscribe", "订阅每月红利账单（附绑定码或企业资料）", pushSubscribeCommand(store, subscribeScheduler(store, getenv), now)),
		telegram.WithMenuCommand("profile", "修改企业资料（即将推出）", pushProfileCommand),
		telegram.WithMenuCommand("bill", "查看本会话企业的红利账单", pushBillCommand(store, corr, getenv, now)),
		telegram.WithMenuCommand("unsubscribe", "退订账单推送（企业资料保留）", pushUnsubscribeCommand(store)),
		telegram.WithMenuCommand("deleteprofile", "删除本会话订阅的企业资料", pushForgetCommand(store)),
		telegram.WithMenuCommand("correct", "反馈账单有误", pushCorrectCommand(store, corr, now)),
	}
}

// chatProfiles is the chat a command came from and the profiles it
// subscribed.
func chatProfiles(ctx context.Context, store *asynqpush.Store, c telegram.Command) (int64, []push.Profile, error) {
	chat, err := commandChat(c)
	if err != nil {
		return 0, nil, err
	}
	ps, err := store.ByChat(ctx, chat)
	return chat, ps, err
}

// profileComingText answers /profile until profiles can be edited in the
// chat.
const profileComingText = "在对话中修改资料的功能即将推出。现在要修改，请重新发送 /subscribe 附上完整的新资料（会覆盖原资料），再发送 /bill 查看新账单。"

// pushProfileCommand is /profile: coming; says how to change a profile now.
func pushProfileCommand(context.Context, telegram.Command) (bot.Reply, error) {
	return bot.Reply{Text: profileComingText}, nil
}
