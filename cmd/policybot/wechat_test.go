package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/cdsme/policybot/bot/wechat/wechattest"
)

func wechatEnv(api string) map[string]string {
	return map[string]string{
		"WECHAT_APPID": wxAppID, "WECHAT_SECRET": wxSecret, "WECHAT_TOKEN": wxToken,
		"WECHAT_API_URL": api,
	}
}

func TestWeChatMenuCommand(t *testing.T) {
	out, _, err := runCmd(t, "", "wechat", "menu")
	if err != nil {
		t.Fatal(err)
	}
	var menu struct {
		Button []struct {
			Name      string `json:"name"`
			SubButton []struct {
				Type, Name, Key string
			} `json:"sub_button"`
		} `json:"button"`
	}
	if err := json.Unmarshal([]byte(out), &menu); err != nil || len(menu.Button) != 3 {
		t.Fatalf("menu JSON (%v):\n%s", err, out)
	}

	api := wechattest.New(t, wxAppID, wxSecret)
	var stdout strings.Builder
	err = run(context.Background(), []string{"wechat", "menu", "--install"}, env(wechatEnv(api.URL)), strings.NewReader(""), &stdout, io.Discard)
	if err != nil || !strings.Contains(stdout.String(), "menu installed") {
		t.Fatalf("install: %v %q", err, stdout.String())
	}
	if menus := api.Menus(); len(menus) != 1 || !strings.Contains(menus[0], "POLICYBOT_SUBSCRIBE") {
		t.Errorf("menus posted: %v", menus)
	}

	api.FailNext(wechattest.PathMenu, 40018)
	err = run(context.Background(), []string{"wechat", "menu", "--install"}, env(wechatEnv(api.URL)), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || isUsage(err) || !strings.Contains(err.Error(), "40018") {
		t.Errorf("refused install: %v, want a failure (exit 1) naming errcode 40018", err)
	}
	bad := wechatEnv(api.URL)
	bad["WECHAT_SECRET"] = "wrong"
	if err := run(context.Background(), []string{"wechat", "menu", "--install"}, env(bad), strings.NewReader(""), io.Discard, io.Discard); err == nil || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong secret: %v (an error, never quoting the secret)", err)
	}

	for _, args := range [][]string{{"wechat"}, {"wechat", "nope"}, {"wechat", "menu", "extra"}, {"wechat", "menu", "--bogus"}} {
		if _, _, err := runCmd(t, "", args...); !isUsage(err) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if err := run(context.Background(), []string{"wechat", "menu", "--install"}, env(nil), strings.NewReader(""), io.Discard, io.Discard); !isUsage(err) {
		t.Errorf("install without WECHAT_APPID: %v, want a usage error", err)
	}
}

// TestServeWeChatPathErrors: a WECHAT_PATH the web chat serves, or a
// malformed WeChat variable, exits 2 before anything starts.
func TestServeWeChatPathErrors(t *testing.T) {
	for _, p := range []string{"/", "/api/ask", "/api", "/staff", "/staff/x", "/healthz", "/metrics", "/static/x", "wechat", "/we{x}"} {
		envs := wechatEnv("http://127.0.0.1:1")
		envs["HTTP_ADDR"], envs["WECHAT_PATH"] = "127.0.0.1:0", p
		err := run(context.Background(), []string{"serve"}, env(envs), strings.NewReader(""), io.Discard, io.Discard)
		if !isUsage(err) || !strings.Contains(err.Error(), "WECHAT_PATH") {
			t.Errorf("WECHAT_PATH=%s: %v, want a usage error naming WECHAT_PATH", p, err)
		}
	}
	envs := wechatEnv("http://127.0.0.1:1")
	envs["HTTP_ADDR"], envs["WECHAT_TOKEN"] = "127.0.0.1:0", ""
	if err := run(context.Background(), []string{"serve"}, env(envs), strings.NewReader(""), io.Discard, io.Discard); !isUsage(err) || !strings.Contains(err.Error(), "WECHAT_TOKEN") {
		t.Errorf("no WECHAT_TOKEN: %v, want a usage error naming it", err)
	}
	// The Telegram webhook on the WeChat path.
	tg := &fakeTelegram{sent: make(chan map[string]string, 4)}
	tgSrv := httptest.NewServer(tg)
	defer tgSrv.Close()
	envs = wechatEnv("http://127.0.0.1:1")
	envs["HTTP_ADDR"], envs["TELEGRAM_BOT_TOKEN"], envs["TELEGRAM_API_URL"] = "127.0.0.1:0", "123:abc", tgSrv.URL
	envs["TELEGRAM_WEBHOOK_URL"], envs["TELEGRAM_WEBHOOK_SECRET"] = "https://bot.example.org/wechat", "s3cret"
	envs["REDIS_URL"] = serveTestRedis(t)
	if err := run(context.Background(), []string{"serve"}, env(envs), strings.NewReader(""), io.Discard, io.Discard); !isUsage(err) {
		t.Errorf("Telegram webhook on WECHAT_PATH: %v, want a usage error", err)
	}
}

// TestServeWeChat: serve with WECHAT_* answers a signed callback on
// WECHAT_PATH with the engine's answer, refuses an unsigned one, and shows
// the WeChat metric.
func TestServeWeChat(t *testing.T) {
	envs := wechatEnv(wechattest.New(t, wxAppID, wxSecret).URL)
	envs["HTTP_ADDR"], envs["WECHAT_PATH"], envs["BOT_SECRET"], envs["REDIS_URL"] = "127.0.0.1:0", "/wx/callback", "k", serveTestRedis(t)
	base, stop := startServe(t, envs)
	defer stop()

	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "n0nce"
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {util.Signature("cbtoken42", ts, nonce)}, "openid": {"oUser1"}}
	body := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>` + ts +
		`</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我们是国家级小巨人，能拿多少]]></Content><MsgId>77</MsgId></xml>`
	resp, err := http.Post(base+"/wx/callback?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(got), "50万") || !strings.Contains(string(got), "policy/1") {
		t.Errorf("signed callback: %d %s", resp.StatusCode, got)
	}
	resp, err = http.Post(base+"/wx/callback", "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned callback: %d, want 401", resp.StatusCode)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(m), "policybot_wechat_replies_lost_total") {
		t.Error("/metrics lacks policybot_wechat_replies_lost_total")
	}
}

func TestRedisClaimerAndTokenCache(t *testing.T) {
	rdb, stop, err := openRedis("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := redisTokenCache{rdb}
	if c.Get("k") != nil || c.IsExist("k") {
		t.Error("empty cache has k")
	}
	if err := c.Set("k", "tok", time.Minute); err != nil || c.Get("k") != "tok" || !c.IsExist("k") {
		t.Errorf("set/get: %v %v", err, c.Get("k"))
	}
	if err := c.Set("k", 42, time.Minute); err == nil {
		t.Error("a non-string value was kept")
	}
	if err := c.Delete("k"); err != nil || c.Get("k") != nil {
		t.Errorf("delete: %v", err)
	}
	cl := redisClaimer{rdb}
	first, err := cl.Claim(context.Background(), "m:1", time.Minute)
	again, err2 := cl.Claim(context.Background(), "m:1", time.Minute)
	if !first || again || errors.Join(err, err2) != nil {
		t.Errorf("claims: %v %v %v %v", first, again, err, err2)
	}
}
