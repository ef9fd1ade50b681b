package llm

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/anthropic"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

func init() {
	tool.Register(tool.Kind{
		ID:   "llm.openai",
		Doc:  "a model behind an OpenAI-compatible chat API (OpenAI, vLLM, Ollama, llama.cpp, OpenRouter) as a tool",
		Open: openKind(openAIProvider),
	})
	tool.Register(tool.Kind{
		ID:   "llm.anthropic",
		Doc:  "a model behind Anthropic's Messages API as a tool",
		Open: openKind(anthropicProvider),
	})
}

// Options are the options of the llm.openai and llm.anthropic kinds in
// baton.yaml, decoded strictly. API keys are never written here: they are
// read from the environment variable named by APIKeyEnv.
//
//	tools:
//	  - kind: llm.openai
//	    options: {model: gpt-5, max_tokens: 2048, timeout: 90s}
//	  - kind: llm.openai
//	    name: qwen-local
//	    options: {model: Qwen/Qwen3-32B, base_url: "http://127.0.0.1:8000/v1", free: true}
type Options struct {
	// Model is the provider's model name (required).
	Model string `json:"model"`
	// BaseURL is the API root; empty means the provider's public API.
	BaseURL string `json:"base_url,omitempty"`
	// APIKeyEnv names the environment variable holding the key; default
	// OPENAI_API_KEY or ANTHROPIC_API_KEY. A loopback BaseURL needs no key.
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// Description overrides the generic description policies read.
	Description string `json:"description,omitempty"`
	// Price overrides the catalog price of Model.
	Price *money.Price `json:"price,omitempty"`
	// Free declares a model that costs nothing (a local server). Without
	// Free or Price, a model missing from the price catalog is an error,
	// so nothing is ever metered at zero by accident.
	Free bool `json:"free,omitempty"`
	// Latency is the typical wall time of one call, for policies.
	Latency duration.Duration `json:"latency,omitempty"`
	// Timeout bounds one call, retries included, and each attempt within
	// it; default tool.DefaultTimeout.
	Timeout duration.Duration `json:"timeout,omitempty"`
	// MaxTokens caps the output tokens of one call; default
	// DefaultModelMaxTokens.
	MaxTokens int `json:"max_tokens,omitempty"`
	// MaxRetries is the number of retries after a failed attempt; default
	// DefaultMaxRetries; 0 disables retries.
	MaxRetries *int `json:"max_retries,omitempty"`
	// Answer says how to read the final answer out of a reply: empty for
	// the whole reply, or "zeroeval" for the "answer" field of the reply's
	// first JSON object by ZeroEval's rules ([answer.ZeroEval]), the
	// format its math prompts ask for. Policies compare and verify
	// extracted answers; a reply with none is marked unparsed.
	Answer string `json:"answer,omitempty"`
}

// wireOptions are the options of both wire clients (openai.Options and
// anthropic.Options are one type).
type wireOptions = openai.Options

type provider struct {
	name   string
	keyEnv string
	base   string
	client func(wireOptions) chat.Client
}

var (
	openAIProvider = provider{name: "openai", keyEnv: "OPENAI_API_KEY", base: openai.DefaultBaseURL,
		client: func(o wireOptions) chat.Client { return openai.New(o) }}
	anthropicProvider = provider{name: "anthropic", keyEnv: "ANTHROPIC_API_KEY", base: anthropic.DefaultBaseURL,
		client: func(o wireOptions) chat.Client { return anthropic.New(o) }}
)

func openKind(p provider) func(context.Context, tool.Config) ([]tool.Tool, error) {
	return func(_ context.Context, cfg tool.Config) ([]tool.Tool, error) {
		var o Options
		if err := cfg.Decode(&o); err != nil {
			return nil, err
		}
		m, err := p.open(cfg, o)
		if err != nil {
			return nil, err
		}
		return []tool.Tool{m}, nil
	}
}

func (p provider) open(cfg tool.Config, o Options) (*Model, error) {
	if strings.TrimSpace(o.Model) == "" {
		return nil, fmt.Errorf("llm: option \"model\" is required: the %s model name, e.g. %q", p.name, map[string]string{"openai": "gpt-5", "anthropic": "claude-sonnet-4-5"}[p.name])
	}
	if o.MaxTokens < 0 {
		return nil, fmt.Errorf("llm: model %q: option \"max_tokens\" is %d; want a positive number", o.Model, o.MaxTokens)
	}
	base := o.BaseURL
	if base == "" {
		base = p.base
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: model %q: option \"base_url\" %q is not an http(s) URL such as \"http://127.0.0.1:8000/v1\"", o.Model, o.BaseURL)
	}
	local := isLoopback(u)
	price, err := resolvePrice(cfg.Prices, o)
	if err != nil {
		return nil, err
	}
	keyEnv := o.APIKeyEnv
	if keyEnv == "" {
		keyEnv = p.keyEnv
	}
	key := cfg.Env(keyEnv)
	if key == "" && !local {
		return nil, fmt.Errorf("llm: model %q at %s: %w: no API key; set the environment variable %s (or name another with api_key_env)",
			o.Model, u.Host, tool.ErrDisabled, keyEnv)
	}
	co := wireOptions{BaseURL: o.BaseURL, APIKey: key, Timeout: time.Duration(o.Timeout)}
	if co.Timeout == 0 {
		co.Timeout = tool.DefaultTimeout
	}
	if o.MaxRetries != nil {
		if *o.MaxRetries < 0 {
			return nil, fmt.Errorf("llm: model %q: option \"max_retries\" is %d; want 0 or more", o.Model, *o.MaxRetries)
		}
		co.MaxRetries = *o.MaxRetries
		if co.MaxRetries == 0 {
			co.MaxRetries = -1 // the options read 0 as "default"
		}
	}
	tags := []string{tool.TagLLM, tool.TagRemote}
	if local {
		tags = []string{tool.TagLLM, tool.TagLocal}
	}
	return NewModel(p.client(co), ModelConfig{
		Name:        cfg.Name,
		Model:       o.Model,
		Provider:    p.name,
		Description: o.Description,
		Price:       price,
		Latency:     time.Duration(o.Latency),
		Timeout:     co.Timeout,
		MaxTokens:   o.MaxTokens,
		Tags:        tags,
		Answer:      o.Answer,
	})
}

// resolvePrice picks the configured price, the explicit free declaration,
// or the catalog price of the model (by full name, then by the part after
// the last '/', so "openai/gpt-5" on OpenRouter finds "gpt-5").
func resolvePrice(cat *money.Catalog, o Options) (money.Price, error) {
	switch {
	case o.Free && o.Price != nil:
		return money.Price{}, fmt.Errorf("llm: model %q: set either \"price\" or \"free\", not both", o.Model)
	case o.Free:
		return money.Price{}, nil
	case o.Price != nil:
		if err := o.Price.Validate(); err != nil {
			return money.Price{}, fmt.Errorf("llm: model %q: option \"price\": %w", o.Model, err)
		}
		if o.Price.IsZero() {
			return money.Price{}, fmt.Errorf("llm: model %q: option \"price\" is zero; write \"free: true\" for a model that costs nothing", o.Model)
		}
		return *o.Price, nil
	}
	if cat == nil {
		cat = money.DefaultCatalog()
	}
	if p, ok := cat.Lookup(o.Model); ok {
		return p, nil
	}
	if i := strings.LastIndexByte(o.Model, '/'); i >= 0 {
		if p, ok := cat.Lookup(o.Model[i+1:]); ok {
			return p, nil
		}
	}
	return money.Price{}, fmt.Errorf("llm: model %q has no price: it is not in the price catalog; set \"price\" "+
		"(e.g. {input_per_million: \"0.5\", output_per_million: \"1.5\"}) or \"free: true\"", o.Model)
}

// isLoopback reports whether u points at this machine, where servers run
// without keys and calls cost nothing remote.
func isLoopback(u *url.URL) bool {
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
