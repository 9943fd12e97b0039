package telegram

import (
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

var (
	indexOnce sync.Once
	testIndex *knowledge.Index
	indexErr  error
)

// engineHarness is an adapter on the fake Bot API in front of the real
// engine (in-process chat memory and exchange log).
func engineHarness(t *testing.T) (*Adapter, *fakeAPI) {
	t.Helper()
	indexOnce.Do(func() { testIndex, indexErr = knowledge.New(policies.MustDefault()) })
	if indexErr != nil {
		t.Fatal(indexErr)
	}
	eng := bot.NewEngine(policies.MustDefault(), testIndex,
		bot.WithChatMemory(bot.NewMemoryChat()), bot.WithExchangeLog(bot.NewMemoryLog()), bot.WithSecret("test"))
	api := newFakeAPI(t)
	a, err := New(testToken, eng, WithServerURL(api.srv.URL), WithClock(&fakeClock{now: t0}),
		WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	api.reset()
	return a, api
}

func callbackAnswers(api *fakeAPI) []string {
	var out []string
	for _, c := range api.callsOf("answerCallbackQuery") {
		out = append(out, c.Fields["text"])
	}
	return out
}

// The engine asks which figure is this year's; the choices come as a row
// of buttons above the feedback buttons, and a tap settles the question as
// typing the choice would. The answer to the tap keeps working feedback
// buttons; forged choice data is refused and answers nothing.
func TestChoiceButtonsWithEngine(t *testing.T) {
	a, api := engineHarness(t)
	a.HandleUpdate(ctx, textUpdate("研发投入500万、930万，能补多少"))
	calls := api.callsOf("sendMessage")
	if len(calls) != 1 {
		t.Fatalf("sendMessage calls = %d", len(calls))
	}
	kb := keyboardOf(t, calls[0])
	if kb == nil || len(kb.InlineKeyboard) < 2 {
		t.Fatalf("keyboard = %+v", kb)
	}
	choices := kb.InlineKeyboard[0]
	if len(choices) != 2 || choices[0].Text != "今年500万" || choices[1].Text != "今年930万" {
		t.Fatalf("choice row = %+v", choices)
	}
	for _, b := range choices {
		if strings.Contains(b.CallbackData, "万") || len(b.CallbackData) > MaxCallbackData {
			t.Errorf("choice data %q carries the text or is too long", b.CallbackData)
		}
	}
	if fb := kb.InlineKeyboard[1][0]; !strings.HasPrefix(fb.CallbackData, "fb:up:") {
		t.Errorf("feedback row = %+v", kb.InlineKeyboard[1:])
	}

	api.reset()
	a.HandleUpdate(ctx, callbackUpdate(choices[1].CallbackData))
	if diff := cmp.Diff([]string{choiceChosen + "今年930万"}, callbackAnswers(api)); diff != "" {
		t.Errorf("callback answers (-want +got):\n%s", diff)
	}
	texts := api.texts()
	if len(texts) != 1 || !strings.Contains(texts[0], "40万") {
		t.Fatalf("settled answer = %q", texts)
	}
	settled := keyboardOf(t, api.callsOf("sendMessage")[0])
	if settled == nil || len(settled.InlineKeyboard) == 0 {
		t.Fatalf("settled answer has no buttons")
	}
	up := settled.InlineKeyboard[0][0]
	if !strings.HasPrefix(up.CallbackData, "fb:up:") {
		t.Fatalf("settled answer's first button = %+v (choices left over?)", up)
	}

	api.reset()
	a.HandleUpdate(ctx, callbackUpdate(up.CallbackData))
	if diff := cmp.Diff([]string{"感谢反馈！"}, callbackAnswers(api)); diff != "" {
		t.Errorf("feedback answers (-want +got):\n%s", diff)
	}

	api.reset()
	real := choices[1].CallbackData
	other := callbackUpdate(real)
	other.CallbackQuery.Message.Message.Chat.ID = chatID + 1 // the right data, another chat
	for _, u := range []*models.Update{
		callbackUpdate("ch:AAAAAAAA:1"),           // well-formed, never offered
		callbackUpdate(real[:len(real)-1] + "2"),  // index past the choices
		callbackUpdate(real[:len(real)-1] + "x"),  // not an index
		callbackUpdate("ch:今年930万"),               // text in the data
		callbackUpdate("ch:" + real + ":1"),       // nested
		callbackUpdate(strings.Repeat("ch:", 30)), // junk
		other,
	} {
		a.HandleUpdate(ctx, u)
	}
	inaccessible := callbackUpdate(real) // no message: no chat to answer in
	inaccessible.CallbackQuery.Message = models.MaybeInaccessibleMessage{}
	a.HandleUpdate(ctx, inaccessible)
	got := callbackAnswers(api)
	if len(got) != 8 {
		t.Fatalf("callback answers = %q", got)
	}
	for _, g := range got {
		if g != choiceExpired {
			t.Errorf("forged choice answered %q", g)
		}
	}
	if texts := api.texts(); len(texts) != 0 {
		t.Errorf("forged choices sent %q", texts)
	}
}

// With a fake engine: the layout, the message a tap becomes (in a group,
// a reply under the buttons' message), and /forget dropping the choices.
func TestChoiceTapActsAsMessage(t *testing.T) {
	h := newHarness(t)
	h.conv.handle = func(m bot.Message) (bot.Reply, error) {
		return bot.Reply{ExchangeID: "ex1", Text: "哪一个？", Choices: []string{"甲", " ", "乙", "丙", "丁"},
			Buttons: []bot.Button{{Text: "👍 有帮助", Data: "fb:up:ex1:good"}}}, nil
	}
	h.a.HandleUpdate(ctx, textUpdate("问题"))
	kb := keyboardOf(t, h.api.callsOf("sendMessage")[0])
	var labels [][]string
	for _, row := range kb.InlineKeyboard {
		var l []string
		for _, b := range row {
			l = append(l, b.Text)
		}
		labels = append(labels, l)
	}
	if diff := cmp.Diff([][]string{{"甲", "乙", "丙"}, {"丁"}, {"👍 有帮助"}}, labels); diff != "" {
		t.Errorf("keyboard (-want +got):\n%s", diff)
	}
	data := kb.InlineKeyboard[1][0].CallbackData

	tap := callbackUpdate(data)
	tap.CallbackQuery.Message.Message.Chat.Type = models.ChatTypeGroup
	tap.CallbackQuery.From.ID = userID + 7 // someone else in the group
	h.a.HandleUpdate(ctx, tap)
	msgs := h.conv.messages()
	want := bot.Message{Channel: "telegram", UserID: "424249", ChatID: "424242", Text: "丁", Time: t0}
	if len(msgs) != 2 || msgs[1] != want {
		t.Fatalf("engine messages %+v", msgs)
	}
	sent := h.api.callsOf("sendMessage")
	if len(sent) != 2 || !strings.Contains(sent[1].Fields["reply_parameters"], `"message_id":7`) {
		t.Errorf("group answer not a reply to the buttons' message: %+v", sent[1:])
	}

	h.a.HandleUpdate(ctx, textUpdate("/forget"))
	h.api.reset()
	h.a.HandleUpdate(ctx, callbackUpdate(data))
	if diff := cmp.Diff([]string{choiceExpired}, callbackAnswers(h.api)); diff != "" {
		t.Errorf("after /forget (-want +got):\n%s", diff)
	}
	if len(h.conv.messages()) != 2 {
		t.Errorf("a forgotten choice reached the engine")
	}
	if logs := h.logs.String(); strings.Contains(logs, "丁") {
		t.Errorf("logs carry a choice's text:\n%s", logs)
	}
}

func TestChoiceMemoryBounds(t *testing.T) {
	m := newChoiceMemory(2)
	var ids []string
	for i := range choiceOffersPerChat + 1 {
		ids = append(ids, m.offer(1, []string{"a", string(rune('b' + i))}))
	}
	if _, ok := m.lookup(1, ids[0], 0); ok {
		t.Errorf("offer past choiceOffersPerChat still remembered")
	}
	for _, id := range ids[1:] {
		if got, ok := m.lookup(1, id, 0); !ok || got != "a" {
			t.Errorf("offer %s: %q %v", id, got, ok)
		}
	}
	if _, ok := m.lookup(1, ids[1], 2); ok {
		t.Errorf("index past the choices found")
	}
	two := m.offer(2, []string{"x"})
	m.offer(1, []string{"y"}) // chat 1 offered to most recently
	m.offer(3, []string{"z"}) // evicts chat 2
	if _, ok := m.lookup(2, two, 0); ok {
		t.Errorf("least recent chat not evicted")
	}
	if _, ok := m.lookup(1, ids[len(ids)-1], 0); !ok {
		t.Errorf("recent chat evicted")
	}
	if len(m.chats) != 2 || m.lru.Len() != 2 {
		t.Errorf("memory holds %d chats (%d in lru)", len(m.chats), m.lru.Len())
	}
	id, i, ok := parseChoiceData(choiceData(two, 3))
	if !ok || id != two || i != 3 {
		t.Errorf("round trip: %q %d %v", id, i, ok)
	}
}
