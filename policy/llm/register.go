package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
)

// Defaults of [Options] per registered kind.
const (
	// DefaultModel8B is the model name vLLM serves Orchestrator-8B under.
	DefaultModel8B = "nvidia/Orchestrator-8B"
	// DefaultBaseURL8B is vLLM's default OpenAI-compatible endpoint.
	DefaultBaseURL8B = "http://127.0.0.1:8000/v1"
	// DefaultMaxTokens8B is the reply cap ToolOrchestra's evaluation gave
	// Orchestrator-8B, whose replies open with its reasoning.
	DefaultMaxTokens8B = 12000
	// DefaultAPIKeyEnv is read for the "llm" kind when api_key_env is unset.
	DefaultAPIKeyEnv = "OPENAI_API_KEY"
)

// Options configure the registered "llm" and "orchestrator8b" policies in
// baton.yaml; they are decoded strictly.
type Options struct {
	// BaseURL is the OpenAI-compatible API root, ending in /v1. The "llm"
	// kind defaults to OpenAI, "orchestrator8b" to a local vLLM.
	BaseURL string `json:"base_url,omitempty"`
	// Model is the model name; required for "llm", DefaultModel8B for
	// "orchestrator8b".
	Model string `json:"model,omitempty"`
	// APIKeyEnv names the environment variable holding the API key. When
	// set it must be non-empty. Unset, "llm" reads DefaultAPIKeyEnv if
	// present and "orchestrator8b" sends no key.
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// Price bills the deciding model's tokens; unset, the price catalog's
	// entry for Model is used, and with none the decisions are unbilled
	// (a warning is logged).
	Price *money.Price `json:"price,omitempty"`
	// Temperature is sent when set.
	Temperature *float64 `json:"temperature,omitempty"`
	// MaxTokens caps each reply; 0 means DefaultMaxTokens for "llm" and
	// DefaultMaxTokens8B for "orchestrator8b". The cap bounds what a
	// decision can cost, which budgets reserve before each turn.
	MaxTokens int `json:"max_tokens,omitempty"`
	// Aliases maps Orchestrator-8B's expert aliases to tool names
	// ("orchestrator8b" only).
	Aliases map[string]string `json:"aliases,omitempty"`
	// Context picks the evaluation script whose context rules
	// Orchestrator-8B's prompt follows: "hle" (default) or "frames"
	// ("orchestrator8b" only; see ContextHLE, ContextFRAMES).
	Context string `json:"context,omitempty"`
	// System replaces the opening instructions of the system prompt
	// ("llm" only; see DefaultInstructions).
	System string `json:"system,omitempty"`
}

func init() {
	policy.Register(policy.Kind{
		Name: "llm",
		Doc:  "an OpenAI-compatible chat model orchestrates with native tool calling",
		New: func(ctx context.Context, cfg policy.Config) (policy.Policy, error) {
			return NewFromConfig(ctx, "llm", cfg)
		},
	})
	policy.Register(policy.Kind{
		Name: "orchestrator8b",
		Doc:  "nvidia/Orchestrator-8B (vLLM, hermes tool parser) orchestrates through search / enhance_reasoning / answer aliases",
		New: func(ctx context.Context, cfg policy.Config) (policy.Policy, error) {
			return NewFromConfig(ctx, "orchestrator8b", cfg)
		},
	})
}

// NewFromConfig builds the policy of kind "llm" or "orchestrator8b" from
// its configuration, with an OpenAI-compatible client from tool/llm.
func NewFromConfig(_ context.Context, kind string, cfg policy.Config) (policy.Policy, error) {
	var o Options
	if err := cfg.Decode(&o); err != nil {
		return nil, err
	}
	is8B := kind == "orchestrator8b"
	if !is8B && kind != "llm" {
		return nil, fmt.Errorf("policy/llm: unknown kind %q (want llm or orchestrator8b)", kind)
	}
	if is8B {
		if o.System != "" {
			return nil, errors.New(`policy/llm: option "system" applies to the llm policy only; Orchestrator-8B's prompt is fixed`)
		}
		if o.Context != "" && o.Context != ContextHLE && o.Context != ContextFRAMES {
			return nil, fmt.Errorf("policy/llm: option \"context\" is %q; want %q or %q", o.Context, ContextHLE, ContextFRAMES)
		}
		if err := checkAliases(o.Aliases); err != nil {
			return nil, fmt.Errorf("policy/llm: option \"aliases\": %w", err)
		}
		if o.Model == "" {
			o.Model = DefaultModel8B
		}
		if o.BaseURL == "" {
			o.BaseURL = DefaultBaseURL8B
		}
		if o.MaxTokens == 0 {
			o.MaxTokens = DefaultMaxTokens8B
		}
	} else {
		if len(o.Aliases) > 0 || o.Context != "" {
			return nil, errors.New(`policy/llm: options "aliases" and "context" apply to the orchestrator8b policy only`)
		}
		if o.Model == "" {
			return nil, errors.New(`policy/llm: option "model" is required (e.g. "gpt-5-mini")`)
		}
	}
	if o.MaxTokens < 0 {
		return nil, fmt.Errorf("policy/llm: option \"max_tokens\" is %d; use a positive cap, or 0 for the default", o.MaxTokens)
	}
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	key := ""
	switch {
	case o.APIKeyEnv != "":
		key = getenv(o.APIKeyEnv)
		if key == "" {
			return nil, fmt.Errorf("policy/llm: option \"api_key_env\" names $%s, which is empty; export the key or drop the option for a server without keys", o.APIKeyEnv)
		}
	case !is8B:
		key = getenv(DefaultAPIKeyEnv)
	}
	price, err := modelPrice(o, cfg.Prices)
	if err != nil {
		return nil, err
	}
	m := Model{
		Client:      openai.New(openai.Options{BaseURL: strings.TrimRight(o.BaseURL, "/"), APIKey: key}),
		Name:        o.Model,
		Price:       price,
		Temperature: o.Temperature,
		MaxTokens:   o.MaxTokens,
	}
	if is8B {
		return &Orchestrator8B{Model: m, Aliases: o.Aliases, Context: o.Context}, nil
	}
	return &Native{Model: m, Instructions: o.System}, nil
}

// modelPrice picks the configured price, else the catalog's.
func modelPrice(o Options, cat *money.Catalog) (money.Price, error) {
	if o.Price != nil {
		if err := o.Price.Validate(); err != nil {
			return money.Price{}, fmt.Errorf("policy/llm: option \"price\": %w", err)
		}
		return *o.Price, nil
	}
	if cat != nil {
		if p, ok := cat.Lookup(o.Model); ok {
			return p, nil
		}
	}
	slog.Warn("policy/llm: no price for the deciding model; its decisions are billed as free (set option \"price\" or add it to the price catalog)", "model", o.Model)
	return money.Price{}, nil
}
