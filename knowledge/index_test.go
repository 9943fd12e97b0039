package knowledge

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
)

// TestHitContract checks the shape promised by Result and Hit for every test
// question: at most k hits, best first, scores in [0,1], distinct ids, quotes
// verbatim from the clause and about MaxQuoteRunes long.
func TestHitContract(t *testing.T) {
	ix := newTestIndex(t)
	body := map[string]string{}
	for _, cl := range ix.clauses {
		body[cl.ID] = cl.Body()
	}
	for _, tc := range allCases() {
		for _, k := range []int{1, 3, 50} {
			res, err := ix.Search(context.Background(), tc.q, k)
			if err != nil {
				t.Fatal(err)
			}
			if res.Question != tc.q || res.Normalized != Normalize(tc.q) {
				t.Errorf("%q: question/normalized not echoed", tc.q)
			}
			if len(res.Hits) > min(k, ix.Count()) {
				t.Errorf("%q: %d hits for k=%d", tc.q, len(res.Hits), k)
			}
			seen := map[string]bool{}
			for i, h := range res.Hits {
				if h.Score < 0 || h.Score > 1 || i > 0 && h.Score > res.Hits[i-1].Score {
					t.Errorf("%q: bad score order %v", tc.q, res.Hits)
				}
				if seen[h.ClauseID] {
					t.Errorf("%q: duplicate %s", tc.q, h.ClauseID)
				}
				seen[h.ClauseID] = true
				q := strings.TrimSuffix(h.Quote, "…")
				if n := utf8.RuneCountInString(h.Quote); n == 0 || n > MaxQuoteRunes {
					t.Errorf("%q: %s quote of %d runes", tc.q, h.ClauseID, n)
				}
				if !strings.Contains(strings.ReplaceAll(body[h.ClauseID], "\n", ""), q) {
					t.Errorf("%q: %s quote not verbatim: %q", tc.q, h.ClauseID, h.Quote)
				}
			}
			if res.InScope == (res.Reason != "") {
				t.Errorf("%q: InScope %v with reason %q", tc.q, res.InScope, res.Reason)
			}
		}
	}
}

func TestQuoteShowsTheAmount(t *testing.T) {
	ix := newTestIndex(t)
	for q, want := range map[string]string{
		"研发投入增加了300万补助多少": "每增加200万元研发投入给予20万元",
		"新获评小巨人奖励多少":      "50万元",
		"省级专精特新奖励多少":      "10万元",
		"壮大贷贴息最高多少":       "最高80万元贴息补助",
	} {
		res, _ := ix.Search(context.Background(), q, 1)
		if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Quote, want) {
			t.Errorf("%q: quote %v lacks %q", q, res.Hits, want)
		}
	}
}

func TestScopeReasons(t *testing.T) {
	ix := newTestIndex(t)
	for q, want := range map[string]string{
		"北京的中关村有什么补贴":          "北京",
		"Shenzhen R&D subsidy": "Shenzhen",
		"怎么办理营业执照":             "营业执照",
		"":                     "为空",
	} {
		res, _ := ix.Search(context.Background(), q, 3)
		if res.InScope || !strings.Contains(res.Reason, want) {
			t.Errorf("%q: in=%v reason %q, want it to name %q", q, res.InScope, res.Reason, want)
		}
	}
	// Result.Scope names the test that failed.
	for q, want := range map[string]string{
		"":                       ScopeEmpty,
		"   ":                    ScopeEmpty,
		"Shenzhen's R&D subsidy": ScopeOtherPlace,
		"What does the UK offer": ScopeOtherPlace,
		"劳动合同怎么签":                ScopeOffTopic,
		"增值税怎么交":                 ScopeOffTopic,
		"流程是什么":                  ScopeWeak,
	} {
		res, _ := ix.Search(context.Background(), q, 3)
		if res.InScope || res.Scope != want {
			t.Errorf("%q: in=%v scope %q, want %q (%s)", q, res.InScope, res.Scope, want, res.Reason)
		}
	}
	for q, want := range map[string]string{"What does the UK offer": "UK", "Do the US states fund SMEs": "US"} {
		if res, _ := ix.Search(context.Background(), q, 3); !strings.Contains(res.Reason, want) {
			t.Errorf("%q: reason %q, want it to name %q", q, res.Reason, want)
		}
	}
	// Chengdu names and exchange names are not other places.
	for _, q := range []string{"成都和北京的小巨人奖励哪个高", "在上海证券交易所上市有奖励吗", "上海、深圳或北京证券交易所上市",
		"Listing on the Shanghai, Shenzhen or Beijing exchanges", "IPO on the Shenzhen Stock Exchange", "Beijing stock market listing reward"} {
		if res, _ := ix.Search(context.Background(), q, 3); !res.InScope || res.Scope != "" {
			t.Errorf("%q judged out: %s", q, res.Reason)
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := newTestIndex(t)
	want := map[string]string{}
	for _, tc := range testCases {
		res, _ := ix.Search(context.Background(), tc.q, 1)
		if len(res.Hits) > 0 {
			want[tc.q] = res.Hits[0].ClauseID
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, tc := range testCases {
				res, err := ix.Search(context.Background(), tc.q, 1)
				if err != nil {
					t.Error(err)
					return
				}
				if len(res.Hits) > 0 && res.Hits[0].ClauseID != want[tc.q] {
					t.Errorf("%q: %s under concurrency, %s alone", tc.q, res.Hits[0].ClauseID, want[tc.q])
				}
			}
		}()
	}
	wg.Wait()
}

func TestSearchCanceled(t *testing.T) {
	ix := newTestIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, "小巨人", 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestNewEmptyCorpus(t *testing.T) {
	if _, err := New(nil); !errors.Is(err, ErrEmptyCorpus) {
		t.Fatalf("err = %v", err)
	}
}

func TestNewBuildTime(t *testing.T) {
	c := policies.MustDefault()
	var ds []time.Duration
	for range 20 {
		start := time.Now()
		if _, err := New(c); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	t.Logf("New(): median %v, max %v", ds[len(ds)/2], ds[len(ds)-1])
	if ds[len(ds)/2] > 100*time.Millisecond { // generous: -race and loaded CI machines
		t.Errorf("New() median %v: too slow for start-up", ds[len(ds)/2])
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"小巨人奖励多少", "How much?", "\xff", "", "北京", strings.Repeat("贷", 5000), "😀"} {
		f.Add(s, 3)
	}
	ix := newTestIndex(f)
	f.Fuzz(func(t *testing.T, q string, k int) {
		res, err := ix.Search(context.Background(), q, k)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(res.Normalized) || utf8.RuneCountInString(res.Normalized) > MaxNormalizedRunes {
			t.Fatalf("normalized %q", res.Normalized)
		}
		if len(res.Hits) > ix.Count() {
			t.Fatalf("%d hits", len(res.Hits))
		}
		for _, h := range res.Hits {
			if h.Score < 0 || h.Score > 1 || utf8.RuneCountInString(h.Quote) > MaxQuoteRunes || !utf8.ValidString(h.Quote) {
				t.Fatalf("bad hit %+v", h)
			}
		}
		if !res.InScope && res.Reason == "" {
			t.Fatal("out of scope without a reason")
		}
	})
}

// BenchmarkSearch runs the whole test table round-robin and reports the
// per-question latency percentiles.
func BenchmarkSearch(b *testing.B) {
	ix := newTestIndex(b)
	qs := allCases()
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := ix.Search(ctx, qs[i%len(qs)].q, 5); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

func BenchmarkNew(b *testing.B) {
	c := policies.MustDefault()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := New(c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEmbedderFailureDegrades: an embedder that fails after New (a remote
// API rate-limiting) leaves Search answering from BM25.
func TestEmbedderFailureDegrades(t *testing.T) {
	local := LocalEmbedding(DefaultEmbeddingDims)
	var mu sync.Mutex
	fail := false
	flaky := func(ctx context.Context, text string) ([]float32, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return nil, errors.New("429 too many requests")
		}
		return local(ctx, text)
	}
	ix, err := New(policies.MustDefault(), WithEmbedding(flaky))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	res, err := ix.Search(context.Background(), "壮大贷贴息最多多少", 3)
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ClauseID != "policy/6" {
		t.Fatalf("err %v hits %v", err, res.Hits)
	}
}
