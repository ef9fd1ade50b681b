package websearch

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/money"
)

// Defaults of [Options].
const (
	DefaultBaseURL      = "https://api.tavily.com"
	DefaultAPIKeyEnv    = "TAVILY_API_KEY"
	DefaultMaxResults   = 5
	DefaultSearchDepth  = "basic"
	DefaultTimeout      = 30 * time.Second
	DefaultMaxAttempts  = 3
	DefaultMaxBodyBytes = 4 << 20
	// maxRetryAfter caps how long one Retry-After may make us wait; a
	// provider asking for longer is reported instead of waited for.
	maxRetryAfter = 30 * time.Second
)

// Prices of a Tavily search, from its public pricing (docs.tavily.com,
// "Credits & Pricing"): pay-as-you-go is $0.008 per credit, a basic search
// costs one credit and an advanced search two. Monthly plans are cheaper per
// credit; set price_per_call to match yours.
var (
	PriceBasic    = money.MustParse("0.008")
	PriceAdvanced = money.MustParse("0.016")
)

// Options configure a web search instance in baton.yaml.
type Options struct {
	// APIKeyEnv names the environment variable holding the key.
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// APIKey exists only to reject a key written into the config file.
	APIKey string `json:"api_key,omitempty"`
	// BaseURL is the API root; the request goes to BaseURL + "/search".
	BaseURL string `json:"base_url,omitempty"`
	// MaxResults is the default and the upper bound of results per call
	// (1 to 20).
	MaxResults int `json:"max_results,omitempty"`
	// SearchDepth is "basic" or "advanced".
	SearchDepth string `json:"search_depth,omitempty"`
	// IncludeAnswer asks the provider for a short generated answer.
	IncludeAnswer bool `json:"include_answer,omitempty"`
	// Timeout bounds one call including retries, e.g. "30s".
	Timeout Duration `json:"timeout,omitempty"`
	// PricePerCall overrides the list price of one call.
	PricePerCall *money.Amount `json:"price_per_call,omitempty"`
	// MaxAttempts bounds the attempts of one call (1 to 10).
	MaxAttempts int `json:"max_attempts,omitempty"`
	// MaxBodyBytes bounds the size of a response body.
	MaxBodyBytes int64 `json:"max_body_bytes,omitempty"`
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.APIKeyEnv == "" {
		o.APIKeyEnv = DefaultAPIKeyEnv
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.MaxResults == 0 {
		o.MaxResults = DefaultMaxResults
	}
	if o.SearchDepth == "" {
		o.SearchDepth = DefaultSearchDepth
	}
	if o.Timeout == 0 {
		o.Timeout = Duration(DefaultTimeout)
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.PricePerCall == nil {
		p := PriceBasic
		if o.SearchDepth == "advanced" {
			p = PriceAdvanced
		}
		o.PricePerCall = &p
	}
	return o
}

// Validate reports the first bad option by its name.
func (o Options) Validate() error {
	switch {
	case o.APIKey != "":
		return fmt.Errorf("websearch: option api_key: keys must not be written in baton.yaml; set %s in the environment (or name another variable with api_key_env)", o.APIKeyEnv)
	case !strings.HasPrefix(o.BaseURL, "http://") && !strings.HasPrefix(o.BaseURL, "https://"):
		return fmt.Errorf("websearch: option base_url %q: want an http:// or https:// URL", o.BaseURL)
	case o.MaxResults < 1 || o.MaxResults > 20:
		return fmt.Errorf("websearch: option max_results %d: want 1 to 20", o.MaxResults)
	case o.SearchDepth != "basic" && o.SearchDepth != "advanced":
		return fmt.Errorf("websearch: option search_depth %q: want \"basic\" or \"advanced\"", o.SearchDepth)
	case o.Timeout < 0:
		return fmt.Errorf("websearch: option timeout %s: must be positive", o.Timeout)
	case o.MaxAttempts < 1 || o.MaxAttempts > 10:
		return fmt.Errorf("websearch: option max_attempts %d: want 1 to 10", o.MaxAttempts)
	case o.MaxBodyBytes < 1024:
		return fmt.Errorf("websearch: option max_body_bytes %d: want at least 1024", o.MaxBodyBytes)
	case *o.PricePerCall < 0:
		return fmt.Errorf("websearch: option price_per_call %s: must not be negative", o.PricePerCall)
	}
	return nil
}

// Duration is a time.Duration written in JSON as a string such as "30s" or
// as a number of seconds.
type Duration time.Duration

// String formats the duration as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string such as "30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "30s", "1m30s" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("websearch: duration %q: %w (write e.g. \"30s\")", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("websearch: duration %s: want a string such as \"30s\" or a number of seconds", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}
