package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/internal/redistest"
	"github.com/cdsme/policybot/policies"
)

// benchN is the size of the benchmark log: LOG_BENCH_EXCHANGES, else a
// million (the log's default bound).
func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("LOG_BENCH_EXCHANGES")); err == nil && n > 0 {
		return n
	}
	return redisstore.DefaultMaxExchanges
}

var benchQuestions = []string{
	"研发投入比去年多了650万，能拿多少", "小巨人企业奖励多少钱", "专精特新中小企业认定需要什么条件",
	"申报截止时间是什么时候", "营收首次突破5亿有什么奖励", "贷款贴息怎么申请", "How much is the SRDI award",
	"创新型中小企业评价标准", "数字化转型补贴比例", "首台套保险补偿怎么算",
}

// benchExchange is the i-th seeded exchange: spread evenly over the
// last 89 days, newest first by i; 85 % answered, half in LLM mode, 6 %
// 👍 and 4 % 👎, one or two citations, a calculation on one in three.
func benchExchange(i, n int, now time.Time) bot.Exchange {
	span := 89 * 24 * time.Hour
	e := bot.Exchange{
		ID: fmt.Sprintf("b%07d", i), Time: now.Add(-time.Duration(int64(span) / int64(n) * int64(i))),
		Channel: "telegram", UserHash: fmt.Sprintf("u%05d", i%20000), ChatHash: fmt.Sprintf("c%05d", i%20000),
		Question: benchQuestions[i%len(benchQuestions)] + "（第" + strconv.Itoa(i) + "问）",
		Answered: i%20 >= 3, Mode: bot.ModeOffline, Latency: time.Duration(200+i%900) * time.Microsecond,
	}
	e.Answer = "根据《成都市支持中小企业专精特新发展若干政策》第四条，对研发投入增量给予补助：每增加200万元补助20万元，最高不超过100万元。" +
		"您的研发投入增量为650万元，可获补助60万元。本政策为征求意见稿，以正式发布为准。"
	if !e.Answered {
		e.Answer, e.Unstated = "文件没有写明申报截止时间。", "deadline"
	}
	if i%2 == 1 {
		e.Mode = bot.ModeLLM
	}
	switch i % 50 {
	case 7, 17, 27:
		e.Feedback = bot.VerdictUp
	case 9, 29:
		e.Feedback, e.FeedbackReason = bot.VerdictDown, "没说申报时间"
	}
	clauses := []string{"policy/4", "policy/2", "plan/3", "policy/7", "policy/9"}
	e.Citations = []bot.Citation{{ID: clauses[i%5], Score: 0.8, Quote: "对研发投入增量给予补助"}}
	if i%4 == 0 {
		e.Citations = append(e.Citations, bot.Citation{ID: clauses[(i+2)%5], Score: 0.5, Quote: "……"})
	}
	if i%3 == 0 {
		e.Calculations = []policies.Calculation{{Rule: "rd_increase", Clause: "policy/4", AmountYuan: 600000, Kind: policies.KindComputed,
			Inputs: map[string]any{"increase_yuan": float64(6500000)}, Steps: []string{"650万 ÷ 200万 = 3 档", "3 × 20万 = 60万"}}}
	}
	return e
}

// discard is a ResponseWriter that counts the body and throws it away.
type discard struct {
	h     http.Header
	code  int
	bytes int64
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.code = code }
func (d *discard) Write(p []byte) (int, error) { d.bytes += int64(len(p)); return len(p), nil }
func (d *discard) Flush()                      {}

// BenchmarkConsole1M seeds the real Redis (the database REDIS_URL names;
// internal/redistest) with a million exchanges over 89 days, in
// pipelines (redisstore.AppendBatch, two writers), then times the
// console's handlers on it: a list page (first, deep, per filter), the
// overview (daily counters) and whole exports. Run it alone:
//
//	go test -run '^$' -bench Console1M -benchtime 20x ./bot/console/
//
// LOG_BENCH_EXCHANGES seeds another count. The database is flushed after.
func BenchmarkConsole1M(b *testing.B) {
	rdb := redistest.Real(b)
	b.Cleanup(func() { rdb.FlushDB(context.Background()) })
	ctx := context.Background()
	n := benchN()
	now := time.Now()
	l := redisstore.NewExchangeLog(rdb, redisstore.Options{})
	start := time.Now()
	const batch = 5000
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := w * batch; lo < n; lo += 2 * batch {
				es := make([]bot.Exchange, 0, batch)
				for i := lo; i < min(lo+batch, n); i++ {
					es = append(es, benchExchange(i, n, now))
				}
				if err := l.AppendBatch(ctx, es); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	if got, _ := rdb.ZCard(ctx, "policybot:{ex}:all").Result(); got != int64(n) {
		b.Fatalf("seeded %d exchanges, want %d", got, n)
	}
	mem, _ := rdb.MemoryUsage(ctx, "policybot:{ex}:all").Result()
	b.Logf("seeded %d exchanges in %v (%.0f/s); the time index takes %.0f MB; Redis INFO memory: %s", n,
		time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds(), float64(mem)/1e6, usedMemory(ctx, rdb))

	h := New(l, WithLogger(slog.New(slog.DiscardHandler)))
	serve := func(b *testing.B, path string) *discard {
		d := &discard{h: http.Header{}, code: 200}
		h.ServeHTTP(d, httptest.NewRequest(http.MethodGet, path, nil))
		if d.code != 200 {
			b.Fatalf("%s: %d", path, d.code)
		}
		return d
	}
	// A cursor half-way down: paging costs the same at any depth.
	mid, err := rdb.ZRevRangeWithScores(ctx, "policybot:{ex}:all", int64(n/2), int64(n/2)).Result()
	if err != nil || len(mid) != 1 {
		b.Fatalf("middle entry: %v", err)
	}
	cursor := url.QueryEscape(strconv.FormatInt(int64(mid[0].Score), 10) + ":" + mid[0].Member.(string))
	day := func(ago int) string {
		return now.AddDate(0, 0, -ago).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	}
	for _, c := range []struct{ name, path string }{
		{"list/first", "/staff/exchanges"},
		{"list/deep", "/staff/exchanges?cursor=" + cursor},
		{"list/unanswered", "/staff/exchanges?unanswered=1&cursor=" + cursor},
		{"list/disliked", "/staff/exchanges?disliked=1"},
		{"list/clause", "/staff/exchanges?clause=policy/4"},
		{"list/dates", "/staff/exchanges?since=" + day(40) + "&until=" + day(30)},
		{"list/liked", "/staff/exchanges?liked=1"},
		{"list/mode-llm", "/staff/exchanges?mode=llm"},
		{"list/answered", "/staff/exchanges?answered=1"},
		{"list/text-common", "/staff/exchanges?q=" + url.QueryEscape("小巨人")},
		{"list/text-rare", "/staff/exchanges?q=" + url.QueryEscape("第777777问")},
		{"overview/7d", "/staff/?days=7"},
		{"overview/30d", "/staff/?days=30"},
		{"overview/90d", "/staff/?from=" + day(89) + "&to=" + day(0)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				serve(b, c.path)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
	for _, format := range []string{"csv", "jsonl"} {
		b.Run("export/"+format, func(b *testing.B) {
			var bytes int64
			for b.Loop() {
				bytes += serve(b, "/staff/export."+format).bytes
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(bytes)/float64(b.N)/1e6, "MB/op")
		})
	}
}

// usedMemory is the server's used_memory_human (all databases).
func usedMemory(ctx context.Context, rdb *redis.Client) string {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return err.Error()
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory_human:"); ok {
			return v
		}
	}
	return "?"
}
