package replay

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// DefaultOutputTokens is the output length assumed for a recorded answer
// whose text the data set does not keep (LLMRouter, RouteLLM MMLU): the
// median measured output tokens of the RouterArena records in shared/data
// (65 over 1,296 calls of two models).
const DefaultOutputTokens = 65

// builder collects tasks and records in data order, then freezes them into
// an [Env].
type builder struct {
	name   string
	models map[string]*model // by data set name
	tasks  []episode.Task
	cats   []string
	index  map[string]int
	recs   []map[string]record // per task, by data set model name
}

func newBuilder(name string) *builder {
	return &builder{name: name, models: map[string]*model{}, index: map[string]int{}}
}

func (b *builder) addModel(m *model) { b.models[m.model] = m }

// task adds a task, or returns the existing one with the same ID.
func (b *builder) task(id, prompt, category string) int {
	if i, ok := b.index[id]; ok {
		return i
	}
	b.index[id] = len(b.tasks)
	b.tasks = append(b.tasks, episode.Task{ID: id, Prompt: prompt})
	b.cats = append(b.cats, category)
	b.recs = append(b.recs, map[string]record{})
	return len(b.tasks) - 1
}

func (b *builder) set(task int, modelName string, r record) {
	r.present = true
	b.recs[task][modelName] = r
}

// estimate prices a call whose usage the data set does not record: input
// tokens from the question, output tokens from the answer text or
// [DefaultOutputTokens].
func estimate(p money.Price, question, answer string) (tool.Usage, money.Amount) {
	u := tool.Usage{InputTokens: tool.EstimateTokens(question), OutputTokens: DefaultOutputTokens, Estimated: true}
	if answer != "" {
		u.OutputTokens = tool.EstimateTokens(answer)
	}
	return u, p.Cost(money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens})
}

func (b *builder) build() (*Env, error) {
	if len(b.tasks) == 0 {
		return nil, fmt.Errorf("replay: %s: no tasks in the data", b.name)
	}
	e := &Env{
		name:     b.name,
		tasks:    b.tasks,
		index:    b.index,
		category: b.cats,
		byTool:   map[string]int{},
		rec:      make([][]record, len(b.tasks)),
		sets:     make([]atomic.Pointer[tool.Set], len(b.tasks)),
	}
	for _, m := range b.models {
		e.models = append(e.models, m)
	}
	sortedModels(e.models)
	for i, m := range e.models {
		if j, dup := e.byTool[m.name]; dup {
			return nil, fmt.Errorf("replay: %s: models %q and %q share the tool name %q", b.name, e.models[j].model, m.model, m.name)
		}
		e.byTool[m.name] = i
	}
	lat := make([][]time.Duration, len(e.models))
	for t, recs := range b.recs {
		row := make([]record, len(e.models))
		for mi, m := range e.models {
			r, ok := recs[m.model]
			if !ok {
				continue
			}
			r.latency = SimulatedLatency(m.tps, r.usage.OutputTokens)
			lat[mi] = append(lat[mi], r.latency)
			row[mi] = r
		}
		e.rec[t] = row
	}
	for mi, m := range e.models {
		m.spec.Latency = median(lat[mi])
	}
	return e, nil
}
