package replay

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

var _ env.Env = (*Env)(nil)

// Env replays recorded model outcomes. It is immutable once loaded and safe
// for concurrent use.
type Env struct {
	name     string
	tasks    []episode.Task
	index    map[string]int // task ID → position in tasks
	category []string       // per task
	models   []*model       // sorted by tool name
	byTool   map[string]int // tool name → position in models
	rec      [][]record     // rec[task][model]
	sets     []atomic.Pointer[tool.Set]
	// extracted marks a source whose calls carry an extracted answer
	// (zeroeval): Score then matches the final answer against those, and
	// Outcome.Answer is the extracted answer.
	extracted bool
	gold      []string // per task, for extracted sources
}

// record is one model's recorded outcome on one task.
type record struct {
	present bool // the model was recorded on the task
	failed  bool // the recorded call failed; text then holds the error
	score   float64
	text    string // recorded answer text; "" when the data has none
	answer  string // extracted answer in canonical form (extracted sources)
	parsed  bool   // an answer was extracted (extracted sources)
	usage   tool.Usage
	cost    money.Amount
	latency time.Duration
}

// Outcome is one model's recorded outcome on one task, for baselines,
// oracles and reports. Policies must not read it.
type Outcome struct {
	// Tool is the tool name the model has in the task's [tool.Set].
	Tool string `json:"tool"`
	// Model is the model's name in the data set.
	Model string `json:"model"`
	// Score is the recorded score in [0, 1]; Correct is Score ≥ 0.5.
	Score   float64 `json:"score"`
	Correct bool    `json:"correct"`
	// Failed marks a recorded call that returned an error.
	Failed bool `json:"failed,omitempty"`
	// Answer is the Content a call returns; for a source with extracted
	// answers (zeroeval) it is the extracted answer in canonical form, ""
	// when none parsed.
	Answer string `json:"answer"`
	// Usage, Cost and Latency are what one call costs and takes.
	Usage   tool.Usage    `json:"usage"`
	Cost    money.Amount  `json:"cost"`
	Latency time.Duration `json:"latency"`
}

// CorrectThreshold is the recorded score from which an answer counts as
// correct.
const CorrectThreshold = 0.5

// Name identifies the environment, e.g. "llmrouter:train".
func (e *Env) Name() string { return e.name }

// Tasks returns the tasks in the data's order. The slice is shared; do not
// modify it.
func (e *Env) Tasks() []episode.Task { return e.tasks }

// Len returns the number of tasks.
func (e *Env) Len() int { return len(e.tasks) }

// Category returns the task's benchmark or task family (e.g. "gsm8k",
// "mmlu", "AIME"), or "" for an unknown task or one the data leaves
// unlabelled.
func (e *Env) Category(taskID string) string {
	i, ok := e.index[taskID]
	if !ok {
		return ""
	}
	return e.category[i]
}

// Specs returns the spec of every model in the environment, sorted by name.
func (e *Env) Specs() []tool.Spec {
	out := make([]tool.Spec, len(e.models))
	for i, m := range e.models {
		out[i] = m.spec
	}
	return out
}

// Tools returns the models recorded on task as a [tool.Set]. Replay tools
// hold no state, so the Set is built once per task and shared by rollouts.
func (e *Env) Tools(ctx context.Context, task episode.Task) (*tool.Set, error) {
	i, ok := e.index[task.ID]
	if !ok {
		return nil, fmt.Errorf("replay: %s: unknown task %q", e.name, task.ID)
	}
	if s := e.sets[i].Load(); s != nil {
		return s, nil
	}
	var tools []tool.Tool
	for mi, r := range e.rec[i] {
		if r.present {
			tools = append(tools, &call{env: e, task: i, model: mi})
		}
	}
	s, err := tool.NewSet(tools...)
	if err != nil {
		return nil, fmt.Errorf("replay: %s: task %q: %w", e.name, task.ID, err)
	}
	e.sets[i].CompareAndSwap(nil, s)
	return e.sets[i].Load(), nil
}

// Outcomes returns every recorded model's outcome on the task, by tool name;
// nil for an unknown task.
func (e *Env) Outcomes(taskID string) map[string]Outcome {
	i, ok := e.index[taskID]
	if !ok {
		return nil
	}
	out := make(map[string]Outcome, len(e.models))
	for mi, r := range e.rec[i] {
		if r.present {
			out[e.models[mi].name] = e.outcome(i, mi)
		}
	}
	return out
}

// Outcome returns the outcome of the tool named toolName on the task.
func (e *Env) Outcome(taskID, toolName string) (Outcome, bool) {
	i, ok := e.index[taskID]
	if !ok {
		return Outcome{}, false
	}
	mi, ok := e.byTool[toolName]
	if !ok || !e.rec[i][mi].present {
		return Outcome{}, false
	}
	return e.outcome(i, mi), true
}

// Oracle returns the cheapest correct model's outcome on the task (ties go
// to the higher score, then the name), or false when no model was correct.
func (e *Env) Oracle(taskID string) (Outcome, bool) {
	i, ok := e.index[taskID]
	if !ok {
		return Outcome{}, false
	}
	best := -1
	for mi, r := range e.rec[i] {
		if !r.present || r.failed || r.score < CorrectThreshold {
			continue
		}
		if best < 0 {
			best = mi
			continue
		}
		b := e.rec[i][best]
		if r.cost < b.cost || (r.cost == b.cost && r.score > b.score) {
			best = mi
		}
	}
	if best < 0 {
		return Outcome{}, false
	}
	return e.outcome(i, best), true
}

func (e *Env) outcome(i, mi int) Outcome {
	r, m := e.rec[i][mi], e.models[mi]
	answer := e.content(i, mi)
	if e.extracted {
		answer = r.answer
	}
	return Outcome{
		Tool:    m.name,
		Model:   m.model,
		Score:   r.score,
		Correct: !r.failed && r.score >= CorrectThreshold,
		Failed:  r.failed,
		Answer:  answer,
		Usage:   r.usage,
		Cost:    r.cost,
		Latency: r.latency,
	}
}

// content is the text a call of model mi on task i returns.
func (e *Env) content(i, mi int) string {
	if t := e.rec[i][mi].text; t != "" || e.extracted {
		return t
	}
	return e.models[mi].name + " answer #" + e.tasks[i].ID
}

// sortedModels orders models by tool name, the order of [tool.Set].
func sortedModels(ms []*model) {
	sort.Slice(ms, func(a, b int) bool { return ms[a].name < ms[b].name })
}
