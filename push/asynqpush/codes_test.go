package asynqpush

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cdsme/policybot/push"
)

func TestBindingCodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		now := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
		if _, err := s.Import(ctx, []push.Profile{{ID: "A", Name: "甲"}, {ID: "B", Name: "乙"}}); err != nil {
			t.Fatal(err)
		}
		codes, missing, err := s.IssueCodes(ctx, []string{"A", "B", "NOPE"}, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != 2 || len(missing) != 1 || missing[0] != "NOPE" || codes[0].Name != "甲" || !codes[0].Expires.Equal(now.Add(DefaultCodeTTL)) {
			t.Fatalf("codes %+v missing %v", codes, missing)
		}
		codeA, codeB := codes[0].Code, codes[1].Code
		if _, ok := NormalizeCode(strings.ToLower(codeA)); !ok || codeA == codeB {
			t.Fatalf("codes %q %q", codeA, codeB)
		}
		// Only hashes are stored.
		keys, _ := b.RDB.Keys(ctx, keyPrefix+"*").Result()
		for _, k := range keys {
			if strings.Contains(k, strings.ReplaceAll(codeA, "-", "")) {
				t.Errorf("key %s holds the code", k)
			}
		}
		// A's code, reissued: the first one is void.
		again, _, _ := s.IssueCodes(ctx, []string{"A"}, now, time.Hour)
		codeA2 := again[0].Code
		for _, tc := range []struct {
			name  string
			code  string
			chat  int64
			forID string
			at    time.Time
			want  error
			owner string // then the owner of "A" or "B" (id:chat)
		}{
			{"voided by a newer code", codeA, 5, "", now, ErrCodeInvalid, ""},
			{"garbage", "hello", 5, "", now, ErrCodeInvalid, ""},
			{"expired", codeA2, 5, "", now.Add(time.Hour), ErrCodeExpired, ""},
			{"for another enterprise", codeB, 5, "A", now, ErrCodeOtherEnterprise, ""},
			{"bound, typed in lower case", strings.ToLower(codeB), 5, "B", now.Add(29 * 24 * time.Hour), nil, "B:5"},
			{"used", codeB, 6, "", now, ErrCodeInvalid, "B:5"},
		} {
			id, err := s.Redeem(ctx, tc.code, tc.chat, tc.forID, tc.at)
			if !errors.Is(err, tc.want) || (err == nil && id != "B") {
				t.Errorf("%s: Redeem = %q, %v; want %v", tc.name, id, err, tc.want)
			}
			if tc.owner != "" {
				eid, chat, _ := strings.Cut(tc.owner, ":")
				r, err := s.Record(ctx, eid)
				if err != nil || r.Owner != int64(chat[0]-'0') || r.Profile.ChatID != r.Owner {
					t.Errorf("%s: record %+v %v, want owner and chat %s", tc.name, r, err, chat)
				}
			}
		}
		// A new code moves B to chat 6; chat 5 loses it.
		c, _, _ := s.IssueCodes(ctx, []string{"B"}, now, 0)
		if _, err := s.Redeem(ctx, c[0].Code, 6, "", now); err != nil {
			t.Fatal(err)
		}
		if ps, _ := s.ByChat(ctx, 5); len(ps) != 0 {
			t.Errorf("chat 5 still has %v", ids(ps))
		}
		if r, _ := s.Record(ctx, "B"); r.Owner != 6 || r.Profile.ChatID != 6 || r.Version != 3 {
			t.Errorf("B after the move: %+v", r)
		}
	})
}
