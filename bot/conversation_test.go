package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// conversation builds an engine over an in-process Redis; the Redis
// implementations themselves are tested against the real server in
// bot/redisstore.
func conversation(t *testing.T, opts ...bot.Option) (*bot.Engine, *redisstore.ExchangeLog) {
	t.Helper()
	rdb, stop, err := redisstore.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	ix, err := knowledge.New(policies.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	log := redisstore.NewExchangeLog(rdb, redisstore.Options{})
	opts = append([]bot.Option{bot.WithExchangeLog(log), bot.WithChatMemory(redisstore.NewChatMemory(rdb)), bot.WithSecret("test")}, opts...)
	return bot.NewEngine(policies.MustDefault(), ix, opts...), log
}

func say(t *testing.T, e *bot.Engine, chat, text string) bot.Reply {
	t.Helper()
	r, err := e.Handle(context.Background(), bot.Message{Channel: "test", UserID: chat, ChatID: chat, Text: text, Time: time.Now()})
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return r
}

func amounts(r bot.Reply) map[string]int64 {
	out := map[string]int64{}
	for _, c := range r.Calculations {
		out[c.Rule] += c.AmountYuan
	}
	return out
}

func TestFollowUps(t *testing.T) {
	e, _ := conversation(t)
	r := say(t, e, "1", "新评上小巨人能拿多少钱")
	if amounts(r)["little_giant"] != 500000 {
		t.Fatalf("first answer: %+v", r.Calculations)
	}
	r = say(t, e, "1", "那省级的呢")
	if amounts(r)["provincial_sme"] != 100000 {
		t.Errorf("follow-up 那省级的呢: %+v\n%s", r.Calculations, r.Text)
	}
	r = say(t, e, "1", "数字化改造投了300万能补多少")
	if amounts(r)["digital_transformation"] != 300000 {
		t.Fatalf("digital: %+v", r.Calculations)
	}
	r = say(t, e, "1", "如果投入是500万呢")
	if amounts(r)["digital_transformation"] != 500000 {
		t.Errorf("follow-up amount: %+v\n%s", r.Calculations, r.Text)
	}
	// The bot asks for a missing figure, and the bare figure answers it.
	r = say(t, e, "1", "研发投入增加了能补多少")
	if len(r.Calculations) != 0 || !strings.Contains(r.Text, "还需要") {
		t.Fatalf("missing figure not asked for: %s", r.Text)
	}
	r = say(t, e, "1", "650万")
	if amounts(r)["rd_increase"] != 600000 {
		t.Errorf("pending figure: %+v\n%s", r.Calculations, r.Text)
	}
	// Another chat has its own context.
	r = say(t, e, "2", "如果投入是500万呢")
	if amounts(r)["digital_transformation"] != 0 {
		t.Errorf("context leaked across chats: %+v", r.Calculations)
	}
}

func TestFeedbackAndForget(t *testing.T) {
	e, log := conversation(t)
	r := say(t, e, "42", "我的手机13812345678，研发投入增加了400万能补多少")
	if len(r.Buttons) == 0 {
		t.Fatal("no feedback buttons")
	}
	for _, b := range r.Buttons {
		if len(b.Data) > 64 {
			t.Errorf("button data %d bytes > 64", len(b.Data))
		}
	}
	ex, err := log.Get(context.Background(), r.ExchangeID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ex.Question, "13812345678") || !ex.Answered || ex.Mode != "offline" {
		t.Errorf("logged exchange not masked or incomplete: %+v", ex)
	}
	down := r.Buttons[1].Data
	if _, err := e.Feedback(context.Background(), bot.Feedback{Channel: "test", UserID: "42", Data: down, Reason: "没说清楚，打我电话13900001111", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if ex, _ = log.Get(context.Background(), r.ExchangeID); ex.Feedback != "down" || !strings.Contains(ex.FeedbackReason, "没说清楚") || strings.Contains(ex.FeedbackReason, "13900001111") {
		t.Errorf("feedback not stored, or reason unmasked: %+v", ex)
	}
	tampered := strings.Replace(down, ":down:", ":up:", 1)
	if _, err := e.Feedback(context.Background(), bot.Feedback{Channel: "test", UserID: "42", Data: tampered}); !errors.Is(err, bot.ErrBadCallback) {
		t.Errorf("tampered data: err = %v", err)
	}
	for _, junk := range []string{"", "fb", "fb:up:x", "fb:up:x:y:z", "\xff\xfe"} {
		if _, err := e.Feedback(context.Background(), bot.Feedback{Data: junk}); !errors.Is(err, bot.ErrBadCallback) {
			t.Errorf("%q: err = %v", junk, err)
		}
	}
	if err := e.Forget(context.Background(), bot.Message{Channel: "test", UserID: "42", ChatID: "42"}); err != nil {
		t.Fatal(err)
	}
	if _, err := log.Get(context.Background(), r.ExchangeID); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("after forget: err = %v", err)
	}
}

// A store that fails degrades logging, never the answer.
func TestStorageDownStillAnswers(t *testing.T) {
	ix, err := knowledge.New(policies.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	broken := failingStore{}
	e := bot.NewEngine(policies.MustDefault(), ix, bot.WithExchangeLog(broken), bot.WithChatMemory(broken), bot.WithRateLimiter(broken))
	r, err := e.Handle(context.Background(), bot.Message{Channel: "test", UserID: "1", ChatID: "1", Text: "小巨人奖励多少"})
	if err != nil || !r.Answered || len(r.Calculations) == 0 {
		t.Fatalf("reply %+v err %v", r, err)
	}
}

type failingStore struct{}

var errDown = errors.New("redis down")

func (failingStore) Append(context.Context, bot.Exchange) error { return errDown }
func (failingStore) Get(context.Context, string) (bot.Exchange, error) {
	return bot.Exchange{}, errDown
}
func (failingStore) DeleteUser(context.Context, string) (int, error) { return 0, errDown }
func (failingStore) Load(context.Context, string) (bot.ChatContext, error) {
	return bot.ChatContext{}, errDown
}
func (failingStore) Save(context.Context, string, bot.ChatContext, time.Duration) error {
	return errDown
}
func (failingStore) Delete(context.Context, string) error { return errDown }
func (failingStore) SetFeedback(context.Context, string, string, string, string, time.Time) error {
	return errDown
}
func (failingStore) List(context.Context, bot.ExchangeQuery) ([]bot.Exchange, string, error) {
	return nil, "", errDown
}
func (failingStore) Allow(context.Context, string) (bool, time.Duration, error) {
	return false, 0, errDown
}

type phraserFunc func(context.Context, bot.PhraseRequest) (bot.PhraseResult, error)

func (f phraserFunc) Phrase(ctx context.Context, r bot.PhraseRequest) (bot.PhraseResult, error) {
	return f(ctx, r)
}

type countingObserver struct{ fallbacks []string }

func (o *countingObserver) Answered(string, bool, string, time.Duration) {}
func (o *countingObserver) Fallback(reason string)                       { o.fallbacks = append(o.fallbacks, reason) }
func (o *countingObserver) Feedback(string)                              {}

// A Phraser failure falls back to the offline answer, counted with its
// reason; a success replaces the text but keeps the engine's figures.
func TestPhraserFallback(t *testing.T) {
	obs := &countingObserver{}
	failing := phraserFunc(func(context.Context, bot.PhraseRequest) (bot.PhraseResult, error) {
		return bot.PhraseResult{}, errors.New("invented number 80万")
	})
	e, log := conversation(t, bot.WithPhraser(failing), bot.WithObserver(obs),
		bot.WithFallbackReason(func(error) string { return "invented_number" }))
	r := say(t, e, "7", "研发投入增加了400万能补多少")
	if amounts(r)["rd_increase"] != 400000 || !strings.Contains(r.Text, "40万") {
		t.Fatalf("fallback answer: %s", r.Text)
	}
	if len(obs.fallbacks) != 1 || obs.fallbacks[0] != "invented_number" {
		t.Errorf("fallbacks = %v", obs.fallbacks)
	}
	if ex, _ := log.Get(context.Background(), r.ExchangeID); ex.Mode != "llm_fallback" {
		t.Errorf("mode = %q", ex.Mode)
	}
	var got bot.PhraseRequest
	ok := phraserFunc(func(_ context.Context, req bot.PhraseRequest) (bot.PhraseResult, error) {
		got = req
		return bot.PhraseResult{Text: "按第4条，增加400万可得40万元补助。"}, nil
	})
	e, _ = conversation(t, bot.WithPhraser(ok))
	r = say(t, e, "7", "研发投入增加了400万能补多少")
	if !strings.HasPrefix(r.Text, "按第4条") || !strings.Contains(r.Text, "征求意见稿") || amounts(r)["rd_increase"] != 400000 {
		t.Errorf("phrased reply: %s", r.Text)
	}
	if len(got.Clauses) == 0 || got.Clauses[0].ID != "policy/4" || len(got.Calculations) != 1 || got.Offline == "" {
		t.Errorf("phraser request: %+v", got)
	}
}

// 10 000 messages from one user in a minute: the limiter answers a burst and
// refuses the rest with ErrRateLimited; another user is unaffected.
func TestFloodFromOneUser(t *testing.T) {
	rdb, stop, err := redisstore.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ix, err := knowledge.New(policies.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	limiter := redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 20, Period: time.Minute})
	e := bot.NewEngine(policies.MustDefault(), ix, bot.WithRateLimiter(limiter))
	answered, limited := 0, 0
	for i := 0; i < 10000; i++ {
		_, err := e.Handle(context.Background(), bot.Message{Channel: "test", UserID: "flood", ChatID: "flood", Text: "小巨人奖励多少"})
		switch {
		case err == nil:
			answered++
		case errors.Is(err, bot.ErrRateLimited):
			limited++
		default:
			t.Fatal(err)
		}
	}
	// 20 a minute: a burst of 20 passes; the loop's own duration may let a
	// few more refill (it runs for seconds under -race), never hundreds.
	if answered > 60 || answered < 1 || limited != 10000-answered {
		t.Errorf("answered %d, limited %d", answered, limited)
	}
	if _, err := e.Handle(context.Background(), bot.Message{Channel: "test", UserID: "calm", ChatID: "calm", Text: "小巨人奖励多少"}); err != nil {
		t.Errorf("another user limited too: %v", err)
	}
}

// TestFeedbackByAnotherUser: a tap on someone else's answer is refused
// truthfully, never as a storage failure ("暂时未能保存"), and changes
// nothing; a replay by the asker is acknowledged and changes nothing.
func TestFeedbackByAnotherUser(t *testing.T) {
	e, log := conversation(t)
	r := say(t, e, "42", "小巨人奖励多少")
	ctx := context.Background()
	up, down := r.Buttons[0].Data, r.Buttons[1].Data
	if _, err := e.Feedback(ctx, bot.Feedback{Channel: "test", UserID: "42", Data: down, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	msg, err := e.Feedback(ctx, bot.Feedback{Channel: "test", UserID: "43", Data: up, Time: time.Now()})
	if err != nil || strings.Contains(msg, "未能保存") || !strings.Contains(msg, "提问的人") {
		t.Errorf("another user's tap: %q, %v", msg, err)
	}
	msg, err = e.Feedback(ctx, bot.Feedback{Channel: "test", UserID: "42", Data: down, Time: time.Now()})
	if err != nil || strings.Contains(msg, "未能保存") {
		t.Errorf("replay: %q, %v", msg, err)
	}
	if ex, _ := log.Get(ctx, r.ExchangeID); ex.Feedback != bot.VerdictDown {
		t.Errorf("vote = %q, want down", ex.Feedback)
	}
}

// A complete question after an answer starts afresh: only a follow-up
// (那…呢, 如果…呢, a bare figure, 这个) leans on the chat's context.
func TestCompleteQuestionStartsAfresh(t *testing.T) {
	e, _ := conversation(t)
	if r := say(t, e, "7", "我们新评上小巨人，能拿多少"); amounts(r)["little_giant"] != 500000 {
		t.Fatalf("first answer: %+v", r.Calculations)
	}
	r := say(t, e, "7", "申报材料有哪些")
	if len(r.Calculations) != 0 || strings.Contains(r.Text, "50万") || !strings.Contains(r.Text, "两份文件没有写") {
		t.Errorf("申报材料有哪些 repeated the last answer: %+v\n%s", r.Calculations, r.Text)
	}
}

// A digit elsewhere in the question ("(1)", a year) does not change what
// it is about.
func TestNoiseDigitsDoNotMoveTheClause(t *testing.T) {
	e, _ := conversation(t)
	for _, q := range []string{"(1) 小巨人奖励多少", "2026年新评上小巨人奖励多少", "第3个问题：小巨人奖励多少"} {
		r := say(t, e, "8", q)
		if amounts(r)["little_giant"] != 500000 || len(r.Citations) == 0 || r.Citations[0].ID != "policy/1" {
			t.Errorf("%s: %+v %v", q, r.Calculations, r.Citations)
		}
	}
}

// When two readings differ the answer asks, offers the replies that settle
// it, and the reply settles it.
func TestAmbiguityAskedAndSettled(t *testing.T) {
	e, _ := conversation(t)
	r := say(t, e, "9", "研发投入500万、930万，能补多少")
	if len(r.Choices) != 2 || r.Choices[0] != "今年500万" || r.Choices[1] != "今年930万" {
		t.Fatalf("choices %q\n%s", r.Choices, r.Text)
	}
	if r := say(t, e, "9", r.Choices[1]); amounts(r)["rd_increase"] != 400000 {
		t.Errorf("今年930万: %+v", r.Calculations)
	}
	say(t, e, "9", "研发投入500万、930万，能补多少")
	if r := say(t, e, "9", "今年500万"); amounts(r)["rd_increase"] != 0 || !strings.Contains(r.Text, "930万 − 500万") && !strings.Contains(r.Text, "500万 − 930万") {
		t.Errorf("今年500万: %+v\n%s", r.Calculations, r.Text)
	}
}

// The log records what was asked and which needs the documents left
// unanswered, for the staff console.
func TestExchangeRecordsTheNeed(t *testing.T) {
	e, log := conversation(t)
	r := say(t, e, "10", "小巨人奖励什么时候申报")
	ex, err := log.Get(context.Background(), r.ExchangeID)
	if err != nil || ex.Need != "deadline" || ex.Unstated != "deadline" || ex.Lang != "zh" || ex.Answered {
		t.Errorf("exchange %+v, %v", ex, err)
	}
	r = say(t, e, "10", "研发投入比去年多了650万，能拿多少")
	if ex, _ := log.Get(context.Background(), r.ExchangeID); ex.Need != "amount" || ex.Unstated != "" {
		t.Errorf("exchange %+v", ex)
	}
}
