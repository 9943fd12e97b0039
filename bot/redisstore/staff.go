package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// StaffSessions keeps staff console sessions: the browser's cookie holds a
// random id (256 bits), Redis a value under the id's hash with a TTL. A
// session ends when its TTL runs out or when it is deleted (logout), on
// every replica at once.
type StaffSessions struct {
	rdb redis.UniversalClient
}

// NewStaffSessions returns the staff session store on rdb.
func NewStaffSessions(rdb redis.UniversalClient) *StaffSessions { return &StaffSessions{rdb: rdb} }

// Create starts a session holding value for ttl and returns its id.
func (s *StaffSessions) Create(ctx context.Context, value string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", errors.New("redisstore: staff session: ttl must be positive")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("redisstore: staff session: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(b[:])
	if err := s.rdb.Set(ctx, staffSessionKey(hashID(id)), value, ttl).Err(); err != nil {
		return "", fmt.Errorf("redisstore: staff session: %w", err)
	}
	return id, nil
}

// Get returns the value of a live session; ok is false when the id was
// never issued, has expired or was deleted.
func (s *StaffSessions) Get(ctx context.Context, id string) (value string, ok bool, err error) {
	v, err := s.rdb.Get(ctx, staffSessionKey(hashID(id))).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("redisstore: staff session: %w", err)
	}
	return v, true, nil
}

// Delete ends a session (logout); an unknown id is not an error.
func (s *StaffSessions) Delete(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, staffSessionKey(hashID(id))).Err(); err != nil {
		return fmt.Errorf("redisstore: staff session: %w", err)
	}
	return nil
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}
