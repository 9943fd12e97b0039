package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/cache"

	"github.com/cdsme/policybot/bot"
)

// Defaults, named so that operators and tests can see what they get.
const (
	// DefaultPath is where the callback is served (WECHAT_PATH unset).
	DefaultPath = "/wechat"
	// DefaultPassiveWait is how long a callback waits for its answer to
	// reply passively (in the HTTP response). WeChat gives up after 5 s and
	// retries; an answer not ready by then goes through the
	// customer-service message API instead.
	DefaultPassiveWait = 4 * time.Second
	// DefaultMaxSkew bounds how far a callback's signed timestamp may be
	// from the server's clock: an older signed URL is refused (a replay).
	DefaultMaxSkew = 10 * time.Minute
	// DefaultHandleTimeout bounds the work for one message (engine call
	// and every send).
	DefaultHandleTimeout = 2 * time.Minute
	// DefaultDedupMemory is how many callbacks (by MsgId, or sender and
	// time for events) the adapter remembers, so WeChat's retries of one
	// message are answered once.
	DefaultDedupMemory = 4096
	// MaxTextBytes bounds one text message, passive or custom, in UTF-8
	// bytes: WeChat allows 2048 bytes per text; the rest is margin.
	MaxTextBytes = 2000
	// MaxParts is how many messages one reply may take: one passive reply
	// plus four customer-service messages stays within the five custom
	// messages WeChat allows after a user's message. A longer reply is cut
	// and a note says so.
	MaxParts = 5
	// DefaultAPITimeout bounds one call to the WeChat API.
	DefaultAPITimeout = 15 * time.Second
	// maxBody bounds one callback body; WeChat's are a few kB.
	maxBody = 256 << 10
)

// Config is the account: WECHAT_APPID, WECHAT_SECRET, WECHAT_TOKEN,
// WECHAT_AES_KEY, WECHAT_PATH, WECHAT_API_URL.
type Config struct {
	AppID  string // the Official Account's AppID
	Secret string // AppSecret, for the access token (customer-service messages, menu)
	Token  string // the callback Token set in the account's server configuration
	// AESKey is the EncodingAESKey (43 characters). Set, callbacks must be
	// in safe mode (encrypt_type=aes; compatible mode sends that too) and
	// plain ones are refused; unset, only plain mode is accepted.
	AESKey string
	Path   string // callback path; DefaultPath when empty
	// APIURL replaces https://api.weixin.qq.com (a private gateway or a
	// test fake). Empty: the public API.
	APIURL string
}

var (
	pathPattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+/?$`)
	appIDFormat = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	tokenFormat = regexp.MustCompile(`^[A-Za-z0-9]{3,32}$`)
)

// ConfigFromEnv reads the WECHAT_* variables. ok is false when WECHAT_APPID
// is unset (WeChat off). A set but incomplete or malformed configuration
// is an error naming the variable.
func ConfigFromEnv(getenv func(string) string) (c Config, ok bool, err error) {
	c = Config{
		AppID:  strings.TrimSpace(getenv("WECHAT_APPID")),
		Secret: strings.TrimSpace(getenv("WECHAT_SECRET")),
		Token:  strings.TrimSpace(getenv("WECHAT_TOKEN")),
		AESKey: strings.TrimSpace(getenv("WECHAT_AES_KEY")),
		Path:   strings.TrimSpace(getenv("WECHAT_PATH")),
		APIURL: strings.TrimSpace(getenv("WECHAT_API_URL")),
	}
	if c.AppID == "" {
		return c, false, nil
	}
	if c.Path == "" {
		c.Path = DefaultPath
	}
	return c, true, c.Validate()
}

// Validate checks the configuration; errors name the variable.
func (c Config) Validate() error {
	var errs []error
	if !appIDFormat.MatchString(c.AppID) {
		errs = append(errs, errors.New("WECHAT_APPID: want the account's AppID (letters and digits)"))
	}
	if c.Secret == "" {
		errs = append(errs, errors.New("WECHAT_SECRET is required with WECHAT_APPID (the access token for customer-service messages)"))
	}
	if !tokenFormat.MatchString(c.Token) {
		errs = append(errs, errors.New("WECHAT_TOKEN: want the callback Token, 3-32 letters or digits"))
	}
	if c.AESKey != "" {
		if _, err := decodeAESKey(c.AESKey); err != nil {
			errs = append(errs, fmt.Errorf("WECHAT_AES_KEY: %w", err))
		}
	}
	if _, err := CheckPath(c.path()); err != nil {
		errs = append(errs, fmt.Errorf("WECHAT_PATH: %w", err))
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("WECHAT_API_URL: want an absolute http(s) base URL, got %q", c.APIURL))
		}
	}
	return errors.Join(errs...)
}

func (c Config) path() string {
	if c.Path == "" {
		return DefaultPath
	}
	return c.Path
}

// CheckPath checks a callback path: absolute, not "/", only letters,
// digits and . _ ~ - / (no pattern characters, no empty or dot segments).
// Whether it clashes with the caller's other routes is the caller's to
// check.
func CheckPath(p string) (string, error) {
	if !pathPattern.MatchString(p) || strings.Contains(p+"/", "/./") || strings.Contains(p+"/", "/../") || strings.Contains(p, "//") {
		return "", fmt.Errorf("callback path %q: want a path of its own such as /wechat (letters, digits, . _ ~ - /)", p)
	}
	return p, nil
}

// Option configures an Adapter.
type Option func(*options)

// Claimer records across replicas that a callback is being answered, so a
// retry reaching another replica is not answered again. Claim returns true
// for the first claim of key within ttl.
type Claimer interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// CommandHandler answers a command word. The reply's Text is sent like an
// engine reply (Choices as lines to send back); ErrNotCommand sends the
// message to the engine as a question instead; another error gives the
// plain apology.
type CommandHandler func(ctx context.Context, c Command) (bot.Reply, error)

// ErrNotCommand is returned by a CommandHandler whose word began a
// message that is not the command ("订阅 是什么意思"): the message is
// answered as a question.
var ErrNotCommand = errors.New("wechat: not a command")

// Command is a command word as received (a whole message, or a menu click).
type Command struct {
	Word string // the word as registered, e.g. "订阅"
	// Args is what followed a word that takes some (WordSubscribe,
	// WordProfile, WordBillWrong, WordCorrect), after a space or a colon;
	// "" for a bare word or a menu click.
	Args    string
	Message bot.Message // Channel "wechat", UserID and ChatID the OpenID
}

type options struct {
	log          *slog.Logger
	now          func() time.Time
	passiveWait  time.Duration
	maxSkew      time.Duration
	handle       time.Duration
	cache        cache.Cache
	claimer      Claimer
	salt         string
	commands     map[string]CommandHandler
	lost         func(reason string)
	apiTimeout   time.Duration
	remainderGap time.Duration
}

// WithLogger sets the logger (default slog.Default()). The adapter logs
// event kinds, hashed OpenIDs and text lengths, never message text.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithPassiveWait sets how long a callback waits for the answer before it
// answers "success" and sends the answer as customer-service messages
// (default DefaultPassiveWait; keep it under WeChat's 5 s).
func WithPassiveWait(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.passiveWait = d
		}
	}
}

// WithCache sets where the access token is kept (default the SDK's
// in-process memory cache). With several replicas give them one shared
// cache: each token fetch invalidates the previous token after 5 minutes.
func WithCache(c cache.Cache) Option {
	return func(o *options) {
		if c != nil {
			o.cache = c
		}
	}
}

// WithClaimer makes duplicate detection work across replicas (besides the
// in-process memory of DefaultDedupMemory callbacks).
func WithClaimer(c Claimer) Option {
	return func(o *options) { o.claimer = c }
}

// WithUserHashSalt sets the key for hashing OpenIDs in logs (bot.HashUser);
// pass the engine's salt to correlate logs. Default: a random key.
func WithUserHashSalt(salt string) Option {
	return func(o *options) { o.salt = salt }
}

// WithCommand makes word, sent as a whole message (or clicked in the
// menu), run h instead of going to the engine; it replaces a built-in
// word's handler.
func WithCommand(word string, h CommandHandler) Option {
	return func(o *options) {
		if w := strings.TrimSpace(word); w != "" && h != nil {
			o.commands[w] = h
		}
	}
}

// Reasons passed to the WithLostReplyObserver function.
const (
	// LostRejected: WeChat refused a customer-service message (outside the
	// 48-hour window, over the quota, the user unsubscribed, the account
	// may not use the API).
	LostRejected = "rejected"
	// LostFailed: the API could not be reached or kept failing.
	LostFailed = "failed"
)

// WithLostReplyObserver sets f to be called for every reply part the
// adapter gives up on, with LostRejected or LostFailed. f must be safe for
// concurrent use.
func WithLostReplyObserver(f func(reason string)) Option {
	return func(o *options) { o.lost = f }
}
