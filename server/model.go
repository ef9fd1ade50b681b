package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/anthropic"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
	"github.com/batonhq/baton/tool/llm"
)

// Model is a configured model that clients can call directly: the server
// forwards their request (tools included) and charges usage × price to the
// key, after reserving the call's worst case.
type Model struct {
	// Name is what clients send as "model" (the tool name in baton.yaml).
	Name string
	// Upstream is the provider's model name.
	Upstream string
	// Client calls the provider; if it is a chat.Streamer, streams are
	// forwarded as they arrive.
	Client chat.Client
	// Price is the model's price.
	Price money.Price
	// MaxTokens caps a call's output; requests asking for more are clamped,
	// which is what makes the reservation a true bound.
	MaxTokens int
	// Timeout bounds one call; it also bounds per-second prices.
	Timeout time.Duration
	// Provider names the API ("openai", "anthropic"), for /v1/models.
	Provider string
}

// maxCost bounds what req can cost before it is sent: one token per byte
// of every message, tool definition and argument, llm.MessageOverheadTokens
// per message and one more for the reply, the clamped output cap, and the
// per-second price over the timeout plus a second, priced by
// [tool.Spec.MaxCost] like every other worst case.
func (m *Model) maxCost(req chat.Request) money.Amount {
	in := int64(0)
	for _, msg := range req.Messages {
		in += int64(len(msg.Content) + len(msg.Name) + len(msg.ToolCallID))
		for _, tc := range msg.ToolCalls {
			in += int64(len(tc.ID) + len(tc.Name) + len(tc.Arguments))
		}
	}
	for _, t := range req.Tools {
		in += int64(len(t.Name) + len(t.Description) + len(t.Parameters))
	}
	for _, s := range req.Stop {
		in += int64(len(s))
	}
	in += llm.MessageOverheadTokens * int64(len(req.Messages)+1+len(req.Tools))
	return tool.Spec{Price: m.Price, Timeout: m.Timeout, MaxOutputTokens: int64(req.MaxTokens)}.MaxCost(in)
}

// clamp sets req's output cap to the model's when it asks for none or more.
func (m *Model) clamp(req *chat.Request) {
	if req.MaxTokens <= 0 || req.MaxTokens > m.MaxTokens {
		req.MaxTokens = m.MaxTokens
	}
}

// cost is the exact charge of a call that took d: the provider's usage, or
// when it reported none an estimate (as tool/llm's Model does).
func (m *Model) cost(req chat.Request, resp *chat.Response, d time.Duration) (money.Amount, chat.Usage, bool) {
	u := resp.Usage
	estimated := !resp.UsageReported
	if estimated {
		var text int
		for _, msg := range req.Messages {
			text += len(msg.Content)
		}
		u = chat.Usage{
			InputTokens:  int64((text + 3) / 4),
			OutputTokens: min(tool.EstimateTokens(resp.Message.Content), int64(req.MaxTokens)),
		}
	}
	return m.Price.Cost(money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens, Duration: d}), u, estimated
}

// ModelsFromConfig returns the pass-through models of cfg: every declared
// llm.openai and llm.anthropic tool, by its tool name. A model whose API key
// is missing is skipped with a warning, as the tool itself would be.
func ModelsFromConfig(ctx context.Context, cfg *config.Config, getenv func(string) string) ([]Model, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var out []Model
	for i, tc := range cfg.Tools {
		var newClient func(openai.Options) chat.Client
		keyEnv := ""
		switch tc.Kind {
		case "llm.openai":
			newClient = func(o openai.Options) chat.Client { return openai.New(o) }
			keyEnv = "OPENAI_API_KEY"
		case "llm.anthropic":
			newClient = func(o anthropic.Options) chat.Client { return anthropic.New(o) }
			keyEnv = "ANTHROPIC_API_KEY"
		default:
			continue
		}
		var o llm.Options
		if err := (tool.Config{Name: tc.Name, Options: tc.Options}).Decode(&o); err != nil {
			return nil, fmt.Errorf("server: tools[%d] (%s): %w", i, tc.Kind, err)
		}
		// Opening the tool validates the options and resolves the price
		// exactly as orchestrated runs will see it.
		ts, err := tool.Open(ctx, tc.Kind, tool.Config{Name: tc.Name, Options: tc.Options, Prices: cfg.Catalog(), Getenv: getenv, Dir: cfg.Dir})
		if errors.Is(err, tool.ErrDisabled) {
			slog.Warn("model not served: it is disabled here", "tool", tc.Name, "model", o.Model, "reason", err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("server: tools[%d] (%s): %w", i, tc.Kind, err)
		}
		if len(ts) != 1 {
			return nil, fmt.Errorf("server: tools[%d] (%s): want one model tool, got %d", i, tc.Kind, len(ts))
		}
		spec := ts[0].Spec()
		if o.APIKeyEnv != "" {
			keyEnv = o.APIKeyEnv
		}
		co := openai.Options{BaseURL: o.BaseURL, APIKey: getenv(keyEnv), Timeout: spec.Timeout, HTTPClient: gatewayHTTPClient()}
		if o.MaxRetries != nil {
			co.MaxRetries = *o.MaxRetries
			if co.MaxRetries == 0 {
				co.MaxRetries = -1
			}
		}
		out = append(out, Model{
			Name: spec.Name, Upstream: o.Model, Client: newClient(co), Price: spec.Price,
			MaxTokens: int(spec.MaxOutputTokens), Timeout: spec.Timeout,
			Provider: map[string]string{"llm.openai": "openai", "llm.anthropic": "anthropic"}[tc.Kind],
		})
	}
	return out, nil
}
