package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// TestNoticesThroughPush, on the real Redis: the console's notice, sent
// from /staff/notices, reaches the push workers startPush runs (the
// notice task is routed) and goes to the subscribed enterprises the
// filter selects, as many as the preview counted, once however often
// staff click; the unsubscribed one gets nothing.
func TestNoticesThroughPush(t *testing.T) {
	rdb := redistest.Real(t)
	ctx := context.Background()
	store := asynqpush.NewStore(rdb)
	giant, err := push.ParseProfile(strings.NewReader(designProfile))
	if err != nil {
		t.Fatal(err)
	}
	giant.ChatID = 11
	other := giant
	other.ID, other.ChatID = "91510100OTHER00002", 12
	unsubscribed := giant
	unsubscribed.ID, unsubscribed.ChatID = "91510100UNSUB00003", 0
	innovative := push.Profile{ID: "91510100INNOV00004", ChatID: 14,
		Tiers: []push.Tier{{Tier: push.TierInnovative, Recognized: "2026-03-01", Kind: "new"}}}
	for _, p := range []push.Profile{giant, other, unsubscribed, innovative} {
		if err := store.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	sent := make(chanSender, 8)
	stop, err := startPush(ctx, rdb, sent, slog.New(slog.DiscardHandler), awakeEnv(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	h := console.New(bot.NewMemoryLog(), console.WithLogger(slog.New(slog.DiscardHandler)),
		console.WithNotices(newConsoleNotices(rdb, time.Time{}, func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, chinaTime) })))
	postForm := func(path string) *httptest.ResponseRecorder {
		form := url.Values{"title": {"2026年度专精特新奖励申报窗口已开放"}, "text": {"请于12月31日前申报。"},
			"tier": {push.TierLittleGiant}, "clause": {"policy/4"}}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := postForm("/staff/notices/preview")
	m := regexp.MustCompile(`id="notice-count">(\d+)<`).FindStringSubmatch(rec.Body.String())
	if rec.Code != 200 || m == nil || m[1] != "2" {
		t.Fatalf("preview: %d %v: %s", rec.Code, m, rec.Body)
	}
	for i, want := range []string{"n=2", "n=0"} { // a double click
		rec = postForm("/staff/notices/send")
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.Contains(loc, want) {
			t.Fatalf("send %d: %d %q, want %s", i, rec.Code, loc, want)
		}
	}
	for range 2 {
		select {
		case text := <-sent:
			if !strings.HasPrefix(text, "2026年度专精特新奖励申报窗口已开放\n\n请于12月31日前申报。") || !strings.HasSuffix(text, "/unsubscribe 退订") {
				t.Errorf("sent %q", text)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("notice not sent in 15 s")
		}
	}
	select {
	case text := <-sent:
		t.Errorf("a third message: %q", text)
	case <-time.After(time.Second):
	}
	if noticeOptions(rdb, false, time.Time{}) != nil {
		t.Error("notices offered with no channel to push through")
	}
}
