package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// Model is the chat model that decides, and how it is billed.
type Model struct {
	// Client sends the requests.
	Client chat.Client
	// Name is the provider's model name sent in each request.
	Name string
	// Price bills the model's own tokens into Action.Cost.
	Price money.Price
	// Temperature is sent when non-nil.
	Temperature *float64
	// MaxTokens caps each reply; 0 means [DefaultMaxTokens]. A cap is
	// always sent, so that what a decision can cost is known before it is
	// made (see [policy.CostBounder]).
	MaxTokens int
}

// DefaultMaxTokens caps a reply when Model.MaxTokens is 0: ample for
// choosing a call, and it keeps the bound on a decision's cost small.
const DefaultMaxTokens = 4096

// Bounds on what a chat template adds around the text sent: role markers
// per message, and the preamble that introduces the tools.
const (
	templateTokens   = 1024
	perMessageTokens = 16
)

func (m *Model) maxTokens() int {
	if m.MaxTokens > 0 {
		return m.MaxTokens
	}
	return DefaultMaxTokens
}

// maxCost bounds what sending req can cost: no tokenizer makes more tokens
// than the bytes of text, which the JSON form of req exceeds, plus the
// template's own tokens; output is capped by max tokens.
func (m *Model) maxCost(req chat.Request) (money.Amount, error) {
	if m.Price.IsZero() {
		return 0, nil
	}
	b, err := json.Marshal(req)
	if err != nil {
		return 0, fmt.Errorf("policy/llm: bound the request: %w", err)
	}
	in := int64(len(b)) + templateTokens + perMessageTokens*int64(len(req.Messages))
	return m.Price.Cost(money.Usage{InputTokens: in, OutputTokens: int64(m.maxTokens())}), nil
}

// reply is one completion with its billing.
type reply struct {
	msg   chat.Message
	usage tool.Usage
	cost  money.Amount
}

var errNoClient = errors.New("policy/llm: Model.Client is nil")

// complete sends req and bills the reply. When the provider reports no
// usage, tokens are estimated from the text sent and received and the
// usage is marked Estimated, so a decision is never billed as free.
func (m *Model) complete(ctx context.Context, req chat.Request) (reply, error) {
	if m.Client == nil {
		return reply{}, errNoClient
	}
	req.Model = m.Name
	req.Temperature = m.Temperature
	req.MaxTokens = m.maxTokens()
	resp, err := m.Client.Complete(ctx, req)
	if err != nil {
		return reply{}, fmt.Errorf("policy/llm: %s: %w", m.Name, err)
	}
	if resp == nil {
		return reply{}, fmt.Errorf("policy/llm: %s: client returned no response", m.Name)
	}
	u := tool.Usage{InputTokens: resp.Usage.InputTokens, OutputTokens: resp.Usage.OutputTokens}
	if !resp.UsageReported {
		u = estimateUsage(req, resp.Message)
	}
	return reply{
		msg:   resp.Message,
		usage: u,
		cost:  m.Price.Cost(money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens}),
	}, nil
}

// estimateUsage counts the request's message and tool text as input and
// the reply's text and call arguments as output.
func estimateUsage(req chat.Request, out chat.Message) tool.Usage {
	var in int64
	for _, m := range req.Messages {
		in += tool.EstimateTokens(m.Content)
		for _, tc := range m.ToolCalls {
			in += tool.EstimateTokens(tc.Name + tc.Arguments)
		}
	}
	for _, t := range req.Tools {
		in += tool.EstimateTokens(t.Name + t.Description + string(t.Parameters))
	}
	o := tool.EstimateTokens(out.Content)
	for _, tc := range out.ToolCalls {
		o += tool.EstimateTokens(tc.Name + tc.Arguments)
	}
	return tool.Usage{InputTokens: in, OutputTokens: o, Estimated: true}
}
