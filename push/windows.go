package push

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/cdsme/policybot/policies"
	"github.com/cdsme/policybot/yuan"
)

// Declaration windows (申报窗口): the periods in which the bureau accepts
// applications under a clause. The documents state none, so staff keep them
// in a YAML file (testdata/windows.yaml is an example):
//
//	windows:
//	  - name: 2026年度研发投入增量补助申报
//	    clause: policy/4
//	    opens: 2026-12-01
//	    closes: 2026-12-31
//	    note: 通过“蓉易享”平台在线申报      # optional, shown to the enterprise
//	    who:                                 # optional: all must hold; none = every enterprise
//	      tiers: [innovative_sme, provincial_sme, little_giant]
//	      min_rd_increase_yuan: 2000000
//
// Reminders sends a reminder before a window closes to the enterprises its
// `who` admits (Window.Qualifies).

// Window is one declaration window.
type Window struct {
	Name   string
	Clause string // a clause id, e.g. policy/4
	Opens  time.Time
	Closes time.Time // the last day applications are accepted
	Note   string
	Who    Who
}

// Who says which enterprises a window is for, in profile fields. Every
// criterion given must hold; a figure the profile lacks does not qualify.
// Amounts are whole yuan; a nil minimum is no criterion.
type Who struct {
	// Tiers: a certification of one of these tiers valid on the day
	// (recognised less than 3 years before it, or undated).
	Tiers []string `yaml:"tiers"`
	// RecognizedSince: that certification (of any tier if Tiers is empty)
	// was recognised on or after this day; an undated one does not count.
	RecognizedSince time.Time `yaml:"-"`
	// The latest year's revenue / R&D spend (not after the day's year, at
	// most one year before it), as the bill reads them.
	MinRevenueYuan *int64 `yaml:"min_revenue_yuan"`
	MinRDSpendYuan *int64 `yaml:"min_rd_spend_yuan"`
	// The latest year's R&D spend minus the year before's.
	MinRDIncreaseYuan          *int64 `yaml:"min_rd_increase_yuan"`
	MinDigitalInvestmentYuan   *int64 `yaml:"min_digital_investment_yuan"`
	MinCommercializationRDYuan *int64 `yaml:"min_commercialization_rd_yuan"`
	// Loans: a loan of one of these products (zhuangda, xinyidai).
	Loans []string `yaml:"loans"`
	// Standards: a standard of one of these levels approved in the 12
	// months ending on the day (the bill's award window).
	Standards []string `yaml:"standards"`
}

// windowsYAML is the file as written; dates are strings so that each can
// be checked and named.
type windowsYAML struct {
	Windows []windowYAML `yaml:"windows"`
}

type windowYAML struct {
	Name   string  `yaml:"name"`
	Clause string  `yaml:"clause"`
	Opens  string  `yaml:"opens"`
	Closes string  `yaml:"closes"`
	Note   string  `yaml:"note"`
	Who    whoYAML `yaml:"who"`
}

type whoYAML struct {
	Who             `yaml:",inline"`
	RecognizedSince string `yaml:"recognized_since"`
}

// ErrInvalidWindows is wrapped by every content error LoadWindows returns.
var ErrInvalidWindows = errors.New("invalid windows file")

// WindowsError is one thing wrong with a windows file: the field by its
// path (windows[2].who.tiers[0]), the line, and why.
type WindowsError struct {
	Field  string
	Line   int
	Reason string
}

func (e *WindowsError) Error() string {
	s := ErrInvalidWindows.Error() + ": "
	if e.Field != "" {
		s += e.Field
		if e.Line > 0 {
			s += fmt.Sprintf(" (line %d)", e.Line)
		}
		s += ": "
	} else if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	return s + e.Reason
}

func (e *WindowsError) Unwrap() error { return ErrInvalidWindows }

func windowsErr(field string, n *yaml.Node, format string, a ...any) error {
	e := &WindowsError{Field: field, Reason: fmt.Sprintf(format, a...)}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

const (
	maxWindowsBytes = 1 << 20
	maxWindowName   = 200 // characters
	maxWindowNote   = 500 // characters
)

// LoadWindows reads a windows file (at most 1 MiB). A content error is a
// *WindowsError naming the field and its line: an unknown or repeated key,
// a wrong type, a missing name, clause, opens or closes, a date that is not
// YYYY-MM-DD, closes before opens, a clause id the documents do not have, a
// tier, loan product or standard level outside the profile's values, a
// negative amount, two windows with one name. Read errors are returned
// wrapped as they are.
func LoadWindows(r io.Reader) ([]Window, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxWindowsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading windows file: %w", err)
	}
	if len(raw) > maxWindowsBytes {
		return nil, windowsErr("", nil, "larger than %d bytes", maxWindowsBytes)
	}
	if !utf8.Valid(raw) {
		return nil, windowsErr("", nil, "not valid UTF-8 text")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, windowsErr("", nil, "not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, windowsErr("", nil, "empty file: want a mapping with the key windows (a list of windows)")
	}
	var f windowsYAML
	if err := decodeStrict(doc.Content[0], reflect.ValueOf(&f).Elem(), ""); err != nil {
		return nil, err
	}
	if f.Windows == nil {
		return nil, windowsErr("windows", doc.Content[0], "required: a list of windows (windows: [] for none)")
	}
	seq := findKey(doc.Content[0], "windows")
	names := map[string]int{}
	out := make([]Window, 0, len(f.Windows))
	for i, y := range f.Windows {
		node := seq.Content[i]
		w, err := y.window(fmt.Sprintf("windows[%d]", i), node)
		if err != nil {
			return nil, err
		}
		if j, dup := names[w.Name]; dup {
			return nil, windowsErr(fmt.Sprintf("windows[%d].name", i), findKey(node, "name"), "%q is the name of windows[%d] too: names must be unique", clip(w.Name), j)
		}
		names[w.Name] = i
		out = append(out, w)
	}
	return out, nil
}

// window checks one window (path names it, n is its node).
func (y windowYAML) window(path string, n *yaml.Node) (Window, error) {
	at := func(key string) (string, *yaml.Node) {
		kn := findKey(n, key)
		if kn == nil {
			kn = n
		}
		return path + "." + key, kn
	}
	w := Window{Name: strings.TrimSpace(y.Name), Clause: y.Clause, Note: strings.TrimSpace(y.Note), Who: y.Who.Who}
	switch f, kn := at("name"); {
	case w.Name == "":
		return w, windowsErr(f, kn, "required: the window's name as enterprises know it")
	case utf8.RuneCountInString(w.Name) > maxWindowName || strings.ContainsFunc(w.Name, isControl):
		return w, windowsErr(f, kn, "at most %d characters on one line", maxWindowName)
	}
	if f, kn := at("note"); utf8.RuneCountInString(w.Note) > maxWindowNote {
		return w, windowsErr(f, kn, "at most %d characters", maxWindowNote)
	}
	switch f, kn := at("clause"); {
	case w.Clause == "":
		return w, windowsErr(f, kn, "required: the clause id the window applies, e.g. policy/4")
	default:
		if _, err := policies.MustDefault().Clause(w.Clause); err != nil {
			return w, windowsErr(f, kn, "%q is not a clause id of the documents (plan/1 … plan/18, policy/1 … policy/12, policy/scope …)", clip(w.Clause))
		}
	}
	var err error
	for _, d := range []struct {
		key string
		s   string
		t   *time.Time
	}{{"opens", y.Opens, &w.Opens}, {"closes", y.Closes, &w.Closes}} {
		f, kn := at(d.key)
		if d.s == "" {
			return w, windowsErr(f, kn, "required: a date YYYY-MM-DD")
		}
		if *d.t, err = parseDate(d.s); err != nil {
			return w, windowsErr(f, kn, "%q is not a date YYYY-MM-DD (1990–2100)", clip(d.s))
		}
	}
	if f, kn := at("closes"); w.Closes.Before(w.Opens) {
		return w, windowsErr(f, kn, "%s is before opens %s", y.Closes, y.Opens)
	}
	who := findKey(n, "who")
	wp := path + ".who"
	whoAt := func(key string) (string, *yaml.Node) {
		if kn := findKey(who, key); kn != nil {
			return wp + "." + key, kn
		}
		return wp + "." + key, n
	}
	if s := y.Who.RecognizedSince; s != "" {
		f, kn := whoAt("recognized_since")
		if w.Who.RecognizedSince, err = parseDate(s); err != nil {
			return w, windowsErr(f, kn, "%q is not a date YYYY-MM-DD (1990–2100)", clip(s))
		}
	}
	for _, e := range []struct {
		key     string
		vs      []string
		choices []string
	}{{"tiers", w.Who.Tiers, tierChoices}, {"loans", w.Who.Loans, productChoices}, {"standards", w.Who.Standards, levelChoices}} {
		f, kn := whoAt(e.key)
		for i, v := range e.vs {
			if !slices.Contains(e.choices, v) {
				return w, windowsErr(fmt.Sprintf("%s[%d]", f, i), kn, "%q is not one of %s", clip(v), strings.Join(e.choices, " | "))
			}
		}
	}
	for _, m := range w.Who.minimums() {
		if m.min == nil {
			continue
		}
		f, kn := whoAt(m.key)
		if *m.min < 0 || *m.min > policies.MaxYuan {
			return w, windowsErr(f, kn, "%d: want whole yuan from 0 to 1e15", *m.min)
		}
	}
	return w, nil
}

// findKey is the value node of key in mapping n, or nil.
func findKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// decodeStrict decodes n into v, which yaml.v3 does leniently for a node
// (no KnownFields, the last of two equal keys wins): here an unknown or
// repeated key or a wrong type is a *WindowsError naming the field by its
// path. A null value leaves v as it is.
func decodeStrict(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	field := path
	if field == "" {
		field = "(top level)"
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return windowsErr(field, n, "want a mapping (key: value lines)")
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kp := k.Value
			if path != "" {
				kp = path + "." + k.Value
			}
			f, ok := yamlField(v, k.Value)
			switch {
			case !ok:
				return windowsErr(kp, k, "unknown field (known here: %s)", strings.Join(yamlFields(v.Type()), ", "))
			case seen[k.Value]:
				return windowsErr(kp, k, "repeated key: each field may appear once")
			}
			seen[k.Value] = true
			if err := decodeStrict(n.Content[i+1], f, kp); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return windowsErr(field, n, "want a list")
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if err := decodeStrict(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if err := decodeStrict(n, p.Elem(), path); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	want := "text"
	if v.Kind() == reflect.Int64 {
		want = "a whole number of yuan (2000000, not 200万 or 2e6)"
	}
	if n.Kind != yaml.ScalarNode || n.Decode(v.Addr().Interface()) != nil {
		return windowsErr(field, n, "want %s", want)
	}
	return nil
}

// yamlField finds the field of struct v whose yaml key is key, looking
// into inline structs.
func yamlField(v reflect.Value, key string) (reflect.Value, bool) {
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		name, opt, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		switch {
		case opt == "inline":
			if f, ok := yamlField(v.Field(i), key); ok {
				return f, true
			}
		case name != "" && name != "-" && name == key:
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// yamlFields lists struct t's yaml keys, inline ones included.
func yamlFields(t reflect.Type) []string {
	var out []string
	for sf := range t.Fields() {
		name, opt, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		switch {
		case opt == "inline":
			out = append(out, yamlFields(sf.Type)...)
		case name != "" && name != "-":
			out = append(out, name)
		}
	}
	return out
}

// minimum is one amount criterion: its key in the file and its threshold.
type minimum struct {
	key string
	min *int64
}

func (w Who) minimums() []minimum {
	return []minimum{
		{"min_revenue_yuan", w.MinRevenueYuan},
		{"min_rd_spend_yuan", w.MinRDSpendYuan},
		{"min_rd_increase_yuan", w.MinRDIncreaseYuan},
		{"min_digital_investment_yuan", w.MinDigitalInvestmentYuan},
		{"min_commercialization_rd_yuan", w.MinCommercializationRDYuan},
	}
}

// Qualifies reports whether p meets every criterion of the window's Who on
// day (its calendar day), and why, in Chinese (“国家专精特新“小巨人”企业
// （2026-07-01认定）”, “2026年研发投入比2025年增加430万（不少于200万）”).
// A figure the profile lacks does not qualify.
func (w Window) Qualifies(p Profile, day time.Time) (why []string, ok bool) {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	bc := &billCtx{day: day, windowStart: day.AddDate(0, -windowMonths, 0)}
	who := w.Who
	why = []string{}
	if len(who.Tiers) > 0 || !who.RecognizedSince.IsZero() {
		s, ok := who.certification(p, day)
		if !ok {
			return nil, false
		}
		why = append(why, s)
	}
	for _, m := range who.minimums() {
		if m.min == nil {
			continue
		}
		s, ok := figure(bc, p, m.key, *m.min)
		if !ok {
			return nil, false
		}
		why = append(why, s)
	}
	if len(who.Loans) > 0 {
		i := slices.IndexFunc(p.Loans, func(l Loan) bool { return slices.Contains(who.Loans, l.Product) })
		if i < 0 {
			return nil, false
		}
		why = append(why, "有“"+valueNames[p.Loans[i].Product]+"”贷款")
	}
	if len(who.Standards) > 0 {
		s, ok := who.standard(bc, p)
		if !ok {
			return nil, false
		}
		why = append(why, s)
	}
	return why, true
}

// certification finds a certification Who admits, valid on day.
func (who Who) certification(p Profile, day time.Time) (string, bool) {
	for _, t := range p.Tiers {
		if len(who.Tiers) > 0 && !slices.Contains(who.Tiers, t.Tier) {
			continue
		}
		name := tierNames[t.Tier]
		if t.Recognized == "" {
			if who.RecognizedSince.IsZero() {
				return name + "（未填认定日期）", true
			}
			continue
		}
		rec, err := parseDate(t.Recognized)
		if err != nil || rec.After(day) || !day.Before(rec.AddDate(certYears, 0, 0)) || rec.Before(who.RecognizedSince) {
			continue
		}
		return fmt.Sprintf("%s（%s认定）", name, t.Recognized), true
	}
	return "", false
}

// figure checks one amount criterion against p on bc's day.
func figure(bc *billCtx, p Profile, key string, least int64) (string, bool) {
	atLeast := "（不少于" + yuan.Format(least) + "）"
	if least == 0 {
		atLeast = ""
	}
	yearly := func(m map[string]int64, what string) (string, bool) {
		y, ok := bc.latestYear(m)
		if !ok || y < bc.day.Year()-1 {
			return "", false
		}
		v := m[fmt.Sprint(y)]
		return fmt.Sprintf("%d年%s%s%s", y, what, yuan.Format(v), atLeast), v >= least
	}
	single := func(v int64, what string) (string, bool) {
		return what + yuan.Format(v) + atLeast, v > 0 && v >= least
	}
	switch key {
	case "min_revenue_yuan":
		return yearly(p.RevenueYuan, "营业收入")
	case "min_rd_spend_yuan":
		return yearly(p.RDSpendYuan, "研发投入")
	case "min_rd_increase_yuan":
		y, ok := bc.latestYear(p.RDSpendYuan)
		if !ok || y < bc.day.Year()-1 {
			return "", false
		}
		last, ok := p.RDSpendYuan[fmt.Sprint(y-1)]
		inc := p.RDSpendYuan[fmt.Sprint(y)] - last
		return fmt.Sprintf("%d年研发投入比%d年增加%s%s", y, y-1, yuan.Format(max(inc, 0)), atLeast), ok && inc >= least
	case "min_digital_investment_yuan":
		return single(p.DigitalInvestmentYuan, "数字化智能化投资")
	case "min_commercialization_rd_yuan":
		return single(p.CommercializationRDYuan, "研发成果产业化项目技术研发投入")
	}
	return "", false
}

// standard finds a standard of a level Who admits, approved in bc's window.
func (who Who) standard(bc *billCtx, p Profile) (string, bool) {
	for _, s := range p.Standards {
		if !slices.Contains(who.Standards, s.Level) || s.Approved == "" {
			continue
		}
		if t, err := parseDate(s.Approved); err == nil && bc.inWindow(t) {
			return fmt.Sprintf("%s（%s获批）", levelNames[s.Level], s.Approved), true
		}
	}
	return "", false
}
