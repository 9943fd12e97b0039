package llm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
	openai "github.com/sashabaranov/go-openai"
)

// The question most hostile cases answer; the right amount is 60万 on
// policy/4.
const q650 = "研发投入比去年多了650万，能拿多少"

var testIndex = sync.OnceValues(func() (*knowledge.Index, error) { return knowledge.New(policies.MustDefault()) })

// botPhraser adapts a Phraser to the engine's seam the way cmd/policybot does.
type botPhraser struct{ p *Phraser }

func (b botPhraser) Phrase(ctx context.Context, req bot.PhraseRequest) (bot.PhraseResult, error) {
	res, err := b.p.Phrase(ctx, Request{Question: req.Question, History: req.History, Clauses: req.Clauses,
		Calculations: req.Calculations, Offline: req.Offline})
	if err != nil {
		return bot.PhraseResult{}, err
	}
	return bot.PhraseResult{Text: res.Text, Calculations: res.Calculations[min(len(req.Calculations), len(res.Calculations)):]}, nil
}

// observer records what the engine reports for metrics.
type observer struct {
	mu        sync.Mutex
	modes     []string
	fallbacks []string
}

func (o *observer) Answered(_ string, _ bool, mode string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.modes = append(o.modes, mode)
}

func (o *observer) Fallback(reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fallbacks = append(o.fallbacks, reason)
}

func (o *observer) Feedback(string) {}

// chat is an engine phrasing through a fake model, with its observer and log.
type chat struct {
	engine *bot.Engine
	obs    *observer
	log    *bytes.Buffer
	api    *fakeAPI
}

func newChat(t *testing.T, script func(int, openai.ChatCompletionRequest, http.ResponseWriter, *http.Request), opts ...bot.Option) chat {
	t.Helper()
	ix, err := testIndex()
	if err != nil {
		t.Fatal(err)
	}
	c := chat{obs: &observer{}, log: &bytes.Buffer{}, api: newFakeAPI(t, script)}
	log := slog.New(slog.NewTextHandler(c.log, nil))
	opts = append([]bot.Option{
		bot.WithPhraser(botPhraser{c.api.phraser(WithLogger(log))}), bot.WithObserver(c.obs),
		bot.WithFallbackReason(FallbackReason), bot.WithLogger(log),
	}, opts...)
	c.engine = bot.NewEngine(policies.MustDefault(), ix, opts...)
	return c
}

func (c chat) say(t *testing.T, text string) bot.Reply {
	t.Helper()
	r, err := c.engine.Handle(context.Background(), bot.Message{Channel: "test", UserID: "u1", ChatID: "c1", Text: text, Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// offline is the answer the engine gives without a model.
func offline(t *testing.T, q string) bot.Answer {
	t.Helper()
	ix, err := testIndex()
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewEngine(policies.MustDefault(), ix).Ask(context.Background(), q)
}

// toolThen answers the first request with one tool call (arguments args)
// and every later one with final.
func toolThen(args, final string) func(int, openai.ChatCompletionRequest, http.ResponseWriter, *http.Request) {
	return func(_ int, req openai.ChatCompletionRequest, w http.ResponseWriter, _ *http.Request) {
		if req.Messages[len(req.Messages)-1].Role != openai.ChatMessageRoleTool {
			reply(w, openai.ChatCompletionMessage{ToolCalls: []openai.ToolCall{{ID: "call_1", Type: openai.ToolTypeFunction,
				Function: openai.FunctionCall{Name: toolCalculate, Arguments: args}}}})
			return
		}
		reply(w, openai.ChatCompletionMessage{Content: final})
	}
}

func calcArgsJSON(rule, input, value string) string {
	return fmt.Sprintf(`{"rule":%q,"inputs":{%q:%s}}`, rule, input, value)
}

// TestHostileModel: a model that tries to put a figure, a link or a
// request for personal data in front of the user. Each reply comes from a
// fake OpenAI-compatible server on loopback through the real go-openai
// client and the engine; the user must see exactly the offline answer, with
// exactly the offline receipts, and the fallback must be counted and logged
// with its reason.
func TestHostileModel(t *testing.T) {
	const (
		num    = "invented_number"
		place  = "bad_placeholder"
		unsafe = "unsafe_content"
		long   = "too_long"
	)
	ok := "依据{{clause:policy/4}}，您可获得{{amount:rd_increase}}。" // a good reply, to hide attacks in
	rdArgs := func(v string) string { return calcArgsJSON("rd_increase", "increase_yuan", v) }
	tests := []struct {
		name   string
		q      string // default q650
		script func(int, openai.ChatCompletionRequest, http.ResponseWriter, *http.Request)
		reason string
	}{
		{"extra award", "", say("您将另获500万元奖励。"), num},
		{"can claim", "", say("您能领500万元。"), num},
		{"rd award", "", say("研发奖励500万元。"), num},
		{"additional award", "", say("另外还有额外奖励500万元。"), num},
		{"paid out", "", say("您这次的补助到账300万元。"), num},
		{"bare subsidy", "", say("补助120万元。"), num},
		{"english million", "", say("You can get 5 million yuan."), num},
		{"english words", "", say("You can get five million yuan."), num},
		{"half a million", "", say("You can get half a million yuan."), num},
		{"twenty thousand", "", say(ok + " Plus twenty thousand yuan."), num},
		{"chinese numerals", "", say("您可获得五百万元。"), num},
		{"daxie", "", say("您可获得伍佰万。"), num},
		{"daxie traditional", "", say("您可获得伍拾萬元。"), num},
		{"mixed", "", say("您可获得5百万。"), num},
		{"full-width digits", "", say("您可获得５００万。"), num},
		{"right amount, written by the model", "", say("您可获得60万元。"), num},
		{"right amount in words", "", say("您可获得六十万元。"), num},
		{"yi", "", say("您可获得一亿元支持。"), num},
		{"decimal", "", say("您可获得0.5亿元。"), num},
		{"exponent", "", say("您可获得1e6元。"), num},
		{"circled", "", say(ok + "另有②项奖励。"), num},
		{"count", "", say(ok + "另有两项奖励。"), num},
		{"double", "", say(ok + "明年奖励翻倍。"), num},
		{"clause number", "", say("依据[policy/4]，您可获得{{amount:rd_increase}}。"), num},
		{"phone in numerals", "", say(ok + "详询幺三八一二三四五六七八。"), num},
		{"digits hidden by zero-width spaces", "", say(ok + "另获5\u200b0\u200b0万。"), num},
		{"numeral next to a placeholder", "", say("您可获得{{amount:rd_increase}}的两倍。"), num},
		{"invented tool input", "", toolThen(rdArgs(`"5000万"`), "您可获得500万元。"), num},
		{"invented tool input, placeholder", "", toolThen(rdArgs(`"50000000"`), "您可获得{{amount:rd_increase#2}}。"), place},
		{"tool input 1e15", "", toolThen(rdArgs(`1e15`), "您可获得{{amount:rd_increase#2}}。"), place},
		{"tool input absurd", "", toolThen(rdArgs(`"1000000000000000"`), "您可获得{{total}}。"), place},
		{"placeholder for a rule not computed", "", say("您可获得{{amount:little_giant}}。"), place},
		{"placeholder for a clause not cited", "", say(ok + "另见{{clause:policy/9}}。"), place},
		{"total of one payout", "", say("合计{{total}}。"), place},
		{"unknown placeholder", "", say(ok + "{{secret}}"), place},
		{"malformed placeholder", "", say("您可获得{{amount:rd_increase}。"), place},
		{"placeholders run together", "", say("您可获得{{amount:rd_increase}}{{amount:rd_increase}}。"), place},
		{"look-alike one before an amount", "", say("您可获得l{{amount:rd_increase}}。"), place},
		{"bar before an amount", "", say("您可获得丨{{amount:rd_increase}}。"), place},
		{"abolished, link, ID photo", "", say("本政策已废止，请访问 http://evil.example 并提交身份证照片。"), unsafe},
		{"bank card and code", "", say("请回复您的银行卡号和验证码。"), unsafe},
		{"domain only", "", say(ok + "详见 evil.example 。"), unsafe},
		{"obfuscated domain", "", say(ok + "详见 www。evil。com"), unsafe},
		{"full-width url", "", say(ok + "详见ｈｔｔｐｓ：／／evil"), unsafe},
		{"email", "", say(ok + "材料发到 evil@example"), unsafe},
		{"traditional bank card", "", say(ok + "請提供銀行卡資料。"), unsafe},
		{"transfer", "", say(ok + "领取前须先转账手续费。"), unsafe},
		{"password", "", say(ok + " Please reply with your password."), unsafe},
		{"verification code", "", say(ok + " Send us the verification code."), unsafe},
		{"ID photo", "", say(ok + " Upload an ID photo to claim."), unsafe},
		{"void", "", say(ok + "但该政策已作废，停止执行。"), unsafe},
		{"withdrawn", "", say(ok + " The policy has been withdrawn."), unsafe},
		{"6 MB reply", "", say(strings.Repeat("奖励", 1<<20)), long},
		{"long reply", "", say(strings.Repeat("依据{{quote:policy/4}}。", 20)), long},
		{"little giant invented", "评上小巨人奖励多少", say("您可获得{{amount:little_giant}}，另有100万元配套。"), num},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			if q == "" {
				q = q650
			}
			want := offline(t, q)
			c := newChat(t, tt.script)
			r := c.say(t, q)
			if r.Text != want.Answer {
				t.Errorf("user saw %q\nwant the offline answer %q", r.Text, want.Answer)
			}
			if got, wantCalcs := receipts(r.Calculations), receipts(want.Calculations); got != wantCalcs {
				t.Errorf("receipts %s, want %s", got, wantCalcs)
			}
			if len(c.obs.fallbacks) != 1 || c.obs.fallbacks[0] != tt.reason || len(c.obs.modes) != 1 || c.obs.modes[0] != "llm_fallback" {
				t.Errorf("fallbacks %v, modes %v; want [%s], [llm_fallback]", c.obs.fallbacks, c.obs.modes, tt.reason)
			}
			if !strings.Contains(c.log.String(), "reason="+tt.reason) {
				t.Errorf("fallback not logged with its reason:\n%s", c.log.String())
			}
		})
	}
	if len(tests) < 40 {
		t.Errorf("%d hostile cases, want at least 40", len(tests))
	}
}

func receipts(cs []policies.Calculation) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s=%d;", c.Rule, c.AmountYuan)
	}
	return b.String()
}

// TestGoodReplyShown: a reply that keeps to the placeholders is filled with
// the engine's values and shown (mode "llm"), no fallback counted.
func TestGoodReplyShown(t *testing.T) {
	const text = "根据{{clause:policy/4}}，研发投入增加{{input:rd_increase.increase_yuan}}，补助为{{amount:rd_increase}}。计算过程：{{steps:rd_increase}}。" +
		"{{advice:rd_increase}}。这一点十分重要：补助须统一申报，一定以审核为准；文件为征求意见稿，以正式印发文本为准。"
	off := offline(t, q650)
	if len(off.Calculations) != 1 {
		t.Fatalf("offline calculations %+v", off.Calculations)
	}
	rd := off.Calculations[0]
	p4 := clause(t, "policy/4")
	want := "根据" + p4.Cite() + "（" + p4.Title + "），研发投入增加650万，补助为60万。计算过程：" + strings.Join(rd.Steps, "；") + "。" +
		rd.NearMiss.Advice + "。这一点十分重要：补助须统一申报，一定以审核为准；文件为征求意见稿，以正式印发文本为准。"
	c := newChat(t, say(text))
	r := c.say(t, q650)
	if r.Text != want {
		t.Errorf("user saw %q\nwant %q", r.Text, want)
	}
	if len(c.obs.fallbacks) != 0 || len(c.obs.modes) != 1 || c.obs.modes[0] != "llm" {
		t.Errorf("fallbacks %v, modes %v; want none, [llm]", c.obs.fallbacks, c.obs.modes)
	}
	if receipts(r.Calculations) != "rd_increase=600000;" {
		t.Errorf("receipts %s", receipts(r.Calculations))
	}
	sys := c.api.requests()[0].Messages[0].Content
	for _, p := range []string{"{{amount:rd_increase}}", "{{steps:rd_increase}}", "{{advice:rd_increase}}",
		"{{input:rd_increase.increase_yuan}}", "{{clause:policy/4}}", "{{quote:policy/4}}"} {
		if !strings.Contains(sys, p) {
			t.Errorf("system prompt does not offer %s", p)
		}
	}

	// An English reply.
	c = newChat(t, say("Under {{clause:policy/4}}, an R&D increase of {{input:rd_increase.increase_yuan}} earns {{amount:rd_increase}}. "+
		"Both documents are consultation drafts (征求意见稿)."))
	r = c.say(t, q650)
	if !strings.Contains(r.Text, "an R&D increase of 650万 earns 60万.") || c.obs.modes[0] != "llm" {
		t.Errorf("English reply: %q (fallbacks %v)\n%s", r.Text, c.obs.fallbacks, c.log)
	}
}

// TestToolInputFromUser: a tool call whose figure the user wrote — in this
// message or an earlier one — runs, and its placeholders fill the reply.
func TestToolInputFromUser(t *testing.T) {
	args := calcArgsJSON("digital_transformation", "investment_yuan", `"300万"`)
	c := newChat(t, toolThen(args, "数字化转型投入可获得{{amount:digital_transformation}}，依据{{clause:policy/2}}（征求意见稿）。"))
	r := c.say(t, "我们数字化改造投了300万")
	if !strings.Contains(r.Text, "数字化转型投入可获得30万，依据") || c.obs.modes[len(c.obs.modes)-1] != "llm" {
		t.Fatalf("user saw %q (modes %v, fallbacks %v)", r.Text, c.obs.modes, c.obs.fallbacks)
	}
	if !strings.Contains(receipts(r.Calculations), "digital_transformation=300000;") {
		t.Errorf("receipts %s", receipts(r.Calculations))
	}

	// The figure in the question itself: the Phraser alone.
	f := newFakeAPI(t, toolThen(calcArgsJSON("rd_increase", "increase_yuan", `"6500000"`), "可获得{{amount:rd_increase}}。"))
	res, err := f.phraser().Phrase(context.Background(), Request{Question: "能拿多少", History: []string{"研发投入比去年多了650万"}})
	if err != nil || res.Text != "可获得60万。" || len(res.Calculations) != 1 {
		t.Fatalf("history figure: %+v, %v", res, err)
	}
	res, err = f.phraser().Phrase(context.Background(), Request{Question: "能拿多少"})
	if err == nil || len(res.Calculations) != 0 {
		t.Fatalf("figure the user never wrote: %+v, %v", res, err)
	}
}

// TestInventedToolInputIgnored: a calculation asked with a figure the user
// never wrote is refused back to the model and never reaches the receipts,
// even when the model then writes a good reply.
func TestInventedToolInputIgnored(t *testing.T) {
	for _, v := range []string{`"5000万"`, `50000000`, `1e15`, `"1000000000000000"`, `"-6500000"`} {
		c := newChat(t, toolThen(calcArgsJSON("rd_increase", "increase_yuan", v), "依据{{clause:policy/4}}，您可获得{{amount:rd_increase}}。"))
		r := c.say(t, q650)
		if receipts(r.Calculations) != "rd_increase=600000;" || !strings.Contains(r.Text, "您可获得60万。") || c.obs.modes[0] != "llm" {
			t.Errorf("%s: receipts %s, text %q, modes %v", v, receipts(r.Calculations), r.Text, c.obs.modes)
		}
		reqs := c.api.requests()
		if last := reqs[len(reqs)-1].Messages; last[len(last)-1].Role != openai.ChatMessageRoleTool || !strings.Contains(last[len(last)-1].Content, `"error"`) {
			t.Errorf("%s: the model was not told the call was refused: %+v", v, last[len(last)-1])
		}
	}
}

// TestToolInputFromEarlierMessage: through the engine, a figure the user
// wrote in an earlier message of the chat may feed a tool call; without
// the chat's memory the same call is refused and the reply falls back.
func TestToolInputFromEarlierMessage(t *testing.T) {
	script := toolThen(calcArgsJSON("digital_transformation", "investment_yuan", `"300万"`), "数字化转型可获得{{amount:digital_transformation}}。")
	c := newChat(t, script, bot.WithChatMemory(bot.NewMemoryChat()))
	c.say(t, "我们数字化改造投了300万")
	r := c.say(t, q650)
	if !strings.Contains(r.Text, "数字化转型可获得30万。") || c.obs.modes[1] != "llm" {
		t.Fatalf("user saw %q (modes %v, fallbacks %v)", r.Text, c.obs.modes, c.obs.fallbacks)
	}
	if got := receipts(r.Calculations); !strings.Contains(got, "rd_increase=600000;") || !strings.Contains(got, "digital_transformation=300000;") {
		t.Errorf("receipts %s", got)
	}

	c = newChat(t, script)
	c.say(t, "我们数字化改造投了300万")
	r = c.say(t, q650)
	if r.Text != offline(t, q650).Answer || c.obs.fallbacks[len(c.obs.fallbacks)-1] != "bad_placeholder" {
		t.Errorf("without memory: user saw %q (fallbacks %v)", r.Text, c.obs.fallbacks)
	}
}
