package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// TestOpenAIEmbedding runs the index on an OpenAI-compatible embeddings
// server on loopback: requests carry the model and key, the vectors it
// returns are used (normalised by the index), and a failing server fails
// the index build with the cause wrapped and the model named.
func TestOpenAIEmbedding(t *testing.T) {
	local := knowledge.LocalEmbedding(knowledge.DefaultEmbeddingDims)
	var mu sync.Mutex
	var models []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer test-key" {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusUnauthorized)
			return
		}
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		models = append(models, req.Model)
		mu.Unlock()
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		resp := struct {
			Object string `json:"object"`
			Data   []item `json:"data"`
			Model  string `json:"model"`
		}{Object: "list", Model: req.Model}
		for i, in := range req.Input {
			v, _ := local(r.Context(), in)
			for j := range v {
				v[j] *= 3 // not unit length: the index must normalise
			}
			resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: v})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()

	ix, err := knowledge.New(policies.MustDefault(), knowledge.WithEmbedding(openAIEmbedding(srv.URL+"/v1", "test-key", "test-embed")), knowledge.WithVectorWeight(1))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), "壮大贷贴息", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || !slices.Contains([]string{"policy/6", "plan/9"}, res.Hits[0].ClauseID) {
		t.Errorf("vector-only hits %v", res.Hits)
	}
	mu.Lock()
	got := slices.Compact(slices.Sorted(slices.Values(models)))
	mu.Unlock()
	if diff := cmp.Diff([]string{"test-embed"}, got); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}

	_, err = knowledge.New(policies.MustDefault(), knowledge.WithEmbedding(openAIEmbedding(srv.URL+"/v1", "wrong-key", "test-embed")))
	if err == nil || !strings.Contains(err.Error(), "test-embed") {
		t.Fatalf("bad key: err = %v", err)
	}
}
