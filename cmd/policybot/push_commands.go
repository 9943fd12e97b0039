package main

import (
	"time"

	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push/asynqpush"
)

// pushCommandOptions registers the chat commands of the bills, in the order
// of the command menu, with one-line Chinese descriptions.
func pushCommandOptions(store *asynqpush.Store, corr *corrections, getenv func(string) string, now func() time.Time) []telegram.Option {
	return []telegram.Option{
		telegram.WithMenuCommand("subscribe", "订阅每月红利账单（附绑定码或企业资料）", pushSubscribeCommand(store, subscribeScheduler(store, getenv), now)),
		telegram.WithMenuCommand("profile", "查看和逐项修改企业资料", newProfileEditor(store, corr.store.rdb, subscribeScheduler(store, getenv), now).command),
		telegram.WithMenuCommand("bill", "查看本会话企业的红利账单", pushBillCommand(store, corr, getenv, now)),
		telegram.WithMenuCommand("unsubscribe", "退订账单推送（企业资料保留）", pushUnsubscribeCommand(store)),
		telegram.WithMenuCommand("deleteprofile", "删除本会话订阅的企业资料", pushForgetCommand(store)),
		telegram.WithMenuCommand("correct", "反馈账单有误", pushCorrectCommand(store, corr, now)),
	}
}
