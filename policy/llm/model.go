package llm

import (
	"context"
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
	// MaxTokens caps each reply; 0 leaves the client's default.
	MaxTokens int
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
	req.MaxTokens = m.MaxTokens
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
