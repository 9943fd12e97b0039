// Package knowledge is the retrieval layer of policybot: it normalises
// questions (traditional→simplified, full-width→half-width, case, spacing),
// segments them with a domain lexicon plus character bigrams, expands
// colloquial Chinese and English through a concept table into the documents'
// vocabulary, ranks clauses with a field-weighted BM25 index fused with a
// chromem-go vector index, picks a quote, and decides whether a question is
// within the two Chengdu documents at all.
//
// Everything is built in memory from a policies.Corpus in about 10 ms, so the
// command line can build the index on every start. An Index is immutable
// after New and safe for concurrent use.
//
// Ranking: the user's own tokens score as BM25 over clause body, title
// (×2), section heading, departments and document title (BM25F-style field
// weights); each matched concept adds about one term's worth from its
// expansions; questions about money multiply clauses stating 万元 amounts by
// DefaultMoneyBoost (附件2 carries the money, 附件1 the intentions). The
// vector similarity (chromem-go, local hashed embedding or an
// OpenAI-compatible model) is fused by weight, DefaultVectorWeight.
//
// Tuning: the question tables in questions*_test.go are the regression set
// (TestRetrievalAccuracy lists every miss). To see why a question ranks as it
// does, run
//
//	KQ='问题一|question two' go test ./knowledge -run TestDebugQuery -v
//
// which prints the matched concepts, the user's tokens, and per hit the
// lexical score, matched tokens and quote. Most fixes belong in the concept
// table (concepts.go) or the lexicon (lexicon.go), not in weights.
package knowledge
