package wechat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/wechat/wechattest"
)

const (
	testAppID  = "wx0123456789abcdef"
	testSecret = "topsecretvalue"
	testToken  = "cbtoken42"
	testOpenID = "oUser_0123456789"
	testMPID   = "gh_0123456789ab"
)

// testAESKey is a valid 43-character EncodingAESKey.
var testAESKey = strings.TrimRight(base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")), "=")

// fakeConv is a bot.Conversation with counted calls.
type fakeConv struct {
	mu        sync.Mutex
	handled   []bot.Message
	forgotten []bot.Message
	feedback  []bot.Feedback
	handle    func(ctx context.Context, m bot.Message) (bot.Reply, error)
}

func (c *fakeConv) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) {
	c.mu.Lock()
	c.handled = append(c.handled, m)
	h := c.handle
	c.mu.Unlock()
	if h != nil {
		return h(ctx, m)
	}
	return bot.Reply{Text: "答：" + m.Text, Buttons: []bot.Button{{Text: "👍 有帮助", Data: "fb:up:x"}, {Text: "👎 没帮助", Data: "fb:down:x"}}}, nil
}

func (c *fakeConv) Feedback(_ context.Context, f bot.Feedback) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.feedback = append(c.feedback, f)
	return "感谢反馈，工作人员会据此改进解答。", nil
}

func (c *fakeConv) Forget(_ context.Context, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgotten = append(c.forgotten, m)
	return nil
}

func (c *fakeConv) calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.handled)
}

// harness is an adapter on the fake API, served on loopback at its path.
type harness struct {
	a    *Adapter
	api  *wechattest.API
	srv  *httptest.Server
	safe bool
	logs *bytes.Buffer
	lost *lostCounter
}

type lostCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (l *lostCounter) add(reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n[reason]++
}

func (l *lostCounter) get(reason string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[reason]
}

type syncBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func newHarness(t *testing.T, conv bot.Conversation, safe bool, opts ...Option) *harness {
	t.Helper()
	api := wechattest.New(t, testAppID, testSecret)
	cfg := Config{AppID: testAppID, Secret: testSecret, Token: testToken, APIURL: api.URL}
	if safe {
		cfg.AESKey = testAESKey
	}
	logs := &bytes.Buffer{}
	lost := &lostCounter{n: map[string]int{}}
	opts = append([]Option{
		WithLogger(slog.New(slog.NewTextHandler(&syncBuffer{b: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithLostReplyObserver(lost.add),
	}, opts...)
	a, err := New(cfg, conv, opts...)
	if err != nil {
		t.Fatal(err)
	}
	a.opts.remainderGap = 10 * time.Millisecond
	mux := http.NewServeMux()
	mux.Handle(a.Path(), a.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &harness{a: a, api: api, srv: srv, safe: safe, logs: logs, lost: lost}
}

// textXML is a user's text message as WeChat posts it.
func textXML(openID, content string, msgID int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		testMPID, openID, time.Now().Unix(), content, msgID)
}

func eventXML(openID, event, key string, created int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event><EventKey><![CDATA[%s]]></EventKey></xml>`,
		testMPID, openID, created, event, key)
}

// signedQuery is the query WeChat adds to a callback URL.
func signedQuery(token string, ts time.Time) url.Values {
	nonce := randomNonce()
	tstr := strconv.FormatInt(ts.Unix(), 10)
	return url.Values{"timestamp": {tstr}, "nonce": {nonce}, "signature": {util.Signature(token, tstr, nonce)}, "openid": {testOpenID}}
}

func randomNonce() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x", b)
}

// post sends a signed callback (encrypted in safe mode) and returns the
// status and the passive reply's text ("" for "success" or an empty body).
func (h *harness) post(t *testing.T, body string) (int, string) {
	t.Helper()
	q := signedQuery(testToken, time.Now())
	if h.safe {
		var random [16]byte
		_, _ = rand.Read(random[:])
		enc, err := util.EncryptMsg(random[:], []byte(body), testAppID, testAESKey)
		if err != nil {
			t.Fatal(err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", util.Signature(testToken, q.Get("timestamp"), q.Get("nonce"), string(enc)))
		body = fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>`, testMPID, enc)
	}
	status, resp := h.raw(t, http.MethodPost, q, body)
	if status != http.StatusOK {
		return status, resp
	}
	return status, h.replyText(t, resp)
}

func (h *harness) raw(t *testing.T, method string, q url.Values, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+h.a.Path()+"?"+q.Encode(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// replyText reads a passive reply: "" for "success" or nothing; in safe
// mode it checks the reply's signature and decrypts it.
func (h *harness) replyText(t *testing.T, resp string) string {
	t.Helper()
	if resp == "" || resp == "success" {
		return ""
	}
	raw := []byte(resp)
	if h.safe {
		var env message.ResponseEncryptedXMLMsg
		if err := xml.Unmarshal(raw, &env); err != nil || env.EncryptedMsg == "" {
			t.Fatalf("safe-mode reply is not an encrypted envelope: %q", resp)
		}
		want := util.Signature(testToken, strconv.FormatInt(env.Timestamp, 10), env.Nonce, env.EncryptedMsg)
		if env.MsgSignature != want {
			t.Fatalf("safe-mode reply signature %s, want %s", env.MsgSignature, want)
		}
		_, plain, err := util.DecryptMsg(testAppID, env.EncryptedMsg, testAESKey)
		if err != nil {
			t.Fatalf("safe-mode reply does not decrypt: %v", err)
		}
		raw = plain
	}
	var m struct {
		ToUserName   string `xml:"ToUserName"`
		FromUserName string `xml:"FromUserName"`
		MsgType      string `xml:"MsgType"`
		Content      string `xml:"Content"`
	}
	if err := xml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("passive reply is not XML: %q", raw)
	}
	if m.MsgType != "text" || m.ToUserName != testOpenID || m.FromUserName != testMPID {
		t.Fatalf("passive reply %+v: want a text to %s from %s", m, testOpenID, testMPID)
	}
	if n := len(m.Content); n > 2048 {
		t.Fatalf("passive reply of %d bytes, over 2048", n)
	}
	return m.Content
}
