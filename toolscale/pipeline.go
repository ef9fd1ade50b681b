package toolscale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/env/domain"
)

// The LLM pipeline's steps, in order (ToolScale's: domain, schema,
// database, tools, intents, tasks, evolved tasks).
const (
	StepDomain   = "domain"
	StepSchema   = "schema"
	StepDatabase = "database"
	StepTools    = "tools"
	StepIntents  = "intents"
	StepTasks    = "tasks"
	StepEvolve   = "evolve"
)

// DefaultStepAttempts is how often a pipeline step is asked before the
// pipeline gives up on the domain.
const DefaultStepAttempts = 3

// ErrStepFailed is wrapped when a pipeline step's every reply failed
// verification.
var ErrStepFailed = errors.New("toolscale: pipeline step failed verification")

// StepReport is one pipeline step's outcome.
type StepReport struct {
	Step     string   `json:"step"`
	Attempts int      `json:"attempts"`           // replies asked for
	Rejected []string `json:"rejected,omitempty"` // why each rejected reply failed verification
}

// Pipeline has a model write a whole domain, each step checked before the
// next builds on it:
//
//  1. domain: a name, a description and the agent policy;
//  2. schema: 2–4 collections with typed fields ([Spec.Validate]);
//  3. database: records for every collection, typed by the schema, every
//     reference resolving ([LoadDB]);
//  4. tools: declarative [ToolSpec]s over the schema, at least one read
//     and one write ([Spec.Validate]);
//  5. intents: what users call about, each naming the tools it needs,
//     one of them a write;
//  6. tasks: scenarios with golden actions ([ParseLLMTasks]), kept only
//     when the [Verifier] replays them without error, they change the
//     database, and their final database differs from every kept task's;
//  7. evolved tasks: harder variants of the kept tasks, held to the same
//     rules.
//
// A reply that fails a step's check is sent back with the reason, up to
// Attempts times; then the domain fails with [ErrStepFailed]. Tasks are
// the exception: rejected ones are counted per [DropReason] and the step
// fails only when none is kept.
type Pipeline struct {
	Client chat.Client
	Model  string
	// Attempts per step; 0 means DefaultStepAttempts.
	Attempts int
	// Tasks is how many tasks to ask for (default 8).
	Tasks int
}

// run is one domain's conversation state.
type pipelineRun struct {
	p     *Pipeline
	topic string
	rep   *DomainReport
}

// Invent has the model write a domain about topic and writes it to
// outDir/<domain> in the layout [Generate] writes.
func (p *Pipeline) Invent(ctx context.Context, topic, outDir string) (DomainReport, error) {
	if p.Client == nil || p.Model == "" {
		return DomainReport{}, errors.New("toolscale: the LLM pipeline needs a client and a model name")
	}
	r := &pipelineRun{p: p, topic: topic, rep: &DomainReport{}}
	type domainReply struct {
		Domain      string `json:"domain"`
		Description string `json:"description"`
		Policy      string `json:"policy"`
	}
	dom, err := pipelineStep(ctx, r, StepDomain, domainPrompt(topic), func(dom *domainReply) error {
		switch {
		case !identRE.MatchString(dom.Domain):
			return fmt.Errorf("domain %q: want lower-case letters, digits and '_'", dom.Domain)
		case blueprints[dom.Domain] != nil || takenByKit(dom.Domain):
			return fmt.Errorf("domain %q is a built-in domain; choose another name", dom.Domain)
		case len(strings.Fields(dom.Policy)) < 30:
			return fmt.Errorf("policy has %d words; write the agent's rules (at least 30 words)", len(strings.Fields(dom.Policy)))
		}
		return nil
	})
	if err != nil {
		return *r.rep, err
	}
	r.rep.Domain = dom.Domain
	spec := &Spec{Domain: dom.Domain}

	type schemaReply struct {
		Collections []Collection `json:"collections"`
	}
	schema, err := pipelineStep(ctx, r, StepSchema, schemaPrompt(dom.Domain, dom.Description), func(schema *schemaReply) error {
		if n := len(schema.Collections); n < 2 || n > 4 {
			return fmt.Errorf("%d collections; want 2 to 4", n)
		}
		s := &Spec{Domain: dom.Domain, Collections: schema.Collections}
		if err := s.Validate(); err != nil {
			return err
		}
		for _, c := range s.Collections {
			if f := c.field(c.Key); f.Type != "string" {
				return fmt.Errorf("collection %s: key %s is %s; keys are strings", c.Name, c.Key, f.Type)
			}
		}
		return nil
	})
	if err != nil {
		return *r.rep, err
	}
	spec.Collections = schema.Collections

	var db *DB
	if _, err := pipelineStep(ctx, r, StepDatabase, databasePrompt(spec), func(raw *json.RawMessage) error {
		d, err := LoadDB(spec, *raw)
		if err != nil {
			return err
		}
		if err := checkRecords(spec, d); err != nil {
			return err
		}
		db = d
		return nil
	}); err != nil {
		return *r.rep, err
	}

	type toolsReply struct {
		Tools []ToolSpec `json:"tools"`
	}
	tools, err := pipelineStep(ctx, r, StepTools, toolsPrompt(spec, dom.Policy), func(tools *toolsReply) error {
		s := &Spec{Domain: spec.Domain, Collections: spec.Collections, Tools: tools.Tools}
		if err := s.Validate(); err != nil {
			return err
		}
		reads, writes := 0, 0
		for i := range s.Tools {
			if s.Tools[i].Mutates() {
				writes++
			} else {
				reads++
			}
		}
		if reads == 0 || writes == 0 {
			return fmt.Errorf("%d read and %d write tools; want at least one of each", reads, writes)
		}
		return nil
	})
	if err != nil {
		return *r.rep, err
	}
	spec.Tools = tools.Tools
	db.spec = spec
	r.rep.Tools = len(spec.Tools)
	for _, c := range spec.Collections {
		r.rep.Records += len(db.Keys(c.Name))
	}

	type intentsReply struct {
		Intents []struct {
			Name        string   `json:"name"`
			Description string   `json:"description"`
			Tools       []string `json:"tools"`
		} `json:"intents"`
	}
	eng := NewEngine(spec)
	intents, err := pipelineStep(ctx, r, StepIntents, intentsPrompt(spec, dom.Policy), func(intents *intentsReply) error {
		if len(intents.Intents) == 0 {
			return errors.New("no intents")
		}
		for i, in := range intents.Intents {
			write := false
			for _, name := range in.Tools {
				ts, ok := eng.Tool(name)
				if !ok {
					return fmt.Errorf("intents[%d] %q: unknown tool %q", i, in.Name, name)
				}
				write = write || ts.Mutates()
			}
			if !write {
				return fmt.Errorf("intents[%d] %q: names no tool that changes the database", i, in.Name)
			}
		}
		return nil
	})
	if err != nil {
		return *r.rep, err
	}
	intentText, _ := json.Marshal(intents.Intents)

	v := NewVerifier(db)
	finals := map[string]string{}
	var kept []*Task
	// admit verifies one candidate; it reports why a task was dropped.
	admit := func(t *Task) error {
		r.rep.Candidates++
		if after, _, err := v.Replay(t); err == nil {
			if other, dup := finals[after.Hash()]; dup {
				v.dropped[DropDuplicateOutcome]++
				return fmt.Errorf("task %s reaches the same final database as task %s", t.ID, other)
			}
		}
		if _, err := v.Add(t); err != nil {
			return err
		}
		after, _, _ := v.Replay(t)
		finals[after.Hash()] = t.ID
		kept = append(kept, t)
		return nil
	}
	n := p.Tasks
	if n <= 0 {
		n = 8
	}
	if err := r.taskStep(ctx, StepTasks, tasksPrompt(spec, db, dom.Policy, string(intentText), n), spec, v, "llm", admit, func() int { return len(kept) }); err != nil {
		return *r.rep, err
	}
	r.rep.LLM = len(kept)
	base, _ := json.Marshal(kept)
	before := len(kept)
	if err := r.taskStep(ctx, StepEvolve, evolvePrompt(spec, dom.Policy, string(base)), spec, v, "evo", admit, func() int { return len(kept) - before }); err != nil && !errors.Is(err, ErrStepFailed) {
		return *r.rep, err
	}
	r.rep.Evolved = len(kept) - before
	r.rep.Kept = len(kept)
	r.rep.Dropped = v.Dropped()
	r.rep.Dir = filepath.Join(outDir, spec.Domain)
	if err := writeDomain(r.rep.Dir, spec, db, dom.Policy, kept); err != nil {
		return *r.rep, err
	}
	return *r.rep, nil
}

// takenByKit reports whether env/domain already has a kit of that name
// that is not a synthesised one (airline, retail, telecom).
func takenByKit(name string) bool {
	k, err := domain.LookupKit(name)
	if err != nil {
		return false
	}
	_, ours := k.(*Kit)
	return !ours
}

// checkRecords requires every collection to have records, every record
// every field, and every reference to resolve.
func checkRecords(spec *Spec, db *DB) error {
	for _, c := range spec.Collections {
		keys := db.Keys(c.Name)
		if len(keys) < 2 {
			return fmt.Errorf("collection %s has %d records; want at least 2", c.Name, len(keys))
		}
		for _, k := range keys {
			rec, _ := db.Get(c.Name, k)
			for _, f := range c.Fields {
				v, ok := rec[f.Name]
				if !ok {
					return fmt.Errorf("%s[%q] lacks field %s", c.Name, k, f.Name)
				}
				if len(f.Enum) > 0 && !slices.Contains(f.Enum, Text(v)) {
					return fmt.Errorf("%s[%q].%s is %q, not one of %v", c.Name, k, f.Name, Text(v), f.Enum)
				}
				if f.Ref != "" {
					if _, ok := db.Get(f.Ref, Text(v)); !ok {
						return fmt.Errorf("%s[%q].%s refers to %s %q, which does not exist", c.Name, k, f.Name, f.Ref, Text(v))
					}
				}
			}
		}
	}
	return nil
}

// pipelineStep asks for one step's JSON, decodes each reply into a fresh
// T and checks it, sending rejected replies back with the reason.
func pipelineStep[T any](ctx context.Context, r *pipelineRun, name, prompt string, check func(*T) error) (*T, error) {
	sr := StepReport{Step: name}
	defer func() { r.rep.Steps = append(r.rep.Steps, sr) }()
	msgs := []chat.Message{{Role: chat.RoleSystem, Content: pipelineSystem}, {Role: chat.RoleUser, Content: prompt}}
	for sr.Attempts < r.p.attempts() {
		sr.Attempts++
		reply, err := r.ask(ctx, name, msgs)
		if err != nil {
			return nil, err
		}
		out := new(T)
		raw, err := extractJSON(reply)
		if err == nil {
			err = json.Unmarshal(raw, out)
		}
		if err == nil {
			err = check(out)
		}
		if err == nil {
			return out, nil
		}
		sr.Rejected = append(sr.Rejected, err.Error())
		msgs = append(msgs, chat.Message{Role: chat.RoleAssistant, Content: reply},
			chat.Message{Role: chat.RoleUser, Content: "That reply failed verification: " + err.Error() + "\nReply again with the corrected JSON only."})
	}
	return nil, fmt.Errorf("%w: %s for %q after %d attempts: %s", ErrStepFailed, name, r.topic, sr.Attempts, sr.Rejected[len(sr.Rejected)-1])
}

// taskStep asks for tasks, admits each, and asks again while none was
// kept; malformed tasks count as DropInvalid.
func (r *pipelineRun) taskStep(ctx context.Context, name, prompt string, spec *Spec, v *Verifier, prefix string, admit func(*Task) error, keptSoFar func() int) error {
	sr := StepReport{Step: name}
	defer func() { r.rep.Steps = append(r.rep.Steps, sr) }()
	msgs := []chat.Message{{Role: chat.RoleSystem, Content: pipelineSystem}, {Role: chat.RoleUser, Content: prompt}}
	for sr.Attempts < r.p.attempts() {
		sr.Attempts++
		reply, err := r.ask(ctx, name, msgs)
		if err != nil {
			return err
		}
		tasks, bad, err := ParseLLMTasks(reply, spec)
		var why []string
		if err != nil {
			why = append(why, err.Error())
		}
		for _, b := range bad {
			r.rep.Candidates++
			v.dropped[DropInvalid]++
			why = append(why, b.Error())
		}
		for i, t := range tasks {
			t.renumber(fmt.Sprintf("%s%d_%d", prefix, sr.Attempts, i))
			if err := admit(t); err != nil {
				why = append(why, err.Error())
			}
		}
		sr.Rejected = append(sr.Rejected, why...)
		if keptSoFar() > 0 {
			return nil
		}
		msgs = append(msgs, chat.Message{Role: chat.RoleAssistant, Content: reply},
			chat.Message{Role: chat.RoleUser, Content: "No task passed verification: " + strings.Join(why, "; ") + "\nReply again with corrected tasks, JSON only."})
	}
	return fmt.Errorf("%w: %s for %q: no task passed after %d attempts", ErrStepFailed, name, r.topic, sr.Attempts)
}

func (p *Pipeline) attempts() int {
	if p.Attempts <= 0 {
		return DefaultStepAttempts
	}
	return p.Attempts
}

func (r *pipelineRun) ask(ctx context.Context, step string, msgs []chat.Message) (string, error) {
	resp, err := r.p.Client.Complete(ctx, chat.Request{Model: r.p.Model, Messages: msgs})
	if err != nil {
		return "", fmt.Errorf("toolscale: pipeline %s step for %q: %w", step, r.topic, err)
	}
	return resp.Message.Content, nil
}
