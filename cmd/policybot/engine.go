package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/knowledge"
	"github.com/cdsme/policybot/policies"
)

// config is the environment, read once (DESIGN.md, "Environment").
type config struct {
	openAIKey, openAIBase, openAIModel string
	embeddingModel                     string
	issued                             time.Time
}

func readConfig(getenv func(string) string) (config, error) {
	c := config{
		openAIKey:      getenv("OPENAI_API_KEY"),
		openAIBase:     getenv("OPENAI_BASE_URL"),
		openAIModel:    getenv("OPENAI_MODEL"),
		embeddingModel: getenv("EMBEDDING_MODEL"),
	}
	if s := getenv("POLICY_ISSUED"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return c, usagef("POLICY_ISSUED=%q: want a date as YYYY-MM-DD", s)
		}
		c.issued = t
	}
	if c.embeddingModel != "" && c.openAIKey == "" && c.openAIBase == "" {
		return c, usagef("EMBEDDING_MODEL is set but neither OPENAI_BASE_URL nor OPENAI_API_KEY: no embeddings API to call")
	}
	return c, nil
}

// newIndex builds the retrieval index over the embedded corpus.
func newIndex(ctx context.Context, cfg config) (*policies.Corpus, *knowledge.Index, error) {
	corpus, err := policies.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("load corpus: %w", err)
	}
	var opts []knowledge.Option
	if cfg.embeddingModel != "" {
		base := cfg.openAIBase
		if base == "" {
			base = "https://api.openai.com/v1"
		}
		opts = append(opts, knowledge.WithEmbedding(openAIEmbedding(base, cfg.openAIKey, cfg.embeddingModel)))
	}
	ix, err := knowledge.NewContext(ctx, corpus, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("build index: %w", err)
	}
	return corpus, ix, nil
}

// newEngine builds the offline engine used by ask and eval.
func newEngine(ctx context.Context, getenv func(string) string, stderr io.Writer) (*bot.Engine, error) {
	cfg, err := readConfig(getenv)
	if err != nil {
		return nil, err
	}
	corpus, ix, err := newIndex(ctx, cfg)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := []bot.Option{bot.WithLogger(log)}
	if !cfg.issued.IsZero() {
		opts = append(opts, bot.WithIssued(cfg.issued))
	}
	return bot.NewEngine(corpus, ix, opts...), nil
}
