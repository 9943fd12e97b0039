package telegram

// User-facing texts. The *HTML ones are sent as written and may hold only
// the tags <b>, <i>, <code>, <a> and entity-escaped text; the plain ones
// are escaped before sending.
const (
	welcomeHTML = `<b>成都市优质中小企业政策助手</b>

我可以解答两份文件的问题：《成都市优质中小企业梯度培育三年实施方案（2023—2025）》和《成都市支持中小企业专精特新发展若干政策》——能申请哪些奖励和补助、条件是什么、大概能拿多少。每个回答都注明依据的条款；金额由计算器按条款规则算出，不靠猜。

<b>请注意：</b>两份文件目前都是<b>征求意见稿</b>，回答只是咨询参考，金额与条件以正式印发文本和主管部门的解释为准。

<b>可以这样问：</b>
• 研发投入比去年多了650万，能拿多少？
• 被认定为国家级专精特新“小巨人”有什么奖励？
• 壮大贷的贴息怎么算？
• 创新型中小企业要满足什么条件？

<b>命令：</b>
/calc 直接计算，例如 <code>/calc rd_increase increase_yuan=6500000</code>
/forget 删除我的对话记录
/help 使用帮助`

	helpHTML = `<b>使用帮助</b>

直接用文字提问即可，可以接着上一个问题追问（例如先问研发奖励，再说“如果多投了800万呢”）。

/calc 按规则计算金额：<code>/calc 规则 参数=金额(元)</code>
例如 <code>/calc rd_increase increase_yuan=6500000</code>
/forget 删除我的对话记录和上下文
/start 功能介绍和提问示例

回答下方的按钮可以反馈“有帮助”或“没帮助”，工作人员会据此改进。
两份文件均为<b>征求意见稿</b>，回答仅供参考。政策之外的问题请咨询相关部门或拨打 12345 热线。`

	calcUsageHTML = `用法：<code>/calc 规则 参数=金额(元)</code>
例如 <code>/calc rd_increase increase_yuan=6500000</code>（研发投入比上年增加650万元）

也可以直接用文字问，例如“研发投入比去年多了650万，能拿多少”。`

	forgetDoneText   = "已删除你的对话记录和上下文，之后的提问将重新开始。"
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
