package env

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

type oneTask struct{ set *tool.Set }

func (o oneTask) Name() string          { return "one" }
func (o oneTask) Tasks() []episode.Task { return []episode.Task{{ID: "t", Prompt: "q"}} }
func (o oneTask) Tools(context.Context, episode.Task) (*tool.Set, error) {
	return o.set, nil
}
func (o oneTask) Score(context.Context, episode.Task, *episode.Episode) (Score, error) {
	return Score{}, nil
}

// TestWithSpecs: the tools answer as before, under the declared specs;
// a tool without one keeps its own.
func TestWithSpecs(t *testing.T) {
	params := json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string"}}}`)
	mk := func(name, reply string) tool.Tool {
		return tool.MustFunc(tool.Spec{Name: name, Description: "replayed", Parameters: params, Tags: []string{tool.TagLLM, tool.TagRemote}},
			func(context.Context, struct {
				Prompt string `json:"prompt"`
			}) (string, error) {
				return reply, nil
			})
	}
	set, err := tool.NewSet(mk("a", "from a"), mk("b", "from b"))
	if err != nil {
		t.Fatal(err)
	}
	declared := tool.Spec{Name: "a", Description: "declared", Parameters: params, Tags: []string{tool.TagLLM, tool.TagLocal}, Price: money.Price{PerCall: money.MustParse("0.01")}}
	e := WithSpecs(oneTask{set}, []tool.Spec{declared, {Name: "absent"}})
	got, err := e.Tools(context.Background(), e.Tasks()[0])
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := got.Spec("a"); s.Description != "declared" || !s.HasTag(tool.TagLocal) {
		t.Errorf("a's spec %+v, want the declared one", s)
	}
	if s, _ := got.Spec("b"); s.Description != "replayed" {
		t.Errorf("b's spec %+v, want its own", s)
	}
	if _, err := got.Get("absent"); err == nil {
		t.Error("a declared spec added a tool the env does not have")
	}
	res, err := got.Call(context.Background(), "a", json.RawMessage(`{"prompt":"q"}`))
	if err != nil || res.Content != "from a" || res.Cost != money.MustParse("0.01") {
		t.Errorf("call a: %+v %v, want a's reply billed at the declared price", res, err)
	}
}
