package wechat

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/wechat/wechattest"
)

func TestCommandWordArgs(t *testing.T) {
	for _, c := range []struct{ in, word, args string }{
		{"订阅", WordSubscribe, ""},
		{"订阅 ABCD-2345-EFGH", WordSubscribe, "ABCD-2345-EFGH"},
		{"订阅：ABCD2345EFGH", WordSubscribe, "ABCD2345EFGH"},
		{`订阅{"id":"X"}`, WordSubscribe, `{"id":"X"}`},
		{"资料 91510100MA6XXXXXXX", WordProfile, "91510100MA6XXXXXXX"},
		{"账单有误：2025年研发投入应为600万。", WordBillWrong, "2025年研发投入应为600万。"},
		{"反馈有误：金额应该是40万", WordCorrect, "金额应该是40万"},
		{"删除资料", WordDeleteProfile, ""},
		{"订阅账单", WordSubscribe, ""},
		{"订阅账单怎么弄", "", ""},
		{"订阅 ", WordSubscribe, ""},
		{"账单", WordBill, ""},
		{"账单 怎么看", "", ""}, // 账单 takes no arguments
	} {
		w, a, ok := commandWord(c.in)
		if w != c.word || a != c.args || ok != (c.word != "") {
			t.Errorf("commandWord(%q) = %q %q %v, want %q %q", c.in, w, a, ok, c.word, c.args)
		}
	}
}

func TestCommandArgsAndNotCommand(t *testing.T) {
	conv := &fakeConv{}
	var got []Command
	h := newHarness(t, conv, false, WithCommand(WordSubscribe, func(_ context.Context, c Command) (bot.Reply, error) {
		got = append(got, c)
		if c.Args == "是什么意思" {
			return bot.Reply{}, ErrNotCommand
		}
		return bot.Reply{Text: "订阅：" + c.Args, Choices: []string{"1", "2"}}, nil
	}))
	if _, r := h.post(t, textXML(testOpenID, "订阅 ABCD2345EFGH", nextMsgID())); !strings.HasPrefix(r, "订阅：ABCD2345EFGH") || !strings.Contains(r, "· 2") {
		t.Errorf("订阅 with a code: %q", r)
	}
	if _, r := h.post(t, textXML(testOpenID, "订阅 是什么意思", nextMsgID())); r != "答：订阅 是什么意思" {
		t.Errorf("a question starting with 订阅: %q", r)
	}
	if len(got) != 2 || got[0].Word != WordSubscribe || got[0].Message.UserID != testOpenID || conv.calls() != 1 {
		t.Errorf("handler saw %+v, engine %d calls", got, conv.calls())
	}
}

func TestSendTemplateAndErrors(t *testing.T) {
	h := newHarness(t, &fakeConv{}, false)
	ctx := context.Background()
	m := TemplateMessage{TemplateID: "TPL", Fields: map[string]string{"enterprise": "成都示例", "total": "251万元"}, ClientMsgID: "c1"}
	if err := h.a.SendTemplate(ctx, testOpenID, m); err != nil {
		t.Fatal(err)
	}
	tpl := h.api.WaitTemplates(t, 1)[0]
	if tpl.ToUser != testOpenID || tpl.TemplateID != "TPL" || tpl.Data["enterprise"] != "成都示例" || tpl.Data["total"] != "251万元" || tpl.ClientMsgID != "c1" {
		t.Errorf("template %+v", tpl)
	}
	// An expired token is fetched again once, and the message goes.
	h.api.ExpireToken()
	calls := h.api.TokenCalls()
	if err := h.a.Send(ctx, testOpenID, "提醒"); err != nil {
		t.Fatalf("send after the token expired: %v", err)
	}
	if n := h.api.TokenCalls() - calls; n != 1 {
		t.Errorf("%d token fetches after expiry, want 1", n)
	}
	// Twice invalid: refetched once only, then refused.
	h.api.FailNext(wechattest.PathTemplate, 40001, 40001)
	calls = h.api.TokenCalls()
	var ae *APIError
	if err := h.a.SendTemplate(ctx, testOpenID, m); !errors.As(err, &ae) || ae.Code != 40001 || h.api.TokenCalls()-calls != 1 {
		t.Errorf("twice invalid token: %v, %d fetches", err, h.api.TokenCalls()-calls)
	}
	for _, c := range []struct {
		code int
		want error
	}{{43004, ErrUserGone}, {43101, ErrUserGone}, {45015, ErrOutsideWindow}, {45047, ErrOutsideWindow}, {45009, ErrQuota}, {45011, ErrBusy}, {40037, ErrBadTemplate}} {
		h.api.FailNext(wechattest.PathCustom, c.code)
		err := h.a.Send(ctx, testOpenID, "x")
		if !errors.Is(err, c.want) {
			t.Errorf("errcode %d: %v, want %v", c.code, err, c.want)
		}
		for _, other := range []error{ErrUserGone, ErrOutsideWindow, ErrQuota, ErrBusy, ErrBadTemplate} {
			if other != c.want && errors.Is(err, other) {
				t.Errorf("errcode %d is also %v", c.code, other)
			}
		}
		if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), "TOKEN-") {
			t.Errorf("error carries a credential: %v", err)
		}
	}
}
