package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/cdsme/policybot/knowledge"
)

// Questions whose need the documents do not state are not answered with
// the nearest clause: the answer says so first, offers no figure, and
// names who to ask.
func TestNeedsTheDocumentsDoNotState(t *testing.T) {
	e := engineForTest(t)
	for _, c := range []struct {
		q, need, lead, clause string
	}{
		{"小巨人奖励什么时候申报", "deadline", "两份文件没有写申报时间", "policy/1"},
		{"申报数字化补贴要准备哪些材料", "materials", "两份文件没有写申报需要提交哪些材料", "policy/2"},
		{"补贴批下来以后钱多久到账", "deadline", "两份文件没有写资金什么时候拨付", ""},
		{"专精特新的认定标准是啥子", "definition", "两份文件没有写认定或评选的具体标准", ""},
		{"省级专精特新多少年要复核一次", "validity", "两份文件没有写认定资格的有效期", ""},
		{"人才公寓租金打几折", "other", "两份文件没有写问题中提到的这类主体", "policy/10"},
		{"When is the deadline for the digital transformation subsidy?", "deadline", "The two documents do not state application dates", "policy/2"},
		// Need cues cross a question word with its topic (word classes).
		{"数字化补助的钱批下来以后多久能打到公司账户", "deadline", "两份文件没有写资金什么时候拨付", ""},
		{"若干政策这份文件是几月几号印发的", "validity", "两份文件没有写印发日期", ""},
		{"评定小巨人对研发投入有门槛吗", "definition", "两份文件没有写认定或评选的具体标准", ""},
		// A subject the documents name only in sentences without a sum,
		// beside a verb whose clause has one (新认定).
		{"新认定的高新技术企业市里奖励多少钱", "amount", "两份文件没有写具体金额或比例", ""},
		// A subject the documents name only in sentences without a sum.
		{"政府采购给小微企业的价格扣除比例是多少", "amount", "两份文件没有写具体金额或比例", "plan/13"},
		// Today's counts (the documents give 2025 targets only); a title
		// recognised, with no figure, is not the investment rule's.
		{"截止目前成都有多少家省级专精特新企业", "other", "两份文件没有写问题中提到的这类主体", ""},
		{"被评为市级数字化车间有没有奖励，奖多少", "amount", "两份文件没有写具体金额或比例", ""},
		// 省级 of another title is not the SME tier.
		{"被评为省级数字化车间有奖励吗，奖多少", "amount", "两份文件没有写具体金额或比例", ""},
		// Support for a cost neither document names, before or after the
		// support word.
		{"专精特新企业能不能减免物流费", "eligibility", "两份文件没有写问题中提到的这类主体", ""},
		// Support for a cost neither document names.
		{"厂房房租有没有补助，每平米补多少", "other", "两份文件没有写问题中提到的这类主体", ""},
		{"工厂的物流费能不能补贴", "eligibility", "两份文件没有写问题中提到的这类主体", ""},
		// Entities and items neither document mentions.
		{"个体户能不能享受数字化转型补助", "other", "两份文件没有写问题中提到的这类主体", ""},
		{"小巨人资格被撤销了，奖励要退还吗", "other", "两份文件没有写问题中提到的这类主体", ""},
	} {
		a := e.Ask(context.Background(), c.q)
		if a.Answered || a.Need != c.need || !strings.HasPrefix(a.Answer, c.lead) || len(a.Calculations) != 0 {
			t.Errorf("%s: answered=%v need=%s calcs=%d answer=%.60q", c.q, a.Answered, a.Need, len(a.Calculations), a.Answer)
		}
		if c.clause != "" && (len(a.Citations) == 0 || a.Citations[0].ID != c.clause) {
			t.Errorf("%s: nearest clause %v, want %s as context", c.q, a.Citations, c.clause)
		}
		if !strings.Contains(a.Answer, "12345") {
			t.Errorf("%s: no hotline in %q", c.q, a.Answer)
		}
	}
}

// A need the clause states is answered; a second need it does not state
// becomes a note, and a need about the documents as a whole goes to the
// clause that states it however retrieval ranked it.
func TestNeedsTheDocumentsState(t *testing.T) {
	e := engineForTest(t)
	for _, c := range []struct {
		q, need, clause, contains string
	}{
		{"市里同类补贴能不能叠起拿？", "stacking", "policy/scope", "就高不就低"},
		{"本政策有效期几年", "validity", "policy/scope", "有效期3年"},
		{"数字化补贴的申请条件是什么", "definition", "policy/2", "100万元以上"},
		{"研发投入多了650万能拿多少，什么时候申报", "deadline", "policy/4", "两份文件没有写申报时间"},
		{"企业家培训班怎么报名，谁组织的", "procedure", "plan/11", "两份文件没有写具体怎么申报"},
		// "哪几个阶段" asks which ones, not how much.
		{"准备上市的企业哪几个阶段可以拿到资金奖励", "other", "policy/7", "辅导备案"},
		// A need in a statement around the question is not what is asked.
		{"政策有效期内，我们新获评国家级小巨人。这种情况奖多少？", "amount", "policy/1", "50万"},
	} {
		a := e.Ask(context.Background(), c.q)
		if !a.Answered || a.Need != c.need || len(a.Citations) == 0 || a.Citations[0].ID != c.clause || !strings.Contains(a.Answer, c.contains) {
			top := ""
			if len(a.Citations) > 0 {
				top = a.Citations[0].ID
			}
			t.Errorf("%s: answered=%v need=%s top=%s answer=%q", c.q, a.Answered, a.Need, top, a.Answer)
		}
	}
}

func TestEveryNeedHasWordsForSilence(t *testing.T) {
	for _, n := range knowledge.AllNeeds() {
		if n.ID == "eligibility" || n.ID == "department" {
			continue // every clause states these
		}
		if needLabels[n.ID] == "" || needLabelsEN[n.ID] == "" {
			t.Errorf("need %s: no label in needLabels/needLabelsEN", n.ID)
		}
	}
}

func TestANamedDocumentLeads(t *testing.T) {
	e := engineForTest(t)
	a := e.Ask(context.Background(), "实施方案里产品质量和标准攻关是哪些部门负责")
	if len(a.Citations) == 0 || !strings.HasPrefix(a.Citations[0].ID, "plan/") {
		t.Errorf("citations %v: the 实施方案's clause should lead", a.Citations)
	}
	a = e.Ask(context.Background(), "若干政策里产品质量和标准攻关是哪些部门负责")
	if len(a.Citations) == 0 || !strings.HasPrefix(a.Citations[0].ID, "policy/") {
		t.Errorf("citations %v: the 若干政策's clause should lead", a.Citations)
	}
}

// A question naming a term only one clause uses is answered from that
// clause: a generic word another clause shares (获评) does not win, and an
// amount that clause does not state is said to be unstated.
func TestTheSubjectsClauseAnswers(t *testing.T) {
	e := engineForTest(t)
	for _, c := range []struct{ q, clause string }{
		{"获评国家级绿色工厂有多少奖励", "plan/7"},
		{"员工获评成都工匠后奖励金额是多少", "plan/10"},
		{"北交所首发上市具体奖励多少钱", "policy/7"},
	} {
		a := e.Ask(context.Background(), c.q)
		if a.Answered || len(a.Citations) == 0 || a.Citations[0].ID != c.clause || !strings.HasPrefix(a.Answer, "两份文件没有写") {
			t.Errorf("%s: answered=%v citations=%v\n%s", c.q, a.Answered, a.Citations, a.Answer)
		}
	}
}

// The unstated need's words name what neither document mentions: each
// must be absent from both texts, or a question about something the
// documents do treat would be refused.
func TestUnstatedCuesAbsent(t *testing.T) {
	e := engineForTest(t)
	var all strings.Builder
	for _, text := range e.normalizedClauses() {
		all.WriteString(text)
	}
	cues := knowledge.NeedCueParts("unstated")
	if len(cues) == 0 {
		t.Fatal("no cues for the unstated need")
	}
	for _, c := range cues {
		for _, p := range c {
			if strings.TrimSpace(p) != "" && !strings.HasPrefix(p, " ") && strings.Contains(all.String(), p) {
				t.Errorf("unstated cue %q occurs in the documents", p)
			}
		}
	}
}

// A threshold asked of a rule that sets none is not stated; one asked of a
// rule with a threshold, or a period, is answered.
func TestThresholdOfARuleWithNone(t *testing.T) {
	e := engineForTest(t)
	for q, answered := range map[string]bool{
		"供应链融资平台的业务规模做到多少才能拿100万":   false,
		"数字化投资要达到多少才能拿补贴":           true,
		"基金投的企业要在多长时间内评上小巨人，基金才有奖励": true,
	} {
		if a := e.Ask(context.Background(), q); a.Answered != answered {
			t.Errorf("%s: answered=%v, want %v\n%s", q, a.Answered, answered, a.Answer)
		}
	}
}

// A count asked of the plan's targets is answered by plan/goal's counts;
// a count of today is not stated.
func TestCountOfTargets(t *testing.T) {
	e := engineForTest(t)
	for q, want := range map[string]bool{
		"到2025年方案要培育多少家国家级小巨人": true,
		"成都现在有多少家小巨人企业":        false,
	} {
		a := e.Ask(context.Background(), q)
		if a.Answered != want || len(a.Citations) == 0 || a.Citations[0].ID != "plan/goal" {
			t.Errorf("%s: answered=%v (want %v), cites %v\n%s", q, a.Answered, want, a.Citations, a.Answer)
		}
	}
}

// The effective day cannot be given before the texts are issued; the rule
// that fixes it can.
func TestEffectiveDayBeforeIssue(t *testing.T) {
	e := engineForTest(t)
	for q, want := range map[string]bool{
		"这个政策具体哪一天正式施行？":     false,
		"是印发当天就生效吗？从哪天开始执行？": true,
		"政策什么时候开始施行":         true,
	} {
		if a := e.Ask(context.Background(), q); a.Answered != want {
			t.Errorf("%s: answered=%v, want %v\n%s", q, a.Answered, want, a.Answer)
		}
	}
}

// A standard of a level policy/5 does not reward gets no amounts of the
// levels it does: the clause answers by what it names.
func TestUnrewardedStandardLevel(t *testing.T) {
	a := engineForTest(t).Ask(context.Background(), "主导制定了一项团体标准，能奖多少")
	if len(a.Calculations) > 0 {
		t.Errorf("calculations %v for a group standard\n%s", a.Calculations, a.Answer)
	}
}
