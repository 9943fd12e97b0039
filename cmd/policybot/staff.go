package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/console"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/policies"
)

// statsWindow is what /stats summarises, and statsMax bounds what it reads.
const (
	statsWindow = 24 * time.Hour
	statsMax    = 5000
)

// staffStats is the /stats command for STAFF_TELEGRAM_IDS: the last day's
// questions, unanswered and disliked counts, and the clauses that most need
// explaining — the console's overview in a message.
func staffStats(log bot.ExchangeLog, now func() time.Time) telegram.CommandHandler {
	return func(ctx context.Context, c telegram.Command) (bot.Reply, error) {
		until := now()
		var all []bot.Exchange
		q := bot.ExchangeQuery{Since: until.Add(-statsWindow), Until: until, Limit: bot.MaxListLimit}
		for len(all) < statsMax {
			page, next, err := log.List(ctx, q)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("stats: %w", err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			q.Cursor = next
		}
		s := console.ComputeStats(all)
		var b strings.Builder
		fmt.Fprintf(&b, "最近24小时：提问%d条，已解答%d条（%.0f%%），未覆盖%d条，👎%d条，LLM回退%d次。\n",
			s.Total, s.Answered, 100*s.AnsweredRate, s.Unanswered, s.Disliked, s.Fallbacks)
		ranks := console.RankClauses(all, 5)
		if len(ranks) > 0 {
			b.WriteString("需要解释的条款：\n")
		}
		corpus := policies.MustDefault()
		for _, r := range ranks {
			title := ""
			if cl, err := corpus.Clause(r.Clause); err == nil {
				title = cl.Title
			}
			fmt.Fprintf(&b, "· %s %s：👎%d，追问%d（共%d次）\n", r.Clause, title, r.Disliked, r.FollowUps, r.Exchanges)
		}
		b.WriteString("详情见工作人员控制台 /staff/。")
		return bot.Reply{Text: b.String()}, nil
	}
}
