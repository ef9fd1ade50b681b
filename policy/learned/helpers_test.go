package learned

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

var promptSchema = json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"},"n":{"type":"integer"}},"required":["prompt"]}`)

// specs returns n model-like tools with rising prices.
func specs(n int) []tool.Spec {
	out := make([]tool.Spec, n)
	for i := range out {
		out[i] = tool.Spec{
			Name:        fmt.Sprintf("model-%02d", i),
			Description: fmt.Sprintf("A language model of family f%d, good at task type %d and general questions.", i%3, i),
			Parameters:  promptSchema,
			Price:       money.Price{InputPerM: money.Amount(i+1) * 100 * money.Microdollar * 1000, OutputPerM: money.Amount(i+1) * 200 * money.Microdollar * 1000},
			Latency:     time.Duration(i+1) * 300 * time.Millisecond,
			Tags:        []string{tool.TagLLM, tool.TagRemote},
		}
	}
	return out
}

func testState(n int, steps ...episode.Step) *policy.State {
	task := &episode.Task{
		ID:          "t1",
		Prompt:      "What is 17 * 23? A) 391 B) 401 C) 381 D) 371",
		Preferences: episode.Preferences{Accuracy: 1, Cost: 0.5, Tools: map[string]float64{"model-03": 0.2}},
		Budget:      episode.Budget{MaxTurns: 4, MaxCost: money.Cent},
	}
	var spent money.Amount
	for _, s := range steps {
		spent += s.Cost
	}
	return &policy.State{Task: task, Tools: specs(n), Steps: steps, Turn: len(steps) + 1, Spent: spent}
}

func callStep(turn int, name, content string, isErr bool) episode.Step {
	return episode.Step{
		Turn:   turn,
		Action: episode.Action{Tool: name, Args: json.RawMessage(`{"prompt":"x"}`)},
		Result: &tool.Result{Content: content, IsError: isErr, Cost: 1000},
		Cost:   1000,
	}
}
