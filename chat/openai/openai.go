package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/internal/wire"
)

// DefaultBaseURL is used when Options.BaseURL is empty.
const DefaultBaseURL = "https://api.openai.com/v1"

// Options configures a [Client]: base URL, key, per-attempt timeout,
// retries, body cap, HTTP client. The zero value talks to OpenAI's public
// API with the defaults below.
type Options = wire.Options

// Defaults of [Options].
const (
	DefaultTimeout          = wire.DefaultTimeout
	DefaultMaxRetries       = wire.DefaultMaxRetries
	DefaultMaxResponseBytes = wire.DefaultMaxResponseBytes
	DefaultMaxRetryAfter    = wire.DefaultMaxRetryAfter
)

// Client is a [chat.Client] and [chat.Streamer] for the OpenAI chat
// completions API and every server that speaks it (vLLM, Ollama, llama.cpp,
// OpenRouter). Complete and Forward speak the wire format directly; Stream
// uses the official SDK with the SDK's retries off. Retries, timeouts and
// body caps are this package's (see [Options]).
// It is safe for concurrent use.
type Client struct {
	svc sdk.ChatCompletionService
	r   *wire.Retrier
	o   Options
	// base is the API root without a trailing slash.
	base string
	// completionTokens sends max_completion_tokens instead of max_tokens:
	// OpenAI's own reasoning models reject max_tokens, while many
	// compatible servers only know max_tokens.
	completionTokens bool
}

var (
	_ chat.Client   = (*Client)(nil)
	_ chat.Streamer = (*Client)(nil)
)

// New returns a client for the OpenAI-compatible API at o.BaseURL. It
// has no side effects; a bad BaseURL surfaces as an error on the first call.
// The SDK's environment variables (OPENAI_API_KEY, OPENAI_BASE_URL, ...) are
// deliberately not read: keys come only from o.
func New(o Options) *Client {
	o = o.WithDefaults()
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	r := wire.NewRetrier("openai", o)
	opts := []option.RequestOption{
		option.WithBaseURL(o.BaseURL),
		option.WithHTTPClient(o.HTTPClient),
		option.WithMaxRetries(0),
		option.WithMiddleware(r.Middleware),
	}
	if o.APIKey != "" {
		opts = append(opts, option.WithAPIKey(o.APIKey))
	}
	for _, k := range wire.SortedKeys(o.Header) {
		opts = append(opts, option.WithHeader(k, o.Header[k]))
	}
	u, _ := url.Parse(o.BaseURL)
	return &Client{
		svc:              sdk.NewChatCompletionService(opts...),
		r:                r,
		o:                o,
		base:             strings.TrimRight(o.BaseURL, "/"),
		completionTokens: u != nil && strings.EqualFold(u.Hostname(), "api.openai.com"),
	}
}

// Complete sends req and returns the first choice. The request is encoded
// by [Client.Body] and sent by [Client.Forward] (the retry policy of every
// call), and the reply decoded into just the fields Baton reads: no SDK on
// this path, which a gateway takes for every non-streamed call.
func (c *Client) Complete(ctx context.Context, req chat.Request) (*chat.Response, error) {
	body, err := c.Body(req, false)
	if err != nil {
		return nil, err
	}
	res, err := c.Forward(ctx, body)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body) // already read and capped by the retry policy
	if err != nil {
		return nil, wire.Failure(ctx, "openai", err, chat.ErrUpstream)
	}
	var comp wireCompletion
	if err := json.Unmarshal(raw, &comp); err != nil {
		return nil, fmt.Errorf("chat: openai: %w: the completion does not decode: %w", chat.ErrMalformed, err)
	}
	if len(comp.Choices) == 0 {
		return nil, fmt.Errorf("chat: openai: %w: no choices in completion", chat.ErrMalformed)
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
	if comp.Usage != nil {
		resp.Usage = chat.Usage{InputTokens: comp.Usage.PromptTokens, OutputTokens: comp.Usage.CompletionTokens}
		resp.UsageReported = true
	}
	return resp, nil
}

// wireCompletion is the part of a chat.completion object Complete reads.
// Strings a server sends as null decode as empty.
type wireCompletion struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Content   string `json:"content"`
			Refusal   string `json:"refusal"`
			ToolCalls []struct {
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int64 `json:"prompt_tokens"`
		CompletionTokens int64 `json:"completion_tokens"`
	} `json:"usage"`
}

// Stream sends req with stream=true and include_usage, passes each content
// delta to fn, and returns the assembled response: content deltas
// concatenated, tool calls assembled by index, usage from the final chunk.
func (c *Client) Stream(ctx context.Context, req chat.Request, fn func(chat.Delta)) (*chat.Response, error) {
	p, err := c.params(req)
	if err != nil {
		return nil, err
	}
	p.StreamOptions = sdk.ChatCompletionStreamOptionsParam{IncludeUsage: sdk.Bool(true)}
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
		return nil, wire.Failure(ctx, "openai", err, chat.ErrUpstream)
	}
	if chunks == 0 {
		return nil, fmt.Errorf("chat: openai: %w: stream ended without a chunk", chat.ErrMalformed)
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

func (c *Client) params(req chat.Request) (sdk.ChatCompletionNewParams, error) {
	p := sdk.ChatCompletionNewParams{Model: req.Model}
	if req.Model == "" {
		return p, errors.New("chat: openai: request has no model")
	}
	for i, m := range req.Messages {
		mp, err := openAIMessage(m)
		if err != nil {
			return p, fmt.Errorf("chat: openai: message %d: %w", i, err)
		}
		p.Messages = append(p.Messages, mp)
	}
	for _, t := range req.Tools {
		fd := shared.FunctionDefinitionParam{Name: t.Name}
		if t.Description != "" {
			fd.Description = sdk.String(t.Description)
		}
		params, err := wire.SchemaObject(t.Parameters)
		if err != nil {
			return p, fmt.Errorf("chat: openai: tool %q: %w", t.Name, err)
		}
		fd.Parameters = shared.FunctionParameters(params)
		p.Tools = append(p.Tools, sdk.ChatCompletionFunctionTool(fd))
	}
	if req.MaxTokens > 0 {
		if c.completionTokens {
			p.MaxCompletionTokens = sdk.Int(int64(req.MaxTokens))
		} else {
			p.MaxTokens = sdk.Int(int64(req.MaxTokens))
		}
	}
	if req.Temperature != nil {
		p.Temperature = sdk.Float(*req.Temperature)
	}
	if len(req.Stop) > 0 {
		p.Stop = sdk.ChatCompletionNewParamsStopUnion{OfStringArray: req.Stop}
	}
	return p, nil
}

func openAIMessage(m chat.Message) (sdk.ChatCompletionMessageParamUnion, error) {
	switch m.Role {
	case chat.RoleSystem:
		return sdk.SystemMessage(m.Content), nil
	case chat.RoleUser:
		return sdk.UserMessage(m.Content), nil
	case chat.RoleTool:
		return sdk.ToolMessage(m.Content, m.ToolCallID), nil
	case chat.RoleAssistant:
		a := sdk.ChatCompletionAssistantMessageParam{}
		if m.Content != "" || len(m.ToolCalls) == 0 {
			a.Content.OfString = sdk.String(m.Content)
		}
		for _, tc := range m.ToolCalls {
			a.ToolCalls = append(a.ToolCalls, sdk.ChatCompletionMessageToolCallUnionParam{
				OfFunction: &sdk.ChatCompletionMessageFunctionToolCallParam{
					ID:       tc.ID,
					Function: sdk.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: tc.Arguments},
				},
			})
		}
		return sdk.ChatCompletionMessageParamUnion{OfAssistant: &a}, nil
	default:
		return sdk.ChatCompletionMessageParamUnion{}, fmt.Errorf("unknown role %q (want system, user, assistant or tool)", m.Role)
	}
}
