package wechat

import (
	"strings"

	"github.com/cdsme/policybot/bot"
)

// Command words, recognised when they are the whole message (surrounding
// spaces and a closing 。！! ignored) or clicked in the menu.
const (
	WordHelp        = "帮助"
	WordSubscribe   = "订阅"
	WordBill        = "账单"
	WordProfile     = "资料"
	WordUnsubscribe = "退订"
	WordForget      = "删除我的记录"
	WordCorrect     = "反馈有误"
	// WordBillWrong objects to a bill ("账单有误：2025年研发投入应为600万");
	// WordCorrect objects to the last answer.
	WordBillWrong = "账单有误"
	// WordDeleteProfile deletes the enterprise profiles subscribed from
	// this account (WordForget deletes those and the conversation log).
	WordDeleteProfile = "删除企业资料"
)

// argWords take what follows them, after a space or a colon, as
// Command.Args ("订阅 ABCD2345EFGH", "账单有误：…").
var argWords = []string{WordSubscribe, WordProfile, WordBillWrong}

// aliases are other whole messages read as a command word.
var aliases = map[string]string{
	"help": WordHelp, "使用帮助": WordHelp, "菜单": WordHelp, "?": WordHelp, "？": WordHelp,
	"订阅账单": WordSubscribe, "查看账单": WordBill, "修改资料": WordProfile, "退订账单": WordUnsubscribe,
	"账单反馈": WordBillWrong, "删除资料": WordDeleteProfile,
}

// commandList names every command word, one line each (the greeting and
// help end with it).
var commandList = strings.Join([]string{
	"回复下面的词（整条消息只写这个词）可以：",
	"· " + WordSubscribe + " 绑定码：用工作人员发放的一次性绑定码订阅本企业的每月红利账单（如“订阅 ABCD2345EFGH”）",
	"· " + WordBill + "：查看本企业的红利账单",
	"· " + WordProfile + "：查看和逐项修改企业资料",
	"· " + WordUnsubscribe + "：退订账单推送（企业资料保留）",
	"· " + WordBillWrong + "：反馈账单有误，接着写哪里不对（如“账单有误：2025年研发投入应为600万”）",
	"· " + WordCorrect + "：反馈上一条回答有误（可以接着写哪里不对，如“反馈有误：金额应该是40万”）",
	"· " + WordDeleteProfile + "：删除在本公众号订阅的企业资料",
	"· " + WordForget + "：删除您在本公众号的对话记录和上下文（订阅了账单的，企业资料一并删除）",
	"· " + WordHelp + "：使用帮助",
}, "\n")

// User-facing texts, plain (WeChat text messages carry no markup).
var (
	// greetingText answers a new follower: what the assistant does, the
	// draft note, how to ask, the command words.
	greetingText = "您好！这里是成都市优质中小企业政策助手。\n\n" +
		"我可以解答两份文件的问题：《成都市优质中小企业梯度培育三年实施方案（2023—2025）》和《成都市支持中小企业专精特新发展若干政策》——能申请哪些奖励和补助、条件是什么、大概能拿多少。每个回答都注明依据的条款；金额由计算器按条款规则算出，不靠猜。\n\n" +
		bot.DraftNote + "回答只是咨询参考，以主管部门的解释为准。\n\n" +
		"可以这样问：\n· 研发投入比去年多了650万，能拿多少？\n· 我们是国家级小巨人，能拿多少？\n· 壮大贷的贴息怎么算？\n· 创新型中小企业要满足什么条件？\n\n" +
		commandList

	helpText = "直接用文字提问即可，可以接着上一个问题追问（例如先问研发奖励，再说“如果多投了800万呢”）。\n\n" +
		commandList + "\n\n两份文件均为征求意见稿，回答仅供参考。政策之外的问题请咨询相关部门或拨打 12345 热线。"

	// pushNotHereText answers the bill words when no handler is
	// registered for them (WithCommand): this deployment offers no bills.
	pushNotHereText = "本公众号暂未开通红利账单订阅。\n\n在这里您可以直接用文字提问政策和金额，例如“我们是国家级小巨人，能拿多少”。"

	correctDoneText    = "已记录：您认为上一条回答有误，工作人员会核对并改进（可以发“反馈有误：”加上哪里不对）。对红利账单的异议请发送“账单有误：”加上哪里不对。"
	correctNothingText = "没有找到可以反馈的上一条回答（可能已过期）。您可以重新提问；对红利账单的异议请发送“账单有误：”加上哪里不对。"

	forgetDoneText   = "已删除：您在本公众号的对话记录（提问和回答）和对话上下文。之后的提问将重新开始。"
	forgetFailedText = "抱歉，删除时出了问题，请稍后再试。"
	nonTextText      = "请用文字提问：我暂时看不懂图片、视频、位置和链接。"
	floodText        = "消息太频繁，请稍后再试。"
	apologyText      = "抱歉，系统暂时出了点问题，请稍后再试。急需咨询可拨打 12345 政务服务便民热线。"
	truncatedNote    = "……（回答过长，后面的内容已省略，请把问题问得更具体一些。）"
	choicesIntro     = "请直接回复您指的是哪一种，例如："
)
