package knowledge

import (
	"context"
	"errors"
	"math"

	"github.com/philippgille/chromem-go"
)

// EmbeddingFunc turns a text into a vector: chromem-go's type, so any of its
// embedders fits too. The index L2-normalises whatever it returns, so any
// model or local function will do; it must be safe for concurrent use and
// return vectors of one fixed length. knowledge makes no network calls
// itself: a remote embedder (EMBEDDING_MODEL) is built by cmd/policybot and
// passed in with WithEmbedding.
type EmbeddingFunc = chromem.EmbeddingFunc

// DefaultEmbeddingDims is the size of the built-in hashed embedding.
const DefaultEmbeddingDims = 512

// LocalEmbedding returns the built-in offline embedder: the text's tokens
// (lexicon words, bigrams, English words) and its single Han characters are
// hashed with a sign bit into dims buckets (feature hashing), weighted
// 1 and 0.3, and the vector is L2-normalised. It needs no network and costs a
// few microseconds. Dimension 0 is reserved: a text without features maps to
// e0, which is orthogonal to every real text, so similarity is 0, not NaN.
func LocalEmbedding(dims int) EmbeddingFunc {
	if dims < 16 {
		dims = 16
	}
	return func(_ context.Context, text string) ([]float32, error) {
		v := make([]float32, dims)
		norm := Normalize(text)
		for _, t := range tokenize(norm) {
			addFeature(v, t, 1)
		}
		for _, r := range norm {
			if isHan(r) && !stopSet[r] {
				addFeature(v, string(r), 0.3)
			}
		}
		return unitVector(v), nil
	}
}

func addFeature(v []float32, f string, w float32) {
	x := uint32(2166136261) // FNV-1a, inlined: hash/fnv allocates per call
	for i := 0; i < len(f); i++ {
		x ^= uint32(f[i])
		x *= 16777619
	}
	i := 1 + int(x>>1)%(len(v)-1)
	if x&1 == 1 {
		w = -w
	}
	v[i] += w
}

// unitVector scales v to length 1 in place; the zero vector becomes e0.
func unitVector(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 || math.IsNaN(sum) || math.IsInf(sum, 0) {
		clear(v)
		if len(v) > 0 {
			v[0] = 1
		}
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}

// normalized wraps f so that every vector it returns is unit length: chromem
// assumes normalised vectors and we never let it fall back to its own
// (networked) default.
func normalized(f EmbeddingFunc) EmbeddingFunc {
	return func(ctx context.Context, text string) ([]float32, error) {
		v, err := f(ctx, text)
		if err != nil {
			return nil, err
		}
		if len(v) == 0 {
			return nil, errors.New("embedding: empty vector")
		}
		return unitVector(append([]float32(nil), v...)), nil
	}
}
