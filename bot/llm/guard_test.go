package llm

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/policies"
)

func clause(t *testing.T, id string) policies.Clause {
	t.Helper()
	c, err := policies.MustDefault().Clause(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExtractFigures(t *testing.T) {
	tests := []struct {
		in   string
		want []string // "text=value/kind"
	}{
		{"给予50万元奖励", []string{"50万元=500000/m"}},
		{"五十万元", []string{"五十万元=500000/m"}},
		{"三百八十万", []string{"三百八十万=3800000/m"}},
		{"一亿二千万元", []string{"一亿二千万元=120000000/m"}},
		{"1.2亿", []string{"1.2亿=120000000/m"}},
		{"6,500,000元", []string{"6,500,000元=6500000/m"}},
		{"５０万", []string{"50万=500000/m"}},
		{"按实际投入的10%", []string{"10%=10/p"}},
		{"百分之十五", []string{"百分之十五=15/p"}},
		{"0.5%", []string{"0.5%=1/2/p"}},
		{"两千五百元", []string{"两千五百元=2500/m"}},
		{"一万五", []string{"一万五=15000/m"}},
		{"一千零五元", []string{"一千零五元=1005/m"}},
		{"有效期3年", []string{"3=3/-"}},
		{"有效期三年", []string{"三=3/-"}},
		{"2023—2025", []string{"2023=2023/-", "2025=2025/-"}},
		{"二〇二五年", []string{"二〇二五=2025/-"}},
		// references and words are not figures
		{"依据[policy/4]第4条、第四项及附件2", nil},
		{"一次性给予，一般来说十分重要，进一步统一", nil},
		{"万一", nil},
	}
	kinds := map[figureKind]string{kindPlain: "-", kindMoney: "m", kindPercent: "p"}
	for _, tt := range tests {
		var got []string
		for _, f := range extractFigures(tt.in) {
			got = append(got, f.Text+"="+f.Value.RatString()+"/"+kinds[f.Kind])
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("extractFigures(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseChinese(t *testing.T) {
	tests := map[string]int64{
		"十": 10, "十五": 15, "二十": 20, "一百零八": 108, "五十万": 50_0000, "一千万": 1000_0000,
		"两百万": 200_0000, "三千万": 3000_0000, "一亿": 1_0000_0000, "五千": 5000, "十万": 10_0000,
	}
	for in, want := range tests {
		v, _, ok := parseChinese(in)
		if !ok || v.Cmp(big.NewRat(want, 1)) != 0 {
			t.Errorf("parseChinese(%q) = %v, %v; want %d", in, v, ok, want)
		}
	}
}

func TestCheckNumbers(t *testing.T) {
	p4 := clause(t, "policy/4")
	p1 := clause(t, "policy/1")
	rd := policies.Calculation{
		Rule: "rd_increase", Clause: "policy/4", AmountYuan: 600000, Kind: policies.KindComputed,
		Inputs: map[string]any{"increase_yuan": int64(6500000)},
		Steps:  []string{"650万 ÷ 200万 = 3 档", "3 × 20万 = 60万", "未超过年度上限500万"},
	}
	withCalc := NewAllowed([]policies.Clause{p4}, []policies.Calculation{rd})
	clausesOnly := NewAllowed([]policies.Clause{p4, p1}, nil)
	tests := []struct {
		name    string
		reply   string
		allowed Allowed
		bad     string // the figure the guard must name; "" = passes
	}{
		{"calc amount in 万", "研发投入增加650万元，可获得60万元补助 [policy/4]。", withCalc, ""},
		{"calc amount in 元", "可获得600000元补助。", withCalc, ""},
		{"calc amount in Chinese", "可获得六十万元补助，按每200万元一档计3档。", withCalc, ""},
		{"ceiling quoted", "每增加200万元给予20万元，年度最高500万元 [policy/4]。", withCalc, ""},
		{"percent in clause", "产业化项目按技术研发投入的15%给予补助，最高三百万元。", withCalc, ""},
		{"percent written out", "按百分之十五给予补助。", withCalc, ""},
		{"clause refs and ordinals", "见[policy/4]，即《若干政策》第4条。", withCalc, ""},
		{"invented money", "可获得80万元补助。", withCalc, "80万元"},
		{"invented Chinese money", "每增加两百万元给予八十万元。", withCalc, "八十万元"},
		{"invented percent", "按20%给予补助。", withCalc, "20%"},
		{"invented plain", "共分7档。", withCalc, "7"},
		{"unknown clause id", "见[policy/99]。", withCalc, "policy/99"},
		{"question-only figure", "研发投入多了700万。", withCalc, "700万"},
		{"clause figure as claim, no calc", "您可获得1000万元奖励。", clausesOnly, "1000万元"},
		{"clause figure quoted", "新获评小巨人企业一次性给予50万元奖励 [policy/1]。", clausesOnly, ""},
		{"claim matching calc in Chinese", "合计六十万元。", withCalc, ""},
		{"claim not matching calc", "合计500万元。", withCalc, "500万元"},
		{"ceiling after claim verb", "可获得最高500万元补助。", withCalc, ""},
		{"hotline", "请拨打12345咨询。", clausesOnly, ""},
		{"claim with colon", "好的，奖励：1000万元。", clausesOnly, "1000万元"},
		{"claim with copula", "补助金额为1000万元。", clausesOnly, "1000万元"},
		{"copula matching calc", "补助金额为60万元 [policy/4]。", withCalc, ""},
		{"rate is not a claim", "补助标准为每增加200万元给予20万元。", withCalc, ""},
		{"small Chinese count", "有两项奖励，分三种情况 [policy/1]。", clausesOnly, ""},
		{"Arabic count checked", "有7项奖励。", clausesOnly, "7"},
		{"duration checked", "有效期五年。", clausesOnly, "五"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckNumbers(tt.reply, tt.allowed)
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("CheckNumbers(%q) = %v, want nil", tt.reply, err)
				}
				return
			}
			if !errors.Is(err, ErrInventedNumber) {
				t.Fatalf("CheckNumbers(%q) = %v, want ErrInventedNumber", tt.reply, err)
			}
			var ne *NumberError
			if !errors.As(err, &ne) || ne.Figure != tt.bad {
				t.Fatalf("CheckNumbers(%q) names %v, want %q", tt.reply, err, tt.bad)
			}
		})
	}
}

func TestUnitEquivalence(t *testing.T) {
	a := NewAllowed(nil, nil, "给予500000元")
	for _, r := range []string{"50万", "50万元", "五十万元", "500000元", "500,000元", "0.5百万元"} {
		if err := CheckNumbers("奖励"+r, a); err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	for _, r := range []string{"5万元", "500万", "五百万元", "50000元"} {
		if err := CheckNumbers("奖励"+r, a); !errors.Is(err, ErrInventedNumber) {
			t.Errorf("%s: got %v, want ErrInventedNumber", r, err)
		}
	}
}

func TestCheckNumbersEnglishMoney(t *testing.T) {
	a := NewAllowed([]policies.Clause{clause(t, "policy/1")}, nil)
	if err := CheckNumbers("The reward is 0.5 million yuan.", a); err != nil {
		t.Errorf("0.5 million yuan (= 50万): %v", err)
	}
	if err := CheckNumbers("The reward is 3 million yuan.", a); !errors.Is(err, ErrInventedNumber) {
		t.Errorf("3 million yuan: got %v, want ErrInventedNumber", err)
	}
}

func TestCheckNumbersRealCalculations(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	rd, err := policies.Calculate("rd_increase", policies.Inputs{"increase_yuan": "6500000"}, at)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := policies.Calculate("little_giant", policies.Inputs{}, at)
	if err != nil {
		t.Skipf("little_giant inputs changed: %v", err)
	}
	a := NewAllowed([]policies.Clause{clause(t, "policy/4"), clause(t, "policy/1")}, []policies.Calculation{rd, lg})
	for _, reply := range []string{
		"研发投入增加650万元，按每200万元一档共3档，可获得60万元补助 [policy/4]。再增加150万研发投入可多得20万。",
		"再投入150万元研发，即可获得20万元。",
		"小巨人奖励50万元，研发补助60万元，合计110万元（征求意见稿）。",
	} {
		if err := CheckNumbers(reply, a); err != nil {
			t.Errorf("CheckNumbers(%q) = %v", reply, err)
		}
	}
	if err := CheckNumbers("合计120万元。", a); !errors.Is(err, ErrInventedNumber) {
		t.Errorf("wrong total: %v", err)
	}
}

func FuzzCheckNumbers(f *testing.F) {
	for _, s := range []string{"可获得60万元", "一亿二千万", "百分之十五", "6,500,000元", "第四条 policy/4", "1.2.3亿", "九千九百九十九亿亿亿亿", "３ million yuan", "一点", "百分之"} {
		f.Add(s)
	}
	a := NewAllowed(nil, nil, "给予50万元奖励，按10%补助")
	f.Fuzz(func(t *testing.T, s string) {
		_ = CheckNumbers(s, a) // must not panic
		for _, fg := range extractFigures(s) {
			if fg.Value == nil || fg.Start > fg.End {
				t.Fatalf("bad figure %+v in %q", fg, s)
			}
		}
	})
}

func TestPercentPrefixWithoutNumber(t *testing.T) {
	if got := extractFigures("百分之好，百分之"); len(got) != 0 {
		t.Errorf("got %+v", got)
	}
}

func TestCheckNumbersEnglishReply(t *testing.T) {
	rd := policies.Calculation{Rule: "rd_increase", Clause: "policy/4", AmountYuan: 600000, Kind: policies.KindComputed,
		Inputs: map[string]any{"increase_yuan": 6500000}}
	a := NewAllowed([]policies.Clause{clause(t, "policy/4")}, []policies.Calculation{rd})
	if err := CheckNumbers("With R&D up by RMB 6.5 million you can receive 600,000 yuan (policy/4, Article 4).", a); err != nil {
		t.Errorf("English reply: %v", err)
	}
	if err := CheckNumbers("You can receive RMB 0.8 million.", a); !errors.Is(err, ErrInventedNumber) {
		t.Errorf("invented English amount: %v", err)
	}
}
