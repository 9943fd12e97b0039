package knowledge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"

	chromem "github.com/philippgille/chromem-go"

	"github.com/cdsme/policybot/policies"
)

// Defaults of the functional options.
const (
	// DefaultVectorWeight is the share of the vector similarity in the fused
	// score; the rest is BM25. The built-in embedder sees the same tokens as
	// BM25, so it mostly breaks ties and smooths partial matches.
	DefaultVectorWeight = 0.2
	// DefaultMoneyBoost multiplies the lexical score of clauses that state
	// amounts in 万元 when the question asks about money.
	DefaultMoneyBoost = 1.6
	// defaultConfidenceScale is the BM25 score at which the top hit's
	// displayed score reaches 1-1/e ≈ 0.63.
	defaultConfidenceScale = 6.0
)

// Field weights of the BM25F-style index: a clause's title and its section
// heading say what it is about more densely than its body.
const (
	weightBody    = 1.0
	weightTitle   = 2.0
	weightSection = 1.0
	weightDept    = 0.3
	// weightDoc spreads the document title over its clauses, so naming the
	// document (实施方案, 若干政策) does not favour the one clause that
	// happens to repeat the name in its text.
	weightDoc = 0.5
	bm25K1    = 1.2
	bm25B     = 0.75
)

// Index is the retrieval index over one corpus. It is immutable after New and
// safe for concurrent use.
type Index struct {
	opts    options
	clauses []policies.Clause
	bodies  []string // Clause.Body() of each clause
	money   []bool   // clause states an amount in 万元
	// BM25
	postings map[string][]posting
	idf      map[string]float64
	docLen   []float64
	avgLen   float64
	// vectors
	coll *chromem.Collection
	pos  map[string]int // clause id → index in clauses
	// quotes: each clause's sentences, tokenised once
	sentences [][]sentence
}

type posting struct {
	doc int
	tf  float64 // field-weighted term frequency
}

type options struct {
	embed        EmbeddingFunc
	local        bool
	vectorWeight float64
	moneyBoost   float64
}

// Option configures New.
type Option func(*options)

// WithEmbedding replaces the built-in local embedder, e.g. with a remote
// model's (cmd/policybot builds one for EMBEDDING_MODEL). The index
// normalises its vectors. A nil f keeps the
// default.
func WithEmbedding(f EmbeddingFunc) Option {
	return func(o *options) {
		if f != nil {
			o.embed, o.local = f, false
		}
	}
}

// WithVectorWeight sets the vector share of the fused score, clamped to
// [0,1]; 0 disables the vector index at query time.
func WithVectorWeight(w float64) Option {
	return func(o *options) { o.vectorWeight = math.Max(0, math.Min(1, w)) }
}

// ErrEmptyCorpus is returned by New for a corpus without clauses.
var ErrEmptyCorpus = errors.New("knowledge: corpus has no clauses")

// New builds the lexical and vector indexes over every clause of c. With the
// built-in embedder it does no I/O and takes about 10 ms (BenchmarkNew);
// with WithEmbedding it embeds each clause once through f, and fails, with
// the cause wrapped, if f does.
func New(c *policies.Corpus, opts ...Option) (*Index, error) {
	return NewContext(context.Background(), c, opts...)
}

// NewContext is New with a context for the embedding calls.
func NewContext(ctx context.Context, c *policies.Corpus, opts ...Option) (*Index, error) {
	o := options{embed: LocalEmbedding(DefaultEmbeddingDims), local: true, vectorWeight: DefaultVectorWeight, moneyBoost: DefaultMoneyBoost}
	for _, opt := range opts {
		opt(&o)
	}
	if c == nil || len(c.Clauses()) == 0 {
		return nil, ErrEmptyCorpus
	}
	ix := &Index{opts: o, clauses: c.Clauses(), postings: map[string][]posting{}, idf: map[string]float64{}}
	ix.buildLexical()
	ix.pos = make(map[string]int, len(ix.clauses))
	ix.sentences = make([][]sentence, len(ix.clauses))
	for i, cl := range ix.clauses {
		ix.pos[cl.ID] = i
		ix.sentences[i] = splitSentences(ix.bodies[i])
	}

	db := chromem.NewDB()
	coll, err := db.CreateCollection("clauses", nil, chromem.EmbeddingFunc(normalized(o.embed)))
	if err != nil {
		return nil, fmt.Errorf("knowledge: create vector collection: %w", err)
	}
	docs := make([]chromem.Document, len(ix.clauses))
	for i, cl := range ix.clauses {
		docs[i] = chromem.Document{ID: cl.ID, Content: cl.Title + "\n" + strings.Join(cl.Section, " ") + "\n" + ix.bodies[i]}
	}
	if err := coll.AddDocuments(ctx, docs, max(1, runtime.GOMAXPROCS(0))); err != nil {
		return nil, fmt.Errorf("knowledge: embed clauses: %w", err)
	}
	ix.coll = coll
	return ix, nil
}

func (ix *Index) buildLexical() {
	n := len(ix.clauses)
	ix.docLen = make([]float64, n)
	ix.money = make([]bool, n)
	ix.bodies = make([]string, n)
	df := map[string]int{}
	for d, cl := range ix.clauses {
		ix.bodies[d] = cl.Body() // a regexp inside: once per clause
		tf := map[string]float64{}
		add := func(text string, w float64) {
			for _, t := range clauseTokens(text) {
				tf[t] += w
				ix.docLen[d] += w
			}
		}
		add(ix.bodies[d], weightBody)
		add(cl.Title, weightTitle)
		if len(cl.Section) > 0 {
			add(cl.Section[len(cl.Section)-1], weightSection)
		}
		add(strings.Join(cl.Departments, " "), weightDept)
		add(cl.DocTitle, weightDoc)
		for t, f := range tf {
			ix.postings[t] = append(ix.postings[t], posting{doc: d, tf: f})
			df[t]++
		}
		ix.avgLen += ix.docLen[d]
		ix.money[d] = strings.Contains(ix.bodies[d], "万元")
	}
	ix.avgLen /= float64(n)
	for t, k := range df {
		ix.idf[t] = math.Log(1 + (float64(n)-float64(k)+0.5)/(float64(k)+0.5))
	}
}

// Count is the number of clauses indexed.
func (ix *Index) Count() int { return len(ix.clauses) }

// Result is the answer to one Search.
type Result struct {
	Question   string // as given
	Normalized string // Normalize(Question)
	Hits       []Hit  // best first, at most k; also filled when out of scope
	InScope    bool
	Reason     string // why out of scope, in Chinese; empty when in scope
	// Scope is "" when in scope, else which test put the question out:
	// ScopeEmpty, ScopeOtherPlace, ScopeOffTopic or ScopeWeak. Only for
	// ScopeWeak is the nearest clause (Hits[0]) worth naming, e.g. its
	// responsible departments; the others are not about these documents.
	Scope string
}

// Hit is one retrieved clause.
type Hit struct {
	ClauseID string
	// Score in [0,1]: the top hit's score is the retrieval confidence (how
	// much of the documents' vocabulary the question matched); the others
	// are scaled relative to it.
	Score float64
	// Quote is the clause's most relevant sentence(s), verbatim, at most
	// about MaxQuoteRunes runes (longer sentences are cut at a comma, then
	// marked with …).
	Quote string
}

// query is a question prepared for scoring.
type query struct {
	norm     string
	padded   string
	weights  map[string]float64 // token → query weight
	own      map[string]bool    // tokens the user wrote
	concepts []*compiledConcept
	money    bool
}

func prepare(question string) query {
	q := query{norm: Normalize(question), weights: map[string]float64{}, own: map[string]bool{}}
	q.padded = " " + strings.Join(englishWords(q.norm), " ") + " "
	for _, t := range tokenize(q.norm) {
		q.weights[t] = 1
		q.own[t] = true
	}
	q.concepts = matchConcepts(q.norm, q.padded)
	for _, c := range q.concepts {
		q.money = q.money || c.money
		for _, t := range c.expand {
			if q.weights[t] < expansionWeight {
				q.weights[t] = expansionWeight
			}
		}
	}
	return q
}

// embedText is what the vector index embeds for a question: with the local
// embedder the concept expansions are appended (it knows no synonyms); a
// real model gets the normalised question (bounded, simplified characters).
func (ix *Index) embedText(q query) string {
	if !ix.opts.local {
		return q.norm
	}
	var b strings.Builder
	b.WriteString(q.norm)
	for _, c := range q.concepts {
		for _, e := range c.expand {
			b.WriteByte(' ')
			b.WriteString(e)
		}
	}
	return b.String()
}

// Search ranks the clauses for question and returns at most k hits (k ≤ 0
// means 5). It fails only when ctx is done (the error wraps ctx.Err()); a
// custom embedder that fails on the question degrades the search to its
// lexical half instead of failing it.
func (ix *Index) Search(ctx context.Context, question string, k int) (Result, error) {
	if k <= 0 {
		k = 5
	}
	k = min(k, len(ix.clauses))
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("knowledge: search: %w", err)
	}
	q := prepare(question)
	res := Result{Question: question, Normalized: q.norm}

	lex, evidence := ix.bm25(q)
	var vec []float64
	if ix.opts.vectorWeight > 0 && len(q.weights) > 0 {
		var err error
		vec, err = ix.vectorScores(ctx, ix.embedText(q))
		if err != nil {
			if ctx.Err() != nil {
				return Result{}, err
			}
			// A remote embedder failing on one question (rate limit, network)
			// should not fail the question: BM25 alone is the answer.
			vec = nil
		}
	}

	v := judgeScope(q.norm, q.padded, q.concepts, evidence)
	res.InScope, res.Reason, res.Scope = v.in, v.reason, v.kind

	type scored struct {
		doc   int
		fused float64
		lex   float64
	}
	maxLex := 0.0
	for _, s := range lex {
		maxLex = math.Max(maxLex, s)
	}
	maxVec := 0.0
	for _, s := range vec {
		maxVec = math.Max(maxVec, s)
	}
	all := make([]scored, len(ix.clauses))
	for d := range ix.clauses {
		f := 0.0
		if maxLex > 0 {
			f += (1 - ix.opts.vectorWeight) * lex[d] / maxLex
		}
		if maxVec > 0 {
			f += ix.opts.vectorWeight * math.Max(0, vec[d]) / maxVec
		}
		all[d] = scored{doc: d, fused: f, lex: lex[d]}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].fused > all[j].fused })
	if all[0].fused <= 0 {
		return res, nil // nothing matched at all: no hits to show
	}
	conf := 1 - math.Exp(-maxLex/defaultConfidenceScale)
	if maxLex == 0 {
		conf = 0.2 * maxVec // only the vector side matched: weak by construction
	}
	for _, s := range all[:k] {
		if s.fused <= 0 {
			break
		}
		res.Hits = append(res.Hits, Hit{
			ClauseID: ix.clauses[s.doc].ID,
			Score:    math.Round(conf*s.fused/all[0].fused*1000) / 1000,
			Quote:    ix.quote(s.doc, q),
		})
	}
	return res, nil
}

// bm25 returns the field-weighted BM25 score of every clause, with the money
// boost applied, and the lexical evidence of the user's own words for scope
// detection.
//
// The user's own tokens add up as in plain BM25. A matched concept counts as
// about one term, however many expansion tokens it has: per clause it adds
// expansionWeight × (its best expansion token's score + a quarter of the
// rest). Summing all expansions would let a concept with a long expansion
// list outvote the words the user actually typed.
func (ix *Index) bm25(q query) (scores []float64, evidence float64) {
	n := len(ix.clauses)
	scores = make([]float64, n)
	add := func(dst []float64, t string, w float64) {
		idf := ix.idf[t]
		for _, p := range ix.postings[t] {
			norm := bm25K1 * (1 - bm25B + bm25B*ix.docLen[p.doc]/ix.avgLen)
			dst[p.doc] += w * idf * p.tf * (bm25K1 + 1) / (p.tf + norm)
		}
	}
	for t := range q.own {
		idf, ok := ix.idf[t]
		if !ok {
			continue
		}
		if lexiconSet[t] {
			evidence += idf
		} else {
			evidence += idf / 3
		}
		add(scores, t, 1)
	}
	sum := make([]float64, n)
	best := make([]float64, n)
	one := make([]float64, n)
	for _, c := range q.concepts {
		clear(sum)
		clear(best)
		for _, t := range c.expand {
			if q.own[t] {
				continue
			}
			clear(one)
			add(one, t, 1)
			for d, s := range one {
				sum[d] += s
				best[d] = math.Max(best[d], s)
			}
		}
		w := expansionWeight
		if c.weight > 0 {
			w = c.weight
		}
		for d := range scores {
			scores[d] += w * (best[d] + 0.25*(sum[d]-best[d]))
		}
	}
	if q.money && ix.opts.moneyBoost > 1 {
		for d := range scores {
			if ix.money[d] {
				scores[d] *= ix.opts.moneyBoost
			}
		}
	}
	return scores, evidence
}

// vectorScores returns the cosine similarity of every clause to text.
func (ix *Index) vectorScores(ctx context.Context, text string) ([]float64, error) {
	n := ix.coll.Count()
	if n == 0 {
		return nil, nil
	}
	emb, err := normalized(ix.opts.embed)(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("knowledge: embed question: %w", err)
	}
	rs, err := ix.coll.QueryEmbedding(ctx, emb, n, nil, nil) // nResults must be ≤ Count()
	if err != nil {
		return nil, fmt.Errorf("knowledge: vector query: %w", err)
	}
	out := make([]float64, len(ix.clauses))
	for _, r := range rs {
		if i, ok := ix.pos[r.ID]; ok && !math.IsNaN(float64(r.Similarity)) {
			out[i] = float64(r.Similarity)
		}
	}
	return out, nil
}
