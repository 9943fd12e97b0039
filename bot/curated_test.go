package bot

import (
	"context"
	"strings"
	"testing"
)

type curatedMap map[string]Curated

func (m curatedMap) Match(_ context.Context, q string) (Curated, bool) {
	c, ok := m[q]
	return c, ok
}

func TestCuratedAnswerServed(t *testing.T) {
	e := engineForTest(t, WithCuratedAnswers(curatedMap{
		"小巨人奖励什么时候申报": {Answer: "申报时间以市经信局每年发布的申报通知为准，请关注其官网通知。", Clauses: []string{"policy/1"}},
		"坏的":          {Answer: "x", Clauses: []string{"policy/99"}},
	}))
	a := e.Ask(context.Background(), "小巨人奖励什么时候申报")
	if !a.Answered || a.Mode != ModeCurated || a.Citations[0].ID != "policy/1" || !strings.Contains(a.Answer, "经主管部门审核") || !strings.Contains(a.Answer, "申报通知") {
		t.Errorf("curated answer not served: %+v", a)
	}
	if a := e.Ask(context.Background(), "坏的"); a.Mode == ModeCurated {
		t.Error("a curated answer citing an unknown clause was served")
	}
	if a := e.Ask(context.Background(), "小巨人奖励多少"); a.Mode == ModeCurated || len(a.Calculations) == 0 {
		t.Errorf("an uncurated question: %+v", a.Mode)
	}
}
