package replay_test

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
)

// A policy calls a cheap model, then a strong one, and answers with the
// cheap model's answer: the episode scores the cheap model's record.
func ExampleEnv_Score() {
	ctx := context.Background()
	e, err := replay.LoadLLMRouter("testdata/tiny-llmrouter", "train")
	if err != nil {
		panic(err)
	}
	task := e.Tasks()[3] // the chemical symbol for gold
	tools, _ := e.Tools(ctx, task)
	cheap, _ := tools.Call(ctx, "alpha-8b", nil)
	strong, _ := tools.Call(ctx, "gamma-70b", nil)
	ep := &episode.Episode{Task: task, Answer: cheap.Content, Status: episode.StatusAnswered, Steps: []episode.Step{
		{Turn: 1, Action: episode.Action{Tool: "alpha-8b"}, Result: cheap},
		{Turn: 2, Action: episode.Action{Tool: "gamma-70b"}, Result: strong},
	}}
	s, _ := e.Score(ctx, task, ep)
	fmt.Println(e.Category(task.ID), s.Outcome, s.Correct, cheap.Cost, strong.Cost)
	oracle, _ := e.Oracle(task.ID)
	fmt.Println("oracle:", oracle.Tool, oracle.Cost)
	// Output:
	// trivia_qa 0 false $0.0000075 $0.000168
	// oracle: beta-13b $0.0000225
}
