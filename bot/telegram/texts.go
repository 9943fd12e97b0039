package telegram

import (
	"html"
	"strings"
)

// User-facing texts. The *HTML ones are sent as written and may hold only
// the tags <b>, <i>, <code>, <a> and entity-escaped text; the plain ones
// are escaped before sending.
const (
	// welcomeHTML and helpHTML are followed by the command list (one line
	// a command, from the menu: commandListHTML) and, for help, helpTailHTML.
	welcomeHTML = `<b>成都市优质中小企业政策助手</b>

我可以解答两份文件的问题：《成都市优质中小企业梯度培育三年实施方案（2023—2025）》和《成都市支持中小企业专精特新发展若干政策》——能申请哪些奖励和补助、条件是什么、大概能拿多少。每个回答都注明依据的条款；金额由计算器按条款规则算出，不靠猜。

<b>请注意：</b>两份文件目前都是<b>征求意见稿</b>，回答只是咨询参考，金额与条件以正式印发文本和主管部门的解释为准。

<b>可以这样问：</b>
• 研发投入比去年多了650万，能拿多少？
• 被认定为国家级专精特新“小巨人”有什么奖励？
• 壮大贷的贴息怎么算？
• 创新型中小企业要满足什么条件？

<b>命令：</b>`

	helpHTML = `<b>使用帮助</b>

直接用文字提问即可，可以接着上一个问题追问（例如先问研发奖励，再说“如果多投了800万呢”）。

<b>命令：</b>`

	helpTailHTML = `回答下方的按钮可以反馈“有帮助”或“没帮助”，工作人员会据此改进。
两份文件均为<b>征求意见稿</b>，回答仅供参考。政策之外的问题请咨询相关部门或拨打 12345 热线。`

	// calcUsageHTML answers /calc without arguments: every rule with an
	// example (TestCalcListsEveryRule holds it to policies.Rules()).
	calcUsageHTML = `用法：<code>/calc 规则 参数=金额</code>，金额可以写“650万”。发送“/calc 规则”（不带参数）可查看该规则的全部参数。

<b>规则：</b>
<code>/calc little_giant kind=new</code> 新获评国家专精特新“小巨人”企业奖励（第1条）
<code>/calc provincial_sme kind=new</code> 省级专精特新中小企业奖励（第1条）
<code>/calc innovative_sme</code> 创新型中小企业（第1条）
<code>/calc digital_transformation investment_yuan=260万</code> 数字化智能化转型补助（第2条）
<code>/calc revenue_milestone revenue_yuan=1.2亿 previous_max_revenue_yuan=9500万</code> 营收首次突破1亿元、5亿元奖励（第3条）
<code>/calc rd_increase increase_yuan=650万</code> 研发投入增量补助（第4条）
<code>/calc rd_commercialization rd_yuan=1000万</code> 研发成果产业化项目补助（第4条）
<code>/calc major_achievement</code> 重大科技成果在蓉落地转化补贴（第4条）
<code>/calc standard level=national</code> 主导制（修）订技术标准奖励（第5条）
<code>/calc zhuangda_loan interest_paid_yuan=60万 lpr_interest_yuan=40万</code> “壮大贷”贴息（第6条）
<code>/calc xinyidai_loan loan_yuan=1000万</code> “新易贷”贷款利息补贴（第6条）
<code>/calc credit_line</code> 优质中小企业授信额度（第6条）
<code>/calc listing stage=tutoring</code> 上市分阶段资金奖励（第7条）
<code>/calc supply_chain_platform</code> 供应链融资平台奖励（第7条）
<code>/calc equity_investment investment_yuan=200万</code> 股权投资奖励（第8条）
<code>/calc fund_manager investment_yuan=2000万</code> 基金管理机构奖励（第9条）
<code>/calc talent program=rongpiao_team</code> 人才资助（第10条）
<code>/calc effective_date issued=2025-09-15</code> 施行日期和有效期（适用对象）

也可以直接用文字问，例如“研发投入比去年多了650万，能拿多少”。`

	// forgetDoneText says what /forget deletes (the engine's log and
	// context; cmd/policybot adds the chat's enterprise profiles and its
	// record of the bills sent) and what it keeps.
	forgetDoneText = "已删除：您的对话记录（提问和回答）、本会话的对话上下文，以及本会话订阅的企业资料（账单推送随之停止）和本会话收到账单的记录。" +
		"您提交过的账单异议（/correct）会保留供核对：其中只有企业、账单日期和您的说明（手机号、证件号等已遮盖），不含您的账号。之后的提问将重新开始。"
	forgetFailedText = "抱歉，删除时出了问题，请稍后再试。"
	unknownCmdText   = "没有这个命令。发送 /help 查看可用命令，或直接用文字提问。"
	staffOnlyText    = "此命令仅限工作人员使用。"
	nonTextText      = "请用文字提问：我暂时看不懂图片、语音、贴纸和文件。"
	floodText        = "消息太频繁，请稍后再试。"
	apologyText      = "抱歉，系统暂时出了点问题，请稍后再试。急需咨询可拨打 12345 政务服务便民热线。"
	callbackExpired  = "按钮已失效，请重新提问。"
	callbackFailed   = "暂时无法记录反馈，请稍后再试。"
	choiceExpired    = "选项已失效，请直接输入您要选的那一项，或重新提问。"
	choiceChosen     = "已选择："
	truncatedNote    = "……（回答过长，后面的内容已省略，请把问题问得更具体一些。）"
)

// commandListHTML lists the commands everyone may use, one line each: the
// command menu (built-ins and WithMenuCommand registrations, in its
// order). /start and /help end with it, so they name every command the bot
// answers.
func (a *Adapter) commandListHTML() string {
	var b strings.Builder
	for i, c := range a.menu() {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("/" + c.Command + " " + html.EscapeString(c.Description))
	}
	return b.String()
}
