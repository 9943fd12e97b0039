package questiongen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// minSampleAccuracy is the share of the engine sample that must pass every
// check (scope, top-1 clause, amount). First run, 2026-11-28, before any
// fix: 69.3 % (208/300); after the reader's general fixes (roles by
// structure, counts, needs, dialect and typos): 99.0 % (297/300). The bar
// holds that level; the honest figure for new grammar variants is their
// first run (README, "Evaluation").
const minSampleAccuracy = 0.97

const (
	fullN    = 6000 // the size `policybot gen` writes by default
	sampleN  = 300
	testSeed = 1
)

// calcSpec is what a well-formed case of a calculator looks like.
var calcSpec = map[string]struct {
	clause   string
	max, mul int64 // the largest amount, and what every amount is a multiple of
}{
	"rd_increase":   {"policy/4", 500 * wan, 20 * wan},
	"digital":       {"policy/2", 120 * wan, 1000},
	"revenue":       {"policy/3", 10 * wan, 5 * wan},
	"title":         {"policy/1", 50 * wan, 10 * wan},
	"standards":     {"policy/5", 3 * (60 + 40 + 25) * wan, 5 * wan},
	"zhuangda":      {"policy/6", 80 * wan, 5000},
	"xinyidai":      {"policy/6", 60 * wan, 2000},
	"equity":        {"policy/8", 80 * wan, 5000},
	"rd_industrial": {"policy/4", 300 * wan, 1500},
	"fund":          {"policy/9", 50 * wan, 1000},
}

func TestGenerateDistinctWellFormed(t *testing.T) {
	cases, err := Generate(fullN, testSeed)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 5000 {
		t.Fatalf("%d cases, want at least 5000", len(cases))
	}
	seen := map[string]bool{}
	values := make([]map[string]int, len(Dimensions))
	for i := range values {
		values[i] = map[string]int{}
	}
	unanswerable := 0
	for _, c := range cases {
		if seen[c.Q] {
			t.Errorf("duplicate question %q", c.Q)
		}
		seen[c.Q] = true
		if c.Q == "" || !utf8.ValidString(c.Q) || strings.TrimSpace(c.Q) != c.Q || strings.Contains(c.Q, "，，") {
			t.Errorf("malformed question %q", c.Q)
		}
		parts := strings.Split(c.Class, "/")
		if len(parts) != len(Dimensions) || slices.Contains(parts, "") {
			t.Fatalf("%q: class %q is not %d parts", c.Q, c.Class, len(Dimensions))
		}
		for i, p := range parts {
			values[i][p]++
		}
		checkCase(t, c, parts)
		if c.Answerable != nil {
			unanswerable++
		}
		// A generated case must read back as an eval case (the file format
		// refuses unknown fields).
		line, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var back Case
		if err := dec.Decode(&back); err != nil || back.Q != c.Q {
			t.Errorf("%s does not read back: %v", line, err)
		}
	}
	if share := float64(unanswerable) / float64(len(cases)); share < 0.07 || share > 0.13 {
		t.Errorf("unanswerable share %.3f, want about %.2f", share, UnanswerableShare)
	}
	// Every value of every dimension occurs.
	want := [][]string{
		append(slices.Sorted(mapKeys(calcSpec)), "unanswerable"),
		{"increase", "from_to", "last_this", "this_last", "years", "guess", "plain", "list", "single", "mixed", "per_item", "paid_first", "lpr_first", "other_city", "personal", "unstated"},
		{fmtWan, fmtCnWan, fmtComma, fmtYi, fmtW, fmtMillion, fmtDaxie, fmtNone, fmtCountCn, fmtCountDig},
		{scriptSimplified, scriptTraditional, scriptEnglish},
		{varietyPlain, varietyDialect, varietyTypo},
		{noiseNone, noiseIndex, noiseYear, noisePolite},
	}
	for i, vs := range want {
		for _, v := range vs {
			if values[i][v] == 0 {
				t.Errorf("dimension %s: no case has %q", Dimensions[i], v)
			}
		}
		if len(values[i]) != len(vs) {
			t.Errorf("dimension %s: values %v, want %v", Dimensions[i], values[i], vs)
		}
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func checkCase(t *testing.T, c Case, parts []string) {
	t.Helper()
	calc, script, variety := parts[0], parts[3], parts[4]
	if calc == "unanswerable" {
		if c.Answerable == nil || *c.Answerable || c.AmountYuan != nil || len(c.Clauses) != 0 {
			t.Errorf("%q: unanswerable case carries an answer: %+v", c.Q, c)
		}
	} else {
		spec, ok := calcSpec[calc]
		if !ok {
			t.Fatalf("%q: unknown calculator %q", c.Q, calc)
		}
		if c.Answerable != nil || c.AmountYuan == nil || !slices.Equal(c.Clauses, []string{spec.clause}) {
			t.Errorf("%q: %s case wants clause %s and an amount: %+v", c.Q, calc, spec.clause, c)
		} else if a := *c.AmountYuan; a < 0 || a > spec.max || a%spec.mul != 0 {
			t.Errorf("%q: amount %d outside [0, %d] or not a multiple of %d", c.Q, a, spec.max, spec.mul)
		}
	}
	han := strings.IndexFunc(c.Q, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) >= 0
	switch {
	case script == scriptEnglish && strings.Count(c.Q, " ") < 3:
		t.Errorf("%q: English case with no English sentence", c.Q)
	case script != scriptEnglish && !han:
		t.Errorf("%q: Chinese case without Chinese", c.Q)
	case script == scriptTraditional && strings.ContainsAny(c.Q, hantSimplified):
		t.Errorf("%q: traditional case keeps simplified characters", c.Q)
	case variety == varietyDialect && !hasDialect(c.Q):
		t.Errorf("%q: dialect case without a Sichuan word", c.Q)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate(500, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(500, 7)
	c, _ := Generate(500, 8)
	for i := range a {
		if a[i].Q != b[i].Q || a[i].Class != b[i].Class || *orZero(a[i].AmountYuan) != *orZero(b[i].AmountYuan) {
			t.Fatalf("case %d differs for the same seed: %+v vs %+v", i, a[i], b[i])
		}
	}
	if a[0].Q == c[0].Q && a[1].Q == c[1].Q {
		t.Error("seeds 7 and 8 start alike")
	}
}

func orZero(p *int64) *int64 {
	if p == nil {
		return new(int64)
	}
	return p
}

// TestAmounts pins the grammar's reading of the clauses on hand-worked examples.
func TestAmounts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want int64
	}{
		{"policy/4 700万 increase: 3 full steps", rdIncreaseAmount(700 * wan), 60 * wan},
		{"policy/4 550万 increase (800万→1350万)", rdIncreaseAmount(550 * wan), 40 * wan},
		{"policy/4 199万 increase", rdIncreaseAmount(199 * wan), 0},
		{"policy/4 6000万 increase: yearly cap", rdIncreaseAmount(6000 * wan), 500 * wan},
		{"policy/2 380万", digitalAmount(380 * wan), 38 * wan},
		{"policy/2 100万 (以上 includes it)", digitalAmount(100 * wan), 10 * wan},
		{"policy/2 80万 below the floor", digitalAmount(80 * wan), 0},
		{"policy/2 2000万 cap", digitalAmount(2000 * wan), 120 * wan},
		{"policy/6 壮大贷 LPR interest below paid", zhuangdaAmount(100*wan, 80*wan), 40 * wan},
		{"policy/6 壮大贷 LPR interest above paid", zhuangdaAmount(100*wan, 120*wan), 50 * wan},
		{"policy/6 壮大贷 cap", zhuangdaAmount(300*wan, 250*wan), 80 * wan},
		{"policy/6 新易贷 500万", xinyidaiAmount(500 * wan), 10 * wan},
		{"policy/6 新易贷 5000万 cap", xinyidaiAmount(5000 * wan), 60 * wan},
		{"policy/8 300万 + 900万", equityAmount([]int64{300 * wan, 900 * wan}), 45 * wan},
		{"policy/8 3 × 600万 per-year cap", equityAmount([]int64{600 * wan, 600 * wan, 600 * wan}), 80 * wan},
		{"policy/4 产业化 1000万", rdIndustrialAmount(1000 * wan), 150 * wan},
		{"policy/4 产业化 cap", rdIndustrialAmount(3000 * wan), 300 * wan},
		{"policy/9 2000万", fundAmount(2000 * wan), 20 * wan},
		{"policy/9 cap", fundAmount(8000 * wan), 50 * wan},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestFigureFormats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		f    string
		v    int64
		want []string // any of the spellings
	}{
		{fmtWan, 650 * wan, []string{"650万", "650万元"}},
		{fmtCnWan, 650 * wan, []string{"六百五十万"}},
		{fmtCnWan, 1050 * wan, []string{"一千零五十万"}},
		{fmtCnWan, 10 * wan, []string{"十万"}},
		{fmtCnWan, 12000 * wan, []string{"一亿二千万", "一亿两千万"}},
		{fmtCnWan, 10010 * wan, []string{"一亿零一十万"}},
		{fmtCnWan, 2000 * wan, []string{"两千万", "二千万"}},
		{fmtDaxie, 650 * wan, []string{"陆佰伍拾万", "陆佰伍拾万元"}},
		{fmtDaxie, 10 * wan, []string{"壹拾万", "壹拾万元"}},
		{fmtComma, 650 * wan, []string{"6,500,000元"}},
		{fmtYi, 650 * wan, []string{"0.065亿"}},
		{fmtW, 650 * wan, []string{"650w", "650W"}},
		{fmtMillion, 650 * wan, []string{"6.5 million yuan"}},
	} {
		for range 8 {
			if got := money(r, tc.f, tc.v, false); !slices.Contains(tc.want, got) {
				t.Errorf("money(%s, %d) = %q, want one of %q", tc.f, tc.v, got, tc.want)
			}
		}
	}
}

// TestTraditionalTableCovers checks the package's own table against OpenCC:
// every character of the grammar that OpenCC would convert is in the table.
func TestTraditionalTableCovers(t *testing.T) {
	cc, err := opencc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := Generate(fullN, testSeed+1)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, c := range cases {
		if !strings.Contains(c.Class, "/"+scriptTraditional+"/") {
			continue
		}
		for _, r := range c.Q {
			if r < 0x4e00 || r > 0x9fff {
				continue
			}
			out, err := cc.Convert(string(r))
			if err == nil && out != string(r) && !slices.Contains(missing, string(r)) {
				missing = append(missing, string(r))
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("traditional table lacks %s", strings.Join(missing, ""))
	}
}

// TestEngineSample runs a seeded sample through the real offline engine and
// reports accuracy per class. It fails only below minSampleAccuracy.
func TestEngineSample(t *testing.T) {
	ctx := context.Background()
	corpus, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := knowledge.NewContext(ctx, corpus)
	if err != nil {
		t.Fatal(err)
	}
	eng := bot.NewEngine(corpus, ix)
	cases, err := Generate(fullN, testSeed)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(testSeed, 300))
	r.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
	var tally Tally
	var misses, panics []string
	for _, c := range cases[:sampleN] {
		a, p := ask(ctx, eng, c.Q)
		why := failure(c, a)
		if p != nil {
			why = fmt.Sprint("panic: ", p)
			panics = append(panics, c.Q+" — "+why)
		}
		tally.Add(c.Class, why == "")
		if why != "" {
			misses = append(misses, c.Q+" — "+why)
		}
	}
	var out strings.Builder
	tally.Write(&out)
	t.Logf("engine sample (%d of %d, seed %d):\n%s", sampleN, fullN, testSeed, out.String())
	for _, m := range misses {
		t.Log("miss:", m)
	}
	for _, p := range panics {
		t.Error("engine panicked:", p)
	}
	if got, _ := tally.Ratio("all"); got < minSampleAccuracy {
		t.Errorf("sample accuracy %.3f < bar %.2f", got, minSampleAccuracy)
	}
}

// ask is eng.Ask that turns a panic into a reported failure of one question.
func ask(ctx context.Context, eng *bot.Engine, question string) (a bot.Answer, panicked any) {
	defer func() { panicked = recover() }()
	return eng.Ask(ctx, question), nil
}

// failure says how the answer misses the case ("" when it does not).
func failure(c Case, a bot.Answer) string {
	answerable := c.Answerable == nil || *c.Answerable
	if a.Answered != answerable {
		return "answered=" + map[bool]string{true: "true", false: "false"}[a.Answered]
	}
	if len(c.Clauses) > 0 && (len(a.Citations) == 0 || !slices.Contains(c.Clauses, a.Citations[0].ID)) {
		var ids []string
		for _, ci := range a.Citations {
			ids = append(ids, ci.ID)
		}
		return "top clause " + strings.Join(ids, ",") + ", want " + c.Clauses[0]
	}
	if c.AmountYuan != nil && !slices.ContainsFunc(a.Calculations, func(k policies.Calculation) bool { return k.AmountYuan == *c.AmountYuan }) {
		var got []string
		for _, k := range a.Calculations {
			got = append(got, k.Rule+"="+itoa(k.AmountYuan))
		}
		return "amounts [" + strings.Join(got, " ") + "], want " + itoa(*c.AmountYuan)
	}
	return ""
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
