package tau2

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	_ "github.com/batonhq/baton/env/domain/airline"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	_ "github.com/batonhq/baton/policy/llm"
)

// dataRoot finds the tau2-bench data without downloading.
func dataRoot(t testing.TB) string {
	t.Helper()
	dir, err := dataset.Resolve(context.Background(), "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	return dir
}

func openAirline(t testing.TB) *domain.Domain {
	t.Helper()
	d, err := domain.Open(context.Background(), dataRoot(t), "airline")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func task(t testing.TB, d *domain.Domain, id string) *domain.Task {
	t.Helper()
	tk, ok := d.Task(id)
	if !ok {
		t.Fatalf("no task %s", id)
	}
	return tk
}

// Prices of the scripted models: agent $2/$8, user $2/$8 (gpt-4.1), expert
// $1.25/$10 (gpt-5) per million input/output tokens.
var (
	agentPrice  = money.Price{InputPerM: money.MustParse("2"), OutputPerM: money.MustParse("8")}
	userPrice   = agentPrice
	expertPrice = money.Price{InputPerM: money.MustParse("1.25"), OutputPerM: money.MustParse("10")}
)

// Scripted usage of every reply.
var (
	agentUsage  = chattest.Usage{PromptTokens: 1000, CompletionTokens: 50}
	userUsage   = chattest.Usage{PromptTokens: 500, CompletionTokens: 20}
	expertUsage = chattest.Usage{PromptTokens: 2000, CompletionTokens: 100}
)

func cost(p money.Price, u chattest.Usage) money.Amount {
	return p.Cost(money.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens})
}

// agentPolicy builds the real "llm" policy against a scripted server.
func agentPolicy(t testing.TB, baseURL string) policy.Policy {
	t.Helper()
	opts, _ := json.Marshal(map[string]any{
		"base_url": baseURL,
		"model":    "agent-model",
		"price":    agentPrice,
		"system":   AgentInstructions,
	})
	p, err := policy.New(context.Background(), "llm", policy.Config{Options: opts, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func simUser(t testing.TB, baseURL string) *User {
	t.Helper()
	g, err := LoadGuidelines(dataRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	return &User{
		Client:      openai.New(openai.Options{BaseURL: baseURL, MaxRetries: -1}),
		Model:       "user-model",
		Price:       userPrice,
		Guidelines:  g,
		Temperature: &zero,
	}
}

// req is a scripted server's view of one chat request.
type req struct {
	messages []map[string]any
}

func parse(r chattest.Request) req {
	var out req
	ms, _ := r.Body["messages"].([]any)
	for _, m := range ms {
		mm, _ := m.(map[string]any)
		out.messages = append(out.messages, mm)
	}
	return out
}

func (r req) count(role string) int {
	n := 0
	for _, m := range r.messages {
		if m["role"] == role {
			n++
		}
	}
	return n
}

func (r req) content(i int) string {
	if i < 0 {
		i += len(r.messages)
	}
	if i < 0 || i >= len(r.messages) {
		return ""
	}
	s, _ := r.messages[i]["content"].(string)
	return s
}

// agentTurnOf is the agent turn a policy request belongs to: the number of
// customer messages in the transcript of its task prompt.
func (r req) agentTurn() int { return strings.Count(r.content(1), "\n\ncustomer: ") }

func call(name, args string) chattest.Reply {
	return chattest.Reply{ToolCalls: []chattest.ToolCall{{Name: name, Arguments: args}}, Usage: agentUsage}
}

func answer(text string) chattest.Reply {
	return chattest.Reply{ToolCalls: []chattest.ToolCall{{Name: "answer", Arguments: mustJSON(map[string]string{"answer": text})}}, Usage: agentUsage}
}

func say(text string) chattest.Reply { return chattest.Reply{Content: text, Usage: userUsage} }

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
