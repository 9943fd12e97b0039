// Package push turns enterprise profiles into personal bills (红利账单): what
// an enterprise can claim under 附件2, on which clause, how much, what it
// would take to reach the next step, which data are missing and which dates
// matter. This file and bill.go are pure domain code: no Redis, no Telegram.
package push

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdsme/policybot/policies"
)

// Profile is an enterprise as the operator or the enterprise describes it.
// The JSON shape is a contract (DESIGN.md, "Profile JSON"): `bill --profile`
// and roster import read it, unknown fields are rejected. Amounts are whole
// yuan; dates are YYYY-MM-DD; years are 4-digit strings.
type Profile struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	ChatID int64  `json:"chat_id,omitempty"`
	Tiers  []Tier `json:"tiers,omitempty"`
	// RevenueYuan and RDSpendYuan map a year ("2025") to that year's figure.
	RevenueYuan             map[string]int64 `json:"revenue_yuan,omitempty"`
	RDSpendYuan             map[string]int64 `json:"rd_spend_yuan,omitempty"`
	DigitalInvestmentYuan   int64            `json:"digital_investment_yuan,omitempty"`
	Loans                   []Loan           `json:"loans,omitempty"`
	Standards               []Standard       `json:"standards,omitempty"`
	CommercializationRDYuan int64            `json:"commercialization_rd_yuan,omitempty"`
}

// Tier is one certification: which tier, when it was recognised, and whether
// it was a new recognition or a passed review (复核).
type Tier struct {
	Tier       string `json:"tier"`                 // TierInnovative | TierProvincial | TierLittleGiant
	Recognized string `json:"recognized,omitempty"` // YYYY-MM-DD; without it no award and no review date
	Kind       string `json:"kind"`                 // KindNew | KindReview
}

// Loan is one financing product the enterprise uses. 壮大贷 needs the two
// interest figures, 新易贷 the principal; other fields are ignored.
type Loan struct {
	Product          string `json:"product"` // ProductZhuangda | ProductXinyidai
	InterestPaidYuan int64  `json:"interest_paid_yuan,omitempty"`
	LPRInterestYuan  int64  `json:"lpr_interest_yuan,omitempty"`
	PrincipalYuan    int64  `json:"principal_yuan,omitempty"`
}

// Standard is one technical standard the enterprise led and had approved.
type Standard struct {
	Level    string `json:"level"`              // international | national | industry
	Approved string `json:"approved,omitempty"` // YYYY-MM-DD
}

// Enumerated profile values (contract).
const (
	TierInnovative  = "innovative_sme"
	TierProvincial  = "provincial_sme"
	TierLittleGiant = "little_giant"

	KindNew    = "new"
	KindReview = "review"

	ProductZhuangda = "zhuangda"
	ProductXinyidai = "xinyidai"
)

var (
	tierChoices    = []string{TierInnovative, TierProvincial, TierLittleGiant}
	kindChoices    = []string{KindNew, KindReview}
	productChoices = []string{ProductZhuangda, ProductXinyidai}
	levelChoices   = []string{"international", "national", "industry"}
)

// Size limits: far above any real enterprise, low enough that one hostile
// record cannot make a bill expensive.
const (
	maxProfileBytes = 1 << 20
	maxIDBytes      = 128
	maxNameBytes    = 512
	maxTiers        = 20
	maxLoans        = 50
	maxStandards    = 100
	maxYears        = 50
	maxProblems     = 10
)

// ErrInvalidProfile is wrapped by every error ParseProfile and ParseRoster
// return for bad content (as opposed to read errors). Test with errors.Is.
var ErrInvalidProfile = errors.New("invalid profile")

// Problem is one thing wrong with a profile: the JSON path of the field
// (tiers[0].tier, revenue_yuan["2025"]) and why.
type Problem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ProfileError lists what is wrong with a profile (at most 10 problems). It
// unwraps to ErrInvalidProfile.
type ProfileError struct {
	Problems []Problem
}

func (e *ProfileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Field == "" {
			parts[i] = p.Reason
		} else {
			parts[i] = p.Field + ": " + p.Reason
		}
	}
	return ErrInvalidProfile.Error() + ": " + strings.Join(parts, "; ")
}

func (e *ProfileError) Unwrap() error { return ErrInvalidProfile }

func problem(field, format string, a ...any) error {
	return &ProfileError{Problems: []Problem{{Field: field, Reason: fmt.Sprintf(format, a...)}}}
}

// ParseProfile reads one profile (a single JSON object, at most 1 MiB) and
// validates it. Content errors are a *ProfileError naming the field and
// wrapping ErrInvalidProfile: unknown fields, keys written in another case
// ("ID"), repeated keys, invalid UTF-8, wrong JSON types, values outside
// the contract's enums, malformed dates and years, amounts < 0 or > 1e15, an
// empty id, trailing data. Read errors are returned wrapped as they are.
func ParseProfile(r io.Reader) (Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return Profile{}, fmt.Errorf("reading profile: %w", err)
	}
	if len(data) > maxProfileBytes {
		return Profile{}, problem("", "larger than %d bytes", maxProfileBytes)
	}
	return parseProfileBytes(data)
}

func parseProfileBytes(data []byte) (Profile, error) {
	var p Profile
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheet exports add a BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return p, problem("", "empty input: want a JSON object")
	}
	if err := checkKeys(data); err != nil {
		return Profile{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Profile{}, problem("", "unexpected data after the JSON object (one profile per file; a roster is an array or one object per line)")
	}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// checkKeys walks data's tokens before encoding/json decodes it, because
// the decoder is lenient where a profile must be exact: it matches keys
// case-insensitively ("ID" fills id), lets the last of two equal keys win,
// and turns invalid UTF-8 into U+FFFD. Each of these, and an unknown field,
// is a *ProfileError naming the field by its JSON path (tiers[0].kind,
// revenue_yuan["2025"]). Syntax errors are left to the decoder, whose
// messages say more; checkKeys then returns nil.
func checkKeys(data []byte) error {
	w := keyWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	w.dec.UseNumber()
	err := w.value(reflect.TypeFor[Profile](), "")
	if errors.Is(err, errSyntax) {
		return nil
	}
	return err
}

// errSyntax stops the walk at malformed JSON (the decoder reports it).
var errSyntax = errors.New("syntax")

type keyWalker struct {
	dec  *json.Decoder
	data []byte
}

// token reads the next token; the raw bytes it spans must be UTF-8, else
// the problem names field.
func (w *keyWalker) token(field string) (json.Token, error) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return nil, errSyntax
	}
	if !utf8.Valid(w.data[start:w.dec.InputOffset()]) {
		if field == "" {
			field = "(top level)"
		}
		return nil, problem(field, "not valid UTF-8 text")
	}
	return tok, nil
}

// value walks one JSON value that should decode into t (nil: unknown, any
// shape; objects in it are still checked for duplicate keys and UTF-8).
func (w *keyWalker) value(t reflect.Type, path string) error {
	tok, err := w.token(path)
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	kind := reflect.Invalid
	if t != nil {
		kind = t.Kind()
	}
	if d == '[' {
		var elem reflect.Type
		if kind == reflect.Slice {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := w.token(path)
		return err
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.token(path)
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var field string
		var ft reflect.Type
		switch kind {
		case reflect.Map:
			field, ft = fmt.Sprintf("%s[%q]", path, clip(key)), t.Elem()
		case reflect.Struct:
			field = joinPath(path, key)
			name, typ, exact := jsonField(t, key)
			switch {
			case exact:
				ft = typ
			case name != "":
				return problem(field, "unknown field; keys are case-sensitive: write %q", name)
			default:
				return problem(field, "unknown field (profile fields: %s)", knownFields)
			}
		default:
			field = joinPath(path, key)
		}
		if seen[key] {
			return problem(field, "duplicate key: each field may appear once")
		}
		seen[key] = true
		if err := w.value(ft, field); err != nil {
			return err
		}
	}
	_, err = w.token(path)
	return err
}

func joinPath(path, key string) string {
	if path == "" {
		return clip(key)
	}
	return path + "." + clip(key)
}

// jsonField finds key among struct t's JSON names: exactly (its type,
// exact) or only ignoring case (the name to write instead).
func jsonField(t reflect.Type, key string) (name string, typ reflect.Type, exact bool) {
	for f := range t.Fields() {
		n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case n == key:
			return n, f.Type, true
		case strings.EqualFold(n, key):
			name = n
		}
	}
	return name, nil, false
}

// knownFields lists the contract's fields for the unknown-field message
// (encoding/json does not say at which level the field was).
var knownFields = "id, name, chat_id, tiers[{tier, recognized, kind}], revenue_yuan, rd_spend_yuan, digital_investment_yuan, " +
	"loans[{product, interest_paid_yuan, lpr_interest_yuan, principal_yuan}], standards[{level, approved}], commercialization_rd_yuan"

// decodeError turns encoding/json's messages, which speak of Go types, into
// ones that name the JSON field.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	msg := err.Error()
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		want := "a " + te.Type.Kind().String()
		switch te.Type.Kind().String() {
		case "int64":
			want = "a whole number of yuan (integer, no quotes, no decimals)"
			if strings.HasSuffix(field, "chat_id") {
				want = "an integer chat id"
			}
		case "string":
			want = "a string"
		case "slice":
			want = "an array"
		case "map", "struct":
			want = "an object"
		}
		return problem(field, "got JSON %s, want %s", te.Value, want)
	case errors.As(err, &se):
		return problem("", "not valid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(msg, "json: "))
	case strings.Contains(msg, "unknown field "):
		name := msg[strings.Index(msg, "unknown field ")+len("unknown field "):]
		return problem(strings.Trim(name, `"`), "unknown field (profile fields: %s)", knownFields)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return problem("", "truncated JSON")
	}
	return problem("", "%s", strings.TrimPrefix(msg, "json: "))
}

// Validate checks the profile against the contract and returns a
// *ProfileError listing what is wrong, or nil.
func (p *Profile) Validate() error {
	var ps []Problem
	add := func(field, format string, a ...any) {
		if len(ps) < maxProblems {
			ps = append(ps, Problem{Field: field, Reason: fmt.Sprintf(format, a...)})
		}
	}
	switch {
	case strings.TrimSpace(p.ID) == "":
		add("id", "required, must not be empty (e.g. the unified social credit code)")
	case len(p.ID) > maxIDBytes || !utf8.ValidString(p.ID) || strings.ContainsFunc(p.ID, isControl):
		add("id", "at most %d bytes of printable text", maxIDBytes)
	}
	if len(p.Name) > maxNameBytes || !utf8.ValidString(p.Name) {
		add("name", "at most %d bytes of text", maxNameBytes)
	}
	if len(p.Tiers) > maxTiers {
		add("tiers", "at most %d entries", maxTiers)
	}
	for i, t := range p.Tiers {
		f := fmt.Sprintf("tiers[%d]", i)
		enum(add, f+".tier", t.Tier, tierChoices)
		enum(add, f+".kind", t.Kind, kindChoices)
		if t.Recognized != "" {
			date(add, f+".recognized", t.Recognized)
		}
	}
	years(add, "revenue_yuan", p.RevenueYuan)
	years(add, "rd_spend_yuan", p.RDSpendYuan)
	amount(add, "digital_investment_yuan", p.DigitalInvestmentYuan)
	amount(add, "commercialization_rd_yuan", p.CommercializationRDYuan)
	if len(p.Loans) > maxLoans {
		add("loans", "at most %d entries", maxLoans)
	}
	for i, l := range p.Loans {
		f := fmt.Sprintf("loans[%d]", i)
		enum(add, f+".product", l.Product, productChoices)
		amount(add, f+".interest_paid_yuan", l.InterestPaidYuan)
		amount(add, f+".lpr_interest_yuan", l.LPRInterestYuan)
		amount(add, f+".principal_yuan", l.PrincipalYuan)
	}
	if len(p.Standards) > maxStandards {
		add("standards", "at most %d entries", maxStandards)
	}
	for i, s := range p.Standards {
		f := fmt.Sprintf("standards[%d]", i)
		enum(add, f+".level", s.Level, levelChoices)
		if s.Approved != "" {
			date(add, f+".approved", s.Approved)
		}
	}
	if len(ps) > 0 {
		return &ProfileError{Problems: ps}
	}
	return nil
}

type addFunc func(field, format string, a ...any)

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func enum(add addFunc, field, v string, choices []string) {
	if v == "" {
		add(field, "required, one of %s", strings.Join(choices, " | "))
	} else if !slices.Contains(choices, v) {
		add(field, "%q is not one of %s", clip(v), strings.Join(choices, " | "))
	}
}

func date(add addFunc, field, v string) {
	if _, err := parseDate(v); err != nil {
		add(field, "%q is not a date YYYY-MM-DD (1990–2100)", clip(v))
	}
}

func amount(add addFunc, field string, v int64) {
	switch {
	case v < 0:
		add(field, "%d is negative; amounts are whole yuan ≥ 0", v)
	case v > policies.MaxYuan:
		add(field, "%d exceeds the limit of 1e15 yuan", v)
	}
}

func years(add addFunc, field string, m map[string]int64) {
	if len(m) > maxYears {
		add(field, "at most %d years", maxYears)
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same problem is reported first every time
	for _, y := range keys {
		f := fmt.Sprintf("%s[%q]", field, clip(y))
		if _, ok := parseYear(y); !ok {
			add(f, "the key must be a 4-digit year (1990–2100), e.g. \"2025\"")
			continue
		}
		amount(add, f, m[y])
	}
}

// parseDate reads YYYY-MM-DD as a UTC calendar day.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err == nil && (t.Year() < 1990 || t.Year() > 2100) {
		err = errors.New("year outside 1990–2100")
	}
	return t, err
}

// parseYear reads a 4-digit year key.
func parseYear(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	y, _ := strconv.Atoi(s)
	return y, y >= 1990 && y <= 2100
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// maxRosterLine bounds one JSONL record.
const maxRosterLine = maxProfileBytes

// ParseRoster reads many profiles: a JSON array of profile objects, or JSONL
// (one profile object per line; blank lines are skipped). Each record is
// checked as ParseProfile checks one, and ids must be unique. The first bad
// record stops the parse with an error that names it ("record 3" for an
// array, counting from 1; "line 7" for JSONL) and wraps ErrInvalidProfile.
func ParseRoster(r io.Reader) ([]Profile, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := firstNonSpace(br)
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty roster", ErrInvalidProfile)
	}
	if err != nil {
		return nil, fmt.Errorf("reading roster: %w", err)
	}
	seen := map[string]string{} // id → where it first appeared
	var out []Profile
	addProfile := func(where string, data []byte) error {
		p, err := parseProfileBytes(data)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if prev, dup := seen[p.ID]; dup {
			return fmt.Errorf("%s: %w: id: duplicate id %q (first at %s)", where, ErrInvalidProfile, clip(p.ID), prev)
		}
		seen[p.ID] = where
		out = append(out, p)
		return nil
	}
	if first == '[' {
		dec := json.NewDecoder(br)
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("%w: roster: %v", ErrInvalidProfile, err)
		}
		for i := 1; dec.More(); i++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fmt.Errorf("record %d: %w", i, decodeError(err))
			}
			if len(raw) > maxProfileBytes {
				return nil, fmt.Errorf("record %d: %w", i, problem("", "larger than %d bytes", maxProfileBytes))
			}
			if err := addProfile(fmt.Sprintf("record %d", i), raw); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("%w: roster: array not closed: %v", ErrInvalidProfile, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("%w: roster: unexpected data after the array", ErrInvalidProfile)
		}
		return out, nil
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64<<10), maxRosterLine)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := addProfile(fmt.Sprintf("line %d", line), b); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: roster: a line is longer than %d bytes", ErrInvalidProfile, maxRosterLine)
		}
		return nil, fmt.Errorf("reading roster: %w", err)
	}
	return out, nil
}

// firstNonSpace peeks at the first byte that is not JSON whitespace (or a
// UTF-8 byte order mark, which spreadsheet exports add), consuming the
// whitespace before it.
func firstNonSpace(br *bufio.Reader) (byte, error) {
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b, br.UnreadByte()
	}
}
