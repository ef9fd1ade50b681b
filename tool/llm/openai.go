package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/batonhq/baton/chat"
)

// DefaultOpenAIBaseURL is used when ClientOptions.BaseURL is empty.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1"

// OpenAI is a [chat.Client] and [chat.Streamer] for the OpenAI chat
// completions API and every server that speaks it (vLLM, Ollama, llama.cpp,
// OpenRouter). It is built on the official SDK with the SDK's retries off;
// retries, timeouts and body caps are this package's (see [ClientOptions]).
// It is safe for concurrent use.
type OpenAI struct {
	svc openai.ChatCompletionService
	r   *retrier
	// completionTokens sends max_completion_tokens instead of max_tokens:
	// OpenAI's own reasoning models reject max_tokens, while many
	// compatible servers only know max_tokens.
	completionTokens bool
}

var (
	_ chat.Client   = (*OpenAI)(nil)
	_ chat.Streamer = (*OpenAI)(nil)
)

// NewOpenAI returns a client for the OpenAI-compatible API at o.BaseURL. It
// has no side effects; a bad BaseURL surfaces as an error on the first call.
// The SDK's environment variables (OPENAI_API_KEY, OPENAI_BASE_URL, ...) are
// deliberately not read: keys come only from o.
func NewOpenAI(o ClientOptions) *OpenAI {
	o = o.withDefaults()
	if o.BaseURL == "" {
		o.BaseURL = DefaultOpenAIBaseURL
	}
	r := newRetrier("openai", o)
	opts := []option.RequestOption{
		option.WithBaseURL(o.BaseURL),
		option.WithHTTPClient(o.HTTPClient),
		option.WithMaxRetries(0),
		option.WithMiddleware(r.middleware),
	}
	if o.APIKey != "" {
		opts = append(opts, option.WithAPIKey(o.APIKey))
	}
	for _, k := range sortedKeys(o.Header) {
		opts = append(opts, option.WithHeader(k, o.Header[k]))
	}
	u, _ := url.Parse(o.BaseURL)
	return &OpenAI{
		svc:              openai.NewChatCompletionService(opts...),
		r:                r,
		completionTokens: u != nil && strings.EqualFold(u.Hostname(), "api.openai.com"),
	}
}

// Complete sends req and returns the first choice.
func (c *OpenAI) Complete(ctx context.Context, req chat.Request) (*chat.Response, error) {
	p, err := c.params(req)
	if err != nil {
		return nil, err
	}
	comp, err := c.svc.New(ctx, p)
	if err != nil {
		return nil, failure(ctx, "openai", err, ErrMalformed)
	}
	if comp == nil || len(comp.Choices) == 0 {
		return nil, fmt.Errorf("llm: openai: %w: no choices in completion", ErrMalformed)
	}
	ch := comp.Choices[0]
	msg := chat.Message{Role: chat.RoleAssistant, Content: ch.Message.Content}
	if msg.Content == "" && ch.Message.Refusal != "" {
		msg.Content = ch.Message.Refusal
	}
	for _, tc := range ch.Message.ToolCalls {
		msg.ToolCalls = append(msg.ToolCalls, chat.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	resp := &chat.Response{Message: msg, Model: comp.Model, FinishReason: ch.FinishReason}
	if comp.JSON.Usage.Valid() {
		resp.Usage = chat.Usage{InputTokens: comp.Usage.PromptTokens, OutputTokens: comp.Usage.CompletionTokens}
		resp.UsageReported = true
	}
	return resp, nil
}

// Stream sends req with stream=true and include_usage, passes each content
// delta to fn, and returns the assembled response: content deltas
// concatenated, tool calls assembled by index, usage from the final chunk.
func (c *OpenAI) Stream(ctx context.Context, req chat.Request, fn func(chat.Delta)) (*chat.Response, error) {
	p, err := c.params(req)
	if err != nil {
		return nil, err
	}
	p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	stream := c.svc.NewStreaming(ctx, p)
	defer stream.Close()

	var (
		content strings.Builder
		calls   = map[int64]*chat.ToolCall{}
		resp    = &chat.Response{}
		chunks  int
	)
	for stream.Next() {
		chunk := stream.Current()
		chunks++
		if chunk.Model != "" {
			resp.Model = chunk.Model
		}
		if chunk.JSON.Usage.Valid() {
			resp.Usage = chat.Usage{InputTokens: chunk.Usage.PromptTokens, OutputTokens: chunk.Usage.CompletionTokens}
			resp.UsageReported = true
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if d := ch.Delta.Content; d != "" {
				content.WriteString(d)
				if fn != nil {
					fn(chat.Delta{Content: d})
				}
			}
			for _, tc := range ch.Delta.ToolCalls {
				call := calls[tc.Index]
				if call == nil {
					call = &chat.ToolCall{}
					calls[tc.Index] = call
				}
				if tc.ID != "" {
					call.ID = tc.ID
				}
				if tc.Function.Name != "" {
					call.Name = tc.Function.Name
				}
				call.Arguments += tc.Function.Arguments
			}
			if ch.FinishReason != "" {
				resp.FinishReason = ch.FinishReason
			}
		}
	}
	if err := stream.Err(); err != nil {
		return nil, failure(ctx, "openai", err, chat.ErrUpstream)
	}
	if chunks == 0 {
		return nil, fmt.Errorf("llm: openai: %w: stream ended without a chunk", ErrMalformed)
	}
	resp.Message = chat.Message{Role: chat.RoleAssistant, Content: content.String()}
	idx := make([]int64, 0, len(calls))
	for i := range calls {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	for _, i := range idx {
		resp.Message.ToolCalls = append(resp.Message.ToolCalls, *calls[i])
	}
	return resp, nil
}

// failure shapes an error of a call: the caller's cancellation as itself,
// provider HTTP errors as *chat.StatusError, this package's errors as they
// are, and anything else the SDK reports as kind (ErrMalformed for a
// response that did not decode, chat.ErrUpstream for an error event in a
// stream).
func failure(ctx context.Context, provider string, err, kind error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("llm: %s: %w", provider, ctxErr)
	}
	var se *chat.StatusError
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, chat.ErrUpstream) {
		return err
	}
	return fmt.Errorf("llm: %s: %w: %w", provider, kind, err)
}

func (c *OpenAI) params(req chat.Request) (openai.ChatCompletionNewParams, error) {
	p := openai.ChatCompletionNewParams{Model: req.Model}
	if req.Model == "" {
		return p, errors.New("llm: openai: request has no model")
	}
	for i, m := range req.Messages {
		mp, err := openAIMessage(m)
		if err != nil {
			return p, fmt.Errorf("llm: openai: message %d: %w", i, err)
		}
		p.Messages = append(p.Messages, mp)
	}
	for _, t := range req.Tools {
		fd := shared.FunctionDefinitionParam{Name: t.Name}
		if t.Description != "" {
			fd.Description = openai.String(t.Description)
		}
		params, err := schemaObject(t.Parameters)
		if err != nil {
			return p, fmt.Errorf("llm: openai: tool %q: %w", t.Name, err)
		}
		fd.Parameters = shared.FunctionParameters(params)
		p.Tools = append(p.Tools, openai.ChatCompletionFunctionTool(fd))
	}
	if req.MaxTokens > 0 {
		if c.completionTokens {
			p.MaxCompletionTokens = openai.Int(int64(req.MaxTokens))
		} else {
			p.MaxTokens = openai.Int(int64(req.MaxTokens))
		}
	}
	if req.Temperature != nil {
		p.Temperature = openai.Float(*req.Temperature)
	}
	if len(req.Stop) > 0 {
		p.Stop = openai.ChatCompletionNewParamsStopUnion{OfStringArray: req.Stop}
	}
	return p, nil
}

func openAIMessage(m chat.Message) (openai.ChatCompletionMessageParamUnion, error) {
	switch m.Role {
	case chat.RoleSystem:
		return openai.SystemMessage(m.Content), nil
	case chat.RoleUser:
		return openai.UserMessage(m.Content), nil
	case chat.RoleTool:
		return openai.ToolMessage(m.Content, m.ToolCallID), nil
	case chat.RoleAssistant:
		a := openai.ChatCompletionAssistantMessageParam{}
		if m.Content != "" || len(m.ToolCalls) == 0 {
			a.Content.OfString = openai.String(m.Content)
		}
		for _, tc := range m.ToolCalls {
			a.ToolCalls = append(a.ToolCalls, openai.ChatCompletionMessageToolCallUnionParam{
				OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
					ID:       tc.ID,
					Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: tc.Arguments},
				},
			})
		}
		return openai.ChatCompletionMessageParamUnion{OfAssistant: &a}, nil
	default:
		return openai.ChatCompletionMessageParamUnion{}, fmt.Errorf("unknown role %q (want system, user, assistant or tool)", m.Role)
	}
}

// schemaObject decodes a tool's JSON Schema; an empty one accepts any
// object.
func schemaObject(raw json.RawMessage) (map[string]any, error) {
	if len(strings.TrimSpace(string(raw))) == 0 {
		return map[string]any{"type": "object"}, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parameters are not a JSON object: %w", err)
	}
	return m, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
