package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
)

var ctx = context.Background()

func TestStart(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, textUpdate("/start"))
	calls := h.api.callsOf("sendMessage")
	if len(calls) != 1 {
		t.Fatalf("sendMessage calls = %d, want 1", len(calls))
	}
	c := calls[0]
	if c.Fields["parse_mode"] != "HTML" || c.Fields["chat_id"] != strconv.FormatInt(chatID, 10) {
		t.Errorf("fields = %v", c.Fields)
	}
	text := c.Fields["text"]
	for _, want := range []string{"征求意见稿", "研发投入比去年多了650万", "\n/calc 按条款计算金额", "\n/forget 删除"} {
		if !strings.Contains(text, want) {
			t.Errorf("welcome lacks %q", want)
		}
	}
	for _, s := range []string{welcomeHTML, helpHTML, calcUsageHTML} {
		if err := validTelegramHTML(s); err != nil {
			t.Errorf("static HTML invalid: %v", err)
		}
	}
	if got := h.conv.messages(); len(got) != 0 {
		t.Errorf("/start reached the engine: %v", got)
	}
	h.api.reset()
	h.a.HandleUpdate(ctx, textUpdate("/help@policybot"))
	if got := h.api.texts(); len(got) != 1 || !strings.Contains(got[0], "使用帮助") {
		t.Errorf("/help = %q", got)
	}
	h.api.reset()
	h.a.HandleUpdate(ctx, textUpdate("/help@OtherBot")) // addressed to another bot
	if n := len(h.api.callsOf("")); n != 0 {
		t.Errorf("command for another bot answered (%d calls)", n)
	}
}

func TestLibraryErrorsDoNotLeakBodies(t *testing.T) {
	h := newHarness(t)
	h.a.libraryError(errors.New(`error get updates, error decode response body for method getUpdates, {"text":"我的身份证号"}, invalid`))
	if logs := h.logs.String(); strings.Contains(logs, "身份证") || !strings.Contains(logs, "decode response body failed") {
		t.Errorf("logs = %s", logs)
	}
}

func TestQuestionFollowUpAndButtons(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, textUpdate("研发投入比去年多了650万，能拿多少"))
	h.a.HandleUpdate(ctx, textUpdate("如果多投了800万呢"))
	want := []bot.Message{
		{Channel: "telegram", UserID: "424242", ChatID: "424242", Text: "研发投入比去年多了650万，能拿多少", Time: t0},
		{Channel: "telegram", UserID: "424242", ChatID: "424242", Text: "如果多投了800万呢", Time: t0},
	}
	if diff := cmp.Diff(want, h.conv.messages()); diff != "" {
		t.Errorf("engine messages (-want +got):\n%s", diff)
	}
	calls := h.api.callsOf("sendMessage")
	if len(calls) != 2 {
		t.Fatalf("sendMessage calls = %d", len(calls))
	}
	if got, want := calls[1].Fields["text"], "答：如果多投了800万呢\n（接上一问：研发投入比去年多了650万，能拿多少）"; got != want {
		t.Errorf("follow-up reply = %q, want %q", got, want)
	}
	wantKB := &inlineKeyboard{InlineKeyboard: [][]inlineButton{{
		{Text: "👍 有帮助", CallbackData: "fb:up:ex1:good"}, {Text: "👎 没帮助", CallbackData: "fb:down:ex1:good"},
	}}}
	if diff := cmp.Diff(wantKB, keyboardOf(t, calls[0])); diff != "" {
		t.Errorf("keyboard (-want +got):\n%s", diff)
	}
	if strings.Contains(calls[0].Fields["reply_markup"], "copy_text") {
		t.Errorf("reply_markup carries copy_text: %s", calls[0].Fields["reply_markup"])
	}
	if _, ok := calls[0].Fields["reply_parameters"]; ok {
		t.Errorf("private chat answer should not quote the question")
	}
	// Message text never reaches the logs.
	if logs := h.logs.String(); strings.Contains(logs, "650万") || strings.Contains(logs, "424242") {
		t.Errorf("logs leak text or raw ids:\n%s", logs)
	}
}

func TestFeedbackTap(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, callbackUpdate("fb:up:ex1:good"))
	calls := h.api.callsOf("answerCallbackQuery")
	if len(calls) != 1 {
		t.Fatalf("answerCallbackQuery calls = %d", len(calls))
	}
	if got := calls[0].Fields["text"]; got != "感谢反馈！" {
		t.Errorf("ack = %q", got)
	}
	if !strings.HasPrefix(calls[0].Fields["callback_query_id"], "cb") {
		t.Errorf("callback_query_id = %q", calls[0].Fields["callback_query_id"])
	}
	want := []bot.Feedback{{Channel: "telegram", UserID: "424242", Data: "fb:up:ex1:good", Time: t0}}
	if diff := cmp.Diff(want, h.conv.feedback); diff != "" {
		t.Errorf("feedback (-want +got):\n%s", diff)
	}
}

func TestTamperedAndOddCallbacks(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, callbackUpdate("fb:up:ex1:forged"))
	empty := callbackUpdate("")
	h.a.HandleUpdate(ctx, empty)
	inaccessible := callbackUpdate("fb:up:ex1:good")
	inaccessible.CallbackQuery.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
		InaccessibleMessage: &models.InaccessibleMessage{Chat: models.Chat{ID: chatID}}}
	h.a.HandleUpdate(ctx, inaccessible)
	var got []string
	for _, c := range h.api.callsOf("answerCallbackQuery") {
		got = append(got, c.Fields["text"])
	}
	if diff := cmp.Diff([]string{callbackExpired, callbackExpired, "感谢反馈！"}, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if n := len(h.api.callsOf("sendMessage")); n != 0 {
		t.Errorf("callbacks sent %d messages", n)
	}
}

func TestForbiddenStops(t *testing.T) {
	h := newHarness(t)
	h.api.queue("sendMessage", `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
	long := strings.Repeat("第一段内容。\n\n", 1000)
	err := h.a.Send(ctx, chatID, bot.Reply{Text: long})
	if !errors.Is(err, ErrBlocked) {
		t.Errorf("err = %v, want ErrBlocked", err)
	}
	if n := len(h.api.callsOf("sendMessage")); n != 1 {
		t.Errorf("sent %d parts after 403, want to stop after 1", n)
	}
	// In the answer path it is logged, not retried, no panic.
	h.api.reset()
	h.api.queue("sendMessage", `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
	h.a.HandleUpdate(ctx, textUpdate("问题"))
	if n := len(h.api.callsOf("sendMessage")); n != 1 {
		t.Errorf("sendMessage calls = %d", n)
	}
	if !strings.Contains(h.logs.String(), "blocked") {
		t.Errorf("403 not logged")
	}
}

func TestLongAnswerSplit(t *testing.T) {
	h := newHarness(t)
	var b strings.Builder
	for i := range 30 {
		b.WriteString("第" + strconv.Itoa(i) + "段：研发投入<增加>200万元 & 奖励\"20万\"'元'，")
		b.WriteString(strings.Repeat("政策<b>条款</b>&amp;说明。", 8))
		b.WriteString("\n\n")
	}
	b.WriteString(strings.Repeat("无换行长句&<>", 400)) // one line longer than a message
	long := b.String()
	h.conv.handle = func(bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: long, Buttons: []bot.Button{{Text: "👍", Data: "fb:up:x:good"}}}, nil
	}
	h.a.HandleUpdate(ctx, textUpdate("长问题"))
	calls := h.api.callsOf("sendMessage")
	if len(calls) < 3 {
		t.Fatalf("parts = %d, want ≥ 3", len(calls))
	}
	var joined strings.Builder
	for i, c := range calls {
		text := c.Fields["text"]
		if n := len(utf16.Encode([]rune(text))); n > MaxMessageLen || n == 0 {
			t.Errorf("part %d: %d UTF-16 units", i, n)
		}
		if err := validTelegramHTML(text); err != nil {
			t.Errorf("part %d invalid HTML: %v", i, err)
		}
		if strings.Contains(text, "<") {
			t.Errorf("part %d holds a raw tag", i)
		}
		if kb := keyboardOf(t, c); (kb != nil) != (i == len(calls)-1) {
			t.Errorf("part %d keyboard = %v", i, kb)
		}
		joined.WriteString(html.UnescapeString(text))
	}
	strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if strip(joined.String()) != strip(long) {
		t.Errorf("parts do not add up to the answer")
	}
	// Paragraph breaks are preferred: the first part ends a paragraph.
	if first := html.UnescapeString(calls[0].Fields["text"]); !strings.HasSuffix(first, "说明。") {
		t.Errorf("first part ends %q", first[len(first)-20:])
	}
}

func TestVeryLongReplyIsCut(t *testing.T) {
	h := newHarness(t)
	err := h.a.Send(ctx, chatID, bot.Reply{Text: strings.Repeat("很长的回答。\n", 20000), Buttons: []bot.Button{{Text: "👍", Data: "fb:x"}}})
	if err != nil {
		t.Fatal(err)
	}
	calls := h.api.callsOf("sendMessage")
	if len(calls) != MaxParts+1 || calls[MaxParts].Fields["text"] != truncatedNote || keyboardOf(t, calls[MaxParts]) == nil {
		t.Errorf("%d parts; last = %q", len(calls), calls[len(calls)-1].Fields["text"])
	}
}

func TestMenuOverrides(t *testing.T) {
	noop := func(context.Context, Command) (bot.Reply, error) { return bot.Reply{Text: "x"}, nil }
	h := newHarness(t, withCommand("start", "", false, noop), WithMenuCommand("help", "新的帮助", noop),
		WithStaffCommandHandler("forget", noop), WithMenuCommand("subscribe", "订阅红利账单", noop))
	got := map[string]string{}
	var order []string
	for _, c := range h.a.menu() {
		got[c.Command] = c.Description
		order = append(order, c.Command)
	}
	if diff := cmp.Diff([]string{"start", "help", "calc", "subscribe"}, order); diff != "" {
		t.Errorf("menu (-want +got):\n%s", diff)
	}
	if got["start"] != menu[0].Description || got["help"] != "新的帮助" {
		t.Errorf("descriptions = %v", got)
	}
}

func TestSplitPlain(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		limit int
	}{
		{"emoji surrogates", strings.Repeat("😀", 5000), MaxMessageLen},
		{"ampersands", strings.Repeat("&", 3000), MaxMessageLen},
		{"tiny limit", "ab&<c", 4},
		{"lines", strings.Repeat("一行文字\n", 3000), 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := renderParts(tc.in, tc.limit)
			var got strings.Builder
			for _, p := range parts {
				if n := len(utf16.Encode([]rune(p.HTML))); n > tc.limit && len([]rune(p.Plain)) > 1 {
					t.Errorf("part of %d units > %d", n, tc.limit)
				}
				if err := validTelegramHTML(p.HTML); err != nil {
					t.Error(err)
				}
				got.WriteString(p.Plain)
			}
			if strings.Join(strings.Fields(got.String()), "") != strings.Join(strings.Fields(tc.in), "") {
				t.Errorf("content lost")
			}
		})
	}
	if got := renderParts("  \n ", MaxMessageLen); len(got) != 0 {
		t.Errorf("blank text gave %d parts", len(got))
	}
}

func TestHTMLSpecialCharsEchoedSafely(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, textUpdate(`<script>&"'`))
	got := h.api.texts()
	want := []string{`答：&lt;script&gt;&amp;&#34;&#39;`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if m := h.conv.messages(); len(m) != 1 || m[0].Text != `<script>&"'` {
		t.Errorf("engine got %v, want the raw text", m)
	}
}

func TestNonTextAndNilFields(t *testing.T) {
	h := newHarness(t)
	sticker := textUpdate("")
	sticker.Message.Sticker = &models.Sticker{FileID: "s"}
	photo := textUpdate("")
	photo.Message.Photo = []models.PhotoSize{{FileID: "p"}}
	photo.Message.Caption = "这张图里的政策？"
	voice := textUpdate("")
	voice.Message.Voice = &models.Voice{FileID: "v"}
	voice.Message.From = nil // e.g. anonymous: no From
	doc := textUpdate("")
	doc.Message.Document = &models.Document{FileID: "d"}
	for _, u := range []*models.Update{sticker, photo, voice, doc} {
		h.a.HandleUpdate(ctx, u)
	}
	if diff := cmp.Diff([]string{nonTextText, nonTextText, nonTextText, nonTextText}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	h.api.reset()
	service := textUpdate("")
	service.Message.NewChatMembers = []models.User{{ID: 1}}
	fromBot := textUpdate("hi")
	fromBot.Message.From.IsBot = true
	noFrom := textUpdate("没有发送者的问题")
	noFrom.Message.From = nil
	for _, u := range []*models.Update{nil, {ID: newID()}, service, fromBot, {ID: newID(), EditedChannelPost: &models.Message{}},
		{ID: newID(), Message: &models.Message{Text: "no chat"}}, {ID: newID(), MyChatMember: &models.ChatMemberUpdated{}}, noFrom} {
		h.a.HandleUpdate(ctx, u)
	}
	if got := h.api.texts(); len(got) != 1 || got[0] != "答：没有发送者的问题" {
		t.Errorf("replies = %q", got)
	}
	if n := len(h.conv.messages()); n != 1 {
		t.Errorf("engine calls = %d, want 1", n)
	}
}

func TestEditedMessage(t *testing.T) {
	h := newHarness(t)
	u := textUpdate("研发奖励怎么算")
	u.EditedMessage, u.Message = u.Message, nil
	h.a.HandleUpdate(ctx, u)
	calls := h.api.callsOf("sendMessage")
	if len(calls) != 1 || calls[0].Fields["text"] != "答：研发奖励怎么算" {
		t.Fatalf("sends = %v", calls)
	}
	var rp models.ReplyParameters
	if err := json.Unmarshal([]byte(calls[0].Fields["reply_parameters"]), &rp); err != nil || rp.MessageID != int(u.ID) {
		t.Errorf("reply_parameters = %q", calls[0].Fields["reply_parameters"])
	}
	h.api.reset()
	old := textUpdate("很久以前的问题")
	old.Message.Date = int(t0.Add(-48 * time.Hour).Unix())
	old.EditedMessage, old.Message = old.Message, nil
	cmdEdit := textUpdate("/forget")
	cmdEdit.EditedMessage, cmdEdit.Message = cmdEdit.Message, nil
	h.a.HandleUpdate(ctx, old)
	h.a.HandleUpdate(ctx, cmdEdit)
	if n := len(h.api.callsOf("")); n != 0 {
		t.Errorf("old edit / edited command gave %d calls", n)
	}
}

func TestEngineErrorApology(t *testing.T) {
	h := newHarness(t)
	h.conv.handle = func(bot.Message) (bot.Reply, error) { return bot.Reply{}, errEngine }
	h.a.HandleUpdate(ctx, textUpdate("问题"))
	h.conv.handle = func(bot.Message) (bot.Reply, error) { return bot.Reply{Text: "  "}, nil }
	h.a.HandleUpdate(ctx, textUpdate("问题2"))
	h.conv.handle = func(bot.Message) (bot.Reply, error) { panic("boom") }
	h.a.HandleUpdate(ctx, textUpdate("问题3")) // recovered
	if diff := cmp.Diff([]string{apologyText, apologyText}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
}

func TestForget(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, textUpdate("/forget"))
	want := []bot.Message{{Channel: "telegram", UserID: "424242", ChatID: "424242", Text: "/forget", Time: t0}}
	if diff := cmp.Diff(want, h.conv.forgot); diff != "" {
		t.Errorf("forgot (-want +got):\n%s", diff)
	}
	h.conv.forget = errEngine
	h.a.HandleUpdate(ctx, textUpdate("/forget"))
	if diff := cmp.Diff([]string{forgetDoneText, forgetFailedText}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	if len(h.conv.messages()) != 0 {
		t.Errorf("/forget reached Handle")
	}
}

func TestCalc(t *testing.T) {
	h := newHarness(t)
	h.a.HandleUpdate(ctx, textUpdate("/calc"))
	h.a.HandleUpdate(ctx, textUpdate("/calc rd_increase increase_yuan=6500000"))
	h.a.HandleUpdate(ctx, textUpdate("/nosuch"))
	texts := h.api.texts()
	if len(texts) != 3 || !strings.Contains(texts[0], "<code>/calc rd_increase") ||
		texts[1] != "答：/calc rd_increase increase_yuan=6500000" || texts[2] != unknownCmdText {
		t.Errorf("replies = %q", texts)
	}
}

func TestRateLimitedUserGetsOneNotice(t *testing.T) {
	// The engine's limiter (bot.ErrRateLimited) refuses: one notice per
	// DefaultFloodNoticeInterval, the rest dropped silently.
	h := newHarness(t)
	calls := 0
	h.conv.handle = func(m bot.Message) (bot.Reply, error) {
		calls++
		if calls == 1 {
			return bot.Reply{Text: "答：" + m.Text}, nil
		}
		return bot.Reply{}, errors.Join(bot.ErrRateLimited, errors.New("retry after 3s"))
	}
	for range 5 {
		h.a.HandleUpdate(ctx, textUpdate("刷屏"))
	}
	if diff := cmp.Diff([]string{"答：刷屏", floodText}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	h.clock.advance(DefaultFloodNoticeInterval)
	h.a.HandleUpdate(ctx, textUpdate("还在刷屏"))
	if n := len(h.api.texts()); n != 3 {
		t.Errorf("after the quiet interval: %d replies, want a second notice", n)
	}
}

func TestWebhook(t *testing.T) {
	h := newHarness(t, WithWebhook("https://bot.example.org/tg", "s3cret-Token_1"))
	if p := h.a.WebhookPath(); p != "/tg" {
		t.Errorf("WebhookPath = %q", p)
	}
	srv := httptest.NewServer(h.a.WebhookHandler())
	defer srv.Close()
	body := func(u *models.Update) string {
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	post := func(method, secret, payload string) int { return webhookPost(t, srv.URL, method, secret, payload) }
	u := textUpdate("网页钩子问题")
	for _, tc := range []struct {
		method, secret, body string
		want                 int
	}{
		{"POST", "wrong", body(u), http.StatusUnauthorized},
		{"POST", "", body(u), http.StatusUnauthorized},
		{"POST", "s3cret-Token_", body(u), http.StatusUnauthorized},
		{"GET", "s3cret-Token_1", "", http.StatusMethodNotAllowed},
		{"POST", "s3cret-Token_1", "{not json", http.StatusBadRequest},
	} {
		if got := post(tc.method, tc.secret, tc.body); got != tc.want {
			t.Errorf("%s secret=%q: status %d, want %d", tc.method, tc.secret, got, tc.want)
		}
	}
	if n := len(h.conv.messages()); n != 0 {
		t.Fatalf("rejected requests reached the engine (%d)", n)
	}
	if got := post("POST", "s3cret-Token_1", body(u)); got != http.StatusOK {
		t.Fatalf("good secret: status %d", got)
	}
	if got := post("POST", "s3cret-Token_1", body(u)); got != http.StatusOK { // redelivery
		t.Fatalf("redelivery: status %d", got)
	}
	if diff := cmp.Diff([]string{"答：网页钩子问题"}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}

	// A handler without a configured secret refuses everything.
	plain := newHarness(t)
	srv2 := httptest.NewServer(plain.a.WebhookHandler())
	defer srv2.Close()
	resp, err := http.Post(srv2.URL, "application/json", strings.NewReader(body(textUpdate("x"))))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no secret configured: status %d", resp.StatusCode)
	}
}

func TestRunWebhookRegisters(t *testing.T) {
	h := newHarness(t, WithWebhook("https://bot.example.org/tg", "s3cret"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.a.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(h.api.callsOf("setWebhook")) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	wh := h.api.callsOf("setWebhook")
	if len(wh) != 1 || wh[0].Fields["url"] != "https://bot.example.org/tg" || wh[0].Fields["secret_token"] != "s3cret" {
		t.Fatalf("setWebhook = %v", wh)
	}
	if !strings.Contains(wh[0].Fields["allowed_updates"], "callback_query") {
		t.Errorf("allowed_updates = %q", wh[0].Fields["allowed_updates"])
	}
	if len(h.api.callsOf("getUpdates")) != 0 {
		t.Errorf("webhook mode polled")
	}
}

func TestRunPolling(t *testing.T) {
	profile := func(_ context.Context, c Command) (bot.Reply, error) {
		return bot.Reply{Text: "档案：" + c.Args}, nil
	}
	h := newHarness(t, WithMenuCommand("profile", "我的企业档案", profile))
	upd, _ := json.Marshal([]*models.Update{textUpdate("轮询来的问题"), textUpdate("/profile@policybot 91510100")})
	h.api.updates <- upd
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.a.Run(ctx) }()
	for range 2 {
		select {
		case <-h.api.sent:
		case <-time.After(5 * time.Second):
			t.Fatal("no answer from polling")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if diff := cmp.Diff([]string{"答：轮询来的问题", "档案：91510100"}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	if len(h.api.callsOf("deleteWebhook")) != 1 {
		t.Errorf("deleteWebhook not called")
	}
	sc := h.api.callsOf("setMyCommands")
	if len(sc) != 1 {
		t.Fatalf("setMyCommands calls = %d", len(sc))
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(sc[0].Fields["commands"]), &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
	}
	if diff := cmp.Diff([]string{"start", "help", "calc", "forget", "profile"}, names); diff != "" {
		t.Errorf("menu (-want +got):\n%s", diff)
	}
	if cmds[3].Description != menu[3].Description {
		t.Errorf("menu not in Chinese: %v", cmds)
	}
}

func TestStaffCommandsAndOverrides(t *testing.T) {
	var got []Command
	h := newHarness(t,
		WithStaffIDs(7),
		WithStaffCommandHandler("stats", func(_ context.Context, c Command) (bot.Reply, error) {
			got = append(got, c)
			return bot.Reply{Text: "统计"}, nil
		}),
		withCommand("bill", "", false, func(context.Context, Command) (bot.Reply, error) { return bot.Reply{}, errEngine }),
	)
	h.a.HandleUpdate(ctx, textUpdate("/stats"))
	staff := textUpdate("/stats today")
	staff.Message.From.ID = 7
	h.a.HandleUpdate(ctx, staff)
	h.a.HandleUpdate(ctx, textUpdate("/bill"))
	if diff := cmp.Diff([]string{staffOnlyText, "统计", apologyText}, h.api.texts()); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	if len(got) != 1 || !got[0].Staff || got[0].Args != "today" || got[0].Message.UserID != "7" {
		t.Errorf("staff command = %+v", got)
	}
	for _, c := range h.a.menu() {
		if c.Command == "stats" || c.Command == "bill" {
			t.Errorf("menu lists %s", c.Command)
		}
	}
}

func TestOversizedButtonDropped(t *testing.T) {
	h := newHarness(t)
	h.conv.handle = func(bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: "答", Buttons: []bot.Button{
			{Text: "太长", Data: strings.Repeat("x", MaxCallbackData+1)},
			{Text: "正好", Data: strings.Repeat("y", MaxCallbackData)},
			{Text: "", Data: "z"},
		}}, nil
	}
	h.a.HandleUpdate(ctx, textUpdate("问"))
	kb := keyboardOf(t, h.api.callsOf("sendMessage")[0])
	want := &inlineKeyboard{InlineKeyboard: [][]inlineButton{{{Text: "正好", CallbackData: strings.Repeat("y", 64)}}}}
	if diff := cmp.Diff(want, kb); diff != "" {
		t.Errorf("keyboard (-want +got):\n%s", diff)
	}
}

func TestNewValidation(t *testing.T) {
	api := newFakeAPI(t)
	conv := newFakeConv()
	for name, tc := range map[string]struct {
		token string
		conv  bot.Conversation
		opts  []Option
	}{
		"nil conv":           {testToken, nil, nil},
		"empty token":        {"", conv, nil},
		"webhook no secret":  {testToken, conv, []Option{WithWebhook("https://x.example/hook", "")}},
		"webhook bad secret": {testToken, conv, []Option{WithWebhook("https://x.example/hook", "no spaces")}},
		"secret no url":      {testToken, conv, []Option{WithWebhook("", "abc")}},
		"webhook no path":    {testToken, conv, []Option{WithWebhook("https://x.example", "abc")}},
		"webhook root path":  {testToken, conv, []Option{WithWebhook("https://x.example/", "abc")}},
		"webhook pattern":    {testToken, conv, []Option{WithWebhook("https://x.example/tg/{id}", "abc")}},
		"webhook escaped":    {testToken, conv, []Option{WithWebhook("https://x.example/a%20b", "abc")}},
		"webhook empty seg":  {testToken, conv, []Option{WithWebhook("https://x.example/a//b", "abc")}},
		"webhook dot dot":    {testToken, conv, []Option{WithWebhook("https://x.example/a/../b", "abc")}},
		"bad command":        {testToken, conv, []Option{withCommand("Bad-Name", "", false, func(context.Context, Command) (bot.Reply, error) { return bot.Reply{}, nil })}},
		"nil handler":        {testToken, conv, []Option{withCommand("x", "", false, nil)}},
	} {
		if _, err := New(tc.token, tc.conv, append([]Option{WithServerURL(api.srv.URL)}, tc.opts...)...); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	api.queue("getMe", `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
	if _, err := New(testToken, conv, WithServerURL(api.srv.URL)); err == nil || strings.Contains(err.Error(), "TEST-token") {
		t.Errorf("bad token: err = %v", err)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	env := map[string]string{
		"TELEGRAM_API_URL": "http://127.0.0.1:8081/", "TELEGRAM_WEBHOOK_URL": "https://b.example/tg",
		"TELEGRAM_WEBHOOK_SECRET": "abc", "STAFF_TELEGRAM_IDS": "1, 2 3",
	}
	opts, err := OptionsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var c config
	c.staff = map[int64]bool{}
	for _, o := range opts {
		o(&c)
	}
	if c.serverURL != "http://127.0.0.1:8081" || c.webhookURL != "https://b.example/tg" || c.webhookSecret != "abc" ||
		!cmp.Equal(c.staff, map[int64]bool{1: true, 2: true, 3: true}) {
		t.Errorf("config = %+v", c)
	}
	env["STAFF_TELEGRAM_IDS"] = "1,x"
	if _, err := OptionsFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("bad staff ids accepted")
	}
}
