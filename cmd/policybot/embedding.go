package main

import (
	"context"
	"fmt"

	openai "github.com/sashabaranov/go-openai"

	"github.com/cdsme/policybot/knowledge"
)

// openAIEmbedding is the vector index's embedder for EMBEDDING_MODEL: an
// OpenAI-compatible /embeddings endpoint (OpenAI, DeepSeek, Qwen, Ollama …)
// at baseURL ("" means OpenAI's), with OPENAI_API_KEY. knowledge takes it
// as a plain EmbeddingFunc and stays free of network code. Each call is one
// HTTP request; errors name the model.
func openAIEmbedding(baseURL, apiKey, model string) knowledge.EmbeddingFunc {
	cfg := openai.DefaultConfig(apiKey)
	if baseURL != "" {
		cfg.BaseURL = baseURL
	}
	client := openai.NewClientWithConfig(cfg)
	return func(ctx context.Context, text string) ([]float32, error) {
		if text == "" {
			text = " " // the API rejects empty input
		}
		resp, err := client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
			Input: []string{text},
			Model: openai.EmbeddingModel(model),
		})
		if err != nil {
			return nil, fmt.Errorf("embedding model %s: %w", model, err)
		}
		if len(resp.Data) == 0 || len(resp.Data[0].Embedding) == 0 {
			return nil, fmt.Errorf("embedding model %s: empty response", model)
		}
		return resp.Data[0].Embedding, nil
	}
}
