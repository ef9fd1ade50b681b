package llm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
)

func TestNewFromConfig(t *testing.T) {
	env := map[string]string{"K": "sk-1", "OPENAI_API_KEY": "sk-default"}
	tests := []struct {
		name      string
		kind      string
		options   string
		wantErr   string
		wantModel string
		wantPrice money.Price
		wantMax   int
	}{
		{name: "llm minimal, catalog price", kind: "llm", options: `{"model": "gpt-5-mini"}`, wantModel: "gpt-5-mini",
			wantPrice: money.Price{InputPerM: money.MustParse("0.25"), OutputPerM: money.MustParse("2")}},
		{name: "explicit price wins", kind: "llm", options: `{"model": "gpt-5", "price": {"input_per_million": "1"}}`, wantModel: "gpt-5",
			wantPrice: money.Price{InputPerM: money.MustParse("1")}},
		{name: "8b defaults", kind: "orchestrator8b", options: ``, wantModel: DefaultModel8B, wantMax: DefaultMaxTokens8B},
		{name: "max_tokens kept", kind: "llm", options: `{"model": "m", "max_tokens": 300}`, wantModel: "m", wantMax: 300},
		{name: "8b aliases", kind: "orchestrator8b", options: `{"aliases": {"answer-1": "gpt-5"}, "api_key_env": "K"}`, wantModel: DefaultModel8B, wantMax: DefaultMaxTokens8B},
		{name: "unknown option", kind: "llm", options: `{"model": "m", "modle": "x"}`, wantErr: `unknown field "modle"`},
		{name: "llm needs a model", kind: "llm", options: `{}`, wantErr: `option "model" is required`},
		{name: "empty key env", kind: "llm", options: `{"model": "m", "api_key_env": "MISSING"}`, wantErr: "$MISSING, which is empty"},
		{name: "aliases on llm", kind: "llm", options: `{"model": "m", "aliases": {"answer-1": "x"}}`, wantErr: `"aliases" and "context" apply to the orchestrator8b policy only`},
		{name: "context on llm", kind: "llm", options: `{"model": "m", "context": "frames"}`, wantErr: `apply to the orchestrator8b policy only`},
		{name: "unknown context", kind: "orchestrator8b", options: `{"context": "gaia"}`, wantErr: `option "context" is "gaia"; want "hle" or "frames"`},
		{name: "system on 8b", kind: "orchestrator8b", options: `{"system": "hi"}`, wantErr: `"system" applies to the llm policy only`},
		{name: "bad alias", kind: "orchestrator8b", options: `{"aliases": {"coder-1": "x"}}`, wantErr: `alias "coder-1" must start with`},
		{name: "negative price", kind: "llm", options: `{"model": "m", "price": {"per_call": "-1"}}`, wantErr: "negative price"},
		{name: "negative max_tokens", kind: "llm", options: `{"model": "m", "max_tokens": -1}`, wantErr: `"max_tokens" is -1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := policy.Config{Options: json.RawMessage(tc.options), Prices: money.DefaultCatalog(), Getenv: func(k string) string { return env[k] }}
			p, err := policy.New(context.Background(), tc.kind, cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var m Model
			switch p := p.(type) {
			case *Native:
				m = p.Model
			case *Orchestrator8B:
				m = p.Model
			default:
				t.Fatalf("policy is %T", p)
			}
			if m.MaxTokens != tc.wantMax {
				t.Errorf("max tokens %d, want %d", m.MaxTokens, tc.wantMax)
			}
			if m.Name != tc.wantModel || m.Price != tc.wantPrice || m.Client == nil {
				t.Errorf("model %q price %+v client %v; want %q %+v", m.Name, m.Price, m.Client, tc.wantModel, tc.wantPrice)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	var names []string
	for _, k := range policy.Kinds() {
		names = append(names, k.Name)
	}
	for _, want := range []string{"llm", "orchestrator8b"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("policy %q not registered (have %v)", want, names)
		}
	}
}

func TestDecideWithoutModelCall(t *testing.T) {
	never := clientFunc(func(context.Context, chat.Request) (*chat.Response, error) {
		t.Fatal("the model was asked")
		return nil, nil
	})
	tests := []struct {
		name    string
		p       policy.Policy
		state   *policy.State
		wantErr error
		errText string
	}{
		{name: "native nil state", p: &Native{Model: Model{Client: never}}, state: nil, wantErr: errNoTask},
		{name: "8b no task", p: &Orchestrator8B{Model: Model{Client: never}}, state: &policy.State{}, wantErr: errNoTask},
		{name: "8b no alias matches", p: &Orchestrator8B{Model: Model{Client: never}},
			state:   &policy.State{Task: &episode.Task{Prompt: "x"}, Tools: testTools()[2:3]},
			errText: "no alias maps to a tool of this run (tools: math.eval)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.Decide(context.Background(), tc.state)
			if err == nil || errors.Is(err, policy.ErrInvalidAction) {
				t.Fatalf("err = %v, want a fatal error", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.errText != "" && !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("err = %v, want %q", err, tc.errText)
			}
		})
	}
}
