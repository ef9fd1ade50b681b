package grpo

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// bandit is a synthetic replay-like env with a known optimum. Three
// models, cheap < mid < big in price and latency; three task categories
// recognisable from the text:
//
//	arithmetic: all three are right  → best: call cheap, answer
//	history:    mid and big are right → best: call mid, answer
//	chemistry:  only big is right     → best: call big, answer
//
// Under any preference that values accuracy and cost, the optimum is the
// cheapest right model called alone.
type bandit struct {
	tasks []episode.Task
	cat   map[string]int
	sets  sync.Map // task ID → *tool.Set; the env is stateless, so sets are shared
}

var banditModels = []struct {
	name  string
	price money.Amount
	lat   time.Duration
	right [3]bool
}{
	{"cheap", 1 * money.Microdollar, 500 * time.Millisecond, [3]bool{true, false, false}},
	{"mid", 10 * money.Microdollar, time.Second, [3]bool{true, true, false}},
	{"big", 100 * money.Microdollar, 3 * time.Second, [3]bool{true, true, true}},
}

var banditWords = [3][]string{
	{"add", "sum", "plus", "multiply", "compute", "numbers", "arithmetic", "total", "digits", "product"},
	{"king", "empire", "war", "century", "dynasty", "treaty", "revolution", "ancient", "ruled", "history"},
	{"molecule", "reaction", "acid", "compound", "electron", "bond", "chemistry", "oxidation", "catalyst", "ion"},
}

func newBandit(n int, seed int64, prefix string) *bandit {
	rng := rand.New(rand.NewSource(seed))
	b := &bandit{cat: map[string]int{}}
	for i := 0; i < n; i++ {
		c := i % 3
		var ws []string
		for k := 0; k < 6; k++ {
			ws = append(ws, banditWords[c][rng.Intn(len(banditWords[c]))])
		}
		id := fmt.Sprintf("%s%03d", prefix, i)
		prompt := fmt.Sprintf("Question %d: %s?", rng.Intn(1000), strings.Join(ws, " "))
		b.tasks = append(b.tasks, episode.Task{ID: id, Prompt: prompt})
		b.cat[id] = c
	}
	return b
}

func (b *bandit) Name() string          { return "bandit" }
func (b *bandit) Tasks() []episode.Task { return b.tasks }
func (b *bandit) right(model string, task string) bool {
	for _, m := range banditModels {
		if m.name == model {
			return m.right[b.cat[task]]
		}
	}
	return false
}

func answerOf(model, task string) string { return model + " answers " + task }

func (b *bandit) Tools(_ context.Context, task episode.Task) (*tool.Set, error) {
	if s, ok := b.sets.Load(task.ID); ok {
		return s.(*tool.Set), nil
	}
	var ts []tool.Tool
	for _, m := range banditModels {
		name := m.name
		ts = append(ts, tool.MustFunc(tool.Spec{
			Name:        name,
			Description: "A language model called " + name + ".",
			Price:       money.Price{PerCall: m.price},
			Latency:     m.lat,
			Tags:        []string{tool.TagLLM},
		}, func(context.Context, struct {
			Prompt string `json:"prompt,omitempty"`
		}) (string, error) {
			return answerOf(name, task.ID), nil
		}))
	}
	s, err := tool.NewSet(ts...)
	if err != nil {
		return nil, err
	}
	b.sets.Store(task.ID, s)
	return s, nil
}

func (b *bandit) Score(_ context.Context, task episode.Task, ep *episode.Episode) (env.Score, error) {
	for _, st := range ep.Steps {
		if st.Result != nil && !st.Result.IsError && ep.Status == episode.StatusAnswered && st.Result.Content == ep.Answer {
			if b.right(st.Action.Tool, task.ID) {
				return env.Score{Outcome: 1, Correct: true}, nil
			}
		}
	}
	return env.Score{}, nil
}

var _ env.Env = (*bandit)(nil)
