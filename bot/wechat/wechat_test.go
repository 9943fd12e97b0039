package wechat

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

var (
	indexOnce sync.Once
	testIndex *knowledge.Index
	indexErr  error
)

// realEngine is the engine as served, with in-process memory and log.
func realEngine(t *testing.T) *bot.Engine {
	t.Helper()
	indexOnce.Do(func() { testIndex, indexErr = knowledge.New(policies.MustDefault()) })
	if indexErr != nil {
		t.Fatal(indexErr)
	}
	return bot.NewEngine(policies.MustDefault(), testIndex,
		bot.WithChatMemory(bot.NewMemoryChat()), bot.WithExchangeLog(bot.NewMemoryLog()), bot.WithSecret("test"))
}

var msgIDs atomic.Int64

func nextMsgID() int64 { return 24000000000000000 + msgIDs.Add(1) }

const littleGiant = "我们是国家级小巨人，能拿多少"

// checkLittleGiant checks the answer to littleGiant: the amount, the
// clause, the draft note, plain text.
func checkLittleGiant(t *testing.T, got string) {
	t.Helper()
	for _, want := range []string{"50万", "policy/1", "一次性给予50万元奖励", "征求意见稿"} {
		if !strings.Contains(got, want) {
			t.Errorf("answer lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, "<>") {
		t.Errorf("answer carries markup:\n%s", got)
	}
}

// TestLittleGiant asks the real engine through a signed callback, in plain
// and in safe mode: the passive reply carries the amount and the clause.
func TestLittleGiant(t *testing.T) {
	for _, safe := range []bool{false, true} {
		h := newHarness(t, realEngine(t), safe)
		status, got := h.post(t, textXML(testOpenID, littleGiant, nextMsgID()))
		if status != http.StatusOK {
			t.Fatalf("safe=%v: status %d", safe, status)
		}
		checkLittleGiant(t, got)
		if s := h.api.Sent(); len(s) != 0 {
			t.Errorf("safe=%v: an answer ready in time went by the API too: %+v", safe, s)
		}
		if safe {
			// With a key set, a plain callback (even well signed) is refused.
			h.safe = false
			if status, _ := h.post(t, textXML(testOpenID, littleGiant, nextMsgID())); status != http.StatusForbidden {
				t.Errorf("plain callback with WECHAT_AES_KEY set: status %d, want 403", status)
			}
		}
	}
}

func TestSignatureRefused(t *testing.T) {
	for _, safe := range []bool{false, true} {
		conv := &fakeConv{}
		h := newHarness(t, conv, safe)
		body := textXML(testOpenID, "你好", nextMsgID())
		good := signedQuery(testToken, time.Now())

		unsigned := url.Values{"timestamp": good["timestamp"], "nonce": good["nonce"]}
		wrong := signedQuery("othertoken", time.Now())
		stale := signedQuery(testToken, time.Now().Add(-time.Hour))
		tampered := signedQuery(testToken, time.Now())
		tampered.Set("nonce", tampered.Get("nonce")+"x")
		cases := []struct {
			name   string
			method string
			q      url.Values
			want   int
		}{
			{"unsigned POST", http.MethodPost, unsigned, http.StatusUnauthorized},
			{"no query", http.MethodPost, url.Values{}, http.StatusUnauthorized},
			{"wrong token POST", http.MethodPost, wrong, http.StatusForbidden},
			{"stale POST", http.MethodPost, stale, http.StatusForbidden},
			{"tampered nonce POST", http.MethodPost, tampered, http.StatusForbidden},
			{"wrong token GET", http.MethodGet, withEcho(wrong), http.StatusForbidden},
			{"unsigned GET", http.MethodGet, url.Values{"echostr": {"abc"}}, http.StatusUnauthorized},
		}
		for _, c := range cases {
			if status, _ := h.raw(t, c.method, c.q, body); status != c.want {
				t.Errorf("safe=%v %s: status %d, want %d", safe, c.name, status, c.want)
			}
		}
		// The server URL check: a signed GET echoes echostr.
		if status, got := h.raw(t, http.MethodGet, withEcho(good), ""); status != http.StatusOK || got != "echo-123" {
			t.Errorf("safe=%v signed GET: %d %q, want 200 echo-123", safe, status, got)
		}
		if status, _ := h.raw(t, http.MethodPut, good, body); status != http.StatusMethodNotAllowed {
			t.Errorf("safe=%v PUT: status %d, want 405", safe, status)
		}
		if conv.calls() != 0 {
			t.Errorf("safe=%v: a refused callback reached the engine", safe)
		}
	}
}

func withEcho(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Set("echostr", "echo-123")
	return out
}

func TestSafeModeMessageSignature(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, true)
	q := signedQuery(testToken, time.Now())
	q.Set("encrypt_type", "aes")
	env := `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[AAAA]]></Encrypt></xml>`
	if status, _ := h.raw(t, http.MethodPost, q, env); status != http.StatusUnauthorized {
		t.Errorf("no msg_signature: status %d, want 401", status)
	}
	q.Set("msg_signature", "0123456789012345678901234567890123456789")
	if status, _ := h.raw(t, http.MethodPost, q, env); status != http.StatusForbidden {
		t.Errorf("wrong msg_signature: status %d, want 403", status)
	}
	if conv.calls() != 0 {
		t.Error("a refused callback reached the engine")
	}
}

func TestMalformedBodies(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, false)
	for _, body := range []string{"", "not xml", "<xml><MsgType>text", "<foo></foo>", "{\"a\":1}"} {
		if status, _ := h.raw(t, http.MethodPost, signedQuery(testToken, time.Now()), body); status != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, status)
		}
	}
	hs := newHarness(t, conv, true)
	for _, enc := range []string{"", "not base64!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", strings.Repeat("QUFB", 40)} {
		q := signedQuery(testToken, time.Now())
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", util.Signature(testToken, q.Get("timestamp"), q.Get("nonce"), enc))
		body := "<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		if status, _ := hs.raw(t, http.MethodPost, q, body); status != http.StatusBadRequest {
			t.Errorf("safe mode, Encrypt %q: status %d, want 400", enc, status)
		}
	}
	if status, _ := hs.raw(t, http.MethodPost, withAES(signedQuery(testToken, time.Now())), "garbage"); status != http.StatusBadRequest {
		t.Errorf("safe mode, not an envelope: status %d, want 400", status)
	}
	if conv.calls() != 0 {
		t.Error("a malformed callback reached the engine")
	}
}

func withAES(q url.Values) url.Values {
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", "x")
	return q
}

func TestDuplicateAnsweredOnce(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, false)
	body := textXML(testOpenID, "研发补助怎么算", nextMsgID())
	_, first := h.post(t, body)
	if first != "答：研发补助怎么算" {
		t.Fatalf("first delivery: %q", first)
	}
	// WeChat retries only when it did not get the answer: the retry carries
	// the same passive reply, and the engine is not asked again.
	for i := 0; i < 3; i++ {
		status, again := h.post(t, body)
		if status != http.StatusOK || again != first {
			t.Errorf("retry %d: %d %q, want the same passive reply", i+1, status, again)
		}
	}
	if n := conv.calls(); n != 1 {
		t.Errorf("engine asked %d times for one MsgId", n)
	}
	if s := h.api.Sent(); len(s) != 0 {
		t.Errorf("custom messages sent besides the passive reply: %+v", s)
	}
}

func TestSlowEngineFallsBackToCustomSend(t *testing.T) {
	release := make(chan struct{})
	conv := &fakeConv{handle: func(ctx context.Context, m bot.Message) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "慢回答：" + m.Text}, nil
	}}
	h := newHarness(t, conv, true, WithPassiveWait(100*time.Millisecond))
	body := textXML(testOpenID, "慢问题", nextMsgID())
	start := time.Now()
	status, got := h.post(t, body)
	if status != http.StatusOK || got != "" {
		t.Fatalf("slow answer: %d %q, want 200 and no passive reply", status, got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("callback took %s", d)
	}
	// A retry while the engine still works is acknowledged, not answered.
	if status, got := h.post(t, body); status != http.StatusOK || got != "" {
		t.Errorf("retry while slow: %d %q", status, got)
	}
	close(release)
	sent := h.api.WaitSends(t, 1)
	if sent[0].ToUser != testOpenID || sent[0].MsgType != "text" || sent[0].Content != "慢回答：慢问题" {
		t.Errorf("custom message %+v", sent[0])
	}
	// And a retry after it went by the API gets nothing more.
	if status, got := h.post(t, body); status != http.StatusOK || got != "" {
		t.Errorf("retry after the custom send: %d %q", status, got)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(h.api.Sent()); n != 1 {
		t.Errorf("%d custom messages for one question", n)
	}
	if n := conv.calls(); n != 1 {
		t.Errorf("engine asked %d times", n)
	}
}

func TestLongAnswerSplit(t *testing.T) {
	var long strings.Builder
	for i := 0; long.Len() < 7000; i++ {
		long.WriteString("第" + strings.Repeat("一", i%7+1) + "步：研发投入每增加200万元给予20万元补助，年度最高500万元。\n")
	}
	conv := &fakeConv{handle: func(context.Context, bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: long.String()}, nil
	}}
	h := newHarness(t, conv, false)
	_, first := h.post(t, textXML(testOpenID, "长问题", nextMsgID()))
	if !strings.HasSuffix(first, "（1/4）") {
		t.Fatalf("passive part does not end (1/4): …%q", tail(first))
	}
	sent := h.api.WaitSends(t, 3)
	all := first
	for i, s := range sent {
		if len(s.Content) > 2048 {
			t.Errorf("part %d: %d bytes", i+2, len(s.Content))
		}
		if want := "（" + string(rune('2'+i)) + "/4）"; !strings.HasSuffix(s.Content, want) {
			t.Errorf("part %d ends …%q, want %s", i+2, tail(s.Content), want)
		}
		all += "\n" + s.Content
	}
	// Every line arrives whole, in order.
	var lines []string
	for _, l := range strings.Split(all, "\n") {
		if !strings.HasPrefix(l, "（") {
			lines = append(lines, l)
		}
	}
	if got, want := strings.Join(lines, "\n"), strings.TrimSpace(long.String()); got != want {
		t.Errorf("split text differs from the answer")
	}
}

func tail(s string) string {
	r := []rune(s)
	return string(r[max(0, len(r)-12):])
}

func TestTooLongAnswerCut(t *testing.T) {
	parts := renderParts(strings.Repeat("很长的回答。", 3000))
	if len(parts) != MaxParts {
		t.Fatalf("%d parts, want %d", len(parts), MaxParts)
	}
	for i, p := range parts {
		if len(p) > 2048 {
			t.Errorf("part %d: %d bytes", i, len(p))
		}
	}
	if !strings.Contains(parts[MaxParts-1], "回答过长") {
		t.Error("the cut is not said")
	}
}

func TestPlainText(t *testing.T) {
	got := plainText("【奖励】50万\r\n  · 一次性奖励50万   \n\n\n\n依据：<a href=\"x\">第1条</a>\x00\x01\x1b")
	want := "【奖励】50万\n  · 一次性奖励50万\n\n依据：＜a href=\"x\"＞第1条＜/a＞"
	if got != want {
		t.Errorf("plainText:\n%q\nwant\n%q", got, want)
	}
	r := replyText(bot.Reply{Text: "哪一年？", Choices: []string{"今年930万", "去年930万"}})
	if !strings.Contains(r, "· 今年930万\n· 去年930万") {
		t.Errorf("choices not listed: %q", r)
	}
}

func TestTokenRefreshedOnInvalidCredential(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, false)
	if err := h.a.Send(context.Background(), testOpenID, "推送一"); err != nil {
		t.Fatal(err)
	}
	// The token was replaced elsewhere: 40001, refetch, resend.
	h.api.FailNext("/cgi-bin/message/custom/send", 40001)
	if err := h.a.Send(context.Background(), testOpenID, "推送二"); err != nil {
		t.Fatal(err)
	}
	sent := h.api.Sent()
	if len(sent) != 2 || sent[1].Content != "推送二" || sent[1].Token != "TOKEN-2" {
		t.Errorf("sent %+v", sent)
	}
	// System busy and HTTP 502 are retried; a refusal is not.
	h.api.FailNext("/cgi-bin/message/custom/send", -1, 100502)
	if err := h.a.Send(context.Background(), testOpenID, "推送三"); err != nil {
		t.Errorf("busy then 502: %v", err)
	}
	h.api.FailNext("/cgi-bin/message/custom/send", 45015)
	err := h.a.Send(context.Background(), testOpenID, "推送四")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 45015 {
		t.Errorf("refused send: %v, want APIError 45015", err)
	}
	if n := len(h.api.Sent()); n != 3 {
		t.Errorf("%d messages delivered, want 3", n)
	}
	// The access token fetch failing (IP not whitelisted) is an APIError.
	h.a.dropToken()
	h.api.FailNext("/cgi-bin/token", 40164)
	if err := h.a.Send(context.Background(), testOpenID, "推送五"); !errors.As(err, &ae) || ae.Code != 40164 {
		t.Errorf("token refused: %v, want APIError 40164", err)
	}
	if logs := h.logs.String(); strings.Contains(logs, testSecret) || strings.Contains(logs, "TOKEN-") {
		t.Errorf("credentials in the logs:\n%s", logs)
	}
}

func TestFallbackFailureCounted(t *testing.T) {
	release := make(chan struct{})
	conv := &fakeConv{handle: func(ctx context.Context, m bot.Message) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "回答"}, nil
	}}
	h := newHarness(t, conv, false, WithPassiveWait(50*time.Millisecond))
	h.api.FailNext("/cgi-bin/message/custom/send", 45015)
	if status, got := h.post(t, textXML(testOpenID, "问", nextMsgID())); status != 200 || got != "" {
		t.Fatalf("%d %q", status, got)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for h.lost.get(LostRejected) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if h.lost.get(LostRejected) != 1 {
		t.Errorf("lost replies %v, want one rejected", h.lost.n)
	}
	if logs := h.logs.String(); strings.Contains(logs, "TOKEN-") {
		t.Errorf("access token in the logs:\n%s", logs)
	}
}

func TestSubscribeGreeting(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, true)
	created := time.Now().Unix()
	_, got := h.post(t, eventXML(testOpenID, "subscribe", "", created))
	for _, want := range []string{"政策助手", "征求意见稿", "能拿多少", "订阅", "删除我的记录"} {
		if !strings.Contains(got, want) {
			t.Errorf("greeting lacks %q:\n%s", want, got)
		}
	}
	// The event's retry (same sender and time) is the same greeting, once.
	if _, again := h.post(t, eventXML(testOpenID, "subscribe", "", created)); again != got {
		t.Errorf("retried subscribe: %q", again)
	}
	if _, got := h.post(t, eventXML(testOpenID, "unsubscribe", "", created+1)); got != "" {
		t.Errorf("unsubscribe answered %q", got)
	}
	if conv.calls() != 0 {
		t.Error("events reached the engine")
	}
}

func TestCommandWords(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, false)
	for _, w := range []string{"订阅", " 账单 ", "资料", "退订。", "查看账单", "账单有误", "删除企业资料", "订阅 ABCD2345EFGH"} {
		if _, got := h.post(t, textXML(testOpenID, w, nextMsgID())); got != pushNotHereText {
			t.Errorf("%q: %q", w, got)
		}
	}
	if _, got := h.post(t, textXML(testOpenID, "反馈有误", nextMsgID())); !strings.Contains(got, "没有找到") {
		t.Errorf("反馈有误 before any answer: %q", got)
	}
	h.post(t, textXML(testOpenID, "小巨人奖励多少", nextMsgID()))
	if _, got := h.post(t, textXML(testOpenID, "反馈有误", nextMsgID())); !strings.Contains(got, "已记录") {
		t.Errorf("反馈有误: %q", got)
	}
	if len(conv.feedback) != 1 || conv.feedback[0].Data != "fb:down:x" || conv.feedback[0].UserID != testOpenID || conv.feedback[0].Channel != Channel {
		t.Errorf("feedback %+v, want the answer's 👎", conv.feedback)
	}
	if _, got := h.post(t, textXML(testOpenID, "反馈有误：金额应该是40万", nextMsgID())); !strings.Contains(got, "已记录") {
		t.Errorf("反馈有误 with a reason: %q", got)
	}
	if len(conv.feedback) != 2 || conv.feedback[1].Reason != "金额应该是40万" || conv.feedback[0].Reason != "" {
		t.Errorf("feedback reasons %+v", conv.feedback)
	}
	if _, got := h.post(t, textXML(testOpenID, "删除我的记录", nextMsgID())); !strings.Contains(got, "已删除") {
		t.Errorf("删除我的记录: %q", got)
	}
	if len(conv.forgotten) != 1 || conv.forgotten[0].ChatID != testOpenID || conv.forgotten[0].Channel != Channel {
		t.Errorf("forgotten %+v", conv.forgotten)
	}
	if _, got := h.post(t, textXML(testOpenID, "反馈有误", nextMsgID())); !strings.Contains(got, "没有找到") {
		t.Errorf("反馈有误 after 删除我的记录: %q", got)
	}
	// A word inside a question is a question.
	h.post(t, textXML(testOpenID, "怎么订阅账单推送", nextMsgID()))
	if n := conv.calls(); n != 2 {
		t.Errorf("engine asked %d times, want 2 (the two questions)", n)
	}
	// Menu clicks: a command word, an example question, an unknown key.
	now := time.Now().Unix()
	if _, got := h.post(t, eventXML(testOpenID, "CLICK", "POLICYBOT_BILL", now)); got != pushNotHereText {
		t.Errorf("bill click: %q", got)
	}
	if _, got := h.post(t, eventXML(testOpenID, "CLICK", "POLICYBOT_ASK_LITTLE_GIANT", now+1)); !strings.Contains(got, "小巨人") {
		t.Errorf("question click: %q", got)
	}
	if _, got := h.post(t, eventXML(testOpenID, "CLICK", "NOPE", now+2)); !strings.Contains(got, "直接用文字提问") {
		t.Errorf("unknown click: %q", got)
	}
}

func TestRegisteredCommandReplacesBuiltIn(t *testing.T) {
	conv := &fakeConv{}
	h := newHarness(t, conv, false, WithCommand(WordBill, func(_ context.Context, c Command) (bot.Reply, error) {
		return bot.Reply{Text: "账单 for " + c.Message.UserID}, nil
	}))
	if _, got := h.post(t, textXML(testOpenID, "账单", nextMsgID())); got != "账单 for "+testOpenID {
		t.Errorf("registered 账单: %q", got)
	}
}

func TestEngineErrorsAndMedia(t *testing.T) {
	var limited atomic.Bool
	conv := &fakeConv{handle: func(_ context.Context, m bot.Message) (bot.Reply, error) {
		switch {
		case m.Text == "panic":
			panic("boom")
		case limited.Load():
			return bot.Reply{}, bot.ErrRateLimited
		case m.Text == "fail":
			return bot.Reply{}, errors.New("secret internal detail")
		}
		return bot.Reply{Text: "  "}, nil
	}}
	h := newHarness(t, conv, false)
	for _, q := range []string{"fail", "empty", "panic"} {
		status, got := h.post(t, textXML(testOpenID, q, nextMsgID()))
		if status != 200 || !strings.Contains(got, "12345") || strings.Contains(got, "secret") {
			t.Errorf("%s: %d %q, want the apology", q, status, got)
		}
	}
	limited.Store(true)
	if _, got := h.post(t, textXML(testOpenID, "多", nextMsgID())); got != floodText {
		t.Errorf("rate limited: %q", got)
	}
	if _, got := h.post(t, textXML(testOpenID, "多", nextMsgID())); got != "" {
		t.Errorf("second rate-limited message: %q, want no answer", got)
	}
	image := strings.Replace(strings.Replace(textXML(testOpenID, "", nextMsgID()), "[text]", "[image]", 1), "<Content><![CDATA[]]></Content>", "<PicUrl>http://x/y.jpg</PicUrl>", 1)
	if _, got := h.post(t, image); got != nonTextText {
		t.Errorf("image: %q", got)
	}
	voice := strings.Replace(strings.Replace(textXML(testOpenID, "", nextMsgID()), "[text]", "[voice]", 1), "<Content><![CDATA[]]></Content>", "<Recognition><![CDATA[小巨人奖励多少]]></Recognition>", 1)
	limited.Store(false)
	h.post(t, voice)
	conv.mu.Lock()
	last := conv.handled[len(conv.handled)-1].Text
	conv.mu.Unlock()
	if last != "小巨人奖励多少" {
		t.Errorf("voice recognition not asked: %q", last)
	}
	// A message without a sender is acknowledged and ignored.
	if status, got := h.post(t, `<xml><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>`); status != 200 || got != "" {
		t.Errorf("no sender: %d %q", status, got)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, ok, err := ConfigFromEnv(env(nil)); ok || err != nil {
		t.Errorf("unset: ok=%v err=%v, want off", ok, err)
	}
	good := map[string]string{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "WECHAT_TOKEN": testToken, "WECHAT_AES_KEY": testAESKey}
	c, ok, err := ConfigFromEnv(env(good))
	if !ok || err != nil || c.Path != DefaultPath {
		t.Errorf("good: %+v %v %v", c, ok, err)
	}
	for k, v := range map[string]string{
		"WECHAT_SECRET":  "",
		"WECHAT_TOKEN":   "a b",
		"WECHAT_AES_KEY": "short",
		"WECHAT_PATH":    "/",
		"WECHAT_API_URL": "ftp://x",
		"WECHAT_APPID":   "wx 1",
	} {
		bad := map[string]string{}
		for k2, v2 := range good {
			bad[k2] = v2
		}
		bad[k] = v
		if _, _, err := ConfigFromEnv(env(bad)); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: %v, want an error naming it", k, v, err)
		}
	}
	for _, p := range []string{"/wechat", "/wx/callback", "/a.b_c~d-e/"} {
		if _, err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q): %v", p, err)
		}
	}
	for _, p := range []string{"", "/", "wechat", "/a//b", "/a/../b", "/a b", "/{x}"} {
		if _, err := CheckPath(p); err == nil {
			t.Errorf("CheckPath(%q) accepted", p)
		}
	}
}

func TestMenu(t *testing.T) {
	js, err := MenuJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"button"`) || !strings.Contains(string(js), "删除我的记录") {
		t.Errorf("menu JSON:\n%s", js)
	}
	top := MenuButtons()
	if len(top) > 3 {
		t.Errorf("%d top-level buttons, WeChat allows 3", len(top))
	}
	for _, b := range top {
		if len(b.Name) > 16 || len(b.SubButtons) > 5 {
			t.Errorf("top button %q: %d bytes, %d below", b.Name, len(b.Name), len(b.SubButtons))
		}
		for _, s := range b.SubButtons {
			_, word := menuWords[s.Key]
			_, q := menuQuestions[s.Key]
			if s.Type != "click" || !(word || q) || len(s.Name) > 60 {
				t.Errorf("button %+v: not a known click", s)
			}
		}
	}
	h := newHarness(t, &fakeConv{}, false)
	if err := h.a.InstallMenu(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(h.api.Menus()) != 1 || !strings.Contains(h.api.Menus()[0], "POLICYBOT_SUBSCRIBE") {
		t.Errorf("menus posted: %v", h.api.Menus())
	}
	h.api.FailNext("/cgi-bin/menu/create", 40018)
	var ae *APIError
	if err := h.a.InstallMenu(context.Background()); !errors.As(err, &ae) || ae.Code != 40018 {
		t.Errorf("refused menu: %v", err)
	}
}

func TestRedact(t *testing.T) {
	got := redact(errors.New(`Get "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc123": dial tcp; access_token=XYZ, more`))
	if strings.Contains(got, "abc123") || strings.Contains(got, "XYZ") {
		t.Errorf("redact: %s", got)
	}
}

// TestNoPanicOnOddCallbacks sends well-signed callbacks of every odd shape:
// each gets 200 or 400, never a 500, a panic or a hung request, and a
// user's text that would break the XML comes back readable.
func TestNoPanicOnOddCallbacks(t *testing.T) {
	conv := &fakeConv{}
	for _, safe := range []bool{false, true} {
		h := newHarness(t, conv, safe)
		bodies := []string{
			`<xml></xml>`,
			`<xml><FromUserName>o1</FromUserName></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>event</MsgType></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>event</MsgType><Event>CLICK</Event></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><MsgId>-5</MsgId></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><MsgId>notanumber</MsgId></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>unknown</MsgType><MsgId>9</MsgId></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>voice</MsgType><MsgId>10</MsgId></xml>`,
			`<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><Content>` + strings.Repeat("长", 20000) + `</Content><MsgId>11</MsgId></xml>`,
			`<xml><FromUserName><![CDATA[o1]]></FromUserName><MsgType>text</MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content><MsgId>12</MsgId></xml>`,
			`<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><Content>&a;</Content></xml>`,
			"ÿþ<xml>",
		}
		for i, b := range bodies {
			b = strings.NewReplacer("<FromUserName>o1</FromUserName>", "<ToUserName>"+testMPID+"</ToUserName><FromUserName>"+testOpenID+"</FromUserName>",
				"<FromUserName><![CDATA[o1]]></FromUserName>", "<ToUserName>"+testMPID+"</ToUserName><FromUserName>"+testOpenID+"</FromUserName>").Replace(b)
			status, got := h.post(t, b)
			if status != http.StatusOK && status != http.StatusBadRequest {
				t.Errorf("safe=%v body %d: status %d", safe, i, status)
			}
			if i == 9 && got != "答：a]]＞b" {
				t.Errorf("safe=%v: text with ]]> came back as %q\n%s", safe, got, h.logs)
			}
		}
	}
}

// memClaimer is a Claimer shared by two adapters, as Redis is by replicas.
type memClaimer struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (c *memClaimer) Claim(_ context.Context, key string, _ time.Duration) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys[key] {
		return false, nil
	}
	c.keys[key] = true
	return true, nil
}

// TestRetryOnAnotherReplica: a retry reaching a second replica is
// acknowledged there, not answered again.
func TestRetryOnAnotherReplica(t *testing.T) {
	claims := &memClaimer{keys: map[string]bool{}}
	conv1, conv2 := &fakeConv{}, &fakeConv{}
	h1 := newHarness(t, conv1, false, WithClaimer(claims))
	h2 := newHarness(t, conv2, false, WithClaimer(claims))
	body := textXML(testOpenID, "问题", nextMsgID())
	if _, got := h1.post(t, body); got == "" {
		t.Fatal("first replica did not answer")
	}
	if status, got := h2.post(t, body); status != 200 || got != "" {
		t.Errorf("retry on the second replica: %d %q, want 200 and no answer", status, got)
	}
	if conv2.calls() != 0 {
		t.Error("the second replica asked its engine")
	}
	if _, got := h2.post(t, textXML(testOpenID, "另一个问题", nextMsgID())); got == "" {
		t.Error("a new message on the second replica was not answered")
	}
}
