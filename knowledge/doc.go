// Package knowledge is the retrieval layer of policybot: it normalises
// questions (traditional→simplified, full-width→half-width, case, spacing),
// segments them with a domain lexicon plus character bigrams, expands
// colloquial Chinese and English through a concept table into the documents'
// vocabulary, ranks clauses with a field-weighted BM25 index fused with a
// chromem-go vector index, picks a quote, and decides whether a question is
// within the two Chengdu documents at all.
//
// Everything is built in memory from a policies.Corpus in well under a
// millisecond-scale budget, so the command line can build the index on every
// start. An Index is immutable after New and safe for concurrent use.
package knowledge
