package policies

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cdsme/policybot/yuan"
)

// English renderings of receipts.
//
// A receipt keeps its Chinese steps, notes and near-miss advice (the `steps`
// JSON contract); English is derived from them, not computed a second time.
// Every Chinese sentence a receipt can hold is written from a format of
// receiptEN (english_text.go), the one table of English wording, keyed by the
// Chinese format. In those formats the verbs say what an argument is:
//
//	%v  an amount as yuan.Format writes it (60万, 1.5亿, 2500元)
//	%d  a count, a percentage or a year
//	%s  a word or a text: an enum word (新认定), a rule title, a list of
//	    责任单位, a date, or a quote from a clause
//
// English reads a sentence back with the regular expression its format
// implies (a sentence may be several formats in a row: a rate step, then
// "（不足1元的部分舍去）"), turns each amount into yuan.FormatEN, each known
// word into English (termsEN, the rule titles, the departments), and writes
// the English format. A quote stays in Chinese inside “ ”. So an English
// sentence carries Han characters only inside “…” (a quote or a Chinese
// name) and in the Chinese form of an amount, "(60万元)": hanOutside checks
// exactly that.
//
// The same reading covers sentences written outside the calculators with the
// same wording: Maximum, and the effective-date steps and calendar notes.

// Localized returns c with its title, steps, notes and near-miss advice in
// lang: "en" for English; any other lang returns c as it is. The amounts,
// inputs and citations are unchanged. A sentence with no English form stays
// in Chinese (TestEnglishCases keeps every calculator's sentences covered).
func (c Calculation) Localized(lang string) Calculation {
	if lang != "en" {
		return c
	}
	out := c
	if t, ok := ruleTitlesEN[c.Rule]; ok {
		out.Title = t
	} else if t, ok := termEN(c.Title); ok {
		out.Title = t
	}
	out.Steps = englishAll(c.Steps)
	out.Notes = englishAll(c.Notes)
	if c.NearMiss != nil {
		nm := *c.NearMiss
		nm.Advice, _ = English(nm.Advice)
		out.NearMiss = &nm
	}
	return out
}

func englishAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i], _ = English(s)
	}
	return out
}

// English writes s, a sentence of a receipt, in English. ok is false when
// some part of s matches no format of receiptEN; s is then returned as it is.
func English(s string) (string, bool) { return receipts().English(s) }

// Phrasebook writes Chinese sentences in English through a table of formats
// as receiptEN is (Chinese format → English format; verbs %v amount, %d
// count, %s word or text). Receipts use receiptEN; the bot has its own
// table for the notes it writes.
type Phrasebook struct {
	phrases []phrase // longest Chinese text first: a specific sentence wins over a fragment
}

// NewPhrasebook compiles a table; an error names the entry that is not a
// valid pair of formats.
func NewPhrasebook(table map[string]string) (*Phrasebook, error) {
	pb := &Phrasebook{}
	for zh, en := range table {
		p, err := compilePhrase(zh, en)
		if err != nil {
			return nil, err
		}
		pb.phrases = append(pb.phrases, p)
	}
	slices.SortFunc(pb.phrases, func(a, b phrase) int {
		if d := len(literal(b.zh)) - len(literal(a.zh)); d != 0 {
			return d
		}
		return strings.Compare(a.zh, b.zh)
	})
	return pb, nil
}

// English writes s in English: s is read as one or more formats of the
// table in a row. ok is false when some part of s matches none; s is then
// returned as it is. A text without Han characters is returned as it is.
func (pb *Phrasebook) English(s string) (string, bool) {
	if !hasHan(s) {
		return s, true // already English, or only figures and dates
	}
	// memo[i] is the English of s[i:], or "\x00" when it cannot be read.
	memo := map[int]string{}
	var from func(i int) (string, bool)
	from = func(i int) (string, bool) {
		if i == len(s) {
			return "", true
		}
		if v, ok := memo[i]; ok {
			return v, v != "\x00"
		}
		rest := s[i:]
		for _, f := range pb.phrases {
			if !strings.HasPrefix(rest, f.lead) {
				continue
			}
			// A whole match first, so a text argument at the end of a
			// format may take the rest of the sentence.
			for _, re := range []*regexp.Regexp{f.whole, f.prefix} {
				m := re.FindStringSubmatchIndex(rest)
				if m == nil {
					continue
				}
				tail, ok := from(i + m[1])
				if !ok {
					continue
				}
				en := f.render(rest, m)
				if tail != "" && strings.ContainsAny(en[len(en)-1:], ".;:") && tail[0] >= 'A' && tail[0] <= 'Z' {
					en += " " // two sentences of one note
				}
				memo[i] = en + tail
				return en + tail, true
			}
		}
		memo[i] = "\x00"
		return "", false
	}
	if en, ok := from(0); ok {
		return en, true
	}
	return s, false
}

var receipts = sync.OnceValue(func() *Phrasebook {
	pb, err := NewPhrasebook(receiptEN)
	if err != nil {
		panic(err) // receiptEN is data of this package; TestReceiptENFormats compiles it
	}
	return pb
})

// phrase is one format of receiptEN, compiled.
type phrase struct {
	zh, en        string
	lead          string // the literal text before the first verb
	verbs         []byte // v, d or s, one per argument
	whole, prefix *regexp.Regexp
}

// Amounts as yuan.Format writes them; a bare integer is whole yuan.
const reAmount = `-?[0-9]+(?:\.[0-9]+)?(?:万|亿|元)?`

// literal is a format without its verbs.
func literal(format string) string {
	return strings.NewReplacer("%v", "", "%s", "", "%d", "", "%%", "%").Replace(format)
}

func compilePhrase(zh, en string) (phrase, error) {
	p := phrase{zh: zh, en: en}
	if i := strings.IndexByte(zh, '%'); i >= 0 {
		p.lead = zh[:i]
	} else {
		p.lead = zh
	}
	var re strings.Builder
	for i := 0; i < len(zh); i++ {
		if zh[i] != '%' {
			j := strings.IndexByte(zh[i:], '%')
			if j < 0 {
				j = len(zh) - i
			}
			re.WriteString(regexp.QuoteMeta(zh[i : i+j]))
			i += j - 1
			continue
		}
		if i+1 == len(zh) {
			return p, fmt.Errorf("receiptEN %q: format ends with %%", zh)
		}
		i++
		switch zh[i] {
		case '%':
			re.WriteString("%")
		case 'v':
			re.WriteString("(" + reAmount + ")")
			p.verbs = append(p.verbs, 'v')
		case 'd':
			re.WriteString("(-?[0-9]+)")
			p.verbs = append(p.verbs, 'd')
		case 's':
			re.WriteString("(.+?)")
			p.verbs = append(p.verbs, 's')
		default:
			return p, fmt.Errorf("receiptEN %q: verb %%%c (use %%v, %%d or %%s)", zh, zh[i])
		}
	}
	var err error
	if p.whole, err = regexp.Compile("^" + re.String() + "$"); err != nil {
		return p, err
	}
	p.prefix = regexp.MustCompile("^" + re.String())
	// The English format must take the same arguments.
	if got := p.sample(); strings.Contains(got, "%!") {
		return p, fmt.Errorf("receiptEN %q: English %q does not fit its arguments: %s", zh, en, got)
	}
	return p, nil
}

// sample writes p's English with placeholder arguments.
func (p phrase) sample() string {
	args := make([]any, len(p.verbs))
	for i, v := range p.verbs {
		if v == 'd' {
			args[i] = int64(1)
		} else {
			args[i] = "x"
		}
	}
	return fmt.Sprintf(p.en, args...)
}

// render writes the English of the match m of p in s.
func (p phrase) render(s string, m []int) string {
	args := make([]any, len(p.verbs))
	for k, v := range p.verbs {
		arg := s[m[2+2*k]:m[3+2*k]]
		switch v {
		case 'v':
			if y, ok := parseFormatted(arg); ok {
				args[k] = yuan.FormatEN(y)
			} else {
				args[k] = arg
			}
		case 'd':
			n, _ := strconv.ParseInt(arg, 10, 64)
			args[k] = n
		default:
			args[k] = englishWord(arg)
		}
	}
	return fmt.Sprintf(p.en, args...)
}

// englishWord writes a text argument in English when it is a known word, a
// rule title, or a list (joined by 、) of departments, amounts or "title
// amount" items; anything else (a date, a quote) is kept.
func englishWord(s string) string {
	if en, ok := termEN(s); ok {
		return en
	}
	parts := strings.Split(s, "、")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if en, ok := termEN(p); ok {
			out = append(out, en)
			continue
		}
		if y, ok := parseFormatted(p); ok && len(parts) > 1 {
			out = append(out, yuan.FormatEN(y))
			continue
		}
		// "新获评国家专精特新“小巨人”企业奖励 50万"
		name, amt, ok := strings.Cut(p, " ")
		y, isAmt := parseFormatted(amt)
		en, known := termEN(name)
		if !ok || !isAmt || !known {
			return s
		}
		out = append(out, en+" "+yuan.FormatEN(y))
	}
	return strings.Join(out, "; ")
}

// termEN is the English of a word: an enum value, a rule title or a
// department.
func termEN(s string) (string, bool) {
	if en, ok := termsEN[s]; ok {
		return en, true
	}
	for _, r := range rules {
		if r.Title == s {
			return ruleTitlesEN[r.Name], ruleTitlesEN[r.Name] != ""
		}
	}
	if _, ok := departmentsEN[s]; ok {
		return DepartmentEN(s), true
	}
	return "", false
}

// parseFormatted reads an amount as yuan.Format writes it, exactly: "60万",
// "1.2345万", "1.5亿", "2500元", or a bare integer.
func parseFormatted(s string) (int64, bool) {
	unit := int64(1)
	switch {
	case strings.HasSuffix(s, "亿"):
		unit, s = 1_0000_0000, strings.TrimSuffix(s, "亿")
	case strings.HasSuffix(s, "万"):
		unit, s = 1_0000, strings.TrimSuffix(s, "万")
	default:
		s = strings.TrimSuffix(s, "元")
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	width := len(strconv.FormatInt(unit, 10)) - 1
	if whole == "" || len(frac) > width || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > MaxYuan {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", width-len(frac)), 10, 64)
	}
	v := w*unit + f
	if neg {
		v = -v
	}
	return v, true
}

func isHan(r rune) bool { return r >= 0x3400 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff }

func hasHan(s string) bool { return strings.ContainsFunc(s, isHan) }

// reAmountZH is the Chinese form of an amount in an English text, "(60万元)".
var reAmountZH = regexp.MustCompile(`\(-?[0-9]+(?:\.[0-9]+)?(?:万|亿)元\)`)

// HanOutsideQuotes returns the Han characters of an English text s that are
// neither inside “ ” (quotes nest: a clause quote may quote a name) nor the
// Chinese form of an amount, "(60万元)"; empty means s is English as the
// answers write it.
func HanOutsideQuotes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range reAmountZH.ReplaceAllString(s, "") {
		switch {
		case r == '“':
			depth++
		case r == '”' && depth > 0:
			depth--
		case depth == 0 && isHan(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ClauseTitleEN is the English title of a clause, "" for an unknown id.
func ClauseTitleEN(id string) string { return clauseTitlesEN[id] }

// CiteEN is the English form of a clause's location, e.g. "Annex 2
// (Several Policies …), Article 4".
func CiteEN(c Clause) string {
	doc := documentsEN[c.Doc]
	if c.Number > 0 {
		return fmt.Sprintf("%s, Article %d", doc, c.Number)
	}
	return fmt.Sprintf("%s, %s", doc, ClauseTitleEN(c.ID))
}

// DocumentEN is the English name of a document by its id prefix ("plan",
// "policy"), e.g. "Annex 2, Several Policies …"; "" if unknown.
func DocumentEN(prefix string) string { return documentsEN[prefix] }

// DepartmentEN is the English name of a 责任单位 followed by its Chinese
// name in quotes, so a reader can find the office: "Chengdu Bureau of
// Science and Technology (“市科技局”)". An unknown name is quoted as it is.
func DepartmentEN(name string) string {
	if en, ok := departmentsEN[name]; ok {
		return fmt.Sprintf("%s (“%s”)", en, name)
	}
	return "“" + name + "”"
}

// RuleTitleEN is the English title of a calculator, "" for an unknown rule.
func RuleTitleEN(rule string) string { return ruleTitlesEN[rule] }

// InputLabelEN is the English label of a calculator input, "" if unknown.
func InputLabelEN(rule, input string) string { return inputLabelsEN[rule+"."+input] }
