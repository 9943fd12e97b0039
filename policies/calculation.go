package policies

// Calculation is the receipt of one calculator run: the amount, the inputs it
// used, every step in words a user can follow, and the cited parameters. The
// JSON field names rule, clause, amount_yuan, inputs and steps are a contract
// (DESIGN.md, `ask --json`). Steps, Notes, Title and NearMiss.Advice are
// written in Chinese; Localized("en") gives them in English (english.go).
type Calculation struct {
	Rule       string         `json:"rule"`
	Clause     string         `json:"clause"`
	Title      string         `json:"title,omitempty"` // what the amount is, e.g. 研发投入增量补助
	AmountYuan int64          `json:"amount_yuan"`
	Kind       AmountKind     `json:"kind"`
	Inputs     map[string]any `json:"inputs"`
	Steps      []string       `json:"steps"`
	Params     []ParamRef     `json:"params,omitempty"`
	NearMiss   *NearMiss      `json:"near_miss,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
	// Dates carries the dates a non-money receipt computes (effective_date:
	// issued, effective, expires as YYYY-MM-DD).
	Dates map[string]string `json:"dates,omitempty"`
}

// AmountKind says how far an amount can be relied on.
type AmountKind string

const (
	KindComputed AmountKind = "computed" // a formula applied to the user's figures
	KindFixed    AmountKind = "fixed"    // a fixed sum the clause states
	KindMaximum  AmountKind = "maximum"  // an upper limit; the actual award is decided case by case
	KindUnstated AmountKind = "unstated" // the clause promises support but states no amount (AmountYuan is 0)
)

// ParamRef is a parameter a calculation used, with its citation.
type ParamRef struct {
	Name   string `json:"name"`
	Clause string `json:"clause"`
	Quote  string `json:"quote"`
	Value  int64  `json:"value"`
	Unit   string `json:"unit"`
}

// NearMiss tells an enterprise what it would take to reach the next step.
type NearMiss struct {
	GapYuan  int64  `json:"gap_yuan"`
	GainYuan int64  `json:"gain_yuan"`
	Advice   string `json:"advice"` // e.g. 再增加170万研发投入可多得20万
}
