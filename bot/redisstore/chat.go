package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
)

// ChatMemory is the Redis bot.ChatMemory: one JSON string per chat, with a TTL.
type ChatMemory struct {
	rdb redis.UniversalClient
}

var _ bot.ChatMemory = (*ChatMemory)(nil)

// NewChatMemory returns the chat memory on rdb.
func NewChatMemory(rdb redis.UniversalClient) *ChatMemory { return &ChatMemory{rdb: rdb} }

// Load returns the chat's context, or the zero value when none is kept.
func (m *ChatMemory) Load(ctx context.Context, chatHash string) (bot.ChatContext, error) {
	b, err := m.rdb.Get(ctx, chatKey(chatHash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return bot.ChatContext{}, nil
	}
	if err != nil {
		return bot.ChatContext{}, fmt.Errorf("redisstore: load chat: %w", err)
	}
	var c bot.ChatContext
	if err := json.Unmarshal(b, &c); err != nil {
		return bot.ChatContext{}, fmt.Errorf("redisstore: load chat: %w", err)
	}
	return c, nil
}

// Save keeps the context for ttl (bot.DefaultChatTTL when ttl <= 0). The
// text in it is masked first (bot.MaskChatContext): Redis never holds a raw
// phone or ID number.
func (m *ChatMemory) Save(ctx context.Context, chatHash string, c bot.ChatContext, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = bot.DefaultChatTTL
	}
	b, err := json.Marshal(bot.MaskChatContext(c))
	if err != nil {
		return fmt.Errorf("redisstore: save chat: %w", err)
	}
	if err := m.rdb.Set(ctx, chatKey(chatHash), b, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: save chat: %w", err)
	}
	return nil
}

// Delete forgets the chat's context.
func (m *ChatMemory) Delete(ctx context.Context, chatHash string) error {
	if err := m.rdb.Del(ctx, chatKey(chatHash)).Err(); err != nil {
		return fmt.Errorf("redisstore: delete chat: %w", err)
	}
	return nil
}
