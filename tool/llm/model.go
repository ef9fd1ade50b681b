package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/answer"
	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// DefaultModelMaxTokens caps a model tool's output when its configuration
// sets no max_tokens.
const DefaultModelMaxTokens = 1024

// MessageOverheadTokens is what [Model.MaxCost] adds per message, plus one
// more for the reply header and any default system prompt a server's chat
// template inserts, on top of one token per byte of text. Chat templates
// wrap each message in role markers: about 4 tokens per message for OpenAI,
// about 5 for Llama 3 and Qwen's ChatML, and Llama 3 or Qwen insert a
// default system prompt of 20 to 30 tokens when none is sent. 64 bounds all
// of these with room to spare; the bound must never be below the real
// charge, and a few dozen tokens cost a fraction of a cent.
const MessageOverheadTokens = 64

// ModelConfig configures a [Model]. Price is final here: looking it up in a
// catalog is the caller's job (the registered kinds do it).
type ModelConfig struct {
	// Name is the tool name; empty derives it from Model.
	Name string
	// Model is the provider's model name, sent with every request.
	Model string
	// Provider names the API for the default description ("openai").
	Provider string
	// Description says what the model is good at; empty gives a generic
	// one.
	Description string
	// Price is the model's price per million input and output tokens.
	Price money.Price
	// Latency is the typical wall time of one call.
	Latency time.Duration
	// Timeout bounds one call, retries included; 0 means
	// tool.DefaultTimeout.
	Timeout time.Duration
	// MaxTokens caps the output tokens of one call and is sent to the
	// provider; 0 means [DefaultModelMaxTokens].
	MaxTokens int
	// Tags classify the tool; empty means llm and remote.
	Tags []string
	// Answer is the answer format of replies: "" (the whole reply) or
	// [AnswerZeroEval].
	Answer string
}

// AnswerZeroEval is the [ModelConfig.Answer] format that extracts the
// "answer" field of a reply's first JSON object by ZeroEval's rules.
const AnswerZeroEval = "zeroeval"

// Model is a configured language model exposed as a [tool.Tool]: the
// policy sends {"prompt", "system"?, "max_tokens"?} and reads the reply.
// It implements [tool.CostBounder] with a bound that holds because the
// max_tokens it bills against is the one it sends.
type Model struct {
	client    chat.Client
	spec      tool.Spec
	model     string
	maxTokens int
	answer    string
}

var (
	_ tool.Tool        = (*Model)(nil)
	_ tool.CostBounder = (*Model)(nil)
)

// modelArgs are a Model's arguments.
type modelArgs struct {
	Prompt    string `json:"prompt"`
	System    string `json:"system,omitempty"`
	MaxTokens int    `json:"max_tokens,omitempty"`
}

// NewModel returns a tool that calls client with c.Model.
func NewModel(client chat.Client, c ModelConfig) (*Model, error) {
	if client == nil {
		return nil, fmt.Errorf("llm: model %q: no client", c.Model)
	}
	if strings.TrimSpace(c.Model) == "" {
		return nil, fmt.Errorf("llm: model name is empty: set \"model\" to the provider's model name, e.g. \"gpt-5\"")
	}
	if c.MaxTokens < 0 {
		return nil, fmt.Errorf("llm: model %q: max_tokens %d is negative", c.Model, c.MaxTokens)
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = DefaultModelMaxTokens
	}
	if c.Timeout < 0 || c.Latency < 0 {
		return nil, fmt.Errorf("llm: model %q: timeout and latency must not be negative", c.Model)
	}
	if c.Timeout == 0 {
		c.Timeout = tool.DefaultTimeout
	}
	if c.Answer != "" && c.Answer != AnswerZeroEval {
		return nil, fmt.Errorf("llm: model %q: answer format %q is unknown; want %q or none (the whole reply is the answer)", c.Model, c.Answer, AnswerZeroEval)
	}
	if err := c.Price.Validate(); err != nil {
		return nil, fmt.Errorf("llm: model %q: %w", c.Model, err)
	}
	name := c.Name
	if name == "" {
		name = toolName(c.Model)
	}
	desc := c.Description
	if desc == "" {
		desc = fmt.Sprintf("Language model %s (%s API). Send a self-contained prompt; it answers in text. "+
			"Good for reasoning, writing, summarising and general knowledge; it cannot browse or run code.", c.Model, orDefault(c.Provider, "chat"))
	}
	tags := c.Tags
	if len(tags) == 0 {
		tags = []string{tool.TagLLM, tool.TagRemote}
	}
	if c.Price.IsZero() && !hasTag(tags, tool.TagFree) {
		tags = append(append([]string(nil), tags...), tool.TagFree)
	}
	params, err := json.Marshal(map[string]any{
		"type": "object",
		"properties": map[string]any{
			"prompt": map[string]any{"type": "string", "minLength": 1, "description": "The full request to the model; it sees nothing else of the task."},
			"system": map[string]any{"type": "string", "description": "Optional system instructions (role, format, constraints)."},
			"max_tokens": map[string]any{"type": "integer", "minimum": 1, "maximum": c.MaxTokens,
				"description": fmt.Sprintf("Optional cap on the reply's tokens, at most %d (the default).", c.MaxTokens)},
		},
		"required":             []string{"prompt"},
		"additionalProperties": false,
	})
	if err != nil {
		return nil, fmt.Errorf("llm: model %q: schema: %w", c.Model, err)
	}
	return &Model{
		client: client,
		model:  c.Model,
		answer: c.Answer,
		spec: tool.Spec{
			Name:            name,
			Description:     desc,
			Parameters:      params,
			Price:           c.Price,
			Latency:         c.Latency,
			Timeout:         c.Timeout,
			MaxOutputTokens: int64(c.MaxTokens),
			Tags:            tags,
		},
		maxTokens: c.MaxTokens,
	}, nil
}

// Spec describes the model to policies.
func (m *Model) Spec() tool.Spec { return m.spec }

// Call asks the model. The reply text is the Content; Usage is the
// provider's report, or, when it sent none, an estimate with
// tool.EstimateTokens over system+prompt and over the reply (the output
// estimate capped at the max_tokens sent) marked Usage.Estimated. Cost is
// left zero for the tool.Set to compute from Spec().Price and Usage.
//
// A provider failure (HTTP error after retries, malformed or oversized
// response, timeout of every attempt) is an error Result naming the
// provider's message, so the policy can choose another model; only the
// caller's cancellation is a Go error.
func (m *Model) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	a, err := m.args(args)
	if err != nil {
		return tool.Rejectf("%s: %v", m.spec.Name, err), nil
	}
	msgs := make([]chat.Message, 0, 2)
	if a.System != "" {
		msgs = append(msgs, chat.Message{Role: chat.RoleSystem, Content: a.System})
	}
	msgs = append(msgs, chat.Message{Role: chat.RoleUser, Content: a.Prompt})
	resp, err := m.client.Complete(ctx, chat.Request{Model: m.model, Messages: msgs, MaxTokens: a.MaxTokens})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("llm: %s: %w", m.spec.Name, ctx.Err())
		}
		res := tool.Errorf("%s: %v", m.spec.Name, err)
		if chat.MayHaveBilled(err) {
			// Cut off by its timeout, a dropped connection or a reply it
			// could not read, the call may have been billed for tokens
			// whose usage never came back: charge the bound, as for any
			// call cut off mid-way.
			if w, werr := m.MaxCost(args); werr == nil {
				res.Cost = w
			}
		} else {
			// Refused with a status, or never sent: not billed, so no
			// per-call price either.
			res.Unbilled = true
		}
		return res, nil
	}
	res := &tool.Result{Content: resp.Message.Content, Usage: m.usage(a, resp)}
	data := map[string]any{
		"model":           orDefault(resp.Model, m.model),
		"finish_reason":   resp.FinishReason,
		"usage_estimated": res.Usage.Estimated,
	}
	if m.answer == AnswerZeroEval {
		// The same fields a replayed zeroeval call reports, so a policy
		// reads a served reply exactly as it read the recorded one.
		a, ok := answer.ZeroEval(m.model, res.Content)
		data["answer"], data["parsed"], data["chars"] = a, ok, utf8.RuneCountInString(res.Content)
	}
	res.Data, _ = json.Marshal(data)
	if strings.TrimSpace(res.Content) == "" {
		// Billed but useless: a reasoning model can spend all of max_tokens
		// before writing a word. The policy should see why.
		res.IsError = true
		res.Content = fmt.Sprintf("%s: empty reply (finish_reason %q, max_tokens %d); retry with a larger max_tokens or another model",
			m.spec.Name, resp.FinishReason, a.MaxTokens)
	}
	return res, nil
}

func (m *Model) usage(a modelArgs, resp *chat.Response) tool.Usage {
	if resp.UsageReported {
		return tool.Usage{InputTokens: resp.Usage.InputTokens, OutputTokens: resp.Usage.OutputTokens}
	}
	return tool.Usage{
		InputTokens:  tool.EstimateTokens(a.System + a.Prompt),
		OutputTokens: min(tool.EstimateTokens(resp.Message.Content), int64(a.MaxTokens)),
		Estimated:    true,
	}
}

// MaxCost bounds a call's charge before it is made: input tokens at most
// one per byte of system and prompt plus [MessageOverheadTokens] per
// message and one more for the reply, output tokens at most the effective
// max_tokens (which Call sends), and the per-second price, if any, over the
// timeout plus a second.
func (m *Model) MaxCost(args json.RawMessage) (money.Amount, error) {
	a, err := m.args(args)
	if err != nil {
		return 0, fmt.Errorf("llm: %s: %w", m.spec.Name, err)
	}
	msgs := int64(1)
	if a.System != "" {
		msgs++
	}
	spec := m.spec
	spec.MaxOutputTokens = int64(a.MaxTokens)
	return spec.MaxCost(int64(len(a.System)+len(a.Prompt)) + MessageOverheadTokens*(msgs+1)), nil
}

// args decodes and normalises arguments: max_tokens defaults to, and is
// clamped at, the configured cap.
func (m *Model) args(raw json.RawMessage) (modelArgs, error) {
	var a modelArgs
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, &a); err != nil {
			return a, fmt.Errorf("arguments do not decode (want {\"prompt\": string, \"system\"?: string, \"max_tokens\"?: int}): %w", err)
		}
	}
	if strings.TrimSpace(a.Prompt) == "" {
		return a, fmt.Errorf("\"prompt\" is required and must not be empty")
	}
	if a.MaxTokens <= 0 || a.MaxTokens > m.maxTokens {
		a.MaxTokens = m.maxTokens
	}
	return a, nil
}

// toolName derives a valid tool name from a model name:
// "meta-llama/Llama-3.3-70B-Instruct" → "meta-llama_Llama-3.3-70B-Instruct".
func toolName(model string) string {
	b := []byte(model)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}
