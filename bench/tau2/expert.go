package tau2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// ExpertToolName is the name under which the expert is offered.
const ExpertToolName = "call_expert"

// Defaults of [Expert].
const (
	// DefaultExpertMaxTokens caps the expert's advice when MaxTokens is 0.
	DefaultExpertMaxTokens = 2048
	// DefaultExpertLatency is the typical latency shown to the policy when
	// Latency is 0.
	DefaultExpertLatency = 10 * time.Second
)

// ExpertInstructions is the expert's system prompt, before the policy.
const ExpertInstructions = `You are a senior customer service supervisor. A less experienced agent is handling the conversation below under the domain policy that follows, and asks for your advice. Say precisely what the agent should do next: which tool to call with which arguments, or what to tell the customer, and which policy rules apply. Be brief. You cannot call tools yourself.`

// Expert is a stronger model the agent may consult through the
// call_expert tool. Its price is the tool's price, so the orchestrator
// reserves, bills and reports its calls like any model's.
type Expert struct {
	// Client sends the requests.
	Client chat.Client
	// Model is the provider's model name.
	Model string
	// Price bills the expert's tokens.
	Price money.Price
	// MaxTokens caps each reply; 0 means [DefaultExpertMaxTokens].
	MaxTokens int
	// Latency is the typical latency shown to the policy; 0 means
	// [DefaultExpertLatency].
	Latency time.Duration
	// Timeout bounds one call; 0 means tool.DefaultTimeout.
	Timeout time.Duration
	// Temperature is sent when non-nil.
	Temperature *float64
}

var errNoExpertClient = errors.New("tau2: Expert.Client is nil")

var expertSchema = json.RawMessage(`{"type":"object","properties":{"question":{"type":"string","description":"What you want advice on; empty asks what to do or say next."}},"additionalProperties":false}`)

// expertTool is an [Expert] bound to one conversation: it reads the live
// transcript (earlier turns and the current turn's calls) when called.
type expertTool struct {
	e          *Expert
	policy     string
	transcript func() []Message
	spec       tool.Spec
}

var (
	_ tool.Tool        = (*expertTool)(nil)
	_ tool.CostBounder = (*expertTool)(nil)
)

// bind returns the expert as a tool over one conversation's transcript.
func (e *Expert) bind(policy string, transcript func() []Message) (*expertTool, error) {
	if e.Client == nil {
		return nil, errNoExpertClient
	}
	if strings.TrimSpace(e.Model) == "" {
		return nil, errors.New("tau2: Expert.Model is empty; name the expert model, e.g. gpt-5")
	}
	if err := e.Price.Validate(); err != nil {
		return nil, fmt.Errorf("tau2: expert %s: %w", e.Model, err)
	}
	lat := e.Latency
	if lat <= 0 {
		lat = DefaultExpertLatency
	}
	tags := []string{tool.TagLLM, tool.TagRemote}
	if e.Price.IsZero() {
		tags = append(tags, tool.TagFree)
	}
	return &expertTool{
		e:          e,
		policy:     policy,
		transcript: transcript,
		spec: tool.Spec{
			Name: ExpertToolName,
			Description: fmt.Sprintf("Ask a stronger model (%s) for advice. It reads the whole conversation so far, including this turn's tool calls and results, "+
				"and the domain policy, and says what to do or say next. It cannot call tools.", e.Model),
			Parameters:      expertSchema,
			Price:           e.Price,
			Latency:         lat,
			Timeout:         e.Timeout,
			MaxOutputTokens: int64(e.maxTokens()),
			Tags:            tags,
		},
	}, nil
}

func (e *Expert) maxTokens() int {
	if e.MaxTokens > 0 {
		return e.MaxTokens
	}
	return DefaultExpertMaxTokens
}

func (x *expertTool) Spec() tool.Spec { return x.spec }

func (x *expertTool) request(args json.RawMessage) (chat.Request, error) {
	var a struct {
		Question string `json:"question"`
	}
	if len(args) > 0 {
		if err := json.Unmarshal(args, &a); err != nil {
			return chat.Request{}, fmt.Errorf("%s: arguments: %w", ExpertToolName, err)
		}
	}
	q := strings.TrimSpace(a.Question)
	if q == "" {
		q = "What should I do or say next?"
	}
	user := "# Conversation so far\n\n" + renderTranscript(x.transcript()) + "\n\n# The agent asks\n\n" + q
	return chat.Request{
		Model: x.e.Model,
		Messages: []chat.Message{
			{Role: chat.RoleSystem, Content: ExpertInstructions + "\n\n# Domain policy\n\n" + strings.TrimSpace(x.policy)},
			{Role: chat.RoleUser, Content: user},
		},
		MaxTokens:   x.e.maxTokens(),
		Temperature: x.e.Temperature,
	}, nil
}

// MaxCost bounds a call: one token per byte of the request's JSON plus the
// chat template's overhead per message, and the reply cap.
func (x *expertTool) MaxCost(args json.RawMessage) (money.Amount, error) {
	req, err := x.request(args)
	if err != nil {
		return 0, err
	}
	b, err := json.Marshal(req)
	if err != nil {
		return 0, err
	}
	in := int64(len(b)) + toolllm.MessageOverheadTokens*int64(len(req.Messages)+1)
	timeout := x.spec.Timeout
	if timeout <= 0 {
		timeout = tool.DefaultTimeout
	}
	return x.e.Price.Cost(money.Usage{InputTokens: in, OutputTokens: int64(x.e.maxTokens()), Duration: timeout}), nil
}

// Call asks the expert. A provider failure is an unbilled error result the
// agent reads; only a cancelled run is an error.
func (x *expertTool) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	req, err := x.request(args)
	if err != nil {
		return tool.Rejectf("%v", err), nil
	}
	resp, err := x.e.Client.Complete(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return tool.Rejectf("%s: the expert is unavailable: %v", ExpertToolName, err), nil
	}
	if resp == nil {
		return tool.Rejectf("%s: the expert returned nothing", ExpertToolName), nil
	}
	u := usageOf(req, resp)
	if u.Estimated && u.OutputTokens > int64(x.e.maxTokens()) {
		// An estimate from text may exceed what the cap lets the provider
		// bill; a reported count is the provider's and is kept.
		u.OutputTokens = int64(x.e.maxTokens())
	}
	return &tool.Result{Content: strings.TrimSpace(resp.Message.Content), Usage: u}, nil
}
