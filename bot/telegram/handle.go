package telegram

import (
	"context"
	"errors"
	"html"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/cdsme/policybot/bot"
)

// HandleUpdate handles one update synchronously: messages, edited
// messages, button taps; other kinds are logged and ignored. Updates of one
// chat are serialised; a repeated update id is not answered again. It never
// panics on missing fields (a panic in a conversation or command handler is
// recovered and logged). Long polling calls it; tests and other transports
// may too. A reply that cannot be delivered within WithRetry's bounds is
// logged and counted lost (WithLostReplyObserver); WebhookHandler instead
// asks Telegram to redeliver the update.
//
// Messages:
//   - text → Conversation.Handle (commands: /start, /help, /calc, /forget
//     and registered ones);
//   - stickers, photos, voice, documents and other media → "请用文字提问";
//   - service messages (joins, pins …) and messages from bots → ignored;
//   - edited text (not commands) is answered as a new question, as a reply
//     to the edited message, when the original is under DefaultEditWindow
//     old: a user who fixes a typo expects the corrected question answered.
func (a *Adapter) HandleUpdate(ctx context.Context, upd *models.Update) {
	if owed := a.handle(ctx, upd); len(owed) > 0 {
		a.lose(LostRetriesExhausted, owed)
		a.updates.record(upd.ID, nil) // nobody will redeliver it
	}
}

// handle answers upd unless its id was seen; for a redelivered update it
// only resends the replies still owed. It returns the replies it could not
// deliver (429/5xx/network failures beyond the retry bounds), which stay
// owed under the update id.
func (a *Adapter) handle(ctx context.Context, upd *models.Update) []*outgoing {
	if upd == nil {
		return nil
	}
	unlock := a.locks.lock(chatKey(upd))
	defer unlock()
	ctx, cancel := context.WithTimeout(ctx, DefaultHandleTimeout)
	defer cancel()
	ob := &outbox{}
	ctx = context.WithValue(ctx, outboxKey{}, ob)
	if seen, owed := a.updates.lookup(upd.ID); seen {
		a.log.Debug("repeated update", "update", upd.ID, "owed", len(owed))
		for _, o := range owed {
			a.deliverOutgoing(ctx, o)
		}
	} else {
		a.dispatch(ctx, upd)
	}
	a.updates.record(upd.ID, ob.owed)
	return ob.owed
}

func (a *Adapter) dispatch(ctx context.Context, upd *models.Update) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("panic handling update", "update", upd.ID, "panic", p)
		}
	}()
	switch {
	case upd.Message != nil:
		a.onMessage(ctx, upd.Message, false)
	case upd.EditedMessage != nil:
		a.onMessage(ctx, upd.EditedMessage, true)
	case upd.CallbackQuery != nil:
		a.onCallback(ctx, upd.CallbackQuery)
	case upd.MyChatMember != nil:
		a.log.Info("chat membership changed", "user", a.hash(upd.MyChatMember.From.ID),
			"status", string(upd.MyChatMember.NewChatMember.Type))
	default:
		a.log.Debug("update ignored", "update", upd.ID)
	}
}

// outbox collects the replies of one update that could not be delivered.
type outbox struct {
	mu   sync.Mutex
	owed []*outgoing
}

type outboxKey struct{}

// lose logs and counts replies given up on.
func (a *Adapter) lose(reason string, owed []*outgoing) {
	for _, o := range owed {
		a.log.Error("reply lost", "chat", a.hash(o.chatID), "reason", reason, "parts", len(o.parts))
		a.countLost(reason)
	}
}

func (a *Adapter) countLost(reason string) {
	if a.cfg.lost != nil {
		a.cfg.lost(reason)
	}
}

// chatKey is the chat an update belongs to (0 if none).
func chatKey(upd *models.Update) int64 {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.ID
	case upd.CallbackQuery != nil:
		if c := callbackChat(upd.CallbackQuery); c != 0 {
			return c
		}
		return upd.CallbackQuery.From.ID
	}
	return 0
}

// senderID is the user a message counts for: From, else the sender chat
// (anonymous admins, channels), else the chat.
func senderID(m *models.Message) int64 {
	switch {
	case m.From != nil:
		return m.From.ID
	case m.SenderChat != nil:
		return m.SenderChat.ID
	}
	return m.Chat.ID
}

func isMedia(m *models.Message) bool {
	return m.Sticker != nil || len(m.Photo) > 0 || m.Voice != nil || m.Document != nil ||
		m.Audio != nil || m.Video != nil || m.VideoNote != nil || m.Animation != nil ||
		m.Location != nil || m.Contact != nil || m.Venue != nil || m.Poll != nil || m.Dice != nil
}

func (a *Adapter) hash(id int64) string {
	return bot.HashUser(Channel, strconv.FormatInt(id, 10), a.cfg.salt)
}

func (a *Adapter) onMessage(ctx context.Context, m *models.Message, edited bool) {
	if m.From != nil && m.From.IsBot {
		return
	}
	chatID, userID := m.Chat.ID, senderID(m)
	if chatID == 0 {
		a.log.Warn("message without chat ignored")
		return
	}
	text := strings.TrimSpace(m.Text)
	media := text == "" && isMedia(m)
	switch {
	case text == "" && !media:
		a.log.Debug("service message ignored", "user", a.hash(userID))
		return
	case edited && (media || strings.HasPrefix(text, "/")):
		return
	case edited && m.Date > 0 && a.cfg.clock.Now().Sub(time.Unix(int64(m.Date), 0)) > DefaultEditWindow:
		a.log.Debug("edit of an old message ignored", "user", a.hash(userID))
		return
	}
	replyTo := 0
	if edited || m.Chat.Type != models.ChatTypePrivate && m.Chat.Type != "" {
		replyTo = m.ID
	}
	if media {
		a.log.Info("non-text message", "user", a.hash(userID))
		a.sendText(ctx, chatID, nonTextText, replyTo)
		return
	}
	msg := bot.Message{
		Channel: Channel,
		UserID:  strconv.FormatInt(userID, 10),
		ChatID:  strconv.FormatInt(chatID, 10),
		Text:    text,
		Time:    a.cfg.clock.Now(),
	}
	if strings.HasPrefix(text, "/") {
		a.onCommand(ctx, msg, userID, chatID, replyTo)
		return
	}
	a.answer(ctx, msg, userID, chatID, replyTo)
}

// parseCommand splits "/name@bot args" into lower-case name, the bot it
// is addressed to ("" if none) and args.
func parseCommand(text string) (name, to, args string) {
	text = strings.TrimPrefix(text, "/")
	name, args, _ = strings.Cut(text, " ")
	if i := strings.IndexAny(name, "\n\t"); i >= 0 {
		args = name[i:] + " " + args
		name = name[:i]
	}
	name, to, _ = strings.Cut(name, "@")
	return strings.ToLower(name), to, strings.TrimSpace(args)
}

func (a *Adapter) onCommand(ctx context.Context, msg bot.Message, userID, chatID int64, replyTo int) {
	name, to, args := parseCommand(msg.Text)
	if to != "" && a.username != "" && !strings.EqualFold(to, a.username) {
		return // "/start@otherbot" in a group
	}
	a.log.Info("command", "user", a.hash(userID), "command", name)
	if c, ok := a.cfg.commands[name]; ok {
		staff := a.cfg.staff[userID]
		if c.staffOnly && !staff {
			a.sendText(ctx, chatID, staffOnlyText, replyTo)
			return
		}
		r, err := c.handler(ctx, Command{Name: name, Args: args, Message: msg, Staff: staff})
		if err != nil || strings.TrimSpace(r.Text) == "" {
			a.log.Error("command failed", "command", name, "user", a.hash(userID), "err", err)
			a.sendText(ctx, chatID, apologyText, replyTo)
			return
		}
		a.deliver(ctx, chatID, r, replyTo)
		return
	}
	switch name {
	case "start":
		a.sendHTML(ctx, chatID, welcomeHTML+"\n"+a.commandListHTML(), replyTo)
	case "help":
		a.sendHTML(ctx, chatID, helpHTML+"\n"+a.commandListHTML()+"\n\n"+helpTailHTML, replyTo)
	case "calc":
		if args == "" {
			a.sendHTML(ctx, chatID, calcUsageHTML, replyTo)
			return
		}
		// The engine reads "/calc RULE k=v…" itself.
		a.answer(ctx, msg, userID, chatID, replyTo)
	case "forget":
		a.choices.forget(chatID)
		if err := a.conv.Forget(ctx, msg); err != nil {
			a.log.Error("forget failed", "user", a.hash(userID), "err", err)
			a.sendText(ctx, chatID, forgetFailedText, replyTo)
			return
		}
		a.log.Info("user data forgotten", "user", a.hash(userID))
		a.sendText(ctx, chatID, forgetDoneText, replyTo)
	default:
		a.sendText(ctx, chatID, unknownCmdText, replyTo)
	}
}

// answer passes msg to the engine and sends its reply (or an apology).
func (a *Adapter) answer(ctx context.Context, msg bot.Message, userID, chatID int64, replyTo int) {
	r, err := a.conv.Handle(ctx, msg)
	switch {
	case errors.Is(err, bot.ErrRateLimited):
		a.flooded(ctx, chatID, userID)
		return
	case err != nil:
		a.log.Error("engine failed", "user", a.hash(userID), "len", utf8.RuneCountInString(msg.Text), "err", err)
		a.sendText(ctx, chatID, apologyText, replyTo)
		return
	case strings.TrimSpace(r.Text) == "":
		a.log.Error("engine gave an empty reply", "user", a.hash(userID), "exchange", r.ExchangeID)
		a.sendText(ctx, chatID, apologyText, replyTo)
		return
	}
	a.log.Info("answered", "user", a.hash(userID), "len", utf8.RuneCountInString(msg.Text),
		"exchange", r.ExchangeID, "answered", r.Answered, "reply_len", utf8.RuneCountInString(r.Text))
	a.deliver(ctx, chatID, r, replyTo)
}

// deliver sends a reply; failures are logged, and a reply that may still
// be delivered later is kept in the update's outbox.
func (a *Adapter) deliver(ctx context.Context, chatID int64, r bot.Reply, replyTo int) {
	o, err := a.outgoing(chatID, r, replyTo)
	if err != nil {
		a.log.Error("reply not sent", "chat", a.hash(chatID), "err", err)
		return
	}
	a.deliverOutgoing(ctx, o)
}

func (a *Adapter) deliverOutgoing(ctx context.Context, o *outgoing) {
	err := a.push(ctx, o)
	switch {
	case err == nil:
	case errors.Is(err, ErrBlocked):
		a.log.Info("user blocked the bot; not sending", "chat", a.hash(o.chatID))
	case errors.Is(err, ErrUndelivered):
		a.log.Warn("reply not delivered yet", "chat", a.hash(o.chatID), "err", shortError(err))
		if ob, ok := ctx.Value(outboxKey{}).(*outbox); ok {
			ob.mu.Lock()
			ob.owed = append(ob.owed, o)
			ob.mu.Unlock()
		} else {
			a.lose(LostRetriesExhausted, []*outgoing{o})
		}
	default:
		a.log.Error("send failed", "chat", a.hash(o.chatID), "err", shortError(err))
		a.lose(LostRejected, []*outgoing{o})
	}
}

// flooded tells a user the engine rate-limited to slow down, at most once
// per DefaultFloodNoticeInterval; other refused messages are dropped silently.
func (a *Adapter) flooded(ctx context.Context, chatID, userID int64) {
	now := a.cfg.clock.Now()
	quiet := DefaultFloodNoticeInterval
	a.floodMu.Lock()
	until, noticed := a.floodUntil[userID]
	if noticed && now.Before(until) {
		a.floodMu.Unlock()
		a.log.Debug("flooded message dropped", "user", a.hash(userID))
		return
	}
	if len(a.floodUntil) > 10000 {
		for id, t := range a.floodUntil {
			if !now.Before(t) {
				delete(a.floodUntil, id)
			}
		}
	}
	a.floodUntil[userID] = now.Add(quiet)
	a.floodMu.Unlock()
	a.log.Info("user rate limited", "user", a.hash(userID))
	a.sendText(ctx, chatID, floodText, 0)
}

func (a *Adapter) onCallback(ctx context.Context, q *models.CallbackQuery) {
	if strings.HasPrefix(q.Data, choicePrefix) {
		a.onChoice(ctx, q)
		return
	}
	text := callbackExpired
	if q.Data != "" {
		ack, err := a.conv.Feedback(ctx, bot.Feedback{
			Channel: Channel,
			UserID:  strconv.FormatInt(q.From.ID, 10),
			Data:    q.Data,
			Time:    a.cfg.clock.Now(),
		})
		switch {
		case errors.Is(err, bot.ErrBadCallback):
			a.log.Info("bad callback data", "user", a.hash(q.From.ID), "bytes", len(q.Data))
		case err != nil:
			a.log.Error("feedback failed", "user", a.hash(q.From.ID), "err", err)
			text = callbackFailed
		default:
			text = ack
			a.log.Info("feedback", "user", a.hash(q.From.ID))
		}
	}
	a.answerCallback(ctx, q, text)
}

// onChoice answers a tap on a choice button as if the user had sent the
// choice's text in the chat the button is on; data the adapter did not
// offer in that chat is refused.
func (a *Adapter) onChoice(ctx context.Context, q *models.CallbackQuery) {
	chatID := callbackChat(q)
	id, i, ok := parseChoiceData(q.Data)
	text := ""
	if ok {
		text, ok = a.choices.lookup(chatID, id, i)
	}
	if !ok || q.From.IsBot {
		a.log.Info("unknown choice callback", "user", a.hash(q.From.ID), "bytes", len(q.Data))
		a.answerCallback(ctx, q, choiceExpired)
		return
	}
	a.log.Info("choice tapped", "user", a.hash(q.From.ID), "choice", i)
	a.answerCallback(ctx, q, choiceChosen+text)
	replyTo := 0
	if m := q.Message.Message; m != nil && m.Chat.Type != models.ChatTypePrivate && m.Chat.Type != "" {
		replyTo = m.ID // in a group, answer under the question asked
	}
	a.answer(ctx, bot.Message{
		Channel: Channel,
		UserID:  strconv.FormatInt(q.From.ID, 10),
		ChatID:  strconv.FormatInt(chatID, 10),
		Text:    text,
		Time:    a.cfg.clock.Now(),
	}, q.From.ID, chatID, replyTo)
}

// callbackChat is the chat of the message a tapped button is on (0 when
// Telegram names none, as for inline-mode messages).
func callbackChat(q *models.CallbackQuery) int64 {
	if m := q.Message.Message; m != nil {
		return m.Chat.ID
	}
	if m := q.Message.InaccessibleMessage; m != nil {
		return m.Chat.ID
	}
	return 0
}

// answerCallback answers a button tap (answerCallbackQuery) with a short
// notice; failures are logged.
func (a *Adapter) answerCallback(ctx context.Context, q *models.CallbackQuery, text string) {
	if q.ID == "" {
		return
	}
	text = truncateRunes(text, 200) // answerCallbackQuery allows 0-200 characters
	err := a.call(ctx, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := a.b.AnswerCallbackQuery(ctx, &tgAnswer{CallbackQueryID: q.ID, Text: text})
		return err
	})
	if err != nil {
		a.log.Warn("answerCallbackQuery failed", "user", a.hash(q.From.ID), "err", err)
	}
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// sendText sends a short plain notice (escaped).
func (a *Adapter) sendText(ctx context.Context, chatID int64, text string, replyTo int) {
	a.deliver(ctx, chatID, bot.Reply{Text: text}, replyTo)
}

// sendHTML sends one of the adapter's own HTML texts as written.
func (a *Adapter) sendHTML(ctx context.Context, chatID int64, h string, replyTo int) {
	a.deliverOutgoing(ctx, &outgoing{chatID: chatID, parts: []part{{HTML: h, Plain: htmlToPlain(h)}}, replyTo: replyTo})
}

// htmlToPlain strips the adapter's own tags and unescapes, for the
// plain-text fallback.
func htmlToPlain(h string) string {
	for _, t := range []string{"<b>", "</b>", "<i>", "</i>", "<code>", "</code>"} {
		h = strings.ReplaceAll(h, t, "")
	}
	return html.UnescapeString(h)
}
