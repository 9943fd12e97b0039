package wechat

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// publicAPIHost is the host the SDK's API URLs are fixed to.
const publicAPIHost = "api.weixin.qq.com"

// apiBase is the base URL requests to publicAPIHost go to (nil: the public
// API). The SDK calls the API through one process-wide client
// (util.DefaultHTTPClient), so the base is process-wide too: one WeChat
// account per process.
var apiBase atomic.Pointer[url.URL]

var installOnce sync.Mutex

// installClient gives the SDK its HTTP client: timeout bounded, requests to
// api.weixin.qq.com rewritten to base when set. util.DefaultHTTPClient is
// http.DefaultClient until then; it is replaced, never modified, so the
// rest of the process keeps its default client.
func installClient(base string, timeout time.Duration) error {
	installOnce.Lock()
	defer installOnce.Unlock()
	if base == "" {
		apiBase.Store(nil)
	} else {
		u, err := url.Parse(strings.TrimRight(base, "/"))
		if err != nil {
			return err
		}
		apiBase.Store(u)
	}
	util.DefaultHTTPClient = &http.Client{Timeout: timeout, Transport: rewriteTransport{http.DefaultTransport}}
	return nil
}

// rewriteTransport sends requests for api.weixin.qq.com to apiBase.
type rewriteTransport struct{ next http.RoundTripper }

func (t rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := apiBase.Load()
	if base == nil || req.URL.Host != publicAPIHost {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = base.Scheme, base.Host
	u.Path = strings.TrimRight(base.Path, "/") + req.URL.Path
	u.RawPath = ""
	r.URL, r.Host = &u, ""
	return t.next.RoundTrip(r)
}

// secretParam matches credentials the SDK puts into URLs, which its errors
// (and net/http's) quote.
var secretParam = regexp.MustCompile(`(secret|access_token)=[^&\s"',]*`)

// redact is err's message without credentials, cut at 300 bytes, fit for a
// log.
func redact(err error) string {
	if err == nil {
		return ""
	}
	msg := secretParam.ReplaceAllString(err.Error(), "$1=REDACTED")
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// decodeAESKey decodes an EncodingAESKey: 43 characters of base64 for a
// 32-byte AES key.
func decodeAESKey(k string) ([]byte, error) {
	if len(k) != 43 {
		return nil, errors.New("want the 43-character EncodingAESKey")
	}
	key, err := base64.StdEncoding.DecodeString(k + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("not a valid EncodingAESKey (43 characters of base64)")
	}
	return key, nil
}
