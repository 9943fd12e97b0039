package wechat

import (
	"context"
	"encoding/json"

	"github.com/silenceper/wechat/v2/officialaccount/menu"
)

// Menu click keys (EventKey of a CLICK event) and what they do: a command
// word, or a question asked for the user.
var (
	menuWords = map[string]string{
		"POLICYBOT_HELP":        WordHelp,
		"POLICYBOT_SUBSCRIBE":   WordSubscribe,
		"POLICYBOT_BILL":        WordBill,
		"POLICYBOT_PROFILE":     WordProfile,
		"POLICYBOT_UNSUBSCRIBE": WordUnsubscribe,
		"POLICYBOT_CORRECT":     WordCorrect,
		"POLICYBOT_BILL_WRONG":  WordBillWrong,
		"POLICYBOT_FORGET":      WordForget,
	}
	menuQuestions = map[string]string{
		"POLICYBOT_ASK_LITTLE_GIANT": "被认定为国家级专精特新“小巨人”有什么奖励？",
		"POLICYBOT_ASK_RD":           "研发投入增加了，能拿多少补助？",
		"POLICYBOT_ASK_LOAN":         "壮大贷的贴息怎么算？",
	}
)

// MenuButtons is the custom menu: three groups of click buttons (WeChat
// allows 3 top-level buttons of at most 4 Chinese characters and 5 below
// each). Every key is in menuWords or menuQuestions.
func MenuButtons() []*menu.Button {
	click := func(name, key string) *menu.Button { return new(menu.Button).SetClickButton(name, key) }
	return []*menu.Button{
		new(menu.Button).SetSubButton("政策问答", []*menu.Button{
			click("小巨人奖励", "POLICYBOT_ASK_LITTLE_GIANT"),
			click("研发投入补助", "POLICYBOT_ASK_RD"),
			click("壮大贷贴息", "POLICYBOT_ASK_LOAN"),
			click("使用帮助", "POLICYBOT_HELP"),
		}),
		new(menu.Button).SetSubButton("红利账单", []*menu.Button{
			click("订阅账单", "POLICYBOT_SUBSCRIBE"),
			click("查看账单", "POLICYBOT_BILL"),
			click("修改资料", "POLICYBOT_PROFILE"),
			click("退订", "POLICYBOT_UNSUBSCRIBE"),
		}),
		new(menu.Button).SetSubButton("我的", []*menu.Button{
			click("账单有误", "POLICYBOT_BILL_WRONG"),
			click("回答有误", "POLICYBOT_CORRECT"),
			click("删除我的记录", "POLICYBOT_FORGET"),
		}),
	}
}

// MenuJSON is the menu as the menu/create API takes it ({"button": […]}),
// indented.
func MenuJSON() ([]byte, error) {
	return json.MarshalIndent(struct {
		Button []*menu.Button `json:"button"`
	}{MenuButtons()}, "", "  ")
}

// InstallMenu publishes MenuButtons through the SDK's menu API (replacing
// the account's menu); WeChat's refusals are *APIError.
func (a *Adapter) InstallMenu(ctx context.Context) error { return a.installMenu(ctx) }

// InstallMenu is Adapter.InstallMenu without an adapter, for the command
// line: cfg needs AppID and Secret (and Token, as Config.Validate asks).
func InstallMenu(ctx context.Context, cfg Config, opts ...Option) error {
	c, err := newClient(cfg, opts)
	if err != nil {
		return err
	}
	return c.installMenu(ctx)
}

func (a *client) installMenu(ctx context.Context) error {
	return a.callAPI(ctx, "menu create", func() error { return a.menu.SetMenu(MenuButtons()) })
}
