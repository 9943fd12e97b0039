package push

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/yuan"
)

// A roster import (`policybot push import`) reads a bureau spreadsheet
// saved as CSV, or a JSON roster, and keeps every good row: a bad row is
// reported (row, field, reason in Chinese) and skipped, never the whole
// file. Only what makes the file unreadable as a whole (an unknown column,
// no 统一社会信用代码 column, a broken JSON array, not UTF-8) stops it.

// RowProblem is one reason a roster row was not imported.
type RowProblem struct {
	Row    int    // CSV and JSONL: the line (a CSV header is row 1); JSON array: the record, from 1
	Field  string // the CSV column, or "" when Reason names the field
	Reason string // Chinese
}

// RosterReport is what a roster import read.
type RosterReport struct {
	Profiles []Profile // the good rows, in file order
	// Rows[i] is the row of Profiles[i] (as RowProblem.Row).
	Rows     []int
	Read     int // data rows read (blank rows are not counted)
	Rejected int // rows not kept
	Problems []RowProblem
	Unit     string // how a row is counted in the text: 行 or 条
}

// Text is the report in Chinese: one line per problem, 第3行 认定日期：…
func (r RosterReport) Text() string {
	var b strings.Builder
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "第%d%s", p.Row, r.Unit)
		if p.Field != "" {
			b.WriteString(" " + p.Field)
		}
		b.WriteString("：" + p.Reason + "\n")
	}
	return b.String()
}

// ErrRoster is wrapped by the errors that stop a whole roster file.
var ErrRoster = errors.New("roster")

func rosterError(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrRoster, fmt.Sprintf(format, a...))
}

// maxRosterBytes bounds a roster file (about 100 000 enterprises).
const maxRosterBytes = 256 << 20

// ReadRoster reads a roster: CSV when csvFormat, else JSON (an array of
// profiles, or one profile per line). Dates after today (a calendar day)
// are rejected.
func ReadRoster(r io.Reader, csvFormat bool, today time.Time) (RosterReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRosterBytes+1))
	if err != nil {
		return RosterReport{}, fmt.Errorf("reading roster: %w", err)
	}
	if len(data) > maxRosterBytes {
		return RosterReport{}, rosterError("文件超过 %d MiB", maxRosterBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return RosterReport{}, rosterError("文件是空的")
	}
	if csvFormat {
		return readRosterCSV(data, today)
	}
	return readRosterJSON(data, today)
}

// LooksLikeJSON says whether data (the start of a roster) is JSON rather
// than CSV.
func LooksLikeJSON(data []byte) bool {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))
	return len(data) > 0 && (data[0] == '[' || data[0] == '{')
}

// rosterRows collects the rows of one import.
type rosterRows struct {
	rep   RosterReport
	today time.Time
	seen  map[string]int // id → row it was first kept at
}

func newRosterRows(unit string, today time.Time) *rosterRows {
	return &rosterRows{rep: RosterReport{Unit: unit}, today: today, seen: map[string]int{}}
}

// keep checks p as a whole (contract, future dates, a repeated id) and
// keeps it unless the row already has problems.
func (rr *rosterRows) keep(row int, p Profile, probs []RowProblem) {
	rr.rep.Read++
	if len(probs) == 0 {
		var pe *ProfileError
		if err := p.Validate(); errors.As(err, &pe) {
			for _, q := range pe.Problems {
				probs = append(probs, RowProblem{Row: row, Reason: problemText(q)})
			}
		}
	}
	if len(probs) == 0 {
		probs = append(probs, futureDates(row, p, rr.today)...)
	}
	if first, dup := rr.seen[p.ID]; dup && len(probs) == 0 {
		probs = append(probs, RowProblem{Row: row, Reason: fmt.Sprintf("企业“%s”与第%d%s重复，只导入第一次出现的", clip(p.ID), first, rr.rep.Unit)})
	}
	if len(probs) > 0 {
		rr.rep.Rejected++
		rr.rep.Problems = append(rr.rep.Problems, probs...)
		return
	}
	rr.seen[p.ID] = row
	rr.rep.Profiles = append(rr.rep.Profiles, p)
	rr.rep.Rows = append(rr.rep.Rows, row)
}

// futureDates rejects a recognition or approval after today.
func futureDates(row int, p Profile, today time.Time) []RowProblem {
	var out []RowProblem
	check := func(field, v string) {
		if t, err := parseDate(v); err == nil && t.After(today) {
			out = append(out, RowProblem{Row: row, Reason: fmt.Sprintf("%s“%s”晚于今天（%s），不接受未来的日期", field, v, today.Format(time.DateOnly))})
		}
	}
	for i, t := range p.Tiers {
		f, _, _ := fieldText(fmt.Sprintf("tiers[%d].recognized", i))
		check(f, t.Recognized)
	}
	for i, s := range p.Standards {
		f, _, _ := fieldText(fmt.Sprintf("standards[%d].approved", i))
		check(f, s.Approved)
	}
	return out
}

// readRosterJSON reads a JSON array of profiles or JSONL, row by row.
func readRosterJSON(data []byte, today time.Time) (RosterReport, error) {
	one := func(rr *rosterRows, row int, raw []byte) {
		p, err := parseProfileBytes(raw)
		var pe *ProfileError
		if errors.As(err, &pe) {
			probs := make([]RowProblem, len(pe.Problems))
			for i, q := range pe.Problems {
				probs[i] = RowProblem{Row: row, Reason: problemText(q)}
			}
			rr.keep(row, p, probs)
			return
		}
		rr.keep(row, p, nil)
	}
	if trimmed := bytes.TrimSpace(data); trimmed[0] == '[' {
		rr := newRosterRows("条", today)
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.Token() // [
		for i := 1; dec.More(); i++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return RosterReport{}, rosterError("第%d条：JSON 格式有误，文件无法继续读取：%v", i, strings.TrimPrefix(err.Error(), "json: "))
			}
			one(rr, i, raw)
		}
		if _, err := dec.Token(); err != nil {
			return RosterReport{}, rosterError("JSON 数组没有结束（缺少“]”）")
		}
		if _, err := dec.Token(); err != io.EOF {
			return RosterReport{}, rosterError("JSON 数组之后还有多余的内容")
		}
		return rr.rep, nil
	}
	rr := newRosterRows("行", today)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxRosterLine)
	for line := 1; sc.Scan(); line++ {
		if b := bytes.TrimSpace(sc.Bytes()); len(b) > 0 {
			one(rr, line, b)
		}
	}
	if err := sc.Err(); err != nil {
		return RosterReport{}, rosterError("有一行超过 %d 字节", maxRosterLine)
	}
	return rr.rep, nil
}

// CSV columns. A header is matched after trimming spaces and cutting what
// follows "(" or "（" (认定类型(新认定/复核) is 认定类型); a unit there
// of 万元 makes bare numbers in the column 万元.
const (
	colID         = "统一社会信用代码"
	colName       = "企业名称"
	colTier       = "认定等级"
	colRecognized = "认定日期"
	colKind       = "认定类型"
	colDigital    = "数字化投资"
	colZDPaid     = "壮大贷实付利息"
	colZDLPR      = "壮大贷LPR利息"
	colXYD        = "新易贷贷款额"
	colStdLevel   = "标准级别"
	colStdDate    = "标准获批日期"
	colCommRD     = "产业化研发投入"
)

// ignoredColumns are read and ignored.
var ignoredColumns = map[string]bool{"序号": true, "备注": true}

var (
	fixedColumns = []string{colID, colName, colTier, colRecognized, colKind, colDigital, colZDPaid, colZDLPR, colXYD, colStdLevel, colStdDate, colCommRD}
	yearColumnRE = regexp.MustCompile(`^(营收|营业收入|研发投入)(\d{4})年?$`)
)

// RosterColumns describes the CSV columns for `push import --help`.
const RosterColumns = `CSV columns (first row; UTF-8, as Excel's "CSV UTF-8"; any order; only 统一社会信用代码 is required;
text after "(" or "（" in a header is a note, and a note with 万元 makes bare numbers in that column 万元):
  统一社会信用代码        id (18 characters, digits and capital letters)
  企业名称                name
  认定等级                tiers[0].tier: 创新型中小企业 → innovative_sme, (省级)专精特新中小企业 → provincial_sme,
                          (国家级专精特新)“小巨人”企业 → little_giant
  认定日期                tiers[0].recognized: 2026-07-01, 2026/7/1, 2026.7.1 or 2026年7月1日; not after today
  认定类型(新认定/复核)   tiers[0].kind: 新认定 → new, 复核 → review
  营收2025, 营收2026 …    revenue_yuan["2025"] … (also 营业收入2025)
  研发投入2025 …          rd_spend_yuan["2025"] …
  数字化投资              digital_investment_yuan
  壮大贷实付利息          loans[]: {product: zhuangda, interest_paid_yuan}
  壮大贷LPR利息           loans[]: {product: zhuangda, lpr_interest_yuan} (same loan as 实付利息)
  新易贷贷款额            loans[]: {product: xinyidai, principal_yuan}
  标准级别                standards[0].level: 国际(标准) → international, 国家(标准) → national, 行业(标准) → industry
  标准获批日期            standards[0].approved (dates as 认定日期)
  产业化研发投入          commercialization_rd_yuan
  序号, 备注              ignored
Amounts are yuan: 6500000, 6,500,000, 650万, 0.65亿 (whole yuan; 650.5 is refused). An empty cell is no data.
Any other column stops the import (nothing is saved): rename or delete it.`

// csvColumn is what one CSV column holds.
type csvColumn struct {
	name  string // the header as matched (营收2025)
	key   string // a fixed column, or the year column's prefix
	year  string // year columns
	wan   bool   // bare numbers are 万元
	title string // the header as written, for the report
}

func readRosterCSV(data []byte, today time.Time) (RosterReport, error) {
	if !utf8.Valid(data) {
		return RosterReport{}, rosterError("文件不是 UTF-8 编码：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再导入")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return RosterReport{}, rosterError("第1行（表头）无法读取：%v", err)
	}
	cols, err := csvColumns(header)
	if err != nil {
		return RosterReport{}, err
	}
	rr := newRosterRows("行", today)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rr.rep.Read++
			rr.rep.Rejected++
			rr.rep.Problems = append(rr.rep.Problems, RowProblem{Row: line, Reason: "CSV 格式有误（多半是引号不成对），整行未读取"})
			continue
		}
		if blankRecord(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > len(cols) && !blankRecord(rec[len(cols):]) {
			rr.rep.Read++
			rr.rep.Rejected++
			rr.rep.Problems = append(rr.rep.Problems, RowProblem{Row: line, Reason: fmt.Sprintf("有 %d 列，比表头多（表头 %d 列）：可能有单元格含未加引号的逗号", len(rec), len(cols))})
			continue
		}
		p, probs := csvProfile(line, cols, rec, today)
		rr.keep(line, p, probs)
	}
	return rr.rep, nil
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// csvColumns matches the header row.
func csvColumns(header []string) ([]csvColumn, error) {
	cols := make([]csvColumn, len(header))
	seen := map[string]int{}
	var unknown []string
	for i, h := range header {
		title := strings.TrimSpace(h)
		name, note := title, ""
		if j := strings.IndexAny(name, "(（"); j >= 0 {
			name, note = strings.TrimSpace(name[:j]), name[j:]
		}
		c := csvColumn{name: name, title: title, wan: strings.Contains(note, "万元")}
		switch m := yearColumnRE.FindStringSubmatch(name); {
		case name == "":
			if title != "" {
				unknown = append(unknown, title)
			}
		case ignoredColumns[name]:
		case m != nil:
			c.key, c.year = m[1], m[2]
			if _, ok := parseYear(c.year); !ok {
				return nil, rosterError("第%d列“%s”：年份应在 1990—2100 之间", i+1, title)
			}
			if c.key == "营业收入" {
				c.key = "营收"
			}
			c.name = c.key + c.year
		case containsString(fixedColumns, name):
			c.key = name
		default:
			unknown = append(unknown, title)
		}
		if c.key != "" {
			if j, dup := seen[c.name]; dup {
				return nil, rosterError("第%d列和第%d列都是“%s”：每列只能出现一次", j+1, i+1, c.name)
			}
			seen[c.name] = i
		}
		cols[i] = c
	}
	if len(unknown) > 0 {
		return nil, rosterError("表头有无法识别的列：%s（可用的列见 policybot push import --help；不需要的列请删除）", strings.Join(unknown, "、"))
	}
	if _, ok := seen[colID]; !ok {
		return nil, rosterError("表头没有“%s”列", colID)
	}
	return cols, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// csvProfile turns one CSV row into a profile and the problems of its cells.
func csvProfile(row int, cols []csvColumn, rec []string, today time.Time) (Profile, []RowProblem) {
	var p Profile
	var probs []RowProblem
	bad := func(c csvColumn, format string, a ...any) {
		probs = append(probs, RowProblem{Row: row, Field: c.title, Reason: fmt.Sprintf(format, a...)})
	}
	cell := map[string]string{}
	colOf := map[string]csvColumn{}
	for i, c := range cols {
		if c.key == "" || i >= len(rec) {
			continue
		}
		if v := strings.TrimSpace(rec[i]); v != "" {
			cell[c.name], colOf[c.name] = v, c
		}
	}
	money := func(name string) (int64, bool) {
		v, ok := cell[name]
		if !ok {
			return 0, false
		}
		c := colOf[name]
		s := v
		if c.wan {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); err == nil {
				s += "万"
			}
		}
		n, err := yuan.Parse(s)
		switch {
		case errors.Is(err, yuan.ErrFraction):
			bad(c, "“%s”不是整元金额：金额以元为单位，不能有角分", clip(v))
		case errors.Is(err, yuan.ErrTooLarge):
			bad(c, "“%s”超出上限：最多1000万亿元", clip(v))
		case err != nil:
			bad(c, "“%s”不是金额：请写成 6500000、6,500,000 或 650万", clip(v))
		default:
			return n, true
		}
		return 0, false
	}
	day := func(name string) string {
		v, ok := cell[name]
		if !ok {
			return ""
		}
		t, ok := rosterDate(v)
		switch {
		case !ok:
			bad(colOf[name], "“%s”不是日期：请写成 2026-07-01、2026/7/1 或 2026年7月1日（1990—2100年）", clip(v))
			return ""
		case t.After(today):
			bad(colOf[name], "%s 晚于今天（%s），不接受未来的日期", t.Format(time.DateOnly), today.Format(time.DateOnly))
			return ""
		}
		return t.Format(time.DateOnly)
	}

	if v, ok := cell[colID]; ok {
		id := strings.ToUpper(v)
		if !usccRE.MatchString(id) {
			bad(colOf[colID], "“%s”不是统一社会信用代码：应为18位数字和大写字母", clip(v))
		}
		p.ID = id
	} else {
		probs = append(probs, RowProblem{Row: row, Field: colID, Reason: "必须填写"})
	}
	p.Name = cell[colName]

	tier, hasTier := cell[colTier]
	recognized := day(colRecognized)
	kind, hasKind := cell[colKind]
	switch {
	case hasTier:
		t := Tier{Tier: tierValue(tier), Recognized: recognized, Kind: kindValue(kind)}
		if t.Tier == "" {
			bad(colOf[colTier], "“%s”不是认定等级：可填 创新型中小企业、专精特新中小企业、“小巨人”企业", clip(tier))
		}
		switch {
		case !hasKind:
			probs = append(probs, RowProblem{Row: row, Field: colKind, Reason: "填写了认定等级，认定类型也必须填写：新认定 或 复核"})
		case t.Kind == "":
			bad(colOf[colKind], "“%s”不是认定类型：可填 新认定 或 复核", clip(kind))
		}
		p.Tiers = []Tier{t}
	case hasKind || cell[colRecognized] != "":
		probs = append(probs, RowProblem{Row: row, Field: colTier, Reason: "填写了认定日期或认定类型，认定等级也必须填写"})
	}

	for _, c := range cols {
		if c.year == "" {
			continue
		}
		n, ok := money(c.name)
		if !ok {
			continue
		}
		m := &p.RevenueYuan
		if c.key == "研发投入" {
			m = &p.RDSpendYuan
		}
		if *m == nil {
			*m = map[string]int64{}
		}
		(*m)[c.year] = n
	}
	p.DigitalInvestmentYuan, _ = money(colDigital)
	p.CommercializationRDYuan, _ = money(colCommRD)
	paid, okPaid := money(colZDPaid)
	lpr, okLPR := money(colZDLPR)
	if okPaid || okLPR {
		p.Loans = append(p.Loans, Loan{Product: ProductZhuangda, InterestPaidYuan: paid, LPRInterestYuan: lpr})
	}
	if n, ok := money(colXYD); ok {
		p.Loans = append(p.Loans, Loan{Product: ProductXinyidai, PrincipalYuan: n})
	}

	level, hasLevel := cell[colStdLevel]
	approved := day(colStdDate)
	switch {
	case hasLevel:
		s := Standard{Level: levelValue(level), Approved: approved}
		if s.Level == "" {
			bad(colOf[colStdLevel], "“%s”不是标准级别：可填 国际标准、国家标准 或 行业标准", clip(level))
		}
		p.Standards = []Standard{s}
	case cell[colStdDate] != "":
		probs = append(probs, RowProblem{Row: row, Field: colStdLevel, Reason: "填写了标准获批日期，标准级别也必须填写"})
	}
	return p, probs
}

// usccRE is a unified social credit code's shape (GB 32100: 18 characters
// of digits and capitals without I, O, S, V, Z).
var usccRE = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{18}$`)

// normValue drops spaces and quotes around a cell's words.
func normValue(s string) string {
	return strings.NewReplacer(" ", "", "\u3000", "", "“", "", "”", "", `"`, "", "'", "").Replace(strings.TrimSpace(s))
}

func tierValue(s string) string {
	v := normValue(s)
	switch {
	case containsString(tierChoices, v):
		return v
	case strings.Contains(v, "小巨人"):
		return TierLittleGiant
	case strings.Contains(v, "专精特新"):
		return TierProvincial
	case strings.Contains(v, "创新型"):
		return TierInnovative
	}
	return ""
}

func kindValue(s string) string {
	switch normValue(s) {
	case "新认定", "新", "认定", KindNew:
		return KindNew
	case "复核", KindReview:
		return KindReview
	}
	return ""
}

func levelValue(s string) string {
	switch v := strings.TrimSuffix(normValue(s), "标准"); v {
	case "国际", "international":
		return "international"
	case "国家", "national":
		return "national"
	case "行业", "industry":
		return "industry"
	}
	return ""
}

// rosterDate reads 2026-07-01, 2026/7/1, 2026.7.1 or 2026年7月1日.
func rosterDate(s string) (time.Time, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "日")
	s = strings.NewReplacer("年", "-", "月", "-", "/", "-", ".", "-").Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) == 0 || len(p) > 4 || (i > 0 && len(p) > 2) {
			return time.Time{}, false
		}
		n[i] = v
	}
	if len(parts[0]) != 4 {
		return time.Time{}, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] || n[0] < 1990 || n[0] > 2100 {
		return time.Time{}, false
	}
	return t, true
}
