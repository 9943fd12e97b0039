package yuan

import (
	"fmt"
	"strconv"
	"strings"
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

// TestCountNumberMatchesOld reads every text reCountZH can match as a
// number (1–2 ASCII digits, 1–3 of its Chinese characters) with
// countNumber and with the reader it replaced.
func TestCountNumberMatchesOld(t *testing.T) {
	var texts []string
	for n := range 100 {
		texts = append(texts, strconv.Itoa(n), fmt.Sprintf("%02d", n))
	}
	cn := []rune("一二两兩三四五六七八九十")
	var grow func(prefix string, k int)
	grow = func(prefix string, k int) {
		if prefix != "" {
			texts = append(texts, prefix)
		}
		if k == 0 {
			return
		}
		for _, c := range cn {
			grow(prefix+string(c), k-1)
		}
	}
	grow("", 3)
	for _, s := range texts {
		if !reCountZH.MatchString(s + "家") {
			t.Fatalf("%q is not a count text", s)
		}
		n, ok := countNumber(s)
		o, ook := oldCnCount(s)
		if ok != ook || (ok && n != o) {
			t.Errorf("countNumber(%q) = %d, %v; was %d, %v", s, n, ok, o, ook)
		}
	}
	t.Logf("%d count texts compared", len(texts))
}

// oldCnCount is the count reader countNumber replaced, as it was; it reads
// 3, 两, 十二, 二十, 二十三 (up to 99).
func oldCnCount(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	digit := func(r rune) (int, bool) {
		i := strings.IndexRune("零一二三四五六七八九", r)
		if r == '两' || r == '兩' {
			return 2, true
		}
		if i < 0 {
			return 0, false
		}
		return i / 3, true // IndexRune is a byte offset; each rune is 3 bytes
	}
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10, true
	case len(r) == 1:
		return digit(r[0])
	case len(r) == 2 && r[0] == '十':
		d, ok := digit(r[1])
		return 10 + d, ok
	case len(r) == 2 && r[1] == '十':
		d, ok := digit(r[0])
		return 10 * d, ok
	case len(r) == 3 && r[1] == '十':
		a, ok1 := digit(r[0])
		b, ok2 := digit(r[2])
		return 10*a + b, ok1 && ok2
	}
	return 0, false
}
