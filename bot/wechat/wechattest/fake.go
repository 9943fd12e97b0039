// Package wechattest is a fake WeChat API for tests: an httptest server on
// loopback answering what the adapter calls (access token, customer-service
// send, template send, menu create) as WeChat does, with errors on demand.
// Point the adapter at it with Config.APIURL (WECHAT_API_URL).
package wechattest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// API paths the fake answers.
const (
	PathToken    = "/cgi-bin/token"
	PathCustom   = "/cgi-bin/message/custom/send"
	PathTemplate = "/cgi-bin/message/template/send"
	PathMenu     = "/cgi-bin/menu/create"
)

// API is the fake. Its zero value is not usable: use New.
type API struct {
	URL string // base URL, for Config.APIURL

	appID, secret string

	mu         sync.Mutex
	tokenCalls int
	token      string
	sends      []Message
	templates  []Template
	menus      []string
	errcodes   map[string][]int // path → errcodes to answer next, in order
	arrived    chan struct{}
}

// Message is a customer-service text message the fake accepted.
type Message struct {
	Token   string // the access token it came with
	ToUser  string
	MsgType string
	Content string
}

// Template is a template message the fake accepted.
type Template struct {
	ToUser      string
	TemplateID  string
	Data        map[string]string // field → value
	ClientMsgID string
}

// New starts the fake on loopback for the account appID/secret; it stops
// when the test ends.
func New(t testing.TB, appID, secret string) *API {
	t.Helper()
	f := &API{appID: appID, secret: secret, token: "TOKEN-0", errcodes: map[string][]int{}, arrived: make(chan struct{}, 256)}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// FailNext makes the next calls of path answer these errcodes, in order (a
// value ≥ 100000 answers the HTTP status value-100000 instead).
func (f *API) FailNext(path string, codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errcodes[path] = append(f.errcodes[path], codes...)
}

// ExpireToken makes the current access token invalid (the next call with
// it gets errcode 42001, as when it expired).
func (f *API) ExpireToken() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = "EXPIRED"
}

func (f *API) popErr(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.errcodes[path]
	if len(q) == 0 {
		return 0
	}
	f.errcodes[path] = q[1:]
	return q[0]
}

func (f *API) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if code := f.popErr(r.URL.Path); code != 0 {
		if code >= 100000 {
			w.WriteHeader(code - 100000)
			return
		}
		fmt.Fprintf(w, `{"errcode":%d,"errmsg":"fake error"}`, code)
		return
	}
	q := r.URL.Query()
	if r.URL.Path == PathToken {
		if q.Get("appid") != f.appID || q.Get("secret") != f.secret || q.Get("grant_type") != "client_credential" {
			fmt.Fprint(w, `{"errcode":40125,"errmsg":"invalid appsecret"}`)
			return
		}
		f.mu.Lock()
		f.tokenCalls++
		f.token = "TOKEN-" + strconv.Itoa(f.tokenCalls)
		tok := f.token
		f.mu.Unlock()
		fmt.Fprintf(w, `{"access_token":%q,"expires_in":7200}`, tok)
		return
	}
	switch tok := q.Get("access_token"); {
	case r.URL.Path != PathCustom && r.URL.Path != PathTemplate && r.URL.Path != PathMenu:
		http.NotFound(w, r)
		return
	case f.expired(tok):
		fmt.Fprint(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
		return
	case !f.tokenOK(tok):
		fmt.Fprint(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case PathCustom:
		var m struct {
			ToUser  string `json:"touser"`
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			fmt.Fprint(w, `{"errcode":47001,"errmsg":"data format error"}`)
			return
		}
		if len(m.Text.Content) > 2048 {
			fmt.Fprint(w, `{"errcode":45002,"errmsg":"content size out of limit"}`)
			return
		}
		f.mu.Lock()
		f.sends = append(f.sends, Message{Token: q.Get("access_token"), ToUser: m.ToUser, MsgType: m.MsgType, Content: m.Text.Content})
		f.mu.Unlock()
	case PathTemplate:
		var m struct {
			ToUser      string `json:"touser"`
			TemplateID  string `json:"template_id"`
			ClientMsgID string `json:"client_msg_id"`
			Data        map[string]struct {
				Value string `json:"value"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &m); err != nil || m.ToUser == "" || m.TemplateID == "" {
			fmt.Fprint(w, `{"errcode":47001,"errmsg":"data format error"}`)
			return
		}
		t := Template{ToUser: m.ToUser, TemplateID: m.TemplateID, ClientMsgID: m.ClientMsgID, Data: map[string]string{}}
		for k, v := range m.Data {
			t.Data[k] = v.Value
		}
		f.mu.Lock()
		f.templates = append(f.templates, t)
		f.mu.Unlock()
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok","msgid":200228332}`)
		f.signal()
		return
	case PathMenu:
		f.mu.Lock()
		f.menus = append(f.menus, string(body))
		f.mu.Unlock()
	}
	fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	f.signal()
}

// signal wakes a waiter; a full buffer already holds wake-ups enough.
func (f *API) signal() {
	select {
	case f.arrived <- struct{}{}:
	default:
	}
}

func (f *API) tokenOK(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return tok != "" && tok == f.token
}

// expired: tok was valid until ExpireToken.
func (f *API) expired(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.token == "EXPIRED" && tok != ""
}

// Sent is the customer-service messages accepted so far.
func (f *API) Sent() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.sends...)
}

// Templates is the template messages accepted so far.
func (f *API) Templates() []Template {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Template(nil), f.templates...)
}

// Menus is the menu/create bodies accepted so far.
func (f *API) Menus() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.menus...)
}

// TokenCalls is how many access tokens the fake handed out.
func (f *API) TokenCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenCalls
}

// WaitSends waits until n customer-service messages arrived (failing the
// test after 5 s) and returns them.
func (f *API) WaitSends(t testing.TB, n int) []Message {
	t.Helper()
	f.wait(t, func() bool { return len(f.Sent()) >= n }, fmt.Sprintf("%d customer-service messages", n))
	return f.Sent()
}

// WaitTemplates waits until n template messages arrived (failing the test
// after 5 s) and returns them.
func (f *API) WaitTemplates(t testing.TB, n int) []Template {
	t.Helper()
	f.wait(t, func() bool { return len(f.Templates()) >= n }, fmt.Sprintf("%d template messages", n))
	return f.Templates()
}

func (f *API) wait(t testing.TB, done func() bool, what string) {
	t.Helper()
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for !done() {
		select {
		case <-f.arrived:
		case <-deadline.C:
			t.Fatalf("waited 5 s for %s: %d sent, %d templates", what, len(f.Sent()), len(f.Templates()))
		}
	}
}
