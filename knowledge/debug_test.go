package knowledge

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
)

func TestDebugQuery(t *testing.T) {
	qs := os.Getenv("KQ")
	if qs == "" {
		t.Skip()
	}
	ix := newTestIndex(t)
	for _, qq := range strings.Split(qs, "|") {
		q := prepare(qq)
		var names []string
		for _, c := range q.concepts {
			names = append(names, c.name)
		}
		t.Logf("Q %s  concepts %v money=%v", qq, names, q.money)
		own := []string{}
		for tk := range q.own {
			own = append(own, tk)
		}
		sort.Strings(own)
		t.Logf("own %v", own)
		lex, ev := ix.bm25(q)
		t.Logf("evidence %.2f", ev)
		res, _ := ix.Search(context.Background(), qq, 5)
		for _, h := range res.Hits {
			d := ix.pos[h.ClauseID]
			var parts []string
			for tk := range q.own {
				for _, p := range ix.postings[tk] {
					if p.doc == d {
						parts = append(parts, tk)
					}
				}
			}
			sort.Strings(parts)
			t.Logf("  %s %.3f lex=%.2f own-matched=%v quote=%s", h.ClauseID, h.Score, lex[d], parts, h.Quote)
		}
		t.Logf("in=%v %s", res.InScope, res.Reason)
	}
}
