package web

import (
	"errors"
	"strconv"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/prometheus/client_golang/prometheus"
)

// Metric names (exported so dashboards and tests can refer to them).
const (
	MetricAnswers      = "policybot_answers_total"
	MetricAnswerTime   = "policybot_answer_seconds"
	MetricLLMFallbacks = "policybot_llm_fallbacks_total"
	MetricFeedback     = "policybot_feedback_total"
	MetricFeedbackTaps = "policybot_feedback_taps_total"
)

// Answer modes used as the "mode" label of policybot_answers_total (the
// engine's Exchange.Mode values; "none" for engine errors).
const (
	ModeOffline = "offline" // extractive answer + calculators, no language model
	ModeLLM     = "llm"     // composed by an OpenAI-compatible model
)

// Feedback verdicts used as the "verdict" label of policybot_feedback_total.
const (
	VerdictUp    = "up"
	VerdictDown  = "down"
	VerdictOther = "other"
)

// AnswerBuckets are the histogram buckets of policybot_answer_seconds: fine
// below 10 ms (offline answers take ~2 ms) and up to 30 s for LLM answers.
var AnswerBuckets = []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Metrics holds the policybot Prometheus metrics. It implements bot.Observer:
// give one value to the engine (bot.WithObserver), the web server
// (WithMetrics) and the Telegram adapter.
// All methods are safe on a nil *Metrics (they do nothing), so callers need
// not check whether metrics are enabled.
type Metrics struct {
	answers   *prometheus.CounterVec // channel, answered, mode
	latency   prometheus.Histogram   // seconds per answer
	fallbacks *prometheus.CounterVec // reason
	feedback  *prometheus.CounterVec // verdict: votes recorded
	taps      *prometheus.CounterVec // verdict: signed taps, replays included
}

// NewMetrics creates the metrics and registers them on reg. Calling it twice
// with the same registerer is fine: the already registered collectors are
// reused, so every *Metrics made for one registry counts into the same series.
// A nil reg gives working but unregistered metrics.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricAnswers,
			Help: "Answers given, by channel, whether the documents covered the question (true/false, or error when the engine failed) and answer mode.",
		}, []string{"channel", "answered", "mode"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    MetricAnswerTime,
			Help:    "Time to produce one answer, in seconds.",
			Buckets: AnswerBuckets,
		}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricLLMFallbacks,
			Help: "Answers that fell back from the language model to the offline composer, by reason.",
		}, []string{"reason"}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFeedback,
			Help: "Feedback votes recorded, by verdict: one per exchange; a changed vote counts again under its new verdict; replays and refused taps are not counted.",
		}, []string{"verdict"}),
		taps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFeedbackTaps,
			Help: "Feedback button taps with a valid signature, by verdict (up, down, other), replays included.",
		}, []string{"verdict"}),
	}
	if reg != nil {
		m.answers = register(reg, m.answers)
		m.latency = register(reg, m.latency)
		m.fallbacks = register(reg, m.fallbacks)
		m.feedback = register(reg, m.feedback)
		m.taps = register(reg, m.taps)
	}
	// Export the verdict series at 0 from the start, so rates work at once.
	for _, v := range []string{VerdictUp, VerdictDown} {
		m.feedback.WithLabelValues(v)
		m.taps.WithLabelValues(v)
	}
	return m
}

// register registers c, or returns the collector already registered under the
// same description.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err) // a different collector under our name: a wiring bug
	}
	return c
}

// The methods below make *Metrics a bot.Observer, so cmd can hand it to the
// engine (bot.WithObserver): the engine knows the answer mode, the fallback
// reason and the feedback verdict.
var _ bot.Observer = (*Metrics)(nil)

// Answered counts one answer and records how long it took. channel is "web",
// "telegram" or "cli"; mode is the engine's answer mode ("offline", "llm",
// "llm_fallback").
func (m *Metrics) Answered(channel string, answered bool, mode string, latency time.Duration) {
	if m == nil {
		return
	}
	m.answers.WithLabelValues(channel, strconv.FormatBool(answered), labelOr(mode, ModeOffline)).Inc()
	m.latency.Observe(latency.Seconds())
}

// Fallback counts an answer composed offline because the language model
// failed or was refused; reason is a short fixed word such as "timeout",
// "error", "rate_limited", "invalid_output" (keep the set small: it is a label).
func (m *Metrics) Fallback(reason string) {
	if m == nil {
		return
	}
	m.fallbacks.WithLabelValues(labelOr(reason, "unknown")).Inc()
}

// Feedback counts one feedback tap with a valid signature, replays
// included (policybot_feedback_taps_total): the engine reports taps before
// it knows whether they change a vote. Verdicts other than VerdictUp and
// VerdictDown are counted as VerdictOther.
func (m *Metrics) Feedback(verdict string) {
	if m == nil {
		return
	}
	m.taps.WithLabelValues(NormalizeVerdict(verdict)).Inc()
}

// Vote counts one vote the conversation log recorded
// (policybot_feedback_total): wire it as the log's OnFeedback
// (redisstore.Options), which reports first and changed votes only.
func (m *Metrics) Vote(verdict string) {
	if m == nil {
		return
	}
	m.feedback.WithLabelValues(NormalizeVerdict(verdict)).Inc()
}

// Failed counts a message the engine could not answer at all (it returned an
// error): answered="error", mode="none". The engine does not report these, so
// channels call it.
func (m *Metrics) Failed(channel string, latency time.Duration) {
	if m == nil {
		return
	}
	m.answers.WithLabelValues(channel, "error", "none").Inc()
	m.latency.Observe(latency.Seconds())
}

func labelOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// NormalizeVerdict maps a verdict to VerdictUp, VerdictDown or VerdictOther.
func NormalizeVerdict(v string) string {
	switch v {
	case VerdictUp, "👍", "+1", "yes", "helpful":
		return VerdictUp
	case VerdictDown, "👎", "-1", "no", "unhelpful":
		return VerdictDown
	}
	return VerdictOther
}
