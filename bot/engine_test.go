package bot

import (
	"context"

	"github.com/google/go-cmp/cmp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

var (
	testEngineOnce sync.Once
	testEngine     *Engine
)

func engineForTest(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	c := policies.MustDefault()
	if len(opts) > 0 {
		ix, err := knowledge.New(c)
		if err != nil {
			t.Fatal(err)
		}
		return NewEngine(c, ix, opts...)
	}
	testEngineOnce.Do(func() {
		ix, err := knowledge.New(c)
		if err != nil {
			t.Fatal(err)
		}
		testEngine = NewEngine(c, ix, WithClock(func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }))
	})
	return testEngine
}

// TestAskAmounts: questions carrying figures get the right calculator, the
// right inputs and the right amount; the first citation is the clause the
// amount rests on.
func TestAskAmounts(t *testing.T) {
	tests := []struct {
		q      string
		rule   string
		amount int64
		clause string
	}{
		{"我们研发费用比上一年多投了九百万，补贴怎么算", "rd_increase", 800000, "policy/4"},
		{"去年研发投入800万元，今年1300万元，能补助多少？", "rd_increase", 400000, "policy/4"},
		{"R&D spending went up by 5 million yuan this year, how much subsidy?", "rd_increase", 400000, "policy/4"},
		{"研发增加了199万能拿钱吗", "rd_increase", 0, "policy/4"},
		{"搞智能工厂改造花了2600万，补多少", "digital_transformation", 1200000, "policy/2"},
		{"数字化转型投了80万元有补贴吗", "digital_transformation", 0, "policy/2"},
		{"数字化投入260万", "digital_transformation", 260000, "policy/2"},
		{"营收从9500万涨到1.2亿，有没有奖励", "revenue_milestone", 50000, "policy/3"},
		{"今年营业收入首次超过5亿元，能拿多少奖励", "revenue_milestone", 100000, "policy/3"},
		{"营收去年8000万，今年6亿，奖励多少", "revenue_milestone", 150000, "policy/3"},
		{"成果产业化项目研发投入2500万，补助多少", "rd_commercialization", 3000000, "policy/4"},
		{"壮大贷今年付了利息90万，按LPR算是70万，贴息多少", "zhuangda_loan", 350000, "policy/6"},
		{"拿到新易贷5000万贷款，利息补贴最多多少", "xinyidai_loan", 600000, "policy/6"},
		{"创投机构投了一家省级专精特新企业800万，奖励多少", "equity_investment", 300000, "policy/8"},
		{"引导基金投资企业1亿元，企业后来评上小巨人，管理机构能拿多少", "fund_manager", 500000, "policy/9"},
		{"主导制定了一项国际标准并获批，奖励多少", "standard", 600000, "policy/5"},
		{"主导修订國家標準獲批，獎勵多少", "standard", 400000, "policy/5"},
		{"刚通过复核的省级专精特新企业有奖励吗", "provincial_sme", 100000, "policy/1"},
		{"省级专精特新刚通过复核，另外我们还新评上了小巨人，一共多少", "little_giant", 500000, "policy/1"},
		{"小巨人复核通过了有奖励吗", "little_giant", 0, "policy/1"},
		{"蓉漂计划团队最高资助多少", "talent", 5000000, "policy/10"},
		{"研发费用今年增长到1500万，去年是1100万，补多少", "rd_increase", 400000, "policy/4"},
		{"研发投入增加了800万，听说每200万给20万，那是80万吗", "rd_increase", 800000, "policy/4"},
		{"我们是小巨人企业，上了MES系统投了600万，能补贴多少", "digital_transformation", 600000, "policy/2"},
		{"客户是专精特新企业，新易贷贷了2000万，利息补贴最多多少", "xinyidai_loan", 400000, "policy/6"},
		{"數位化轉型投了120萬，補助多少", "digital_transformation", 120000, "policy/2"},
		{"智改数转投了150w 能补多少", "digital_transformation", 150000, "policy/2"},
		{"Xin Yi Dai loan of 30 million yuan, max interest subsidy?", "xinyidai_loan", 600000, "policy/6"},
		{"基金投了一家企业3000万，一年后评上省级专精特新，管理人奖励多少", "fund_manager", 300000, "policy/9"},
	}
	e := engineForTest(t)
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := e.Ask(context.Background(), tt.q)
			if !a.Answered {
				t.Fatalf("not answered: %s", a.Answer)
			}
			var got []string
			found := false
			for _, c := range a.Calculations {
				got = append(got, c.Rule)
				if c.Rule == tt.rule && c.AmountYuan == tt.amount {
					found = true
				}
			}
			if !found {
				t.Errorf("want %s = %d, got calculations %+v", tt.rule, tt.amount, a.Calculations)
			}
			if a.Citations[0].ID != tt.clause {
				t.Errorf("top citation %s, want %s", a.Citations[0].ID, tt.clause)
			}
			if !strings.Contains(a.Answer, "征求意见稿") {
				t.Error("answer lacks the draft note")
			}
		})
	}
}

func TestAskAsksForMissingFigures(t *testing.T) {
	e := engineForTest(t)
	a := e.Ask(context.Background(), "壮大贷贴息能拿多少")
	if len(a.Calculations) != 0 {
		t.Errorf("calculated without figures: %+v", a.Calculations)
	}
	if len(a.Missing) != 2 || !strings.Contains(a.Answer, "还需要") {
		t.Errorf("missing = %v; answer %q", a.Missing, a.Answer)
	}
	// A bare R&D total is not an increase: ask for last year's.
	a = e.Ask(context.Background(), "今年研发投入1000万能补多少")
	if len(a.Calculations) != 0 || len(a.Missing) == 0 {
		t.Errorf("one R&D total: calcs %+v missing %v", a.Calculations, a.Missing)
	}
}

func TestAskNoCalculationForWhatIs(t *testing.T) {
	e := engineForTest(t)
	for _, q := range []string{"What is the target number of Little Giant companies by 2025?", "Do immigrant founders qualify as provincial SMEs?", "壮大贷是什么产品", "到2025年要培育多少家小巨人企业", "专精特新企业怎么参与标准制定", "招一个研发团队有人才补贴吗"} {
		if a := e.Ask(context.Background(), q); len(a.Calculations) != 0 || len(a.Missing) != 0 {
			t.Errorf("%s: unexpected calculations %+v / missing %v", q, a.Calculations, a.Missing)
		}
	}
}

func TestAskOutOfScopeAndBadInput(t *testing.T) {
	e := engineForTest(t)
	for _, q := range []string{"上海张江有什么人才补贴", "明天成都天气怎么样", "个人所得税怎么退"} {
		a := e.Ask(context.Background(), q)
		if a.Answered {
			t.Errorf("%s: answered, want out of scope", q)
		}
		if !strings.Contains(a.Answer, "12345") {
			t.Errorf("%s: out-of-scope answer names no hotline: %s", q, a.Answer)
		}
	}
	long := strings.Repeat("研发投入", 30000)
	for _, q := range []string{"", "   \t", "\x00\x01\x02", "🙂🙂🙂", string([]byte{0xff, 0xfe, 0x80}), long, "小巨人 little giant 奖励 ￥５０万？"} {
		a := e.Ask(context.Background(), q)
		if a.Answer == "" {
			t.Errorf("%.20q: empty answer", q)
		}
		if len(a.Citations) > DefaultCitations {
			t.Errorf("%.20q: %d citations", q, len(a.Citations))
		}
	}
	if a := e.Ask(context.Background(), ""); a.Answered || a.Error == "" {
		t.Errorf("empty question: %+v", a)
	}
	if a := e.Ask(context.Background(), long); !strings.Contains(a.Answer, "只读取了前") {
		t.Errorf("long question: no truncation note")
	}
}

func TestIssuedDateGivesEffectiveDate(t *testing.T) {
	e := engineForTest(t, WithIssued(time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)))
	a := e.Ask(context.Background(), "这个政策什么时候开始施行，有效期多久")
	if len(a.Calculations) != 1 || a.Calculations[0].Rule != "effective_date" {
		t.Fatalf("calculations %+v", a.Calculations)
	}
	a = engineForTest(t).Ask(context.Background(), "这个政策什么时候开始施行")
	if len(a.Calculations) != 0 || !strings.Contains(a.Answer, "施行日期还不能确定") || len(a.Missing) != 0 {
		t.Errorf("without POLICY_ISSUED the answer must explain, got calcs %+v: %s", a.Calculations, a.Answer)
	}
}

func FuzzAsk(f *testing.F) {
	for _, s := range []string{"研发投入增加了650万", "小巨人奖励", "", "壮大贷利息60万LPR40万", "\xff", "那省级的呢", "研发投入从300万到500万", "从1亿到2亿元→3亿", "投了3家每家600万，是30万吗？", "450,000 and 500,000 yuan from 1 to 2 million", "国际标准一项、行业标准两项", "壮大贷借了1000万，LPR 3.45%，实际利率4.2%", "国家标准和行业标准相差多少", "投了3家每家600万是不是30万", "各获批一项", "我哋係小巨人攞幾多", "研发投入500万、930万", "市里另一个政策能补50万，这个政策补80万，就高不就低"} {
		f.Add(s)
	}
	e := engineForTest(f)
	f.Fuzz(func(t *testing.T, q string) {
		a := e.Ask(context.Background(), q)
		if a.Answer == "" {
			t.Fatal("empty answer")
		}
		for _, c := range a.Calculations {
			if c.AmountYuan < 0 {
				t.Fatalf("negative amount %+v", c)
			}
		}
	})
}

func TestCalcCommand(t *testing.T) {
	e := engineForTest(t)
	tests := []struct {
		q      string
		amount int64
		errHas string
	}{
		{"/calc rd_increase increase_yuan=6500000", 600000, ""},
		{"/calc rd_increase increase_yuan=650万", 600000, ""},
		{"/calc@policybot standard level=national", 400000, ""},
		{"/calc", -1, "用法"},
		{"/calc nonsense", -1, "没有名为"},
		{"/calc rd_increase bogus=1", -1, "没有参数 bogus"},
		{"/calc rd_increase increase_yuan=-5", -1, "increase_yuan"},
		{"/calc digital_transformation", -1, "缺少参数 investment_yuan"},
		{"/calc rd_increase increase_yuan", -1, "写法不对"},
	}
	for _, tt := range tests {
		a := e.Ask(context.Background(), tt.q)
		if tt.amount >= 0 {
			if len(a.Calculations) != 1 || a.Calculations[0].AmountYuan != tt.amount {
				t.Errorf("%s: %+v\n%s", tt.q, a.Calculations, a.Answer)
			}
			continue
		}
		if len(a.Calculations) != 0 || !strings.Contains(a.Answer, tt.errHas) {
			t.Errorf("%s: want message with %q, got %s", tt.q, tt.errHas, a.Answer)
		}
	}
}

func TestOutOfScopeNamesWhoToAsk(t *testing.T) {
	e := engineForTest(t)
	a := e.Ask(context.Background(), "流程是什么")
	if a.Answered || !strings.Contains(a.Answer, "12345") {
		t.Fatalf("vague question: %s", a.Answer)
	}
	if !strings.Contains(a.Answer, "市经信局市新经济委") && !strings.Contains(a.Answer, "最接近的条款") {
		t.Errorf("vague question names no department: %s", a.Answer)
	}
	a = e.Ask(context.Background(), "北京中关村有什么补贴")
	if strings.Contains(a.Answer, "最接近的条款") || strings.Contains(a.Answer, "大多数条款") {
		t.Errorf("another city's question points to a Chengdu clause: %s", a.Answer)
	}
}

// TestSeveralFigures: each amount goes to the matter it is said of, years
// are read from their words, bounds and falls are read as meant. (Cases from
// a review of wrong answers.)
func TestSeveralFigures(t *testing.T) {
	e := engineForTest(t)
	tests := []struct {
		q    string
		want map[string]int64 // rule → summed amount; every rule listed must be there
	}{
		{"研发投入增加650万，数字化投资50万", map[string]int64{"rd_increase": 600000, "digital_transformation": 0}},
		{"研发投入增加650万元和数字化投资200万分别能拿多少", map[string]int64{"rd_increase": 600000, "digital_transformation": 200000}},
		{"研发投入增加650万，新易贷贷款2000万", map[string]int64{"rd_increase": 600000, "xinyidai_loan": 400000, "total": 1000000}},
		{"我们营收1.2亿，数字化投了300万，能拿多少", map[string]int64{"revenue_milestone": 50000, "digital_transformation": 300000, "total": 350000}},
		{"营收去年4亿，今年6亿，研发投入增加650万", map[string]int64{"revenue_milestone": 100000, "rd_increase": 600000, "total": 700000}},
		{"去年营收9000万，今年营收1.1亿，研发从500万增加到930万", map[string]int64{"revenue_milestone": 50000, "rd_increase": 400000, "total": 450000}},
		{"今年营收6亿，去年4亿", map[string]int64{"revenue_milestone": 100000}},
		{"营收首次突破5亿，去年3亿，奖多少", map[string]int64{"revenue_milestone": 100000}},
		{"R&D spending was 6 million yuan last year and 12.5 million this year. Subsidy?", map[string]int64{"rd_increase": 600000}},
		{"Last year our R&D was 5 million, this year 9.3 million", map[string]int64{"rd_increase": 400000}},
		{"数字化投资不足100万能补吗", map[string]int64{"digital_transformation": 0}},
		{"研发投入增加了将近400万", map[string]int64{"rd_increase": 200000}},
		{"研发投入增加了200万不到", map[string]int64{"rd_increase": 0}},
		{"研发投入比去年多了-650万", map[string]int64{}}, // a negative figure is bad input: asked for, never 0 or 650万
		{"研发投入没增加，反而减少了300万，能拿多少", map[string]int64{"rd_increase": 0}},
		{"主导制定了2项国家标准奖多少", map[string]int64{"standard": 800000}},
		{"去年评的省级专精特新，今年升为小巨人，能拿多少", map[string]int64{"little_giant": 500000}},
	}
	for _, tt := range tests {
		a := e.Ask(context.Background(), tt.q)
		got := map[string]int64{}
		for _, c := range a.Calculations {
			got[c.Rule] += c.AmountYuan
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.q, diff)
		}
	}
	// Interest is not the loan: ask for the loan.
	if a := e.Ask(context.Background(), "新易贷利息80万"); len(a.Calculations) != 0 || len(a.Missing) == 0 {
		t.Errorf("新易贷利息80万: %+v missing %v", a.Calculations, a.Missing)
	}
}
