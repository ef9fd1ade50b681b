package llm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

func openTool(t *testing.T, kind, name, options string, env map[string]string) (tool.Tool, error) {
	t.Helper()
	tools, err := tool.Open(context.Background(), kind, tool.Config{
		Name:    name,
		Options: json.RawMessage(options),
		Prices:  money.DefaultCatalog(),
		Getenv:  func(k string) string { return env[k] },
	})
	if err != nil {
		return nil, err
	}
	if len(tools) != 1 {
		t.Fatalf("got %d tools", len(tools))
	}
	return tools[0], nil
}

func TestKindsRegistered(t *testing.T) {
	for _, id := range []string{"llm.openai", "llm.anthropic"} {
		k, err := tool.LookupKind(id)
		if err != nil {
			t.Fatal(err)
		}
		if k.Default || k.Doc == "" {
			t.Errorf("%s: Default=%v Doc=%q", id, k.Default, k.Doc)
		}
	}
}

func TestOpenOptions(t *testing.T) {
	key := map[string]string{"OPENAI_API_KEY": "sk-x", "ANTHROPIC_API_KEY": "sk-ant", "MY_KEY": "sk-mine"}
	tests := []struct {
		name, kind, toolName, options string
		env                           map[string]string
		wantErr                       string
		check                         func(t *testing.T, s tool.Spec)
	}{
		{
			name: "catalog price and defaults", kind: "llm.openai", options: `{"model":"gpt-5"}`, env: key,
			check: func(t *testing.T, s tool.Spec) {
				if s.Name != "gpt-5" || s.Price != gpt5 || s.MaxOutputTokens != DefaultModelMaxTokens || s.Timeout != tool.DefaultTimeout {
					t.Errorf("spec = %+v", s)
				}
				if !s.HasTag(tool.TagRemote) || !s.HasTag(tool.TagLLM) || s.HasTag(tool.TagLocal) {
					t.Errorf("tags = %v", s.Tags)
				}
			},
		},
		{
			name: "all options", kind: "llm.anthropic", toolName: "claude", env: key,
			options: `{"model":"claude-sonnet-4-5","description":"Strong at code review.","latency":"4s","timeout":90,"max_tokens":4000,"max_retries":0,
				"price":{"input_per_million":"2.5","output_per_million":"12"}}`,
			check: func(t *testing.T, s tool.Spec) {
				want := money.Price{InputPerM: money.MustParse("2.5"), OutputPerM: money.MustParse("12")}
				if s.Name != "claude" || s.Description != "Strong at code review." || s.Latency != 4*time.Second ||
					s.Timeout != 90*time.Second || s.MaxOutputTokens != 4000 || s.Price != want {
					t.Errorf("spec = %+v", s)
				}
			},
		},
		{
			name: "loopback needs no key and is local", kind: "llm.openai", options: `{"model":"qwen3-32b","base_url":"http://127.0.0.1:8000/v1"}`,
			check: func(t *testing.T, s tool.Spec) {
				if !s.HasTag(tool.TagLocal) || s.HasTag(tool.TagRemote) || s.Price.InputPerM != money.MustParse("0.8") {
					t.Errorf("spec = %+v", s)
				}
			},
		},
		{
			name: "localhost free", kind: "llm.openai", options: `{"model":"llama3.2:3b","base_url":"http://localhost:11434/v1","free":true}`,
			check: func(t *testing.T, s tool.Spec) {
				if !s.Price.IsZero() || !s.HasTag(tool.TagFree) || !s.HasTag(tool.TagLocal) || s.Name != "llama3.2_3b" {
					t.Errorf("spec = %+v", s)
				}
			},
		},
		{
			name: "OpenRouter name priced by last segment", kind: "llm.openai", env: map[string]string{"OPENROUTER_KEY": "k"},
			options: `{"model":"openai/gpt-5","base_url":"https://openrouter.ai/api/v1","api_key_env":"OPENROUTER_KEY"}`,
			check: func(t *testing.T, s tool.Spec) {
				if s.Price != gpt5 || s.Name != "openai_gpt-5" {
					t.Errorf("spec = %+v", s)
				}
			},
		},
		{name: "model required", kind: "llm.openai", options: `{}`, env: key, wantErr: `option "model" is required`},
		{name: "unknown option", kind: "llm.openai", options: `{"model":"gpt-5","api_key":"sk-inline"}`, env: key, wantErr: `unknown field "api_key"`},
		{name: "unknown answer format", kind: "llm.openai", options: `{"model":"gpt-5","answer":"boxed"}`, env: key, wantErr: `answer format "boxed" is unknown; want "zeroeval"`},
		{name: "zeroeval answer format", kind: "llm.openai", options: `{"model":"gpt-5","answer":"zeroeval"}`, env: key,
			check: func(t *testing.T, s tool.Spec) {
				if s.Name != "gpt-5" {
					t.Errorf("spec = %+v", s)
				}
			}},
		{name: "missing key names the variable", kind: "llm.openai", options: `{"model":"gpt-5"}`, wantErr: "set the environment variable OPENAI_API_KEY"},
		{name: "missing custom key", kind: "llm.anthropic", options: `{"model":"claude-sonnet-4-5","api_key_env":"MY_CLAUDE"}`, wantErr: "set the environment variable MY_CLAUDE"},
		{name: "no price", kind: "llm.openai", options: `{"model":"my-finetune"}`, env: key, wantErr: `"free: true"`},
		{name: "zero price", kind: "llm.openai", options: `{"model":"my-finetune","price":{}}`, env: key, wantErr: `"price" is zero`},
		{name: "price and free", kind: "llm.openai", options: `{"model":"gpt-5","free":true,"price":{"per_call":"1"}}`, env: key, wantErr: "not both"},
		{name: "negative price", kind: "llm.openai", options: `{"model":"x","price":{"input_per_million":"-1"}}`, env: key, wantErr: "negative"},
		{name: "bad base_url", kind: "llm.openai", options: `{"model":"gpt-5","base_url":"127.0.0.1:8000"}`, env: key, wantErr: "not an http(s) URL"},
		{name: "bad timeout", kind: "llm.openai", options: `{"model":"gpt-5","timeout":"soon"}`, env: key, wantErr: `duration "soon"`},
		{name: "negative max_tokens", kind: "llm.openai", options: `{"model":"gpt-5","max_tokens":-5}`, env: key, wantErr: "max_tokens"},
		{name: "negative max_retries", kind: "llm.openai", options: `{"model":"gpt-5","max_retries":-1}`, env: key, wantErr: "max_retries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, err := openTool(t, tt.kind, tt.toolName, tt.options, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, tl.Spec())
		})
	}
}

func TestOpenMissingKeyIsDisabled(t *testing.T) {
	_, err := openTool(t, "llm.openai", "", `{"model":"gpt-5"}`, nil)
	if !errors.Is(err, tool.ErrDisabled) {
		t.Fatalf("err = %v, want tool.ErrDisabled", err)
	}
}

// TestOpenSendsKeyFromEnv checks the key travels from the named variable
// to the wire and that max_retries: 0 means one attempt.
func TestOpenSendsKeyFromEnv(t *testing.T) {
	srv := chattest.New(chattest.Reply{Status: 503, Raw: `{"error":{"message":"busy"}}`})
	defer srv.Close()
	// localhost by name, so the key is optional but sent when present.
	base := strings.Replace(srv.BaseURL(), "127.0.0.1", "localhost", 1)
	tl, err := openTool(t, "llm.openai", "", `{"model":"gpt-5","base_url":"`+base+`","api_key_env":"K","max_retries":0}`, map[string]string{"K": "sk-from-env"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tl.Call(context.Background(), json.RawMessage(`{"prompt":"hi"}`))
	if err != nil || !res.IsError || !strings.Contains(res.Content, "busy") {
		t.Fatalf("res, err = %+v, %v", res, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Errorf("requests = %d, want 1 (max_retries: 0)", len(reqs))
	}
	if h := reqs[0].Header.Get("Authorization"); h != "Bearer sk-from-env" {
		t.Errorf("Authorization = %q", h)
	}
}
