// Package wechat adapts the conversation engine (bot.Conversation) to a
// WeChat Official Account (公众号) through github.com/silenceper/wechat/v2.
// It holds no policy logic: it turns callbacks into bot.Message, and
// bot.Reply into plain-text messages.
//
// Contract:
//   - The callback (Handler, mounted at Path) checks the signature
//     (token, timestamp, nonce; SHA-1 as WeChat defines it) in constant
//     time before anything reads the body: 401 when it is missing, 403
//     when it is wrong or its timestamp is further than WithMaxSkew from
//     the clock. A GET with a good signature echoes echostr (the server
//     URL check).
//   - With an EncodingAESKey (safe mode) a POST must be encrypted
//     (encrypt_type=aes) and carry a good msg_signature (403 otherwise);
//     it is decrypted, and the passive reply encrypted, by the SDK.
//     Without a key only plain mode is accepted. A body that is not a
//     callback (malformed XML, undecryptable) is answered 400.
//   - Text messages (and voice with WeChat's recognition) go to
//     Conversation.Handle. The reply goes back passively, in the HTTP
//     response, when it is ready within WithPassiveWait (4 s; WeChat waits
//     5); otherwise the callback answers "success" and the reply goes
//     through the customer-service message API when ready.
//   - A reply is plain text (angle brackets made full-width so nothing
//     reads as a link), split into parts of at most MaxTextBytes and at
//     most MaxParts; the first part may be the passive reply and the rest
//     follow as customer-service messages.
//   - WeChat retries a callback it got no answer to (same MsgId; events by
//     sender and time). A retry is answered once: the engine is not asked
//     again; if the answer went passively, the retry carries the same
//     passive reply (WeChat retries only when it did not get the first);
//     if it went or goes through the API, the retry gets "success".
//     Callbacks are remembered in process (DefaultDedupMemory), and across
//     replicas with WithClaimer.
//   - A subscribe event gets a greeting (what the assistant does, the
//     draft note, the command words). Command words (WordSubscribe …) are
//     recognised as whole messages and as menu clicks (MenuButtons).
//   - Engine errors give a plain apology, never the error; nothing a
//     callback carries makes the handler panic.
//   - Logs carry hashed OpenIDs and text lengths, never message text, and
//     never the secret or access token (API errors are redacted).
package wechat

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/cdsme/policybot/bot"
)

// Channel is the bot.Message.Channel of WeChat messages.
const Channel = "wechat"

// Adapter connects a bot.Conversation to a WeChat Official Account. It is
// safe for concurrent use.
type Adapter struct {
	*client
	conv bot.Conversation

	jobs  *bounded[*job]
	last  *bounded[string]    // OpenID → feedback data of the last answer (反馈有误)
	flood *bounded[time.Time] // OpenID → end of the quiet time after a flood notice
}

// client calls the WeChat API through the SDK.
type client struct {
	cfg  Config
	opts options
	log  *slog.Logger
	oa   *officialaccount.OfficialAccount
	msgs *message.Manager
	menu *menu.Menu
}

// New builds an adapter. It fails on a nil conversation or a bad Config
// (Config.Validate). It makes no network call: the access token is fetched
// when first needed. It sets the SDK's process-wide HTTP client (timeout,
// and WECHAT_API_URL in place of api.weixin.qq.com).
func New(cfg Config, conv bot.Conversation, opts ...Option) (*Adapter, error) {
	if conv == nil {
		return nil, errors.New("wechat: nil conversation")
	}
	c, err := newClient(cfg, opts)
	if err != nil {
		return nil, err
	}
	return &Adapter{
		client: c, conv: conv,
		jobs:  newBounded[*job](DefaultDedupMemory),
		last:  newBounded[string](DefaultDedupMemory),
		flood: newBounded[time.Time](DefaultDedupMemory),
	}, nil
}

func newClient(cfg Config, opts []Option) (*client, error) {
	cfg.Path = cfg.path()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("wechat: %w", err)
	}
	o := options{
		log:          slog.Default(),
		now:          time.Now,
		passiveWait:  DefaultPassiveWait,
		maxSkew:      DefaultMaxSkew,
		handle:       DefaultHandleTimeout,
		commands:     map[string]CommandHandler{},
		apiTimeout:   DefaultAPITimeout,
		remainderGap: 300 * time.Millisecond,
	}
	for _, f := range opts {
		f(&o)
	}
	if o.cache == nil {
		o.cache = cache.NewMemory()
	}
	if o.salt == "" {
		var k [16]byte
		_, _ = rand.Read(k[:])
		o.salt = hex.EncodeToString(k[:])
	}
	if err := installClient(cfg.APIURL, o.apiTimeout); err != nil {
		return nil, fmt.Errorf("wechat: WECHAT_API_URL: %w", err)
	}
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: cfg.AppID, AppSecret: cfg.Secret, Token: cfg.Token, EncodingAESKey: cfg.AESKey, Cache: o.cache,
	})
	return &client{cfg: cfg, opts: o, log: o.log.With("component", "wechat"), oa: oa, msgs: oa.GetCustomerMessageManager(), menu: oa.GetMenu()}, nil
}

// Path is where Handler is to be mounted (WECHAT_PATH, default /wechat).
// Whether it clashes with the caller's other routes is the caller's to
// check.
func (a *Adapter) Path() string { return a.cfg.Path }

// Encrypted reports whether callbacks must be in safe mode (an
// EncodingAESKey is configured).
func (a *Adapter) Encrypted() bool { return a.cfg.AESKey != "" }

// Handler serves WeChat's callbacks (see the package contract).
func (a *Adapter) Handler() http.Handler { return http.HandlerFunc(a.serve) }

func (a *client) hash(openID string) string { return bot.HashUser(Channel, openID, a.opts.salt) }

func (a *Adapter) serve(w http.ResponseWriter, r *http.Request) {
	start := a.opts.now()
	written := false
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("panic serving a callback", "panic", fmt.Sprint(p))
			if !written {
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}
	}()
	q := r.URL.Query()
	if status := a.checkSignature(q, start); status != 0 {
		a.log.Warn("callback refused: signature", "status", status, "remote", r.RemoteAddr)
		http.Error(w, http.StatusText(status), status)
		return
	}
	switch r.Method {
	case http.MethodGet:
		echo := q.Get("echostr")
		if echo == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, echo)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if status := a.checkMode(q, body); status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}

	// The SDK decrypts, parses and builds (and encrypts) the passive reply;
	// it writes into a buffer so that this handler decides the status.
	req := r.Clone(r.Context())
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	req.Header.Set("Content-Type", "text/xml")
	buf := &bufferWriter{header: http.Header{}}
	srv := a.oa.GetServer(req, buf)
	var (
		handled bool
		openID  string
		rest    []string
	)
	srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
		handled = true
		openID = string(m.FromUserName)
		reply, more := a.onCallback(r.Context(), start, m)
		rest = more
		if reply == "" {
			return nil
		}
		return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(reply)}
	})
	if err := srv.Serve(); err != nil || !handled {
		a.log.Warn("callback body is not a message", "bytes", len(body), "err", shortErr(err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	// Without a reply the SDK would encrypt an empty message in safe mode:
	// "success" is what WeChat asks for.
	buf.body.Reset()
	if srv.ResponseMsg != nil {
		if err := srv.Send(); err != nil {
			a.log.Error("passive reply not built", "err", shortErr(err))
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	written = true
	if buf.body.Len() == 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
	} else {
		if ct := buf.header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		_, _ = w.Write(buf.body.Bytes())
	}
	if len(rest) > 0 {
		_ = http.NewResponseController(w).Flush()
		go a.sendRemainder(openID, rest)
	}
}

// checkSignature returns 0 for a well-signed, fresh callback, else the
// status to refuse it with.
func (a *Adapter) checkSignature(q url.Values, now time.Time) int {
	sig, ts, nonce := q.Get("signature"), q.Get("timestamp"), q.Get("nonce")
	if sig == "" || ts == "" || nonce == "" {
		return http.StatusUnauthorized
	}
	want := util.Signature(a.cfg.Token, ts, nonce)
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), []byte(want)) != 1 {
		return http.StatusForbidden
	}
	if a.opts.maxSkew > 0 {
		t, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return http.StatusForbidden
		}
		if d := now.Sub(time.Unix(t, 0)); d > a.opts.maxSkew || d < -a.opts.maxSkew {
			return http.StatusForbidden
		}
	}
	return 0
}

// checkMode checks a POST's mode against the configuration and, in safe
// mode, the msg_signature over the encrypted message; 0 when it may be
// parsed.
func (a *Adapter) checkMode(q url.Values, body []byte) int {
	safe := q.Get("encrypt_type") == "aes"
	switch {
	case safe && a.cfg.AESKey == "":
		a.log.Error("encrypted callback but WECHAT_AES_KEY is not set: set it, or switch the account to plain mode")
		return http.StatusBadRequest
	case !safe && a.cfg.AESKey != "":
		a.log.Warn("plain callback refused: WECHAT_AES_KEY is set, so callbacks must be encrypted (safe or compatible mode)")
		return http.StatusForbidden
	case !safe:
		return 0
	}
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
		a.log.Warn("encrypted callback body is not an envelope", "bytes", len(body))
		return http.StatusBadRequest
	}
	msgSig := q.Get("msg_signature")
	if msgSig == "" {
		return http.StatusUnauthorized
	}
	want := util.Signature(a.cfg.Token, q.Get("timestamp"), q.Get("nonce"), env.EncryptedMsg)
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(msgSig)), []byte(want)) != 1 {
		a.log.Warn("encrypted callback refused: msg_signature")
		return http.StatusForbidden
	}
	return 0
}

// bufferWriter collects what the SDK writes.
type bufferWriter struct {
	header http.Header
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferWriter) WriteHeader(int)             {}

// job is the answer to one callback, shared by WeChat's retries of it.
type job struct {
	done       chan struct{}
	mu         sync.Mutex
	parts      []string // set before done is closed
	mode       int      // how the parts go out: undecided, passive or custom
	restQueued bool     // the parts after a passive first one were handed to sendRemainder
}

const (
	undecided = iota
	passive   // the first part in an HTTP response, the rest by the API
	custom    // all parts by the API
)

// dedupKey names a callback for WeChat's retries: MsgId for messages, the
// sender and time for events (WeChat's advice).
func dedupKey(m *message.MixMessage) string {
	if m.MsgID != 0 {
		return "m:" + strconv.FormatInt(m.MsgID, 10)
	}
	return "e:" + string(m.FromUserName) + ":" + strconv.FormatInt(m.CreateTime, 10) + ":" + string(m.Event) + ":" + m.EventKey
}

// onCallback answers a parsed callback: the passive reply ("" for none)
// and the parts to send after it.
func (a *Adapter) onCallback(ctx context.Context, start time.Time, m *message.MixMessage) (string, []string) {
	openID := string(m.FromUserName)
	if openID == "" {
		a.log.Warn("callback without sender ignored", "type", string(m.MsgType))
		return "", nil
	}
	key := dedupKey(m)
	j, fresh := a.jobs.getOrAdd(key, func() *job { return &job{done: make(chan struct{})} })
	if fresh {
		if a.claimed(ctx, key) {
			a.finish(j, nil) // another replica answers it
		} else {
			go a.run(j, m)
		}
	} else {
		a.log.Info("repeated callback", "user", a.hash(openID), "type", string(m.MsgType))
	}
	wait := a.opts.passiveWait - a.opts.now().Sub(start)
	t := time.NewTimer(max(wait, 0))
	defer t.Stop()
	select {
	case <-j.done:
	case <-t.C:
	case <-ctx.Done():
	}
	return a.take(j, openID)
}

// claimed reports whether another replica has claimed key (WithClaimer);
// a failing claimer is logged and ignored.
func (a *Adapter) claimed(ctx context.Context, key string) bool {
	if a.opts.claimer == nil {
		return false
	}
	first, err := a.opts.claimer.Claim(ctx, "wechat:"+a.cfg.AppID+":"+key, time.Minute)
	if err != nil {
		a.log.Warn("dedup claim failed; answering", "err", err)
		return false
	}
	return !first
}

// take decides how j's parts go out once a callback stops waiting: the
// passive reply and the rest, or nothing (the API sends, or has sent).
func (a *Adapter) take(j *job, openID string) (string, []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	select {
	case <-j.done:
	default:
		if j.mode == undecided {
			j.mode = custom
			a.log.Info("answer not ready in time; it goes by the customer-service API", "user", a.hash(openID))
		}
		return "", nil
	}
	if j.mode == custom || len(j.parts) == 0 {
		return "", nil
	}
	j.mode = passive
	var rest []string
	if !j.restQueued && len(j.parts) > 1 {
		j.restQueued = true
		rest = j.parts[1:]
	}
	return j.parts[0], rest
}

// run answers m and, if no callback is waiting for it any more, sends the
// answer through the API.
func (a *Adapter) run(j *job, m *message.MixMessage) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.handle)
	defer cancel()
	parts := a.respondSafely(ctx, m)
	if a.finish(j, parts) == custom {
		a.sendParts(ctx, string(m.FromUserName), parts)
	}
}

// finish records j's parts and returns the mode at that moment.
func (a *Adapter) finish(j *job, parts []string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.parts = parts
	close(j.done)
	return j.mode
}

func (a *Adapter) respondSafely(ctx context.Context, m *message.MixMessage) (parts []string) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("panic answering a callback", "user", a.hash(string(m.FromUserName)), "panic", fmt.Sprint(p))
			parts = renderParts(apologyText)
		}
	}()
	return a.respond(ctx, m)
}

// respond is the answer to one callback, as message parts (nil: none).
func (a *Adapter) respond(ctx context.Context, m *message.MixMessage) []string {
	openID := string(m.FromUserName)
	switch m.MsgType {
	case message.MsgTypeText:
		return a.onText(ctx, openID, m.Content)
	case message.MsgTypeVoice:
		if strings.TrimSpace(m.Recognition) != "" {
			return a.onText(ctx, openID, m.Recognition)
		}
		return renderParts(nonTextText)
	case message.MsgTypeImage, message.MsgTypeVideo, message.MsgTypeShortVideo, message.MsgTypeLocation, message.MsgTypeLink, "file":
		a.log.Info("non-text message", "user", a.hash(openID), "type", string(m.MsgType))
		return renderParts(nonTextText)
	case message.MsgTypeEvent:
		return a.onEvent(ctx, openID, m)
	}
	a.log.Debug("callback ignored", "type", string(m.MsgType))
	return nil
}

func (a *Adapter) onEvent(ctx context.Context, openID string, m *message.MixMessage) []string {
	a.log.Info("event", "user", a.hash(openID), "event", string(m.Event))
	switch m.Event {
	case message.EventSubscribe:
		return renderParts(greetingText)
	case message.EventClick:
		if word, ok := menuWords[m.EventKey]; ok {
			return a.command(ctx, Command{Word: word, Message: a.message(openID, word)})
		}
		if q, ok := menuQuestions[m.EventKey]; ok {
			return a.onText(ctx, openID, q)
		}
		return renderParts(helpText)
	}
	return nil // unsubscribe, view, scan …: nothing to say
}

func (a *Adapter) message(openID, text string) bot.Message {
	return bot.Message{Channel: Channel, UserID: openID, ChatID: openID, Text: text, Time: a.opts.now()}
}

// commandWord reads a message as a command word: a whole message, or a
// word of argWords followed by a space or a colon and its arguments;
// 反馈有误 may be followed by a colon and what is wrong ("反馈有误：金额应该
// 是40万").
func commandWord(text string) (word, args string, ok bool) {
	t := strings.TrimRight(strings.TrimSpace(text), "。！!")
	if r := correctReason(t); r != "" {
		return WordCorrect, r, true
	}
	switch t {
	case WordHelp, WordSubscribe, WordBill, WordProfile, WordUnsubscribe, WordForget, WordCorrect, WordBillWrong, WordDeleteProfile:
		return t, "", true
	}
	if w, ok := aliases[strings.ToLower(t)]; ok {
		return w, "", true
	}
	t = strings.TrimSpace(text)
	for _, w := range argWords {
		rest, found := strings.CutPrefix(t, w)
		r, _ := utf8.DecodeRuneInString(rest)
		if !found || !unicode.IsSpace(r) && r != '：' && r != ':' && r != '{' {
			continue
		}
		if args := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(rest), "：:")); args != "" {
			return w, args, true
		}
	}
	return "", "", false
}

func (a *Adapter) onText(ctx context.Context, openID, text string) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	msg := a.message(openID, text)
	if word, args, ok := commandWord(text); ok {
		return a.command(ctx, Command{Word: word, Args: args, Message: msg})
	}
	return a.ask(ctx, msg)
}

// ask answers msg with the engine.
func (a *Adapter) ask(ctx context.Context, msg bot.Message) []string {
	openID, text := msg.UserID, msg.Text
	r, err := a.conv.Handle(ctx, msg)
	switch {
	case errors.Is(err, bot.ErrRateLimited):
		return a.flooded(openID)
	case err != nil:
		a.log.Error("engine failed", "user", a.hash(openID), "len", utf8.RuneCountInString(text), "err", err)
		return renderParts(apologyText)
	case strings.TrimSpace(r.Text) == "":
		a.log.Error("engine gave an empty reply", "user", a.hash(openID), "exchange", r.ExchangeID)
		return renderParts(apologyText)
	}
	for _, b := range r.Buttons {
		if strings.HasPrefix(b.Text, "👎") { // the first 👎 is plain "没帮助": what 反馈有误 says
			a.last.put(openID, b.Data)
			break
		}
	}
	a.log.Info("answered", "user", a.hash(openID), "len", utf8.RuneCountInString(text),
		"exchange", r.ExchangeID, "answered", r.Answered, "reply_len", utf8.RuneCountInString(r.Text))
	return renderParts(replyText(r))
}

// command answers a command word: a registered handler (WithCommand), else
// the built-in.
func (a *Adapter) command(ctx context.Context, c Command) []string {
	word, msg := c.Word, c.Message
	openID := msg.UserID
	a.log.Info("command", "user", a.hash(openID), "command", word)
	if word == WordForget {
		a.last.put(openID, "") // nothing left to object to
	}
	if h, ok := a.opts.commands[word]; ok {
		r, err := h(ctx, c)
		if errors.Is(err, ErrNotCommand) && msg.Text != "" {
			return a.ask(ctx, msg)
		}
		if err != nil || strings.TrimSpace(r.Text) == "" {
			a.log.Error("command failed", "command", word, "user", a.hash(openID), "err", err)
			return renderParts(apologyText)
		}
		return renderParts(replyText(r))
	}
	switch word {
	case WordForget:
		if err := a.conv.Forget(ctx, msg); err != nil {
			a.log.Error("forget failed", "user", a.hash(openID), "err", err)
			return renderParts(forgetFailedText)
		}
		a.log.Info("user data forgotten", "user", a.hash(openID))
		return renderParts(forgetDoneText)
	case WordCorrect:
		data, _ := a.last.get(openID)
		if data == "" {
			return renderParts(correctNothingText)
		}
		ack, err := a.conv.Feedback(ctx, bot.Feedback{Channel: Channel, UserID: openID, Data: data, Reason: correctReason(msg.Text), Time: a.opts.now()})
		switch {
		case errors.Is(err, bot.ErrBadCallback):
			return renderParts(correctNothingText)
		case err != nil:
			a.log.Error("feedback failed", "user", a.hash(openID), "err", err)
			return renderParts(apologyText)
		}
		return renderParts(ack + "\n" + correctDoneText)
	case WordSubscribe, WordBill, WordProfile, WordUnsubscribe, WordBillWrong, WordDeleteProfile:
		return renderParts(pushNotHereText)
	}
	return renderParts(helpText)
}

// correctReason is what follows "反馈有误：" or "反馈有误:" ("" if none).
func correctReason(text string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(text), WordCorrect)
	if !ok {
		return ""
	}
	rest = strings.TrimSpace(rest)
	if r, ok := strings.CutPrefix(rest, "："); ok {
		return strings.TrimSpace(r)
	}
	if r, ok := strings.CutPrefix(rest, ":"); ok {
		return strings.TrimSpace(r)
	}
	return ""
}

// flooded tells a user the engine rate-limited to slow down, at most once
// a minute; other refused messages get no answer.
func (a *Adapter) flooded(openID string) []string {
	now := a.opts.now()
	if until, ok := a.flood.get(openID); ok && now.Before(until) {
		return nil
	}
	a.flood.put(openID, now.Add(time.Minute))
	a.log.Info("user rate limited", "user", a.hash(openID))
	return renderParts(floodText)
}

// sendRemainder sends the parts after a passive reply, a moment after the
// response has gone, so that they arrive after it.
func (a *Adapter) sendRemainder(openID string, parts []string) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.handle)
	defer cancel()
	t := time.NewTimer(a.opts.remainderGap)
	defer t.Stop()
	<-t.C
	a.sendParts(ctx, openID, parts)
}

// sendParts sends parts in order through the customer-service API and
// stops at the first that fails (the rest would read out of order).
func (a *client) sendParts(ctx context.Context, openID string, parts []string) {
	for i, p := range parts {
		if err := a.sendText(ctx, openID, p); err != nil {
			reason := LostFailed
			var ae *APIError
			if errors.As(err, &ae) {
				reason = LostRejected
			}
			a.log.Error("reply lost", "user", a.hash(openID), "reason", reason, "parts", len(parts)-i, "err", redact(err))
			for range parts[i:] {
				if a.opts.lost != nil {
					a.opts.lost(reason)
				}
			}
			return
		}
	}
	if len(parts) > 0 {
		a.log.Info("sent by the customer-service API", "user", a.hash(openID), "parts", len(parts))
	}
}

// Send sends text to a follower through the customer-service message API,
// split as replies are (for pushes; WeChat allows it within 48 hours of the
// user's last message). WeChat's refusals are *APIError.
func (a *client) Send(ctx context.Context, openID, text string) error {
	for _, p := range renderParts(text) {
		if err := a.sendText(ctx, openID, p); err != nil {
			return err
		}
	}
	return nil
}

// APIError is an error code WeChat answered with (errcode); the message
// carries no credentials.
type APIError struct {
	Op   string
	Code int64
}

func (e *APIError) Error() string { return fmt.Sprintf("wechat: %s: errcode %d", e.Op, e.Code) }

// Error codes the adapter acts on.
const (
	codeBusy           = -1    // system busy: retried
	codeInvalidToken   = 40001 // access token invalid (another fetch replaced it): refetched once
	codeBadToken       = 40014
	codeExpiredToken   = 42001
	codeIPNotWhitelist = 40164
)

var errCodePattern = regexp.MustCompile(`errcode=(-?\d+)`)

// apiCode is the errcode in an SDK error (its errors are formatted
// strings), 0 when there is none (a network or HTTP failure).
func apiCode(err error) int64 {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce.ErrCode
	}
	if m := errCodePattern.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return n
	}
	return 0
}

// sendText sends one text message: an invalid token is dropped and fetched
// again once; "busy" and network failures are tried up to 3 times.
func (a *client) sendText(ctx context.Context, openID, text string) error {
	return a.callAPI(ctx, "custom send", func() error {
		return a.msgs.Send(message.NewCustomerTextMessage(openID, text))
	})
}

func (a *client) callAPI(ctx context.Context, op string, call func() error) error {
	refetched := false
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		code := apiCode(err)
		switch {
		case (code == codeInvalidToken || code == codeExpiredToken || code == codeBadToken) && !refetched:
			refetched = true
			a.dropToken()
			continue
		case (code == 0 || code == codeBusy) && attempt < 3:
			t := time.NewTimer(time.Duration(attempt) * 500 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("wechat: %s: %s", op, redact(err))
			case <-t.C:
			}
			continue
		case code != 0:
			if code == codeIPNotWhitelist {
				a.log.Error("this server's IP is not on the account's IP whitelist (基本配置 → IP白名单)")
			}
			return &APIError{Op: op, Code: code}
		}
		return fmt.Errorf("wechat: %s: %s", op, redact(err))
	}
}

// dropToken forgets the cached access token, so the next call fetches one.
func (a *client) dropToken() {
	key := fmt.Sprintf("%s_access_token_%s", credential.CacheKeyOfficialAccountPrefix, a.cfg.AppID)
	_ = a.opts.cache.Delete(key)
}

func shortErr(err error) string {
	if err == nil {
		return ""
	}
	return redact(err)
}

// bounded is a map that keeps its newest n entries.
type bounded[V any] struct {
	mu   sync.Mutex
	m    map[string]V
	keys []string // ring of insertion order
	next int
}

func newBounded[V any](n int) *bounded[V] {
	return &bounded[V]{m: make(map[string]V, n), keys: make([]string, n)}
}

func (b *bounded[V]) insertLocked(k string, v V) {
	if _, ok := b.m[k]; !ok {
		if old := b.keys[b.next]; old != "" {
			delete(b.m, old)
		}
		b.keys[b.next] = k
		b.next = (b.next + 1) % len(b.keys)
	}
	b.m[k] = v
}

func (b *bounded[V]) put(k string, v V) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.insertLocked(k, v)
}

func (b *bounded[V]) get(k string) (V, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[k]
	return v, ok
}

// getOrAdd returns k's value, or adds mk()'s and reports true.
func (b *bounded[V]) getOrAdd(k string, mk func() V) (V, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v, ok := b.m[k]; ok {
		return v, false
	}
	v := mk()
	b.insertLocked(k, v)
	return v, true
}
