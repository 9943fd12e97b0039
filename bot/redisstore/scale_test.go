package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/internal/redistest"
)

func TestOptionsFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	o, err := OptionsFromEnv(env())
	if err != nil || o.MaxExchanges != 0 || o.Retention != 0 {
		t.Fatalf("unset: %+v, %v", o, err)
	}
	if l := NewExchangeLog(nil, o); l.opt.MaxExchanges != 1000000 || l.opt.Retention != 90*24*time.Hour {
		t.Errorf("defaults: %d, %v", l.opt.MaxExchanges, l.opt.Retention)
	}
	o, err = OptionsFromEnv(env(EnvMaxExchanges, "250000", EnvMaxDays, " 30 "))
	if err != nil || o.MaxExchanges != 250000 || o.Retention != 30*24*time.Hour {
		t.Errorf("set: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{EnvMaxExchanges, "0"}, {EnvMaxExchanges, "1e6"}, {EnvMaxExchanges, "-5"},
		{EnvMaxDays, "0"}, {EnvMaxDays, "30d"}, {EnvMaxDays, "99999999"}} {
		if _, err := OptionsFromEnv(env(bad...)); err == nil {
			t.Errorf("%s=%s accepted", bad[0], bad[1])
		}
	}
}

// filterFixture: ten exchanges a minute apart, newest f9, with every
// combination the console's filters tell apart.
func filterFixture() []bot.Exchange {
	var es []bot.Exchange
	for i := range 10 {
		e := ex(fmt.Sprintf("f%d", i), i, "u"+strconv.Itoa(i%3), i%3 != 0)
		e.Question = fmt.Sprintf("问题%d 研发投入", i)
		if i%4 == 0 {
			e.Question = fmt.Sprintf("Question %d about SRDI", i)
		}
		switch i % 5 {
		case 1:
			e.Feedback = bot.VerdictUp
		case 2:
			e.Feedback = bot.VerdictDown
		}
		if i%2 == 1 {
			e.Mode = bot.ModeLLM
		}
		if i%3 == 1 {
			e.Citations = []bot.Citation{{ID: "policy/4", Score: 0.5}}
		}
		es = append(es, e)
	}
	return es
}

// TestListQueryFilters checks every console filter, alone and together,
// against a plain reading of the fixture, and that paging through a
// filter one exchange at a time gives the same list.
func TestListQueryFilters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		l := newLog(b, &clock{t: t0.Add(time.Hour)}, Options{})
		fx := filterFixture()
		if err := l.AppendBatch(ctx, fx); err != nil {
			t.Fatal(err)
		}
		want := func(keep func(e bot.Exchange) bool) []string {
			out := []string{}
			for i := len(fx) - 1; i >= 0; i-- {
				if keep(fx[i]) {
					out = append(out, fx[i].ID)
				}
			}
			return out
		}
		cases := []struct {
			name string
			q    Query
			keep func(bot.Exchange) bool
		}{
			{"all", Query{}, func(bot.Exchange) bool { return true }},
			{"text", Query{Text: "srdi"}, func(e bot.Exchange) bool { return e.ID == "f0" || e.ID == "f4" || e.ID == "f8" }},
			{"text in answer", Query{Text: "回答 f7"}, func(e bot.Exchange) bool { return e.ID == "f7" }},
			{"liked", Query{Liked: true}, func(e bot.Exchange) bool { return e.Feedback == bot.VerdictUp }},
			{"disliked", Query{ExchangeQuery: bot.ExchangeQuery{Disliked: true}}, func(e bot.Exchange) bool { return e.Feedback == bot.VerdictDown }},
			{"llm", Query{Mode: bot.ModeLLM}, func(e bot.Exchange) bool { return e.Mode == bot.ModeLLM }},
			{"offline", Query{Mode: bot.ModeOffline}, func(e bot.Exchange) bool { return e.Mode == bot.ModeOffline }},
			{"answered", Query{Answered: true}, func(e bot.Exchange) bool { return e.Answered }},
			{"unanswered", Query{ExchangeQuery: bot.ExchangeQuery{Unanswered: true}}, func(e bot.Exchange) bool { return !e.Answered }},
			{"date range", Query{ExchangeQuery: bot.ExchangeQuery{Since: t0.Add(2 * time.Minute), Until: t0.Add(6 * time.Minute)}},
				func(e bot.Exchange) bool { return e.ID >= "f2" && e.ID < "f6" }},
			{"clause and unanswered", Query{ExchangeQuery: bot.ExchangeQuery{Clause: "policy/4", Unanswered: true}},
				func(e bot.Exchange) bool { return len(e.Citations) > 0 && !e.Answered }},
			{"answered and unanswered", Query{Answered: true, ExchangeQuery: bot.ExchangeQuery{Unanswered: true}},
				func(bot.Exchange) bool { return false }},
			{"liked llm answered text", Query{Liked: true, Mode: bot.ModeLLM, Answered: true, Text: "研发"},
				func(e bot.Exchange) bool {
					return e.Feedback == bot.VerdictUp && e.Mode == bot.ModeLLM && e.Answered && e.ID != "f0" && e.ID != "f4" && e.ID != "f8"
				}},
		}
		for _, c := range cases {
			got, next, err := l.ListQuery(ctx, c.q)
			if err != nil || next != "" {
				t.Fatalf("%s: next %q, %v", c.name, next, err)
			}
			w := want(c.keep)
			if d := cmp.Diff(w, ids(got)); d != "" {
				t.Errorf("%s (-want +got):\n%s", c.name, d)
			}
			var paged []string
			q := c.q
			q.Limit = 1
			for range 20 {
				page, next, err := l.ListQuery(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, ids(page)...)
				if next == "" {
					break
				}
				q.Cursor = next
			}
			if d := cmp.Diff(w, append([]string{}, paged...)); d != "" {
				t.Errorf("%s paged by 1 (-want +got):\n%s", c.name, d)
			}
		}
	})
}

// TestListQueryScanBound: a filter matching nothing in more than MaxScan
// exchanges answers an empty page with a cursor, and following the
// cursors reaches the one match at the bottom.
func TestListQueryScanBound(t *testing.T) {
	rdb := redistest.Real(t)
	ctx := context.Background()
	l := newLog(redistest.Backend{Name: "redis", RDB: rdb}, &clock{t: t0.Add(48 * time.Hour)}, Options{})
	var es []bot.Exchange
	for i := range MaxScan + 600 {
		e := ex(fmt.Sprintf("s%05d", i), i/10, "u", true)
		if i == 0 {
			e.Question = "唯一的针"
		}
		es = append(es, e)
	}
	if err := l.AppendBatch(ctx, es); err != nil {
		t.Fatal(err)
	}
	q := Query{Text: "唯一的针"}
	page, next, err := l.ListQuery(ctx, q)
	if err != nil || len(page) != 0 || next == "" {
		t.Fatalf("first call: %d, %q, %v; want an empty page and a cursor", len(page), next, err)
	}
	q.Cursor = next
	page, next, err = l.ListQuery(ctx, q)
	if err != nil || next != "" || len(page) != 1 || page[0].ID != "s00000" {
		t.Fatalf("second call: %v, %q, %v", ids(page), next, err)
	}
}

// TestAppendBatchCounts: a batch is stored and counted once, as Append
// would; the same batch again changes nothing.
func TestAppendBatchCounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		l := newLog(b, &clock{t: t0.Add(time.Hour)}, Options{})
		fx := filterFixture()
		for range 2 {
			if err := l.AppendBatch(ctx, fx); err != nil {
				t.Fatal(err)
			}
		}
		days, err := l.Days(ctx, CounterDay(t0), CounterDay(t0))
		if err != nil {
			t.Fatal(err)
		}
		d := days[0]
		if d.Answered != 6 || d.Unanswered != 4 || d.Up != 2 || d.Down != 2 || d.Clauses["policy/4"].Primary != 3 {
			t.Errorf("counters %+v", d)
		}
		all, _, _ := l.List(ctx, bot.ExchangeQuery{})
		if len(all) != 10 {
			t.Errorf("%d listed", len(all))
		}
	})
}
