package bot

import (
	"context"
	"slices"
	"testing"
	"time"
)

// benchQuestions mix amounts, plain lookups, English, traditional and
// out-of-scope questions, as real traffic does.
var benchQuestions = []string{
	"研发投入比去年多了650万，能拿多少",
	"新获评小巨人奖励多少",
	"搞数字化改造花了380万有补贴吗",
	"壮大贷实际付息60万，按LPR算45万，贴息多少",
	"How much does a new Little Giant get?",
	"研發投入增加了四百萬元，補助多少",
	"上市有什么奖励",
	"优质中小企业培育库是什么",
	"北京中关村有什么补贴",
	"营收从9000万涨到1.5亿，奖励多少",
	"主导制定国家标准奖励多少",
	"专题培训怎么组织的",
}

// BenchmarkAsk measures a whole offline answer in-process (retrieval,
// understanding, calculators, composition) and reports p50/p99 per question.
// The bar (DESIGN.md) is p99 < 2 ms.
func BenchmarkAsk(b *testing.B) {
	e := engineForTest(b)
	ctx := context.Background()
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		e.Ask(ctx, benchQuestions[i%len(benchQuestions)])
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}
