package baseline

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// Order picks, from the tools that can take the task, the sequence to try.
type Order func(s *policy.State, candidates []tool.Spec) []tool.Spec

// Baseline is a fixed-rule policy: it calls the tools its Order gives, one
// per turn, until one returns a result that is not an error, and answers
// with that result's content. If every tool failed, Decide returns an error
// wrapping [ErrNoAnswer] (naming the last failure, and the missing model
// when none is configured), so the episode ends failed, not answered.
type Baseline struct {
	name  string
	order Order
}

var _ policy.Policy = (*Baseline)(nil)

// New returns a baseline policy named name that tries tools in order.
func New(name string, order Order) *Baseline { return &Baseline{name: name, order: order} }

// Decide implements policy.Policy.
func (b *Baseline) Decide(_ context.Context, s *policy.State) (episode.Action, error) {
	if n := len(s.Steps); n > 0 {
		last := s.Steps[n-1]
		if last.Result != nil && !last.Result.IsError {
			return episode.Action{Final: true, Answer: answerText(last.Result)}, nil
		}
	}
	tried := map[string]bool{}
	for _, st := range s.Steps {
		tried[st.Action.Tool] = true
	}
	for _, spec := range b.order(s, Candidates(s.Tools)) {
		if tried[spec.Name] {
			continue
		}
		args, _ := policy.PromptArgs(spec, s.Task.Prompt)
		return episode.Action{Tool: spec.Name, Args: args, Thought: b.name + ": try " + spec.Name}, nil
	}
	return episode.Action{}, b.giveUp(s)
}

// giveUp is the error that ends an episode in which no tool could answer:
// the episode is failed, never answered with an error text.
func (b *Baseline) giveUp(s *policy.State) error {
	var why string
	if n := len(s.Steps); n > 0 && s.Steps[n-1].Result != nil {
		why = s.Steps[n-1].Result.Content
	} else if n > 0 {
		why = s.Steps[n-1].Error
	}
	msg := b.name + ": no tool could answer this task"
	if len(s.Steps) > 0 {
		msg = fmt.Sprintf("%s: every tool tried failed (%d); the last said: %s", b.name, len(s.Steps), why)
	}
	hasModel := false
	for _, spec := range Candidates(s.Tools) {
		if spec.HasTag(tool.TagLLM) {
			hasModel = true
		}
	}
	var disabled []string
	for _, spec := range s.Tools {
		if spec.HasTag(tool.TagLLM) && spec.HasTag("disabled") {
			disabled = append(disabled, spec.Name)
		}
	}
	switch {
	case hasModel:
	case len(disabled) > 0:
		msg += fmt.Sprintf("; no model is usable: %s is disabled here (its API key is not set; see baton tools)", strings.Join(disabled, ", "))
	default:
		msg += "; no model is configured: add an llm.openai or llm.anthropic tool to baton.yaml (e.g. tools: [{kind: llm.openai, options: {model: gpt-5-mini}}]) and set its key (OPENAI_API_KEY or ANTHROPIC_API_KEY)"
	}
	return fmt.Errorf("%w: %s", ErrNoAnswer, msg)
}

// ErrNoAnswer is returned by Decide when every tool that could take the
// task failed; the orchestrator ends the episode as failed.
var ErrNoAnswer = errors.New("policy: no answer")

// Candidates returns the tools a baseline may call: those that take a bare
// prompt and are not tagged disabled.
func Candidates(specs []tool.Spec) []tool.Spec {
	var out []tool.Spec
	for _, s := range specs {
		if s.HasTag("disabled") {
			continue
		}
		if _, ok := policy.PromptArgs(s, "x"); ok {
			out = append(out, s)
		}
	}
	return out
}

// ReferenceCost is the cost a baseline ranks tools by: one call with 1,000
// input and 1,000 output tokens lasting the tool's typical latency.
func ReferenceCost(s tool.Spec) money.Amount {
	return s.Price.Cost(money.Usage{InputTokens: 1000, OutputTokens: 1000, Duration: s.Latency})
}

// ByCost orders tools cheapest first (ties by name); reversed, strongest
// first, on the premise the strongest model is the priciest.
func ByCost(reverse bool) Order {
	return func(_ *policy.State, c []tool.Spec) []tool.Spec {
		out := append([]tool.Spec(nil), c...)
		sort.SliceStable(out, func(i, j int) bool {
			ci, cj := ReferenceCost(out[i]), ReferenceCost(out[j])
			if ci != cj {
				return (ci < cj) != reverse
			}
			return out[i].Name < out[j].Name
		})
		return out
	}
}

// Fixed orders the named tools first, in the given order, then nothing else.
func Fixed(names ...string) Order {
	return func(_ *policy.State, c []tool.Spec) []tool.Spec {
		var out []tool.Spec
		for _, n := range names {
			for _, s := range c {
				if s.Name == n {
					out = append(out, s)
				}
			}
		}
		return out
	}
}

// Random shuffles the candidates with a generator seeded from seed and the
// task (its ID and prompt), so each task's order depends only on the seed
// and the task: a benchmark gives the same rows with one worker or many,
// in any order of episodes. Within an episode the order is stable.
func Random(seed int64) Order {
	return func(s *policy.State, c []tool.Spec) []tool.Spec {
		h := fnv.New64a()
		if s != nil && s.Task != nil {
			h.Write([]byte(s.Task.ID))
			h.Write([]byte{0})
			h.Write([]byte(s.Task.Prompt))
		}
		rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()^0x9e3779b97f4a7c15))
		out := append([]tool.Spec(nil), c...)
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
}

type fixedOptions struct {
	Tools []string `json:"tools"`
}

func init() {
	policy.Register(policy.Kind{Name: "cheapest", Doc: "call the cheapest tool that can take the task; on error try the next", New: func(context.Context, policy.Config) (policy.Policy, error) {
		return New("cheapest", ByCost(false)), nil
	}})
	policy.Register(policy.Kind{Name: "strongest", Doc: "call the most expensive (presumed strongest) tool", New: func(context.Context, policy.Config) (policy.Policy, error) {
		return New("strongest", ByCost(true)), nil
	}})
	policy.Register(policy.Kind{Name: "random", Doc: "call a random tool (seeded)", New: func(_ context.Context, cfg policy.Config) (policy.Policy, error) {
		return New("random", Random(cfg.Seed)), nil
	}})
	policy.Register(policy.Kind{Name: "fixed", Doc: "call the tools listed in options.tools, in order, until one succeeds (a fixed cascade)", New: func(_ context.Context, cfg policy.Config) (policy.Policy, error) {
		var o fixedOptions
		if err := cfg.Decode(&o); err != nil {
			return nil, err
		}
		if len(o.Tools) == 0 {
			return nil, errors.New("no tools to call: list them, in order, under policies: {fixed: {tools: [NAME, ...]}} in baton.yaml")
		}
		return New("fixed", Fixed(o.Tools...)), nil
	}})
}

// answerText is the answer a baseline adopts from a result: the answer
// the tool extracted ([tool.Result.Answer]), else its whole text.
func answerText(r *tool.Result) string {
	if a, ok := r.Answer(); ok {
		return a
	}
	return r.Content
}
