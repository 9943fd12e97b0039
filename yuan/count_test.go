package yuan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCounts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{
		{"投了3家每家600万", []int{3}},
		{"主导了四项行业标准", []int{4}},
		{"两项国家标准和一项行业标准", []int{2, 1}},
		{"三项", []int{3}},
		{"十二家企业", []int{12}},
		{"二十三个项目", []int{23}},
		{"我们有3个人入选", []int{3}},
		{"invested in three provincial companies", []int{3}},
		{"two national standards and one industry standard", []int{2, 1}},
		{"invested in 2 provincial SRDI SMEs", []int{2}},
		{"invested in 3 provincial 专精特新 SMEs", []int{3}},
		{"3万家企业", nil},        // 万 makes it money-like, no count of 3
		{"2026年3家", []int{3}}, // the year's digits are not part of it
		{"100家", nil},         // above MaxCount
		{"", nil},
	} {
		var got []int
		for _, n := range Counts(c.in) {
			got = append(got, n.N)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Counts(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}

func FuzzCounts(f *testing.F) {
	f.Add("投了3家每家600万")
	f.Add("二十三个")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range Counts(s) {
			if c.N < 1 || c.N > MaxCount || c.Start < 0 || c.End > len(s) || c.Start >= c.End {
				t.Fatalf("bad count %+v in %q", c, s)
			}
		}
	})
}
