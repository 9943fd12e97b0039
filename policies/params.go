package policies

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed rules/params.yaml
var rulesFS embed.FS

// Units a parameter may have. Rates are integer percent, so every calculation
// stays in exact integer arithmetic.
const (
	UnitYuan       = "yuan"
	UnitPercent    = "percent"
	UnitYear       = "year"
	UnitWorkingDay = "working_day"
	UnitText       = "text" // a cited statement with no number (an unstated reward)
)

// ErrNoValue is returned when a parameter has no value valid on a date.
var ErrNoValue = errors.New("parameter has no value on that date")

// Param is one rule parameter: an amount, rate, threshold or cap that a clause
// sets, with the words that set it. Values are dated so that a final text can
// supersede a draft value by adding an entry.
type Param struct {
	Name   string
	Clause string
	Quote  string // verbatim clause text; a Value may override it
	Unit   string
	Values []ParamValue
	// MaximumOf names the calculator whose amount this parameter caps.
	MaximumOf string
	// MinimumOf names the calculator whose threshold this parameter is.
	MinimumOf string
}

// ParamValue is a parameter's value over a validity period. From and To are
// inclusive; a zero time is open (the draft values are open on both ends).
type ParamValue struct {
	Value   int64
	Written string // the value as the clause writes it: 50万, 10%, 2年
	Quote   string // the quote for this value (defaults to the Param's)
	Status  string // draft | final
	From    time.Time
	To      time.Time
}

// Params is the loaded parameter set, in file order.
type Params struct {
	list   []Param
	byName map[string]int
}

type paramYAML struct {
	Clause    string `yaml:"clause"`
	Quote     string `yaml:"quote"`
	Unit      string `yaml:"unit"`
	MaximumOf string `yaml:"maximum_of"`
	MinimumOf string `yaml:"minimum_of"`
	Values    []struct {
		Value   int64  `yaml:"value"`
		Written string `yaml:"written"`
		Quote   string `yaml:"quote"`
		Status  string `yaml:"status"`
		From    string `yaml:"from"`
		To      string `yaml:"to"`
	} `yaml:"values"`
}

var (
	paramsOnce sync.Once
	paramsSet  *Params
	paramsErr  error
)

// DefaultParams returns the embedded parameters (rules/params.yaml), loaded
// once. Tests cover the embedded file, so an error means a broken build.
func DefaultParams() (*Params, error) {
	paramsOnce.Do(func() {
		raw, err := rulesFS.ReadFile("rules/params.yaml")
		if err != nil {
			paramsErr = err
			return
		}
		paramsSet, paramsErr = LoadParams(raw)
	})
	return paramsSet, paramsErr
}

func mustParams() *Params {
	p, err := DefaultParams()
	if err != nil {
		panic(err)
	}
	return p
}

// LoadParams parses a parameter file. It rejects unknown fields, a parameter
// without clause or quote, an unknown unit, a numeric parameter without
// values, a value without its written form, and bad or inverted dates.
func LoadParams(raw []byte) (*Params, error) {
	var m map[string]paramYAML
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parse params: %w", err)
	}
	// Decode again as a node only to keep the file order for listings.
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parse params: %w", err)
	}
	var names []string
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		for i := 0; i < len(doc.Content[0].Content); i += 2 {
			names = append(names, doc.Content[0].Content[i].Value)
		}
	}
	ps := &Params{byName: map[string]int{}}
	for _, name := range names {
		y := m[name]
		p := Param{Name: name, Clause: y.Clause, Quote: y.Quote, Unit: y.Unit, MaximumOf: y.MaximumOf, MinimumOf: y.MinimumOf}
		if (p.MaximumOf != "" || p.MinimumOf != "") && p.Unit != UnitYuan {
			return nil, fmt.Errorf("parameter %s: maximum_of and minimum_of need unit yuan", name)
		}
		if p.Clause == "" {
			return nil, fmt.Errorf("parameter %s: no clause: every parameter must cite the clause that sets it", name)
		}
		if p.Quote == "" {
			return nil, fmt.Errorf("parameter %s: no quote: every parameter must quote the words that set it", name)
		}
		switch p.Unit {
		case UnitYuan, UnitPercent, UnitYear, UnitWorkingDay:
			if len(y.Values) == 0 {
				return nil, fmt.Errorf("parameter %s: unit %s needs at least one value", name, p.Unit)
			}
		case UnitText:
			if len(y.Values) != 0 {
				return nil, fmt.Errorf("parameter %s: a text parameter has no values", name)
			}
		default:
			return nil, fmt.Errorf("parameter %s: unknown unit %q", name, p.Unit)
		}
		for i, v := range y.Values {
			pv := ParamValue{Value: v.Value, Written: v.Written, Quote: v.Quote, Status: v.Status}
			if pv.Quote == "" {
				pv.Quote = p.Quote
			}
			if pv.Written == "" {
				return nil, fmt.Errorf("parameter %s value %d: no written form (the value as the clause writes it)", name, i)
			}
			if pv.Value < 0 {
				return nil, fmt.Errorf("parameter %s value %d: negative", name, i)
			}
			var err error
			if pv.From, err = parseOptDate(v.From); err != nil {
				return nil, fmt.Errorf("parameter %s value %d: from: %w", name, i, err)
			}
			if pv.To, err = parseOptDate(v.To); err != nil {
				return nil, fmt.Errorf("parameter %s value %d: to: %w", name, i, err)
			}
			if !pv.From.IsZero() && !pv.To.IsZero() && pv.To.Before(pv.From) {
				return nil, fmt.Errorf("parameter %s value %d: to %s before from %s", name, i, v.To, v.From)
			}
			p.Values = append(p.Values, pv)
		}
		ps.byName[name] = len(ps.list)
		ps.list = append(ps.list, p)
	}
	if len(ps.list) != len(m) {
		return nil, errors.New("parse params: the file must be one mapping of parameter names")
	}
	return ps, nil
}

func parseOptDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}

// All returns the parameters in file order. Callers must not modify it.
func (ps *Params) All() []Param { return ps.list }

// Get returns the parameter with the given name.
func (ps *Params) Get(name string) (Param, bool) {
	i, ok := ps.byName[name]
	if !ok {
		return Param{}, false
	}
	return ps.list[i], true
}

// At returns the value of a numeric parameter on date at (compared by calendar
// day): among the entries whose period covers the day, the one with the latest
// From wins, so a dated final value supersedes an open draft value.
func (ps *Params) At(name string, at time.Time) (ParamValue, Param, error) {
	p, ok := ps.Get(name)
	if !ok {
		return ParamValue{}, Param{}, fmt.Errorf("parameter %s: %w", name, ErrNoValue)
	}
	day := dateOnly(at)
	best := -1
	for i, v := range p.Values {
		if (!v.From.IsZero() && day.Before(v.From)) || (!v.To.IsZero() && day.After(v.To)) {
			continue
		}
		if best < 0 || v.From.After(p.Values[best].From) {
			best = i
		}
	}
	if best < 0 {
		return ParamValue{}, p, fmt.Errorf("parameter %s on %s: %w", name, day.Format(time.DateOnly), ErrNoValue)
	}
	return p.Values[best], p, nil
}

// Ref is the citation of a parameter's value on date at, as a calculation
// carries it.
func (ps *Params) Ref(name string, at time.Time) (ParamRef, error) {
	p, ok := ps.Get(name)
	if !ok {
		return ParamRef{}, fmt.Errorf("parameter %s: %w", name, ErrNoValue)
	}
	if p.Unit == UnitText {
		return ParamRef{Name: p.Name, Clause: p.Clause, Quote: p.Quote, Unit: p.Unit}, nil
	}
	v, _, err := ps.At(name, at)
	if err != nil {
		return ParamRef{}, err
	}
	return ParamRef{Name: p.Name, Clause: p.Clause, Quote: v.Quote, Value: v.Value, Unit: p.Unit}, nil
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// LookupParam is the citation of a parameter of the embedded set on date at
// (zero: today): value, unit, clause and verbatim quote. Callers quoting a
// fixed sum (the 小巨人 reward) use it instead of writing the number.
func LookupParam(name string, at time.Time) (ParamRef, error) {
	ps, err := DefaultParams()
	if err != nil {
		return ParamRef{}, err
	}
	if at.IsZero() {
		at = time.Now()
	}
	return ps.Ref(name, at)
}
