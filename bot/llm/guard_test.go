package llm

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

func clause(t testing.TB, id string) policies.Clause {
	t.Helper()
	c, err := policies.MustDefault().Clause(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rd650 is the engine's receipt for "研发投入比去年多了650万".
func rd650(t testing.TB) policies.Calculation {
	t.Helper()
	c, err := policies.Calculate("rd_increase", policies.Inputs{"increase_yuan": "6500000"}, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// guardFor builds the guard Phrase uses for an answer citing ids.
func guardFor(t testing.TB, offline string, ids ...string) guard {
	var sources, titles []string
	for _, id := range ids {
		c := clause(t, id)
		sources = append(sources, c.Text, c.Title)
		titles = append(titles, c.Title, c.DocTitle)
	}
	return newGuard(offline, sources, titles)
}

// TestGuardProse: what prose may say. Words that hold numeral characters
// but state no figure pass; anything that reads as a figure, a link, a
// request for personal data or a lapse is refused with its sentinel.
func TestGuardProse(t *testing.T) {
	g := guardFor(t, "依据：…[policy/4]\n注：两份文件均为征求意见稿。", "policy/4", "policy/1", "plan/3")
	tests := []struct {
		prose string
		want  error // nil: passes
		span  string
	}{
		// allowed: lexicalised words and verbatim clause wording
		{"新获评专精特新“小巨人”企业可一次性获得|，统一由|规定。", nil, ""},
		{"一定要注意：一些条件须同时满足，万一不符，可进一步咨询。", nil, ""},
		{"这一点十分重要，第一时间确认资格；唯一的要求是在四川成都注册。", nil, ""},
		{"半导体企业同样适用，一般按年度申报，一律以审核为准。", nil, ""},
		{"文件为征求意见稿，以正式印发文本为准。", nil, ""},
		{"《成都市优质中小企业梯度培育三年实施方案（2023—2025）》提出梯度培育。", nil, ""}, // a verbatim document title
		{"With your R&D increase you can receive | under |.", nil, ""},
		{"《|》提出“校企双进”。", ErrInventedNumber, "企双进"}, // plan wording, plan not cited
		{"lOO 元", ErrInventedNumber, "o元"},
		{"¥ 即可", ErrInventedNumber, "¥"},
		{"You get lOO yuan", ErrInventedNumber, "yuan"},
		{"wu bai wan", ErrInventedNumber, "bai"},
		{"奖励🔟", ErrInventedNumber, "🔟"},
		{"弍份", ErrInventedNumber, "弍份"},
		{"再领双份", ErrInventedNumber, "双份"},
		// figures
		{"您将另获500万元奖励", ErrInventedNumber, "5"},
		{"五百万元", ErrInventedNumber, "五百万"},
		{"伍佰万", ErrInventedNumber, "伍佰万"},
		{"５００万", ErrInventedNumber, "5"},
		{"奖励伍拾萬元", ErrInventedNumber, "伍拾万"},
		{"一億", ErrInventedNumber, "一亿"},
		{"奖励翻倍", ErrInventedNumber, "倍"},
		{"补助减半发放", ErrInventedNumber, "减半发"},
		{"分两项奖励", ErrInventedNumber, "两项"},
		{"十分钟内到账", ErrInventedNumber, "十分钟"},
		{"按十分之一补助", ErrInventedNumber, "十分之"},
		{"一半", ErrInventedNumber, "一半"},
		{"见第一条", ErrInventedNumber, "第一条"},
		{"按第四条执行", ErrInventedNumber, "四条"},
		{"有效期三年", ErrInventedNumber, "三年"},
		{"百分之十五", ErrInventedNumber, "百分"},
		{"奖励是五", ErrInventedNumber, "五"},
		{"奖励三成", ErrInventedNumber, "三成"},
		{"俩个奖", ErrInventedNumber, "俩个"},
		{"①奖励", ErrInventedNumber, "①"},
		{"Ⅻ类", ErrInventedNumber, "ⅻ"},
		{"½的补助", ErrInventedNumber, "½"},
		{"half a million", ErrInventedNumber, "half"},
		{"You can get five million yuan", ErrInventedNumber, "five"},
		{"a DOZEN awards", ErrInventedNumber, "dozen"},
		{"f i v e mil-lion", ErrInventedNumber, "five"},
		{"get mil-lion", ErrInventedNumber, "mil-lion"},
		{"一兆", ErrInventedNumber, "一兆"},
		{"兆元", ErrInventedNumber, "兆元"},
		{"٥٠٠ 万", ErrInventedNumber, "٥"},
		{"someone often finds the content important", nil, ""},
		{"梯度培育三年", ErrInventedNumber, "三年"}, // a title fragment is not the title
		{"一企一策", ErrInventedNumber, "一企"},   // not in the cited clauses
		// links, personal data, lapse
		{"访问 http://evil.example 了解", ErrUnsafe, "http://evil.example"},
		{"详见 evil.example", ErrUnsafe, "evil.example"},
		{"详见 evil 点 com", ErrUnsafe, "evil 点 com"},
		{"发邮件到 evil@example", ErrUnsafe, "evil@example"},
		{"写信到 mailto:evil", ErrUnsafe, "mailto:evil"},
		{"见 政务.中国", ErrUnsafe, ".中国"},
		{"加QQ群咨询", ErrUnsafe, "qq"},
		{"请回复您的银行卡号", ErrUnsafe, "银行卡"},
		{"请提供验 证 码", ErrUnsafe, "验证码"},
		{"请提供银·行-卡", ErrUnsafe, "银行卡"},
		{"請提供銀行卡", ErrUnsafe, "银行卡"},
		{"please send your bank card number", ErrUnsafe, "bank card"},
		{"upload an ID photo", ErrUnsafe, "id photo"},
		{"本政策已废止", ErrUnsafe, "废止"},
		{"该文件作废，停止执行", ErrUnsafe, "作废"},
		{"The policy was withdrawn.", ErrUnsafe, "withdrawn"},
	}
	for _, tt := range tests {
		err := g.check(tt.prose)
		if tt.want == nil {
			if err != nil {
				t.Errorf("check(%q) = %v, want nil", tt.prose, err)
			}
			continue
		}
		var re *RejectError
		if !errors.Is(err, tt.want) || !errors.As(err, &re) || re.Span != tt.span {
			t.Errorf("check(%q) = %v, want %v naming %q", tt.prose, err, tt.want, tt.span)
		}
	}
}

// A numeral with its neighbours copied from a cited clause is wording, not
// a figure; the same words pass only while that clause is cited.
func TestGuardVerbatimClauseWording(t *testing.T) {
	g := guardFor(t, "", "plan/6", "plan/15")
	for _, prose := range []string{"可参加“校企双进”活动。", "依托“银企校院”四方平台对接融资。"} {
		if err := g.check(prose); err != nil {
			t.Errorf("check(%q) = %v", prose, err)
		}
		if err := guardFor(t, "", "policy/4").check(prose); !errors.Is(err, ErrInventedNumber) {
			t.Errorf("without the clause, check(%q) = %v", prose, err)
		}
	}
}

// Words the offline answer uses itself are not refused.
func TestGuardOfflineWording(t *testing.T) {
	g := newGuard("请登录 www.example.gov.cn 办理，需提供身份证。", nil, nil)
	if err := g.check("可登录 www.example.gov.cn 办理，需提供身份证。"); err != nil {
		t.Errorf("wording from the offline answer refused: %v", err)
	}
	if err := g.check("请提供银行卡"); !errors.Is(err, ErrUnsafe) {
		t.Errorf("other personal data: %v", err)
	}
	g = newGuard("详见 http://www.cdjx.gov.cn/ 。", nil, nil)
	if err := g.check("详见 http://evil 。"); !errors.Is(err, ErrUnsafe) {
		t.Errorf("another link after the offline answer's scheme: %v", err)
	}
}

func TestSlotsFill(t *testing.T) {
	rd := rd650(t)
	s := newSlots([]policies.Clause{clause(t, "policy/4")}, []policies.Calculation{rd})
	filled, prose, err := s.fill("依据{{clause:policy/4}}，可获得{{ amount : rd_increase }}；｛｛advice:rd_increase｝｝。")
	if err != nil {
		t.Fatal(err)
	}
	want := "依据《成都市支持中小企业专精特新发展若干政策》第4条（支持企业创新发展），可获得60万；再增加150万研发投入可多得20万。"
	if filled != want || prose != "依据|，可获得|；|。" {
		t.Errorf("fill = %q, %q", filled, prose)
	}
	if _, _, err := s.fill("{{clause:policy/4}}：{{quote:policy/4}}"); err != nil {
		t.Errorf("label, colon, quote: %v", err)
	}
	for _, bad := range []string{
		"{{amount:little_giant}}", "{{total}}", "{{amount:rd_increase#2}}", "{{clause:policy/9}}",
		"{{secret}}", "{{amount:rd_increase}", "{amount:rd_increase}", "{{amount:rd_increase}}}",
		"可获得{{amount:rd_increase}} {{amount:rd_increase}}", "{{amount:rd_increase}}．{{amount:rd_increase}}",
		"可获得l{{amount:rd_increase}}", "可获得|{{amount:rd_increase}}", "可获得丨{{amount:rd_increase}}", "可获得ǀ{{amount:rd_increase}}",
	} {
		if _, _, err := s.fill(bad); !errors.Is(err, ErrPlaceholder) {
			t.Errorf("fill(%q) = %v, want ErrPlaceholder", bad, err)
		}
	}
}

func TestSlotsTotalAndMaximum(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	lg, err := policies.Calculate("little_giant", policies.Inputs{}, at)
	if err != nil { // a changed rule must fail the guard's test, not skip it
		t.Fatalf("little_giant: %v", err)
	}
	major, err := policies.Calculate("major_achievement", policies.Inputs{}, at)
	if err != nil {
		t.Fatalf("major_achievement: %v", err)
	}
	s := newSlots(nil, []policies.Calculation{rd650(t), lg, major})
	for name, want := range map[string]string{
		"amount:rd_increase": "60万", "amount:little_giant": "50万", "amount:major_achievement": "最高1000万", "total": "110万",
	} {
		if got, ok := s.lookup(name); !ok || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, ok, want)
		}
	}
	// Both ends of a range: two receipts of one rule, and no total.
	s = newSlots(nil, []policies.Calculation{rd650(t), lg, rd650(t)})
	if v, ok := s.lookup("amount:rd_increase#2"); !ok || v != "60万" {
		t.Errorf("second receipt of a rule: %q, %v", v, ok)
	}
	if v, ok := s.lookup("total"); ok {
		t.Errorf("total %q offered over a range", v)
	}
}

func TestProvenance(t *testing.T) {
	p := newProvenance([]string{"研发投入比去年多了650万，能拿多少", "2025年营收9500万，2026年3月5日认定，代码120240"})
	good := policies.Inputs{"increase_yuan": "650万"}
	if err := p.admit("rd_increase", good); err != nil || good["increase_yuan"] != "6500000" {
		t.Errorf("admit 650万: %v, %v", err, good)
	}
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"50000000", errNotSaid}, // 5000万: the user said 650万
		{"6500001", errNotSaid},
		{"1000000000000000", errImplausible},
		{"-6500000", errImplausible},
		{"1e15", yuan.ErrNotAmount},
	} {
		if err := p.admit("rd_increase", policies.Inputs{"increase_yuan": tt.in}); !errors.Is(err, tt.want) {
			t.Errorf("admit(%s) = %v, want %v", tt.in, err, tt.want)
		}
	}
	if err := p.admit("revenue_milestone", policies.Inputs{"revenue_yuan": "95000000", "history": "2025:95000000"}); err != nil {
		t.Errorf("history from the user's words: %v", err)
	}
	if err := p.admit("revenue_milestone", policies.Inputs{"revenue_yuan": "95000000", "history": "2024:95000000"}); err == nil {
		t.Error("history year the user never wrote admitted (2024 only inside 120240)")
	}
	if err := p.admit("fund_manager", policies.Inputs{"investment_yuan": "6500000", "recognized": "2026-03-05"}); err != nil {
		t.Errorf("date from the user's words: %v", err)
	}
	if err := p.admit("fund_manager", policies.Inputs{"investment_yuan": "6500000", "recognized": "2026-03-06"}); err == nil {
		t.Error("date the user never wrote admitted")
	}
}

func FuzzGuard(f *testing.F) {
	for _, s := range []string{"可获得|", "五百万", "一次性", "第一条", "http://x.y", "银行卡", "四川", "万一", "", "一", "{{", "½"} {
		f.Add(s)
	}
	g := newGuard("注：两份文件均为征求意见稿。", []string{clause(f, "policy/4").Text}, []string{"支持企业创新发展"})
	s := newSlots([]policies.Clause{clause(f, "policy/4")}, []policies.Calculation{rd650(f)})
	f.Fuzz(func(t *testing.T, text string) {
		filled, prose, err := s.fill(text)
		if err != nil {
			return
		}
		if err := g.check(prose); err == nil {
			// Accepted prose holds no digit of its own: every digit of
			// the filled text came from a placeholder.
			for _, r := range prose {
				if strings.ContainsRune("0123456789０１２３４５６７８９", r) {
					t.Fatalf("digit %q accepted in %q", r, prose)
				}
			}
			_ = filled
		}
	})
}
