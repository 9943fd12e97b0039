package telegram

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/push"
)

// productCommands are the commands cmd/policybot registers, as it
// registers them (cmd/policybot's tests hold its side).
var productCommands = [][2]string{
	{"subscribe", "订阅每月红利账单（附企业资料）"},
	{"profile", "修改企业资料（即将推出）"},
	{"bill", "查看本会话企业的红利账单"},
	{"unsubscribe", "退订账单推送（企业资料保留）"},
	{"deleteprofile", "删除本会话订阅的企业资料"},
	{"correct", "反馈账单有误"},
}

// TestStartAndHelpListEveryCommand: /start and /help end with every
// command anyone may use, one line each, in Chinese; staff commands are not
// listed.
func TestStartAndHelpListEveryCommand(t *testing.T) {
	noop := func(context.Context, Command) (bot.Reply, error) { return bot.Reply{Text: "x"}, nil }
	opts := []Option{WithStaffCommandHandler("stats", noop)}
	for _, c := range productCommands {
		opts = append(opts, WithMenuCommand(c[0], c[1], noop))
	}
	h := newHarness(t, opts...)
	h.a.HandleUpdate(ctx, textUpdate("/start"))
	h.a.HandleUpdate(ctx, textUpdate("/help"))
	texts := h.api.texts()
	if len(texts) != 2 {
		t.Fatalf("replies: %q", texts)
	}
	want := []string{"start", "help", "calc", "forget", "subscribe", "profile", "bill", "unsubscribe", "deleteprofile", "correct"}
	for i, text := range texts {
		var listed []string
		for _, line := range strings.Split(htmlToPlain(text), "\n") {
			if m := regexp.MustCompile(`^/([a-z]+) (\S.*)$`).FindStringSubmatch(line); m != nil {
				listed = append(listed, m[1])
			}
			if w := push.CodeWords(line); len(w) > 0 {
				t.Errorf("reply %d: code words %q in %q", i, w, line)
			}
		}
		if fmt.Sprint(listed) != fmt.Sprint(want) {
			t.Errorf("reply %d lists %v, want %v:\n%s", i, listed, want, text)
		}
		if !strings.Contains(text, "/profile 修改企业资料（即将推出）") || strings.Contains(text, "/stats") {
			t.Errorf("reply %d:\n%s", i, text)
		}
	}
	for _, c := range h.a.menu() {
		if w := push.CodeWords(c.Description); len(w) > 0 {
			t.Errorf("menu /%s: code words %q", c.Command, w)
		}
	}
	for _, s := range []string{welcomeHTML + "\n" + h.a.commandListHTML(), helpHTML + "\n" + h.a.commandListHTML() + "\n\n" + helpTailHTML} {
		if err := validTelegramHTML(s); err != nil {
			t.Errorf("HTML invalid: %v", err)
		}
	}
}

// TestCalcListsEveryRule: /calc alone lists every calculator with an
// example and its Chinese title and clause.
func TestCalcListsEveryRule(t *testing.T) {
	lines := map[string]string{}
	for _, line := range strings.Split(calcUsageHTML, "\n") {
		if m := regexp.MustCompile(`^<code>/calc ([a-z_]+)[^<]*</code> (.+)$`).FindStringSubmatch(line); m != nil {
			lines[m[1]] = m[2]
		}
	}
	var allow []string
	for _, r := range policies.Rules() {
		line, ok := lines[r.Name]
		if !ok {
			t.Errorf("/calc does not list %s (%s)", r.Name, r.Title)
			continue
		}
		delete(lines, r.Name)
		c, err := policies.MustDefault().Clause(r.Clause)
		if err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("（第%d条）", c.Number)
		if c.Number == 0 {
			where = "（适用对象）"
		}
		if line != r.Title+where {
			t.Errorf("/calc %s: %q, want %q", r.Name, line, r.Title+where)
		}
		allow = append(allow, r.Name)
		for _, in := range r.Inputs {
			allow = append(allow, in.Name)
			allow = append(allow, in.Choices...)
		}
	}
	for name := range lines {
		t.Errorf("/calc lists %s, which is no rule", name)
	}
	// The rule and input names are what the user types; nothing else is code.
	if w := push.CodeWords(htmlToPlain(calcUsageHTML), append(allow, "code")...); len(w) > 0 {
		t.Errorf("code words in /calc's list: %q", w)
	}
	if err := validTelegramHTML(calcUsageHTML); err != nil {
		t.Error(err)
	}
}

func TestForgetSaysWhatItDeletes(t *testing.T) {
	for _, s := range []string{"对话记录", "对话上下文", "本会话订阅的企业资料", "账单异议（/correct）会保留"} {
		if !strings.Contains(forgetDoneText, s) {
			t.Errorf("/forget's reply does not say %q: %s", s, forgetDoneText)
		}
	}
	if w := push.CodeWords(forgetDoneText); len(w) > 0 {
		t.Errorf("code words %q", w)
	}
}
