package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/cdsme/policybot/bot"
)

// Chat sessions are the server's: a random id, signed with the secret, in
// an HttpOnly SameSite cookie. A request without a valid cookie gets a new
// session; an id chosen by the client is never used.

// The /api/* limit per client address as cmd wires it: AddressRate
// requests a minute, in bursts of up to AddressBurst (an office behind one
// NAT address shares it; one session alone is held to the engine's 20).
const (
	AddressRate  = 120
	AddressBurst = 60
)

// sessionMACLen is the bytes of HMAC-SHA256 a session cookie carries.
const sessionMACLen = 16

// chatSession returns the id of the request's signed session cookie, or
// issues a new session (setting the cookie) when there is none or its
// signature does not match.
func (s *Server) chatSession(w http.ResponseWriter, r *http.Request) string {
	if id, ok := s.sessionFromCookie(r); ok {
		return id
	}
	return s.newChatSession(w, r)
}

// sessionFromCookie returns the id of a validly signed session cookie.
func (s *Server) sessionFromCookie(r *http.Request) (string, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return "", false
	}
	id, mac, ok := strings.Cut(c.Value, ".")
	if !ok || id == "" || len(id) > maxSessionLen {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil || !hmac.Equal(got, s.sessionMAC(id)) {
		return "", false
	}
	return id, true
}

// newChatSession issues a new session id in a fresh cookie.
func (s *Server) newChatSession(w http.ResponseWriter, r *http.Request) string {
	id := newSessionID()
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    id + "." + base64.RawURLEncoding.EncodeToString(s.sessionMAC(id)),
		Path:     "/",
		MaxAge:   sessionCookieMaxAge,
		HttpOnly: true,
		Secure:   isHTTPS(r),
		SameSite: http.SameSiteLaxMode,
	})
	return id
}

func (s *Server) sessionMAC(id string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("policybot web session v1\x00"))
	m.Write([]byte(id))
	return m.Sum(nil)[:sessionMACLen]
}

// newSessionID returns 128 random bits, base64url (22 characters).
func newSessionID() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// userRef is what logs say of a web session: the engine's user hash
// (bot.HashUser with the same secret), never the id, which is enough to
// call /api/forget.
func (s *Server) userRef(session string) string {
	return bot.HashUser(Channel, session, string(s.secret))
}

// addrRef is what logs and limiter keys say of a client address: a keyed
// hash, like user ids.
func (s *Server) addrRef(addr string) string {
	return bot.HashUser("addr", addr, string(s.secret))
}

// clientAddr is the address requests are limited by: the value of the
// trusted proxy header when one is configured and present (its last entry,
// the one the proxy itself added), else the socket address. IPv6 addresses
// count by their /64, which one subscriber usually holds whole.
func (s *Server) clientAddr(r *http.Request) string {
	if s.proxyHeader != "" {
		if vs := r.Header.Values(s.proxyHeader); len(vs) > 0 {
			v := vs[len(vs)-1]
			if i := strings.LastIndexByte(v, ','); i >= 0 {
				v = v[i+1:]
			}
			if a, ok := parseAddr(strings.TrimSpace(v)); ok {
				return a
			}
		}
	}
	if a, ok := parseAddr(r.RemoteAddr); ok {
		return a
	}
	return r.RemoteAddr
}

// parseAddr reads "ip", "ip:port" or "[ip]:port" into the limiter's form.
func parseAddr(v string) (string, bool) {
	ip, err := netip.ParseAddr(v)
	if err != nil {
		host, _, serr := net.SplitHostPort(v)
		if serr != nil {
			return "", false
		}
		if ip, err = netip.ParseAddr(host); err != nil {
			return "", false
		}
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String(), true
	}
	return ip.String(), true
}

// addressAllowed takes one request from the client address's allowance;
// when it is spent the request is answered 429 here. A limiter failure lets
// the request through (logged), as the engine's per-session limit does.
func (s *Server) addressAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.addrLimiter == nil {
		return true
	}
	ref := s.addrRef(s.clientAddr(r))
	ok, retry, err := s.addrLimiter.Allow(r.Context(), "web:addr:"+ref)
	switch {
	case err != nil:
		s.log.WarnContext(r.Context(), "web address limiter unavailable; allowing", "err", err)
		return true
	case !ok:
		s.log.InfoContext(r.Context(), "web address rate limited", "addr", ref)
		w.Header().Set("Retry-After", seconds(retry))
		writeError(w, http.StatusTooManyRequests, "提问太频繁了，请稍等片刻再问。")
		return false
	}
	return true
}

// seconds is a Retry-After value: whole seconds, rounded up, at least 1.
func seconds(d time.Duration) string {
	return strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
}

// randomSecret is the key used when no secret is configured: sessions then
// end with the process.
func randomSecret() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// LoginLimiter limits staff token guesses per client address (see
// WithLoginLimiter); bot/redisstore.RateLimiter is one.
type LoginLimiter interface {
	bot.RateLimiter
	// Refund gives back one request taken for key.
	Refund(ctx context.Context, key string) error
}

// StaffSessions stores staff console sessions server-side (see
// WithStaffSessions); bot/redisstore.StaffSessions is one.
type StaffSessions interface {
	// Create starts a session holding value for ttl and returns its id.
	Create(ctx context.Context, value string, ttl time.Duration) (string, error)
	// Get returns a live session's value; ok is false for an unknown,
	// expired or deleted id.
	Get(ctx context.Context, id string) (value string, ok bool, err error)
	// Delete ends a session.
	Delete(ctx context.Context, id string) error
}
