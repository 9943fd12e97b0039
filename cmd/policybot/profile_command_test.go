package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// passConv stands for the engine: it answers every message it gets.
type passConv struct{ innerConv }

func (passConv) Handle(context.Context, bot.Message) (bot.Reply, error) {
	return bot.Reply{Text: "引擎回答"}, nil
}

func chatMsg(chat int64, text string) bot.Message {
	return bot.Message{Channel: "telegram", ChatID: fmt.Sprint(chat), UserID: fmt.Sprint(chat), Text: text}
}

// TestProfileEdit: /profile step by step, as serve wires it.
func TestProfileEdit(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	store := asynqpush.NewStore(rdb)
	now := func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, chinaTime) }
	ed := newProfileEditor(store, rdb, subscribeScheduler(store, awakeEnv(nil)), now)
	conv := profileConversation{&passConv{}, ed}
	say := func(chat int64, text, want string) bot.Reply {
		t.Helper()
		r, err := conv.Handle(ctx, chatMsg(chat, text))
		if err != nil || !strings.Contains(r.Text, want) {
			t.Fatalf("%q: %q, %v; want %q", text, r.Text, err, want)
		}
		if w := push.CodeWords(r.Text, designID, "LPR"); len(w) > 0 {
			t.Errorf("%q: code words %q in %q", text, w, r.Text)
		}
		return r
	}
	version := func() int64 {
		t.Helper()
		rec, err := store.Record(ctx, designID)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Version
	}
	rebills := func() int {
		n := 0
		for _, k := range m.Keys() {
			if strings.Contains(k, ":t:rebill:") {
				n++
			}
		}
		return n
	}

	// A chat without an enterprise is told how to bind one.
	chatSays(t, ed.command, cmdFor(6, "profile", "", false), "/subscribe 绑定码")
	say(6, "2026 1150万", "引擎回答") // no step: the engine answers

	bindChat(t, store, designProfile, 5)
	v0 := version()
	r := chatSays(t, ed.command, cmdFor(5, "profile", "", false), "各年研发投入：2025年 500万；2026年 930万")
	if len(r.Choices) != 7 || r.Choices[2] != "修改：各年研发投入" {
		t.Errorf("choices %q", r.Choices)
	}
	say(5, "今年能申请什么", "引擎回答") // while choosing, other messages go on
	say(5, "修改：各年研发投入", "例如：2026 930万")

	// A bad amount: the field is named, nothing saved, asked again.
	say(5, "2026 很多", "“各年研发投入”填写有误：“很多”不是金额")
	say(5, "2027 100万", "今年（2026年）")
	if version() != v0 || rebills() != 0 {
		t.Fatalf("a bad value was saved: version %d, rebills %d", version(), rebills())
	}
	// A good one: saved, version bumped, the change re-billed.
	say(5, "2026 1150万", "已保存“各年研发投入”")
	p, _ := store.Get(ctx, designID)
	if version() != v0+1 || p.RDSpendYuan["2026"] != 11500000 || p.RDSpendYuan["2025"] != 5000000 || p.ChatID != 5 {
		t.Errorf("after the save: version %d (was %d), profile %+v", version(), v0, p)
	}
	if rebills() != 1 {
		t.Errorf("%d re-bills enqueued, want 1", rebills())
	}
	say(5, "2026 1200万", "引擎回答") // the step is over

	// 取消: nothing saved.
	chatSays(t, ed.command, cmdFor(5, "profile", "", false), "1150万")
	say(5, "数字化投资", "例如：120万")
	say(5, "取消", "已取消")
	say(5, "120万", "引擎回答")
	if version() != v0+1 {
		t.Errorf("取消 saved: version %d", version())
	}

	// A stale version: told, shown the fresh profile, nothing lost.
	chatSays(t, ed.command, cmdFor(5, "profile", "", false), "1150万")
	say(5, "数字化投资", "例如")
	other := p
	other.ChatID, other.Name = 0, "改名公司"
	if _, err := store.SaveIf(ctx, other, v0+1); err != nil {
		t.Fatal(err)
	}
	say(5, "120万", "资料刚被其他操作更新")
	if q, _ := store.Get(ctx, designID); q.Name != "改名公司" || q.DigitalInvestmentYuan != 2600000 {
		t.Errorf("after a stale edit: %+v", q)
	}
	say(5, "数字化投资", "例如")
	say(5, "120万", "数字化投资：120万")
	if q, _ := store.Get(ctx, designID); q.Name != "改名公司" || q.DigitalInvestmentYuan != 1200000 {
		t.Errorf("after the retry: %+v", q)
	}

	// The step expires.
	chatSays(t, ed.command, cmdFor(5, "profile", "", false), "1150万")
	m.FastForward(profileEditTTL + time.Second)
	say(5, "数字化投资", "引擎回答")
}

// TestProfileThroughTelegram: the field buttons and the next message reach
// the flow through the adapter.
func TestProfileThroughTelegram(t *testing.T) {
	var store *asynqpush.Store
	_, tg, a := fakeTelegramAdapter(t, func(rdb redis.UniversalClient) (bot.Conversation, []telegram.Option) {
		store = asynqpush.NewStore(rdb)
		now := func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, chinaTime) }
		return profileConversation{&passConv{}, newProfileEditor(store, rdb, nil, now)},
			pushCommandOptions(store, newCorrections(rdb, "k"), func(string) string { return "" }, now)
	})
	bindChat(t, store, designProfile, 5)
	send := func(id int64, text string) string {
		a.HandleUpdate(context.Background(), &models.Update{ID: id, Message: &models.Message{ID: int(id), Chat: models.Chat{ID: 5, Type: models.ChatTypePrivate},
			From: &models.User{ID: 5}, Text: text}})
		got := <-tg.sent
		return got["text"] + "\n" + got["reply_markup"]
	}
	menu := send(1, "/profile")
	if !strings.Contains(menu, "产业化研发投入：未填写") {
		t.Fatalf("/profile sent %s", menu)
	}
	// A tap on the button asks for the value.
	mm := regexp.MustCompile(`"text":"修改：各年研发投入","callback_data":"([^"]+)"`).FindStringSubmatch(menu)
	if mm == nil {
		t.Fatalf("no 各年研发投入 button in %s", menu)
	}
	a.HandleUpdate(context.Background(), &models.Update{ID: 2, CallbackQuery: &models.CallbackQuery{ID: "q1", From: models.User{ID: 5}, Data: mm[1],
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 1, Chat: models.Chat{ID: 5, Type: models.ChatTypePrivate}}}}})
	if got := (<-tg.sent)["text"]; !strings.Contains(got, "例如：2026 930万") {
		t.Fatalf("tap: %s", got)
	}
	if got := send(3, "2026 1150万"); !strings.Contains(got, "已保存") {
		t.Fatalf("value: %s", got)
	}
	if p, _ := store.Get(context.Background(), designID); p.RDSpendYuan["2026"] != 11500000 {
		t.Errorf("saved %+v", p.RDSpendYuan)
	}
}
