package push

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var rosterToday = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

const rosterHeader = "序号,统一社会信用代码,企业名称,认定等级,认定日期,认定类型(新认定/复核),营收2025,营收2026,研发投入2025,研发投入2026,数字化投资,壮大贷实付利息,壮大贷LPR利息,新易贷贷款额,标准级别,标准获批日期,产业化研发投入\n"

func TestReadRosterCSV(t *testing.T) {
	good := rosterHeader +
		`1,91510100MA6XXXXXXX,成都示例科技有限公司,国家级专精特新“小巨人”企业,2026/7/1,新认定,"6,500,000",650万,5000000,930万,120万,30万,20万,500万,国家标准,2026年3月5日,80万` + "\n" +
		"2,91510100MA6YYYYYYY,二号公司,创新型中小企业,2025-01-02,复核,,,,,,,,,,,\n" +
		",,,,,,,,,,,,,,,,\n" + // blank row: skipped, not counted
		"3,91510100MA6WWWWWWW,三号公司,,,,1亿,,,,,,,,,,\n"
	rep, err := ReadRoster(strings.NewReader("\ufeff"+good), true, rosterToday)
	if err != nil {
		t.Fatal(err)
	}
	want := []Profile{{
		ID: "91510100MA6XXXXXXX", Name: "成都示例科技有限公司",
		Tiers:                   []Tier{{Tier: TierLittleGiant, Recognized: "2026-07-01", Kind: KindNew}},
		RevenueYuan:             map[string]int64{"2025": 6500000, "2026": 6500000},
		RDSpendYuan:             map[string]int64{"2025": 5000000, "2026": 9300000},
		DigitalInvestmentYuan:   1200000,
		Loans:                   []Loan{{Product: ProductZhuangda, InterestPaidYuan: 300000, LPRInterestYuan: 200000}, {Product: ProductXinyidai, PrincipalYuan: 5000000}},
		Standards:               []Standard{{Level: "national", Approved: "2026-03-05"}},
		CommercializationRDYuan: 800000,
	}, {
		ID: "91510100MA6YYYYYYY", Name: "二号公司",
		Tiers: []Tier{{Tier: TierInnovative, Recognized: "2025-01-02", Kind: KindReview}},
	}, {
		ID: "91510100MA6WWWWWWW", Name: "三号公司", RevenueYuan: map[string]int64{"2025": 100000000},
	}}
	if d := cmp.Diff(want, rep.Profiles); d != "" {
		t.Errorf("profiles (-want +got):\n%s", d)
	}
	if rep.Read != 3 || rep.Rejected != 0 || len(rep.Problems) != 0 || !cmp.Equal(rep.Rows, []int{2, 3, 5}) {
		t.Errorf("read %d rejected %d rows %v problems %v", rep.Read, rep.Rejected, rep.Rows, rep.Problems)
	}
}

func TestReadRosterCSVBadRows(t *testing.T) {
	const id = "91510100MA6XXXXXXX"
	for _, tc := range []struct {
		name  string
		row   string // after the id: 企业名称 … 产业化研发投入 (15 cells)
		field string // the reported column ("" for a whole-row reason)
		want  string // in the reason
	}{
		{"future recognition", "A,小巨人,2026-12-01,新认定,,,,,,,,,,,", "认定日期", "晚于今天（2026-11-29）"},
		{"future approval", "A,,,,,,,,,,,,国家,2027-01-01,", "标准获批日期", "不接受未来的日期"},
		{"bad date", "A,小巨人,2026-02-30,新认定,,,,,,,,,,,", "认定日期", "不是日期"},
		{"bad tier", "A,金牌企业,2026-01-01,新认定,,,,,,,,,,,", "认定等级", "不是认定等级"},
		{"no kind", "A,小巨人,2026-01-01,,,,,,,,,,,,", "认定类型", "认定类型也必须填写"},
		{"bad kind", "A,小巨人,2026-01-01,首次,,,,,,,,,,,", "认定类型(新认定/复核)", "不是认定类型"},
		{"date without tier", "A,,2026-01-01,新认定,,,,,,,,,,,", "认定等级", "认定等级也必须填写"},
		{"bad amount", "A,,,,约500万,,,,,,,,,,", "营收2025", "不是金额"},
		{"fraction", "A,,,,650.5,,,,,,,,,,", "营收2025", "不是整元"},
		{"negative", "A,,,,-5,,,,,,,,,,", "营收2025", "不是金额"},
		{"bad level", "A,,,,,,,,,,,,省级,2026-01-01,", "标准级别", "不是标准级别"},
		{"too many cells", "A,,,,,,,,,,,,,,,x", "", "比表头多"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csv := rosterHeader + "1," + id + "," + tc.row + "\n2,91510100MA6YYYYYYY,好公司,,,,,,,,,,,,,,\n"
			rep, err := ReadRoster(strings.NewReader(csv), true, rosterToday)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Read != 2 || rep.Rejected != 1 || len(rep.Profiles) != 1 || rep.Profiles[0].Name != "好公司" {
				t.Fatalf("read %d rejected %d kept %v", rep.Read, rep.Rejected, rep.Profiles)
			}
			p := rep.Problems[0]
			if p.Row != 2 || p.Field != tc.field || !strings.Contains(p.Reason, tc.want) {
				t.Errorf("problem %+v, want row 2 field %q reason with %q", p, tc.field, tc.want)
			}
			if text := rep.Text(); !strings.HasPrefix(text, "第2行") {
				t.Errorf("text %q", text)
			}
		})
	}
}

func TestReadRosterCSVRowChecks(t *testing.T) {
	csv := "统一社会信用代码,企业名称\n91510100MA6XXXXXXX,一\nnot-a-code,二\n,三\n91510100ma6xxxxxxx,四\n\"unclosed,五\n"
	rep, err := ReadRoster(strings.NewReader(csv), true, rosterToday)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Profiles) != 1 || rep.Rejected != 4 {
		t.Fatalf("kept %v, rejected %d, problems %v", rep.Profiles, rep.Rejected, rep.Problems)
	}
	want := []string{"第3行 统一社会信用代码：“not-a-code”不是统一社会信用代码", "第4行 统一社会信用代码：必须填写", "第5行：企业“91510100MA6XXXXXXX”与第2行重复", "第6行：CSV 格式有误"}
	lines := strings.Split(strings.TrimSpace(rep.Text()), "\n")
	for i, w := range want {
		if i >= len(lines) || !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want prefix %q (all: %q)", i, lines, w, lines)
		}
	}
}

func TestReadRosterCSVHeader(t *testing.T) {
	for _, tc := range []struct{ csv, want string }{
		{"统一社会信用代码,利润2025\n", "无法识别的列：利润2025"},
		{"企业名称\nA\n", "没有“统一社会信用代码”列"},
		{"统一社会信用代码,营收2025,营业收入2025\n", "都是“营收2025”"},
		{"统一社会信用代码,营收1980\n", "1990—2100"},
		{"\xff\xfe,\n", "不是 UTF-8"},
		{"  \n", "空的"},
	} {
		_, err := ReadRoster(strings.NewReader(tc.csv), true, rosterToday)
		if !errors.Is(err, ErrRoster) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want ErrRoster with %q", tc.csv, err, tc.want)
		}
	}
	// A 万元 note in a header makes bare numbers 万元.
	rep, err := ReadRoster(strings.NewReader("统一社会信用代码,营收2025（万元）,研发投入2025(元)\n91510100MA6XXXXXXX,650,650\n"), true, rosterToday)
	if err != nil || len(rep.Profiles) != 1 {
		t.Fatalf("%v %v", rep, err)
	}
	if p := rep.Profiles[0]; p.RevenueYuan["2025"] != 6500000 || p.RDSpendYuan["2025"] != 650 {
		t.Errorf("%+v", p)
	}
}

func TestReadRosterJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		kept     int
		want     []string // report lines, by prefix
	}{
		{"jsonl", `{"id":"A"}` + "\n\n" + `{"id":"B","bogus":1}` + "\n" + `{"id":"C","tiers":[{"tier":"little_giant","recognized":"2027-01-01","kind":"new"}]}` + "\n" + `{"id":"A"}` + "\n",
			1, []string{"第3行：", "第4行：第1项认定的认定日期（tiers[0].recognized）“2027-01-01”晚于今天", "第5行：企业“A”与第1行重复"}},
		{"array", `[{"id":"A"},{"id":""},{"id":"B","revenue_yuan":{"2025":-1}}]`,
			1, []string{"第2条：企业编号（id）必须填写", "第3条：营业收入"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := ReadRoster(strings.NewReader(tc.in), false, rosterToday)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Profiles) != tc.kept {
				t.Errorf("kept %v", rep.Profiles)
			}
			lines := strings.Split(strings.TrimSpace(rep.Text()), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("report %q, want %d lines", lines, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %q, want prefix %q", lines[i], w)
				}
			}
		})
	}
	if _, err := ReadRoster(strings.NewReader(`[{"id":"A"},{"id":`), false, rosterToday); !errors.Is(err, ErrRoster) {
		t.Errorf("broken array: %v", err)
	}
	if !LooksLikeJSON([]byte("\ufeff [")) || LooksLikeJSON([]byte("统一社会信用代码")) {
		t.Error("LooksLikeJSON")
	}
}
