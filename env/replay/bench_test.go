package replay

import (
	"context"
	"testing"

	"github.com/batonhq/baton/episode"
)

func BenchmarkLoadLLMRouterTrain(b *testing.B) {
	dir := shared(b, "llmrouter")
	for b.Loop() {
		if _, err := LoadLLMRouter(dir, "train"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadRouteLLM(b *testing.B) {
	dir := shared(b, "routellm")
	for b.Loop() {
		if _, err := LoadRouteLLM(dir, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadZeroEval(b *testing.B) {
	dir := shared(b, "zeroeval")
	for b.Loop() {
		if _, err := LoadZeroEval(dir, "gsm"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEpisode is what bench does per task and policy: get the tools,
// call two models, score the answer.
func BenchmarkEpisode(b *testing.B) {
	e, err := LoadLLMRouter(shared(b, "llmrouter"), "test")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	tasks := e.Tasks()
	i := 0
	for b.Loop() {
		task := tasks[i%len(tasks)]
		i++
		set, err := e.Tools(ctx, task)
		if err != nil {
			b.Fatal(err)
		}
		r1, _ := set.Call(ctx, "gemma-2-9b-it", nil)
		r2, _ := set.Call(ctx, "llama-3.1-nemotron-51b-instruct", nil)
		ep := &episode.Episode{Steps: []episode.Step{
			{Turn: 1, Action: episode.Action{Tool: "gemma-2-9b-it"}, Result: r1},
			{Turn: 2, Action: episode.Action{Tool: "llama-3.1-nemotron-51b-instruct"}, Result: r2},
		}, Answer: r1.Content}
		if _, err := e.Score(ctx, task, ep); err != nil {
			b.Fatal(err)
		}
	}
}
