package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
	wire "github.com/batonhq/baton/server/openai"
	"github.com/batonhq/baton/store"
)

// client is the official OpenAI Go client pointed at the env, with its
// retries off so each call is one request.
func (e *env) client(secret string) *openai.Client {
	c := openai.NewClient(option.WithBaseURL(e.http.URL+"/v1"), option.WithAPIKey(secret), option.WithMaxRetries(0))
	return &c
}

// batonExt reads the "baton" extension of a response.
func batonExt(t *testing.T, raw string) openaiRunInfo {
	t.Helper()
	var info openaiRunInfo
	if err := json.Unmarshal([]byte(raw), &info); err != nil || info.RunID == "" {
		t.Fatalf("no baton extension (%v): %s", err, raw)
	}
	return info
}

type openaiRunInfo = wire.RunInfo

func TestConformanceOrchestrated(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(e.secret)
	ctx := context.Background()
	params := openai.ChatCompletionNewParams{
		Model:    "baton",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is six times seven?")},
	}
	t.Run("non-streaming", func(t *testing.T) {
		resp, err := c.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Choices[0].Message.Content; got != "forty two" {
			t.Errorf("content = %q", got)
		}
		if resp.Choices[0].FinishReason != "stop" || resp.Model != "baton" || resp.Object != "chat.completion" {
			t.Errorf("finish %q model %q object %q", resp.Choices[0].FinishReason, resp.Model, resp.Object)
		}
		if resp.Usage.PromptTokens != 20 || resp.Usage.CompletionTokens != 10 || resp.Usage.TotalTokens != 30 {
			t.Errorf("usage = %+v", resp.Usage)
		}
		info := batonExt(t, resp.JSON.ExtraFields["baton"].Raw())
		want := smallPrice.Cost(money.Usage{InputTokens: 20, OutputTokens: 10})
		if info.Cost != want.Decimal() || info.Status != "answered" {
			t.Errorf("cost %s (want %s), status %s", info.Cost, want.Decimal(), info.Status)
		}
		if len(info.Steps) != 2 || info.Steps[0].Tool != "small" || info.Steps[1].Tool != "answer" {
			t.Errorf("steps = %+v", info.Steps)
		}
		run, err := e.store.GetRun(ctx, info.RunID)
		if err != nil || run.Status != "answered" || run.Episode.Cost != want || run.KeyID != e.key.ID {
			t.Errorf("stored run %+v, %v", run, err)
		}
	})
	t.Run("streaming", func(t *testing.T) {
		p := params
		p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
		stream := c.Chat.Completions.NewStreaming(ctx, p)
		acc := openai.ChatCompletionAccumulator{}
		var ext string
		for stream.Next() {
			ch := stream.Current()
			acc.AddChunk(ch)
			if f, ok := ch.JSON.ExtraFields["baton"]; ok && f.Raw() != "" {
				ext = f.Raw()
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if got := acc.Choices[0].Message.Content; got != "forty two" {
			t.Errorf("content = %q", got)
		}
		if acc.Choices[0].FinishReason != "stop" || acc.Usage.TotalTokens != 30 {
			t.Errorf("finish %q usage %+v", acc.Choices[0].FinishReason, acc.Usage)
		}
		batonExt(t, ext)
	})
}

func TestConformancePassThroughTools(t *testing.T) {
	e := newEnv(t, func(r chattest.Request) chattest.Reply {
		if _, ok := r.Body["tools"]; !ok {
			return chattest.Reply{Status: 400, Raw: `{"error":{"message":"tools were not forwarded","type":"invalid_request_error"}}`}
		}
		if r.Body["model"] != "small-1" {
			return chattest.Reply{Status: 400, Raw: `{"error":{"message":"wrong upstream model","type":"invalid_request_error"}}`}
		}
		return chattest.Reply{
			ToolCalls: []chattest.ToolCall{{ID: "call_w", Name: "get_weather", Arguments: `{"city":"Paris"}`}},
			Usage:     chattest.Usage{PromptTokens: 50, CompletionTokens: 12},
		}
	})
	c := e.client(e.secret)
	ctx := context.Background()
	params := openai.ChatCompletionNewParams{
		Model:    "small",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Weather in Paris?")},
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        "get_weather",
			Description: openai.String("current weather"),
			Parameters:  shared.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
		})},
	}
	want := smallPrice.Cost(money.Usage{InputTokens: 50, OutputTokens: 12})
	t.Run("non-streaming", func(t *testing.T) {
		resp, err := c.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		msg := resp.Choices[0].Message
		if resp.Choices[0].FinishReason != "tool_calls" || len(msg.ToolCalls) != 1 {
			t.Fatalf("finish %q, calls %+v", resp.Choices[0].FinishReason, msg.ToolCalls)
		}
		tc := msg.ToolCalls[0]
		if tc.ID != "call_w" || tc.Function.Name != "get_weather" || tc.Function.Arguments != `{"city":"Paris"}` {
			t.Errorf("tool call = %+v", tc)
		}
		info := batonExt(t, resp.JSON.ExtraFields["baton"].Raw())
		if info.Cost != want.Decimal() {
			t.Errorf("cost %s, want %s", info.Cost, want.Decimal())
		}
	})
	t.Run("streaming", func(t *testing.T) {
		stream := c.Chat.Completions.NewStreaming(ctx, params)
		acc := openai.ChatCompletionAccumulator{}
		for stream.Next() {
			acc.AddChunk(stream.Current())
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		calls := acc.Choices[0].Message.ToolCalls
		if len(calls) != 1 || calls[0].Function.Name != "get_weather" || calls[0].Function.Arguments != `{"city":"Paris"}` {
			t.Errorf("tool calls = %+v", calls)
		}
		if acc.Choices[0].FinishReason != "tool_calls" {
			t.Errorf("finish = %q", acc.Choices[0].FinishReason)
		}
	})
	sp, err := e.store.Spent(ctx, e.key.ID)
	if err != nil || sp.Total != 2*want || sp.Held != 0 {
		t.Errorf("spent %+v (want total %s, nothing held), %v", sp, 2*want, err)
	}
}

func TestConformanceErrors(t *testing.T) {
	e := newEnv(t, func(r chattest.Request) chattest.Reply {
		if strings.Contains(string(r.Raw), "upstream-fail") {
			return chattest.Reply{Status: 500, Raw: `{"error":{"message":"the model is on fire","type":"server_error"}}`}
		}
		return defaultReply(r)
	})
	broke, brokeSecret := e.newKey(store.NewKey{Name: "broke", Budget: store.KeyBudget{Total: 1}})
	_ = broke
	ctx := context.Background()
	user := func(s string) []openai.ChatCompletionMessageParamUnion {
		return []openai.ChatCompletionMessageParamUnion{openai.UserMessage(s)}
	}
	tests := []struct {
		name     string
		secret   string
		params   openai.ChatCompletionNewParams
		opts     []option.RequestOption
		status   int
		typ      string
		code     string
		param    string
		contains string
	}{
		{name: "unknown key", secret: "sk-nope", params: openai.ChatCompletionNewParams{Model: "baton", Messages: user("hi")},
			status: 401, typ: "authentication_error", code: "invalid_api_key", contains: "unknown API key"},
		{name: "unknown model", secret: e.secret, params: openai.ChatCompletionNewParams{Model: "gpt-99", Messages: user("hi")},
			status: 404, typ: "invalid_request_error", code: "model_not_found", param: "model", contains: "gpt-99"},
		{name: "unknown field", secret: e.secret, params: openai.ChatCompletionNewParams{Model: "baton", Messages: user("hi")},
			opts:   []option.RequestOption{option.WithJSONSet("frobnicate", true)},
			status: 400, typ: "invalid_request_error", param: "frobnicate", contains: `unknown field "frobnicate"`},
		{name: "budget", secret: brokeSecret, params: openai.ChatCompletionNewParams{Model: "small", Messages: user("hi")},
			status: 402, typ: "insufficient_quota", code: "budget_exceeded", contains: "budget"},
		{name: "upstream failure", secret: e.secret, params: openai.ChatCompletionNewParams{Model: "small", Messages: user("upstream-fail")},
			status: 502, typ: "upstream_error", code: "upstream_error", contains: "the model is on fire"},
		{name: "too large", secret: e.secret, params: openai.ChatCompletionNewParams{Model: "baton", Messages: user(strings.Repeat("x", 2<<20))},
			status: 413, typ: "invalid_request_error", code: "request_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client(tt.secret).Chat.Completions.New(ctx, tt.params, tt.opts...)
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("want an *openai.Error, got %v", err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Type != tt.typ || apiErr.Code != tt.code || apiErr.Param != tt.param {
				t.Errorf("got status %d type %q code %q param %q; want %d %q %q %q (message %q)",
					apiErr.StatusCode, apiErr.Type, apiErr.Code, apiErr.Param, tt.status, tt.typ, tt.code, tt.param, apiErr.Message)
			}
			if !strings.Contains(apiErr.Message, tt.contains) {
				t.Errorf("message %q does not contain %q", apiErr.Message, tt.contains)
			}
		})
	}
	t.Run("streaming upstream failure is an HTTP error", func(t *testing.T) {
		stream := e.client(e.secret).Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{Model: "small", Messages: user("upstream-fail")})
		for stream.Next() {
		}
		var apiErr *openai.Error
		if !errors.As(stream.Err(), &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
			t.Fatalf("want HTTP 502, got %v", stream.Err())
		}
	})
	sp, err := e.store.Spent(ctx, e.key.ID)
	if err != nil || sp.Held != 0 || sp.Total != 0 {
		t.Errorf("failed calls left %+v on the ledger (%v); a provider's HTTP error is not billed", sp, err)
	}
}

func TestModels(t *testing.T) {
	e := newEnv(t, nil)
	page, err := e.client(e.secret).Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range page.Data {
		ids[m.ID] = true
	}
	for _, want := range []string{"baton", "baton:cheapest", "small"} {
		if !ids[want] {
			t.Errorf("GET /v1/models lacks %q: %v", want, ids)
		}
	}
}
