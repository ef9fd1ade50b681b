package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/internal/wire"
)

// DefaultBaseURL is used when Options.BaseURL is empty.
const DefaultBaseURL = "https://api.anthropic.com"

// Options configures a [Client]: base URL, key, per-attempt timeout,
// retries, body cap, HTTP client (the same options as chat/openai's).
type Options = wire.Options

// DefaultMaxTokens is sent to Anthropic when a request sets no MaxTokens:
// the Messages API requires the field.
const DefaultMaxTokens = 1024

// Client is a [chat.Client] and [chat.Streamer] for Anthropic's Messages
// API, built on the official SDK with the SDK's retries off (see
// [Options]). It translates Baton's chat model at the edge: system
// messages become the top-level system prompt, tools carry input_schema,
// assistant tool calls become tool_use blocks and tool messages become
// tool_result blocks in a user turn (consecutive ones merged, as the API
// requires). It is safe for concurrent use.
type Client struct {
	svc sdk.MessageService
	r   *wire.Retrier
}

var (
	_ chat.Client   = (*Client)(nil)
	_ chat.Streamer = (*Client)(nil)
)

// New returns a client for the Messages API at o.BaseURL. It has
// no side effects and reads no environment variables: the key comes only
// from o and is sent as x-api-key.
func New(o Options) *Client {
	o = o.WithDefaults()
	base := strings.TrimSuffix(strings.TrimSuffix(o.BaseURL, "/"), "/v1")
	if base == "" {
		base = DefaultBaseURL
	}
	r := wire.NewRetrier("anthropic", o)
	opts := []option.RequestOption{
		option.WithBaseURL(base),
		option.WithHTTPClient(o.HTTPClient),
		option.WithMaxRetries(0),
		option.WithMiddleware(r.Middleware),
		// Our middleware bounds every attempt; the SDK's own timer is set
		// past the whole retry loop so it never fires first (and so the SDK
		// does not refuse large max_tokens without streaming).
		option.WithRequestTimeout(time.Duration(o.MaxRetries+1) * (o.Timeout + o.MaxRetryAfter + wire.BackoffMax)),
	}
	if o.APIKey != "" {
		opts = append(opts, option.WithHeader("x-api-key", o.APIKey))
	}
	for _, k := range wire.SortedKeys(o.Header) {
		opts = append(opts, option.WithHeader(k, o.Header[k]))
	}
	return &Client{svc: sdk.NewMessageService(opts...), r: r}
}

// Complete sends req to the Messages API.
func (c *Client) Complete(ctx context.Context, req chat.Request) (*chat.Response, error) {
	p, err := params(req)
	if err != nil {
		return nil, err
	}
	msg, err := c.svc.New(ctx, p, requestOptions(req)...)
	if err != nil {
		return nil, wire.Failure(ctx, "anthropic", err, chat.ErrMalformed)
	}
	if msg == nil || !msg.JSON.Content.Valid() {
		return nil, fmt.Errorf("chat: anthropic: %w: message has no content array", chat.ErrMalformed)
	}
	return response(msg, msg.JSON.Usage.Valid()), nil
}

// Stream sends req with stream=true, passes each text delta to fn and
// returns the message assembled from the events.
func (c *Client) Stream(ctx context.Context, req chat.Request, fn func(chat.Delta)) (*chat.Response, error) {
	p, err := params(req)
	if err != nil {
		return nil, err
	}
	stream := c.svc.NewStreaming(ctx, p, requestOptions(req)...)
	defer stream.Close()
	var (
		msg       sdk.Message
		started   bool
		usageSeen bool
	)
	for stream.Next() {
		ev := stream.Current()
		switch ev.Type {
		case "message_start":
			started = true
			usageSeen = usageSeen || ev.Message.JSON.Usage.Valid()
		case "message_delta":
			usageSeen = usageSeen || ev.JSON.Usage.Valid()
		case "content_block_delta":
			if ev.Delta.Type == "text_delta" && ev.Delta.Text != "" && fn != nil {
				fn(chat.Delta{Content: ev.Delta.Text})
			}
		}
		if err := msg.Accumulate(ev); err != nil {
			return nil, fmt.Errorf("chat: anthropic: %w: %w", chat.ErrMalformed, err)
		}
	}
	if err := stream.Err(); err != nil {
		return nil, wire.Failure(ctx, "anthropic", err, chat.ErrUpstream)
	}
	if !started {
		return nil, fmt.Errorf("chat: anthropic: %w: stream ended without message_start", chat.ErrMalformed)
	}
	return response(&msg, usageSeen), nil
}

func response(msg *sdk.Message, usage bool) *chat.Response {
	out := chat.Message{Role: chat.RoleAssistant}
	var text strings.Builder
	for _, b := range msg.Content {
		switch b.Type {
		case "text":
			text.WriteString(b.Text)
		case "tool_use":
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			out.ToolCalls = append(out.ToolCalls, chat.ToolCall{ID: b.ID, Name: b.Name, Arguments: args})
		}
	}
	out.Content = text.String()
	resp := &chat.Response{Message: out, Model: string(msg.Model), FinishReason: string(msg.StopReason)}
	if usage {
		// Cached prompt tokens are reported apart from input_tokens; all of
		// them were read, so all count as input.
		u := msg.Usage
		resp.Usage = chat.Usage{
			InputTokens:  u.InputTokens + u.CacheCreationInputTokens + u.CacheReadInputTokens,
			OutputTokens: u.OutputTokens,
		}
		resp.UsageReported = true
	}
	return resp
}

// params translates a chat.Request to the Messages API.
func params(req chat.Request) (sdk.MessageNewParams, error) {
	p := sdk.MessageNewParams{Model: sdk.Model(req.Model), MaxTokens: int64(req.MaxTokens)}
	if req.Model == "" {
		return p, errors.New("chat: anthropic: request has no model")
	}
	if p.MaxTokens <= 0 {
		p.MaxTokens = DefaultMaxTokens
	}
	type turn struct {
		user   bool
		blocks []sdk.ContentBlockParamUnion
	}
	var turns []turn
	add := func(user bool, b sdk.ContentBlockParamUnion) {
		if n := len(turns); n > 0 && turns[n-1].user == user {
			turns[n-1].blocks = append(turns[n-1].blocks, b)
			return
		}
		turns = append(turns, turn{user: user, blocks: []sdk.ContentBlockParamUnion{b}})
	}
	for i, m := range req.Messages {
		switch m.Role {
		case chat.RoleSystem:
			if m.Content != "" {
				p.System = append(p.System, sdk.TextBlockParam{Text: m.Content})
			}
		case chat.RoleUser:
			// The API rejects empty text blocks; an empty user turn still
			// needs a block, so it gets a single space.
			add(true, sdk.NewTextBlock(nonEmpty(m.Content)))
		case chat.RoleAssistant:
			if m.Content != "" {
				add(false, sdk.NewTextBlock(m.Content))
			}
			for _, tc := range m.ToolCalls {
				args := strings.TrimSpace(tc.Arguments)
				if args == "" {
					args = "{}"
				}
				if !json.Valid([]byte(args)) || !strings.HasPrefix(args, "{") {
					return p, fmt.Errorf("chat: anthropic: message %d: tool call %q: arguments are not a JSON object: %q", i, tc.Name, wire.Truncate(tc.Arguments, 200))
				}
				add(false, sdk.NewToolUseBlock(tc.ID, json.RawMessage(args), tc.Name))
			}
		case chat.RoleTool:
			if m.ToolCallID == "" {
				return p, fmt.Errorf("chat: anthropic: message %d: tool message without tool_call_id", i)
			}
			add(true, sdk.NewToolResultBlock(m.ToolCallID, m.Content, false))
		default:
			return p, fmt.Errorf("chat: anthropic: message %d: unknown role %q (want system, user, assistant or tool)", i, m.Role)
		}
	}
	for _, t := range turns {
		if t.user {
			p.Messages = append(p.Messages, sdk.NewUserMessage(t.blocks...))
		} else {
			p.Messages = append(p.Messages, sdk.NewAssistantMessage(t.blocks...))
		}
	}
	for _, t := range req.Tools {
		schema, err := wire.SchemaObject(t.Parameters)
		if err != nil {
			return p, fmt.Errorf("chat: anthropic: tool %q: %w", t.Name, err)
		}
		in := sdk.ToolInputSchemaParam{Properties: schema["properties"], ExtraFields: map[string]any{}}
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if s, ok := r.(string); ok {
					in.Required = append(in.Required, s)
				}
			}
		}
		for k, v := range schema {
			if k != "properties" && k != "required" && k != "type" {
				in.ExtraFields[k] = v
			}
		}
		tp := &sdk.ToolParam{Name: t.Name, InputSchema: in}
		if t.Description != "" {
			tp.Description = sdk.String(t.Description)
		}
		p.Tools = append(p.Tools, sdk.ToolUnionParam{OfTool: tp})
	}
	p.StopSequences = req.Stop
	return p, nil
}

// requestOptions carries what the SDK's params type has no field for.
func requestOptions(req chat.Request) []option.RequestOption {
	if req.Temperature == nil {
		return nil
	}
	return []option.RequestOption{option.WithJSONSet("temperature", *req.Temperature)}
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return " "
	}
	return s
}
