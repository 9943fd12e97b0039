package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/telegram"
)

func TestStaffStats(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	log := bot.NewMemoryLog()
	ctx := context.Background()
	add := func(id string, ago time.Duration, answered bool, clause, feedback string) {
		e := bot.Exchange{ID: id, Time: now.Add(-ago), Channel: "telegram", UserHash: "u" + id, Question: "q" + id, Answered: answered, Mode: "offline"}
		if clause != "" {
			e.Citations = []bot.Citation{{ID: clause}}
		}
		if err := log.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
		if feedback != "" {
			if err := log.SetFeedback(ctx, id, "u"+id, feedback, "", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("a", time.Hour, true, "policy/4", "down")
	add("b", 2*time.Hour, true, "policy/4", "down")
	add("c", 3*time.Hour, false, "", "")
	add("d", 30*time.Hour, true, "policy/2", "down") // outside the window
	r, err := staffStats(log, func() time.Time { return now })(ctx, telegram.Command{Name: "stats", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"提问3条", "未覆盖1条", "👎2条", "policy/4 支持企业创新发展：👎2"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("stats lack %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "policy/2") {
		t.Errorf("stats include an exchange outside the window:\n%s", r.Text)
	}
}
