package wire

import (
	"net/http"
	"sync"
	"time"
)

// Defaults of [Options].
const (
	// DefaultTimeout bounds one attempt when Options.Timeout is 0.
	DefaultTimeout = 5 * time.Minute
	// DefaultMaxRetries is the number of retries after the first attempt
	// when Options.MaxRetries is 0.
	DefaultMaxRetries = 3
	// DefaultMaxResponseBytes caps a response body when
	// Options.MaxResponseBytes is 0. A chat completion of even 100k
	// tokens is well under it.
	DefaultMaxResponseBytes = 16 << 20
	// DefaultMaxRetryAfter caps a server's Retry-After when
	// Options.MaxRetryAfter is 0.
	DefaultMaxRetryAfter = time.Minute
)

// Options configures a wire client (chat/openai, chat/anthropic). The zero
// value talks to the provider's public endpoint with the defaults above.
type Options struct {
	// BaseURL is the API root: for OpenAI-compatible servers the URL that
	// ends in /v1 (e.g. http://127.0.0.1:8000/v1); for Anthropic the host
	// root (https://api.anthropic.com; a trailing /v1 is tolerated). Empty
	// means the provider's public endpoint.
	BaseURL string
	// APIKey authenticates requests; empty sends no credentials, which
	// local servers accept.
	APIKey string
	// Timeout bounds each attempt (connection, request and the whole
	// response body, streams included); 0 means [DefaultTimeout].
	Timeout time.Duration
	// MaxRetries is the number of retries after a failed first attempt
	// (429, 408, 5xx, and connections that failed before the request was
	// sent; an attempt that may have been billed is never retried); 0
	// means [DefaultMaxRetries] and a negative value disables retries.
	MaxRetries int
	// HTTPClient sends the requests; nil means one client shared by every
	// wire client of the process, without a client-wide timeout (attempts
	// are bounded by Timeout) and keeping up to [MaxIdleConnsPerHost] idle
	// connections per host.
	HTTPClient *http.Client
	// Header is sent with every request, e.g. OpenRouter's HTTP-Referer.
	Header map[string]string
	// MaxResponseBytes caps a response body; a longer one fails with
	// chat.ErrTooLarge. 0 means [DefaultMaxResponseBytes].
	MaxResponseBytes int64
	// MaxRetryAfter caps how long a server's Retry-After may make a retry
	// wait; 0 means [DefaultMaxRetryAfter].
	MaxRetryAfter time.Duration
}

// WithDefaults returns o with zero fields filled in, in one place.
func (o Options) WithDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.HTTPClient == nil {
		o.HTTPClient = sharedClient()
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return o
}

// MaxIdleConnsPerHost is how many idle connections the shared client keeps
// per host. net/http's default of 2 makes a model called by hundreds of
// concurrent runs dial (and, for HTTPS, handshake) almost every call anew.
const MaxIdleConnsPerHost = 256

var (
	sharedOnce sync.Once
	shared     *http.Client
)

func sharedClient() *http.Client {
	sharedOnce.Do(func() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 4 * MaxIdleConnsPerHost
		t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
		shared = &http.Client{Transport: t}
	})
	return shared
}
