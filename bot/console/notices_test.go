package console

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/push"
)

// fakeNotices selects among fixed recipients (tier, clauses in the bill,
// subscribed) and enqueues each (notice, enterprise) once, as asynqpush
// does.
type fakeNotices struct {
	recipients []fakeRecipient
	queued     map[string]bool // notice id + enterprise
	sends      int
	last       NoticeQuery
	lastText   string
}

type fakeRecipient struct {
	id, tier   string
	clauses    []string
	subscribed bool
}

func (f *fakeNotices) match(q NoticeQuery) []string {
	var out []string
	for _, r := range f.recipients {
		if r.subscribed && (len(q.Tiers) == 0 || slices.Contains(q.Tiers, r.tier)) && (q.Clause == "" || slices.Contains(r.clauses, q.Clause)) {
			out = append(out, r.id)
		}
	}
	return out
}

func (f *fakeNotices) Count(_ context.Context, q NoticeQuery) (int, error) {
	f.last = q
	return len(f.match(q)), nil
}

func (f *fakeNotices) Send(_ context.Context, title, text string, q NoticeQuery) (string, int, int, error) {
	f.sends++
	f.last, f.lastText = q, text
	id := "n-" + title
	n, dup := 0, 0
	for _, e := range f.match(q) {
		if f.queued[id+":"+e] {
			dup++
			continue
		}
		f.queued[id+":"+e] = true
		n++
	}
	return id, n, dup, nil
}

func noticesFixture() *fakeNotices {
	return &fakeNotices{queued: map[string]bool{}, recipients: []fakeRecipient{
		{"A", push.TierLittleGiant, []string{"policy/1", "policy/4"}, true},
		{"B", push.TierInnovative, nil, true},
		{"C", push.TierLittleGiant, []string{"policy/4"}, false}, // unsubscribed
		{"D", push.TierProvincial, []string{"policy/4"}, true},
	}}
}

func TestNoticePreviewAndSend(t *testing.T) {
	same := map[string]string{"Sec-Fetch-Site": "same-origin"}
	form := func(title, text, clause string, tiers ...string) url.Values {
		return url.Values{"title": {title}, "text": {text}, "clause": {clause}, "tier": tiers}
	}
	for _, tc := range []struct {
		name     string
		form     url.Values
		hdr      map[string]string
		code     int
		count    string // the preview's count
		enqueued int
	}{
		{"everyone", form("申报窗口已开放", "请于12月31日前申报。", ""), same, 200, ">3<", 3},
		{"little giants", form("申报窗口已开放", "正文", "", push.TierLittleGiant), same, 200, ">1<", 1},
		{"policy/4 items", form("研发补助", "正文", "policy/4"), same, 200, ">2<", 2},
		{"tier and clause", form("研发补助", "正文", "policy/4", push.TierProvincial, push.TierInnovative), same, 200, ">1<", 1},
		{"no recipient", form("研发补助", "正文", "policy/4", push.TierInnovative), same, 200, ">0<", 0},
		{"empty text", form("标题", "  ", ""), same, 400, "", 0},
		{"title too long", form(strings.Repeat("长", MaxNoticeTitle+1), "正文", ""), same, 400, "", 0},
		{"text too long", form("标题", strings.Repeat("长", MaxNoticeText+1), ""), same, 400, "", 0},
		{"unknown tier", form("标题", "正文", "", "national_champion"), same, 400, "", 0},
		{"unknown clause", form("标题", "正文", "policy/99"), same, 400, "", 0},
		{"cross-site", form("标题", "正文", ""), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "", 0},
		{"other origin", form("标题", "正文", ""), map[string]string{"Origin": "https://evil.example"}, 403, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := noticesFixture()
			h := newConsole(seed(t), WithNotices(n))
			rec := post(t, h, "/staff/notices/preview", tc.form, tc.hdr)
			if rec.Code != tc.code {
				t.Fatalf("preview: %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			body := rec.Body.String()
			if tc.code != 200 {
				if rec := post(t, h, "/staff/notices/send", tc.form, tc.hdr); rec.Code != tc.code || n.sends != 0 {
					t.Fatalf("send: %d (sends %d), want %d and nothing sent", rec.Code, n.sends, tc.code)
				}
				return
			}
			if !strings.Contains(body, `id="notice-count">`+strings.Trim(tc.count, "><")+"<") {
				t.Fatalf("preview count is not %s: %s", tc.count, body)
			}
			if !strings.Contains(body, "/unsubscribe 退订") {
				t.Error("preview does not show the footer")
			}
			if tc.enqueued == 0 {
				if strings.Contains(body, `id="notice-send"`) {
					t.Error("a send button for no recipient")
				}
				return
			}
			// The preview's hidden form is what a click sends.
			rec = post(t, h, "/staff/notices/send", tc.form, tc.hdr)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("send: %d: %s", rec.Code, rec.Body)
			}
			loc, _ := url.Parse(rec.Header().Get("Location"))
			if loc.Path != "/staff/notices" || loc.Query().Get("n") != strings.Trim(tc.count, "><") || loc.Query().Get("dup") != "0" {
				t.Errorf("Location %s: the preview's count is not what was enqueued", loc)
			}
			// A double click enqueues nothing.
			rec = post(t, h, "/staff/notices/send", tc.form, tc.hdr)
			loc, _ = url.Parse(rec.Header().Get("Location"))
			if loc.Query().Get("n") != "0" || loc.Query().Get("dup") != strings.Trim(tc.count, "><") {
				t.Errorf("second send: %s", loc)
			}
			page := get(t, h, loc.String()).Body.String()
			if !strings.Contains(page, "新增 0 条") || !strings.Contains(page, "未重复推送") {
				t.Errorf("status after a double click: %s", page)
			}
			if n.queued["n-"+tc.form.Get("title")+":C"] {
				t.Error("the unsubscribed enterprise was sent the notice")
			}
		})
	}
}

// TestNoticeEscaped: what staff type is text, in the preview and in the
// form that sends it.
func TestNoticeEscaped(t *testing.T) {
	h := newConsole(seed(t), WithNotices(noticesFixture()))
	evil := `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	rec := post(t, h, "/staff/notices/preview", url.Values{"title": {evil}, "text": {evil}}, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if rec.Code != 200 {
		t.Fatalf("%d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Errorf("unescaped: %s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the text is not shown escaped: %s", body)
	}
}

func TestNoticesPage(t *testing.T) {
	h := newConsole(seed(t), WithNotices(noticesFixture()))
	rec := get(t, h, "/staff/notices")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `action="/staff/notices/preview"`) || strings.Contains(rec.Body.String(), `id="notice-preview"`) {
		t.Errorf("page: %d %s", rec.Code, rec.Body)
	}
	if rec := get(t, h, "/staff/notices/send"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET send: %d", rec.Code)
	}
	n := noticesFixture()
	rec = post(t, newConsole(seed(t), WithNotices(n)), "/staff/notices/send", url.Values{"title": {" 标题 "}, "text": {"第一行\r\n第二行\r\n"}}, nil)
	if rec.Code != http.StatusSeeOther || n.lastText != "第一行\n第二行" {
		t.Errorf("send: %d, text %q (line ends as typed in a textarea are \\n)", rec.Code, n.lastText)
	}
	if rec := get(t, newConsole(seed(t)), "/staff/notices"); rec.Code != 404 {
		t.Errorf("without notices: %d", rec.Code)
	}
	if rec := post(t, newConsole(seed(t)), "/staff/notices/send", url.Values{"title": {"a"}, "text": {"b"}}, nil); rec.Code != 404 {
		t.Errorf("send without notices: %d", rec.Code)
	}
}

// TestNoticesNeedLogin mounts the console behind the web server's staff
// auth: the notice routes are refused without the token, and nothing is
// sent.
func TestNoticesNeedLogin(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	quiet := slog.New(slog.DiscardHandler)
	n := noticesFixture()
	srv := httptest.NewServer(web.New(nopConv{}, web.WithLogger(quiet), web.WithStaffToken("tok"),
		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: web.LoginInterval, Burst: 100})),
		web.WithStaffHandler(newConsole(seed(t), WithNotices(n)))))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"title": {"申报窗口"}, "text": {"已开放"}}
	for _, tc := range []struct {
		method, path string
		authed       int
	}{
		{"GET", "/staff/notices", 200},
		{"POST", "/staff/notices/preview", 200},
		{"POST", "/staff/notices/send", 303},
	} {
		for _, auth := range []string{"", "Bearer wrong", "Bearer tok"} {
			var body *strings.Reader
			if tc.method == "POST" {
				body = strings.NewReader(form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			want := 401
			if auth == "Bearer tok" {
				want = tc.authed
			}
			if res.StatusCode != want {
				t.Errorf("%s %s (%q): %d, want %d", tc.method, tc.path, auth, res.StatusCode, want)
			}
		}
	}
	if n.sends != 1 {
		t.Errorf("sends %d, want only the authorised one", n.sends)
	}
}
