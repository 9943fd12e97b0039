package console

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/web"
	"github.com/cdsme/policybot/push"
)

// fakeLedger is a PushLedger over a slice sorted by date and enterprise.
type fakeLedger struct {
	entries []PushEntry
	err     error
}

func (l *fakeLedger) List(_ context.Context, f PushFilter, cursor string, limit int) ([]PushEntry, string, error) {
	if l.err != nil {
		return nil, "", l.err
	}
	if cursor != "" && !strings.Contains(cursor, ":") {
		return nil, "", ErrBadCursor
	}
	var out []PushEntry
	for _, e := range l.entries {
		if (f.State != "" && e.State != f.State) || (f.Date != "" && e.Date != f.Date) || (cursor != "" && e.Date+":"+e.Enterprise <= cursor) {
			continue
		}
		out = append(out, e)
	}
	if len(out) > limit {
		last := out[limit-1]
		return out[:limit], last.Date + ":" + last.Enterprise, nil
	}
	return out, "", nil
}

func (l *fakeLedger) Counts(context.Context) (map[string]int64, error) {
	if l.err != nil {
		return nil, l.err
	}
	m := map[string]int64{}
	for _, e := range l.entries {
		m[e.State]++
	}
	return m, nil
}

// fakeCorrections keeps corrections newest first; the cursor is an index.
type fakeCorrections struct {
	cs      []push.Correction
	replies int
}

func (f *fakeCorrections) List(_ context.Context, cursor string, limit int) ([]push.Correction, string, error) {
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 || n > len(f.cs) {
			return nil, "", push.ErrBadCorrectionCursor
		}
		start = n
	}
	end := min(start+limit, len(f.cs))
	next := ""
	if end < len(f.cs) {
		next = strconv.Itoa(end)
	}
	return slices.Clone(f.cs[start:end]), next, nil
}

func (f *fakeCorrections) Reply(_ context.Context, id string, r push.CorrectionReply) (push.Correction, error) {
	for i := range f.cs {
		if f.cs[i].ID == id {
			f.replies++
			f.cs[i].Reply = &r
			return f.cs[i], nil
		}
	}
	return push.Correction{}, push.ErrNoCorrection
}

type sent struct{ enterprise, text string }

type fakeNotifier struct {
	err  error
	sent []sent
}

func (n *fakeNotifier) Notify(_ context.Context, enterprise, text string) error {
	if n.err != nil {
		return n.err
	}
	n.sent = append(n.sent, sent{enterprise, text})
	return nil
}

var t0 = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

func ledgerFixture() *fakeLedger {
	return &fakeLedger{entries: []PushEntry{
		{Enterprise: "E1", Date: "2026-11-01", State: "sent", Attempts: 1, Updated: t0.AddDate(0, -1, 0)},
		{Enterprise: "E1", Date: "2026-12-01", State: "sent", Attempts: 1, Updated: t0},
		{Enterprise: "E2", Date: "2026-12-01", State: "failed", Attempts: 2, Updated: t0, Next: t0.Add(time.Hour), Error: "<b>502</b> bad gateway"},
		{Enterprise: "E3", Date: "2026-12-01", State: "blocked", Attempts: 1, Updated: t0},
		{Enterprise: "E4", Date: "2026-12-01", State: "skipped_quiet", Updated: t0, Next: t0.Add(9 * time.Hour)},
		{Enterprise: "E5", Date: "2026-12-01", State: "planned", Updated: t0},
		{Enterprise: "E6", Date: "2026-12-01", State: "cancelled", Updated: t0},
		{Kind: "reminder", Detail: "review_30", Enterprise: "E7", Date: "2026-12-03", State: "planned", Updated: t0},
		{Kind: "rebill", Detail: "ab12", Enterprise: "E8", Date: "2026-12-04", State: "sent", Updated: t0},
	}}
}

func correctionsFixture() *fakeCorrections {
	return &fakeCorrections{cs: []push.Correction{
		{ID: "3-0", Enterprise: "E2", Name: "成都<示例>科技", BillDate: "2026-12-01", Text: "研发投入应为600万<script>alert(1)</script>", Source: push.CorrectionCommand, At: t0.Add(2 * time.Hour)},
		{ID: "2-0", Enterprise: "E1", BillDate: "2026-12-01", Source: push.CorrectionButton, At: t0.Add(time.Hour)},
		{ID: "1-0", Enterprise: "E1", BillDate: "2026-11-01", Text: "旧的异议", Source: push.CorrectionCommand, At: t0,
			Reply: &push.CorrectionReply{Text: "已核对", At: t0.Add(time.Minute), Sent: true}},
	}}
}

func TestPushesPage(t *testing.T) {
	h := newConsole(seed(t), WithPushLedger(ledgerFixture()))
	for _, tc := range []struct {
		path       string
		code       int
		want, lack []string
	}{
		{"/staff/pushes", 200, []string{`id="count-all">9<`, `id="count-sent">3<`, "提醒（review_30）", "账单变更", "红利账单", `id="count-failed">1<`, `id="count-skipped_quiet">1<`,
			"免打扰顺延", "E6", "&lt;b&gt;502&lt;/b&gt;"}, []string{"<b>502"}},
		{"/staff/pushes?state=failed", 200, []string{"E2", "发送失败", `<option value="failed" selected>`}, []string{">E1<", ">E3<"}},
		{"/staff/pushes?date=2026-11-01", 200, []string{">E1<", "2026-11-01"}, []string{">E2<"}},
		{"/staff/pushes?state=sent&date=2026-12-01", 200, []string{">E1<"}, []string{"2026-11-01</td>", ">E8<"}},
		{"/staff/pushes?state=nonsense", 400, []string{"未知的推送状态"}, nil},
		{"/staff/pushes?date=12/01", 400, []string{"YYYY-MM-DD"}, nil},
		{"/staff/pushes?cursor=bogus", 400, []string{"cursor"}, nil},
	} {
		rec := get(t, h, tc.path)
		if rec.Code != tc.code {
			t.Errorf("%s: code %d, want %d: %s", tc.path, rec.Code, tc.code, rec.Body)
			continue
		}
		body := rec.Body.String()
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
		for _, l := range tc.lack {
			if strings.Contains(body, l) {
				t.Errorf("%s has %q", tc.path, l)
			}
		}
	}
	// Paging: 100 a page, the next link keeps the filter.
	big := &fakeLedger{}
	for i := range 150 {
		big.entries = append(big.entries, PushEntry{Enterprise: "E" + strconv.Itoa(1000+i), Date: "2026-12-01", State: "sent", Updated: t0})
	}
	h = newConsole(seed(t), WithPushLedger(big))
	body := get(t, h, "/staff/pushes?state=sent").Body.String()
	next := "/staff/pushes?cursor=" + url.QueryEscape("2026-12-01:E1099") + "&amp;state=sent"
	if !strings.Contains(body, `href="`+next+`"`) || strings.Contains(body, ">E1100<") {
		t.Fatalf("first page: no next link %s or too many rows", next)
	}
	body = get(t, h, strings.ReplaceAll(next, "&amp;", "&")).Body.String()
	if !strings.Contains(body, ">E1100<") || !strings.Contains(body, ">E1149<") || strings.Contains(body, ">E1099<") || strings.Contains(body, `id="next"`) {
		t.Error("second page wrong")
	}
	// A ledger failure is a 500 without details; no ledger is a 404.
	h = newConsole(seed(t), WithPushLedger(&fakeLedger{err: errors.New("redis down at 10.0.0.1")}))
	if rec := get(t, h, "/staff/pushes"); rec.Code != 500 || strings.Contains(rec.Body.String(), "10.0.0.1") {
		t.Errorf("ledger error: %d %s", rec.Code, rec.Body)
	}
	if rec := get(t, newConsole(seed(t)), "/staff/pushes"); rec.Code != 404 {
		t.Errorf("without a ledger: %d", rec.Code)
	}
}

func TestCorrectionsPage(t *testing.T) {
	h := newConsole(seed(t), WithCorrections(correctionsFixture()))
	rec := get(t, h, "/staff/corrections")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("code %d: %s", rec.Code, body)
	}
	for _, w := range []string{"成都&lt;示例&gt;科技（E2）", "研发投入应为600万&lt;script&gt;", "“反馈有误”按钮", "/correct 文字",
		"已回复", "已核对", "已发送", `name="id" value="3-0"`, "没有配置 Telegram"} {
		if !strings.Contains(body, w) {
			t.Errorf("corrections page lacks %q", w)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("text not escaped")
	}
	// Newest first.
	if i, j := strings.Index(body, `id="c-3-0"`), strings.Index(body, `id="c-1-0"`); i < 0 || j < i {
		t.Error("not newest first")
	}
	if rec := get(t, h, "/staff/corrections?cursor=x"); rec.Code != 400 {
		t.Errorf("bad cursor: %d", rec.Code)
	}
	if rec := get(t, newConsole(seed(t)), "/staff/corrections"); rec.Code != 404 {
		t.Errorf("without corrections: %d", rec.Code)
	}
}

func post(t *testing.T, h http.Handler, path string, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestCorrectionReply(t *testing.T) {
	sameOrigin := map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}
	for _, tc := range []struct {
		name      string
		notifier  *fakeNotifier // nil: none configured
		id, text  string
		hdr       map[string]string
		code      int
		location  string // the redirect, for 303
		sent      bool
		notSent   string
		stored    bool
		pageAfter string
	}{
		{name: "sent", notifier: &fakeNotifier{}, id: "3-0", text: "已核对，请重新 /subscribe", hdr: sameOrigin, code: 303,
			location: "/staff/corrections?replied=3-0#c-3-0", sent: true, stored: true, pageAfter: "回复已保存并发送给企业"},
		{name: "no telegram", id: "3-0", text: "已核对", hdr: sameOrigin, code: 303,
			location: "/staff/corrections?not_sent=no_sender&replied=3-0#c-3-0", notSent: notSentNoSender, stored: true, pageAfter: "没有配置 Telegram，回复已保存但没有发送"},
		{name: "no chat", notifier: &fakeNotifier{err: ErrNoChat}, id: "2-0", text: "已核对", hdr: sameOrigin, code: 303,
			location: "/staff/corrections?not_sent=no_chat&replied=2-0#c-2-0", notSent: notSentNoChat, stored: true, pageAfter: "该企业没有订阅会话"},
		{name: "send fails", notifier: &fakeNotifier{err: errors.New("502")}, id: "2-0", text: "已核对", hdr: sameOrigin, code: 303,
			location: "/staff/corrections?not_sent=failed&replied=2-0#c-2-0", notSent: notSentFailed, stored: true, pageAfter: "发送失败"},
		{name: "non-browser client", notifier: &fakeNotifier{}, id: "3-0", text: "好的", code: 303,
			location: "/staff/corrections?replied=3-0#c-3-0", sent: true, stored: true},
		{name: "cross-site", notifier: &fakeNotifier{}, id: "3-0", text: "x", hdr: map[string]string{"Sec-Fetch-Site": "cross-site"}, code: 403},
		{name: "other origin", notifier: &fakeNotifier{}, id: "3-0", text: "x", hdr: map[string]string{"Origin": "https://evil.example"}, code: 403},
		{name: "empty", notifier: &fakeNotifier{}, id: "3-0", text: "  ", hdr: sameOrigin, code: 400},
		{name: "too long", notifier: &fakeNotifier{}, id: "3-0", text: strings.Repeat("长", push.MaxCorrectionReply+1), hdr: sameOrigin, code: 400},
		{name: "unknown", notifier: &fakeNotifier{}, id: "9-9", text: "x", hdr: sameOrigin, code: 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := correctionsFixture()
			opts := []Option{WithCorrections(store)}
			if tc.notifier != nil {
				opts = append(opts, WithNotifier(tc.notifier))
			}
			h := newConsole(seed(t), opts...)
			rec := post(t, h, "/staff/corrections/reply", url.Values{"id": {tc.id}, "text": {tc.text}}, tc.hdr)
			if rec.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			if tc.code == 303 {
				if got := rec.Header().Get("Location"); got != tc.location {
					t.Errorf("Location %q, want %q", got, tc.location)
				}
			}
			var c push.Correction
			for _, x := range store.cs {
				if x.ID == tc.id {
					c = x
				}
			}
			if got := c.Reply != nil && c.Reply.Text == strings.TrimSpace(tc.text); got != tc.stored {
				t.Fatalf("stored = %v, want %v (%+v)", got, tc.stored, c.Reply)
			}
			if tc.stored && (c.Reply.Sent != tc.sent || c.Reply.NotSent != tc.notSent || !c.Reply.At.Equal(testNow)) {
				t.Errorf("reply %+v, want sent %v, not sent %q", c.Reply, tc.sent, tc.notSent)
			}
			if tc.notifier != nil {
				if tc.sent != (len(tc.notifier.sent) == 1) {
					t.Errorf("notified %v", tc.notifier.sent)
				} else if tc.sent {
					got := tc.notifier.sent[0]
					if got.enterprise != c.Enterprise || !strings.Contains(got.text, tc.text) || !strings.Contains(got.text, c.BillDate) {
						t.Errorf("notified %+v", got)
					}
				}
			} else if tc.code != 303 && store.replies != 0 {
				t.Error("a refused request stored a reply")
			}
			if tc.pageAfter != "" {
				loc, _ := url.Parse(rec.Header().Get("Location"))
				page := get(t, h, loc.RequestURI()).Body.String()
				if !strings.Contains(page, tc.pageAfter) {
					t.Errorf("page after the reply lacks %q", tc.pageAfter)
				}
				if !strings.Contains(page, `class="correction answered" id="c-`+tc.id+`"`) {
					t.Error("the correction is not marked as answered")
				}
			}
		})
	}
	// Only POST; GET of the form route is 405.
	h := newConsole(seed(t), WithCorrections(correctionsFixture()))
	if rec := get(t, h, "/staff/corrections/reply"); rec.Code != 405 || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET reply: %d %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestReplyMessage(t *testing.T) {
	got := replyMessage(push.Correction{Enterprise: "E1", Name: "示例", BillDate: "2026-12-01"}, "已核对")
	if want := "关于您对 2026-12-01 红利账单提出的异议（企业 示例（E1）），工作人员回复：\n已核对"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFigure(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"请按条款要求向市经信局申报，一次性给予奖励。", ""},
		{"按年度研发投入增量分档给予补助，具体以条款为准。", ""},
		{"十分重要，万一材料不全请咨询 12345", "1"},
		{"最高奖励50万元", "5"},
		{"最高奖励５０万元", "5"},
		{"最高奖励五十万元", "五十"},
		{"奖励伍拾萬元", "伍拾"},
		{"需要满三年", "三年"},
		{"见第一条", "一条"},
		{"可获得两项支持", "两项"},
		{"费用¥", "¥"},
		{"十分钟内办完", "十分"},
		{"统一由区县受理", ""},
		{"Ⅻ", "ⅻ"}, // folded
	} {
		if got := Figure(tc.text); got != tc.want {
			t.Errorf("Figure(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestCuratedCheck(t *testing.T) {
	ok := Curated{Question: " 研发投入补助怎么申请？ ", Answer: "向区（市）县经信部门申报，具体以条款为准。", Clauses: []string{"policy/4", "policy/4", " plan/3 "}}
	got, err := ok.Check()
	if err != nil {
		t.Fatal(err)
	}
	if got.Question != "研发投入补助怎么申请？" || !slices.Equal(got.Clauses, []string{"policy/4", "plan/3"}) || got.ID != CuratedID("研發投入補助 怎麼申請") {
		t.Errorf("Check = %+v", got)
	}
	for name, c := range map[string]Curated{
		"no question":    {Answer: "a", Clauses: []string{"policy/4"}},
		"only marks":     {Question: "？？", Answer: "a", Clauses: []string{"policy/4"}},
		"no answer":      {Question: "q", Clauses: []string{"policy/4"}},
		"figure":         {Question: "q", Answer: "最高给予50万元", Clauses: []string{"policy/4"}},
		"chinese figure": {Question: "q", Answer: "最高给予五十万元", Clauses: []string{"policy/4"}},
		"no clause":      {Question: "q", Answer: "a"},
		"bad clause":     {Question: "q", Answer: "a", Clauses: []string{"policy/99"}},
		"long":           {Question: "q", Answer: strings.Repeat("长", MaxCuratedAnswer+1), Clauses: []string{"policy/4"}},
	} {
		if _, err := c.Check(); !errors.Is(err, ErrCuratedInvalid) {
			t.Errorf("%s: Check = %v, want ErrCuratedInvalid", name, err)
		}
	}
}

func newCuratedStore(t *testing.T) *RedisCurated {
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	t.Cleanup(func() { rdb.Close() })
	return NewRedisCurated(rdb)
}

func TestRedisCurated(t *testing.T) {
	ctx := context.Background()
	s := newCuratedStore(t)
	a, err := s.Save(ctx, Curated{Question: "研发投入补助怎么申请", Answer: "向区（市）县经信部门申报。", Clauses: []string{"policy/4"}, Updated: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, Curated{Question: "小巨人奖励多少", Answer: "一次性奖励，金额见条款。", Clauses: []string{"policy/1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, Curated{Question: "x", Answer: "奖励50万", Clauses: []string{"policy/1"}}); !errors.Is(err, ErrCuratedInvalid) {
		t.Errorf("a figure was saved: %v", err)
	}
	for _, q := range []string{"研发投入补助怎么申请", "研發投入補助，怎麼申請？", " 研发投入补助 怎么申请! "} {
		got, ok, err := s.Match(ctx, q)
		if err != nil || !ok || got.ID != a.ID || got.Answer != a.Answer || !got.Updated.Equal(t0) {
			t.Errorf("Match(%q) = %+v %v %v", q, got, ok, err)
		}
	}
	if _, ok, _ := s.Match(ctx, "研发投入补助多少"); ok {
		t.Error("another question matched")
	}
	if _, ok, _ := s.Match(ctx, "？"); ok {
		t.Error("an empty key matched")
	}
	// Saving the same question replaces the answer.
	if _, err := s.Save(ctx, Curated{Question: "研发投入补助怎么申请？", Answer: "向所在区（市）县经信部门申报。", Clauses: []string{"policy/4", "plan/3"}}); err != nil {
		t.Fatal(err)
	}
	all, err := s.List(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("List = %d, %v", len(all), err)
	}
	if got, _, _ := s.Match(ctx, "研发投入补助怎么申请"); got.Answer != "向所在区（市）县经信部门申报。" {
		t.Errorf("not replaced: %+v", got)
	}
	var b strings.Builder
	if err := ExportCurated(bufio.NewWriter(&b), all); err != nil {
		t.Fatal(err)
	}
	want := `{"q":"小巨人奖励多少","clauses":["policy/1"]}` + "\n" + `{"q":"研发投入补助怎么申请？","clauses":["policy/4","plan/3"]}` + "\n"
	if b.String() != want {
		t.Errorf("export:\n%s\nwant:\n%s", b.String(), want)
	}
	if ok, err := s.Delete(ctx, a.ID); !ok || err != nil {
		t.Errorf("Delete = %v %v", ok, err)
	}
	if _, ok, _ := s.Match(ctx, "研发投入补助怎么申请"); ok {
		t.Error("deleted answer still matches")
	}
}

func TestCuratedPages(t *testing.T) {
	store := newCuratedStore(t)
	withFigure := ex("e10", time.Hour, "小巨人奖励<b>多少</b>", true, bot.VerdictDown, "policy/1")
	withFigure.Answer = "一次性奖励50万元"
	plain := ex("e11", time.Hour, "研发投入补助怎么申请", true, "", "policy/4", "plan/3")
	plain.Answer = "向区（市）县经信部门申报。"
	h := newConsole(seed(t, withFigure, plain), WithCurated(store))
	same := map[string]string{"Sec-Fetch-Site": "same-origin"}

	// Pre-filled from a log exchange: question and primary clause; the
	// answer only if it holds no figure.
	body := get(t, h, "/staff/curated/new?exchange=e11").Body.String()
	for _, w := range []string{`value="研发投入补助怎么申请"`, `value="policy/4"`, "向区（市）县经信部门申报。", `name="exchange" value="e11"`} {
		if !strings.Contains(body, w) {
			t.Errorf("form from e11 lacks %q", w)
		}
	}
	body = get(t, h, "/staff/curated/new?exchange=e10").Body.String()
	if !strings.Contains(body, "小巨人奖励&lt;b&gt;多少&lt;/b&gt;") || strings.Contains(body, "50万元") || !strings.Contains(body, "不能直接采用") {
		t.Errorf("form from e10 wrong:\n%s", body)
	}
	if rec := get(t, h, "/staff/curated/new?exchange=nope"); rec.Code != 404 {
		t.Errorf("unknown exchange: %d", rec.Code)
	}
	if rec := get(t, h, "/staff/curated/new?q=研发&clause=policy/4"); !strings.Contains(rec.Body.String(), `value="研发"`) {
		t.Error("?q= not pre-filled")
	}

	for _, tc := range []struct {
		name string
		form url.Values
		hdr  map[string]string
		code int
		want string
	}{
		{"figure", url.Values{"question": {"小巨人奖励多少"}, "answer": {"奖励50万元"}, "clauses": {"policy/1"}}, same, 400, "不能含数字"},
		{"bad clause", url.Values{"question": {"小巨人奖励多少"}, "answer": {"一次性奖励"}, "clauses": {"policy/77"}}, same, 400, "policy/77"},
		{"cross-site", url.Values{"question": {"小巨人奖励多少"}, "answer": {"一次性奖励"}, "clauses": {"policy/1"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, ""},
		{"ok", url.Values{"question": {"小巨人奖励<b>多少</b>"}, "answer": {"一次性奖励，见条款。"}, "clauses": {"policy/1，plan/3"}, "exchange": {"e10"}}, same, 303, ""},
	} {
		rec := post(t, h, "/staff/curated", tc.form, tc.hdr)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body)
		}
		if tc.code == 400 && !strings.Contains(rec.Body.String(), `value="`+tc.form.Get("question")+`"`) {
			t.Errorf("%s: the form does not keep what was typed", tc.name)
		}
	}
	all, _ := store.List(context.Background())
	if len(all) != 1 || all[0].Exchange != "e10" || !slices.Equal(all[0].Clauses, []string{"policy/1", "plan/3"}) {
		t.Fatalf("stored %+v", all)
	}
	body = get(t, h, "/staff/curated").Body.String()
	if !strings.Contains(body, "小巨人奖励&lt;b&gt;多少&lt;/b&gt;") || !strings.Contains(body, "一次性奖励，见条款。") || strings.Contains(body, "<b>多少") {
		t.Errorf("list:\n%s", body)
	}
	rec := get(t, h, "/staff/curated.jsonl")
	if rec.Code != 200 || rec.Body.String() != `{"q":"小巨人奖励<b>多少</b>","clauses":["policy/1","plan/3"]}`+"\n" ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/x-ndjson") {
		t.Errorf("export: %d %q", rec.Code, rec.Body)
	}
	if rec := post(t, h, "/staff/curated/delete", url.Values{"id": {all[0].ID}}, same); rec.Code != 303 {
		t.Errorf("delete: %d", rec.Code)
	}
	if all, _ := store.List(context.Background()); len(all) != 0 {
		t.Error("not deleted")
	}
	// The detail page and the cluster examples link to the form.
	if !strings.Contains(get(t, h, "/staff/exchanges/e11").Body.String(), `href="/staff/curated/new?exchange=e11"`) {
		t.Error("detail page has no link to write a curated answer")
	}
	if rec := get(t, newConsole(seed(t)), "/staff/curated"); rec.Code != 404 {
		t.Errorf("without a store: %d", rec.Code)
	}
}

// TestNewRoutesNeedLogin mounts the console behind the web server's staff
// auth: every new route, GET or POST, is refused without a login (401, or
// the login form for a browser), and served with the token.
func TestNewRoutesNeedLogin(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	defer rdb.Close()
	quiet := slog.New(slog.DiscardHandler)
	notifier := &fakeNotifier{}
	corr := correctionsFixture()
	srv := httptest.NewServer(web.New(nopConv{}, web.WithLogger(quiet), web.WithStaffToken("tok"),
		web.WithStaffSessions(redisstore.NewStaffSessions(rdb)),
		web.WithLoginLimiter(redisstore.NewRateLimiter(rdb, redisstore.RateOptions{Rate: 1, Period: web.LoginInterval, Burst: 100})),
		web.WithStaffHandler(newConsole(seed(t, standard()...), WithPushLedger(ledgerFixture()), WithCorrections(corr),
			WithNotifier(notifier), WithCurated(newCuratedStore(t))))))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		method, path string
		form         url.Values
		authed       int
	}{
		{"GET", "/staff/pushes", nil, 200},
		{"GET", "/staff/pushes?state=failed", nil, 200},
		{"GET", "/staff/corrections", nil, 200},
		{"GET", "/staff/curated", nil, 200},
		{"GET", "/staff/curated/new?exchange=e03", nil, 200},
		{"GET", "/staff/curated.jsonl", nil, 200},
		{"POST", "/staff/corrections/reply", url.Values{"id": {"2-0"}, "text": {"已核对"}}, 303},
		{"POST", "/staff/curated", url.Values{"question": {"研发投入补助怎么申请"}, "answer": {"向经信部门申报。"}, "clauses": {"policy/4"}}, 303},
		{"POST", "/staff/curated/delete", url.Values{"id": {"x"}}, 303},
	} {
		for _, auth := range []string{"", "Bearer wrong", "Bearer tok"} {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.form.Encode()))
			if tc.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
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
		if tc.method == "GET" {
			req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
			req.Header.Set("Accept", "text/html")
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
				t.Errorf("browser GET %s without login: %d %q", tc.path, res.StatusCode, res.Header.Get("Location"))
			}
		}
	}
	if len(notifier.sent) != 1 || corr.replies != 2 { // stored, then its send recorded
		t.Errorf("only the authorised reply goes out: sent %v, stored %d", notifier.sent, corr.replies)
	}
}
