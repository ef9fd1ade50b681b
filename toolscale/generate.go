package toolscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/batonhq/baton/chat"
)

// Options configures [Generate]. The zero value of each field is its
// default.
type Options struct {
	// Domains to generate; empty means every built-in domain ([Domains]).
	Domains []string
	// Seed makes output reproducible: equal Options give byte-identical
	// files.
	Seed int64
	// TasksPerDomain is the number of procedural base tasks to keep per
	// domain (default 20); fewer are kept when the verifier rejects too
	// many candidates.
	TasksPerDomain int
	// Evolve adds one harder variant per base task: another goal for the
	// same user (a second write, or a request the policy forbids), up to
	// six golden actions.
	Evolve bool
	// LLM, when set, is asked for LLMTasksPerDomain extra scenarios per
	// domain; they pass the same verifier.
	LLM chat.Client
	// Model is the model name sent to LLM.
	Model string
	// LLMTasksPerDomain is how many scenarios to ask LLM for (default 5).
	LLMTasksPerDomain int
	// OutDir receives one directory per domain.
	OutDir string
	// Invent lists topics for which LLM writes whole new domains through
	// the [Pipeline] (domain, schema, database, tools, intents, tasks,
	// evolved tasks, each verified). With Invent set, built-in domains are
	// generated only when Domains names them.
	Invent []string
	// StepAttempts bounds the replies asked per pipeline step (default
	// DefaultStepAttempts).
	StepAttempts int
}

// DefaultTasksPerDomain is Options.TasksPerDomain's default.
const DefaultTasksPerDomain = 20

// Report says what [Generate] wrote.
type Report struct {
	Domains []DomainReport `json:"domains"` // one per domain generated, in order
}

// DomainReport is one domain's outcome.
type DomainReport struct {
	Domain  string `json:"domain"`  // domain name, e.g. "bank"
	Dir     string `json:"dir"`     // the domain's output directory
	Records int    `json:"records"` // records in the generated db.json, all collections
	Tools   int    `json:"tools"`   // tools in tools.json
	// Candidates is the number of tasks proposed; Kept of them passed.
	Candidates int `json:"candidates"`
	Kept       int `json:"kept"`
	Evolved    int `json:"evolved"` // kept tasks evolved from a base task (Options.Evolve)
	LLM        int `json:"llm"`     // kept tasks the LLM proposed (Options.LLM)
	// Dropped counts rejected candidates per reason.
	Dropped map[DropReason]int `json:"dropped,omitempty"`
	// Steps is the LLM pipeline's per-step record, for an invented domain
	// (Options.Invent).
	Steps []StepReport `json:"steps,omitempty"`
}

// String renders the report as one line per domain.
func (r Report) String() string {
	var b strings.Builder
	for _, d := range r.Domains {
		fmt.Fprintf(&b, "%-11s records=%d tools=%d tasks=%d (evolved %d, llm %d) of %d candidates", d.Domain, d.Records, d.Tools, d.Kept, d.Evolved, d.LLM, d.Candidates)
		for _, k := range reasons(d.Dropped) {
			fmt.Fprintf(&b, " %s=%d", k, d.Dropped[k])
		}
		if len(d.Steps) > 0 {
			b.WriteString(" steps:")
			for _, s := range d.Steps {
				fmt.Fprintf(&b, " %s=%d", s.Step, s.Attempts)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ErrUnknownBlueprint is returned for a domain name with no blueprint.
var ErrUnknownBlueprint = errors.New("toolscale: unknown domain")

// Generate synthesises each domain of o into o.OutDir/<domain>.
func Generate(ctx context.Context, o Options) (Report, error) {
	if o.OutDir == "" {
		return Report{}, fmt.Errorf("toolscale: Options.OutDir is empty; say where to write the domains")
	}
	if o.LLM != nil && o.Model == "" {
		return Report{}, fmt.Errorf("toolscale: Options.LLM is set but Options.Model is empty; name the model to ask")
	}
	if o.TasksPerDomain <= 0 {
		o.TasksPerDomain = DefaultTasksPerDomain
	}
	if o.LLMTasksPerDomain <= 0 {
		o.LLMTasksPerDomain = 5
	}
	if len(o.Invent) > 0 && o.LLM == nil {
		return Report{}, fmt.Errorf("toolscale: inventing domains needs a model: set Options.LLM and Options.Model (baton synth --model)")
	}
	names := o.Domains
	if len(names) == 0 && len(o.Invent) == 0 {
		names = Domains()
	}
	var rep Report
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		bp, ok := blueprints[name]
		if !ok {
			return rep, fmt.Errorf("%w %q; known: %s", ErrUnknownBlueprint, name, strings.Join(Domains(), ", "))
		}
		dr, err := generateDomain(ctx, bp, o)
		if err != nil {
			return rep, err
		}
		rep.Domains = append(rep.Domains, dr)
	}
	p := &Pipeline{Client: o.LLM, Model: o.Model, Attempts: o.StepAttempts, Tasks: o.LLMTasksPerDomain}
	for _, topic := range o.Invent {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		dr, err := p.Invent(ctx, topic, o.OutDir)
		if err != nil {
			return rep, err
		}
		rep.Domains = append(rep.Domains, dr)
	}
	return rep, nil
}

// domainSeed derives a per-domain seed, so a domain's output does not
// depend on which other domains were generated.
func domainSeed(seed int64, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return seed ^ int64(h.Sum64()&(1<<62-1))
}

func generateDomain(ctx context.Context, bp *blueprint, o Options) (DomainReport, error) {
	r := rand.New(rand.NewSource(domainSeed(o.Seed, bp.name)))
	spec := bp.spec()
	if err := spec.Validate(); err != nil {
		return DomainReport{}, fmt.Errorf("toolscale: blueprint %s: %w", bp.name, err)
	}
	db := bp.populate(spec, r)
	pl := &planner{bp: bp, db: db, g: &gen{r: r, seen: map[string]bool{}}}
	v := NewVerifier(db)
	dr := DomainReport{Domain: bp.name, Dir: filepath.Join(o.OutDir, bp.name), Tools: len(spec.Tools)}
	for _, c := range spec.Collections {
		dr.Records += len(db.Keys(c.Name))
	}
	var kept []*Task
	keep := func(t *Task) bool {
		dr.Candidates++
		if _, err := v.Add(t); err != nil {
			return false
		}
		kept = append(kept, t)
		return true
	}
	base := 0
	for i := 0; base < o.TasksPerDomain && i < 4*o.TasksPerDomain; i++ {
		t, p, goals := pl.base(baseKinds[i%len(baseKinds)])
		if t == nil {
			continue
		}
		id := strconv.Itoa(i)
		t.renumber(id)
		if !keep(t) {
			continue
		}
		base++
		if o.Evolve {
			if e := pl.evolve(id, p, goals); e != nil {
				e.renumber(id + "e")
				if keep(e) {
					dr.Evolved++
				}
			}
		}
	}
	if o.LLM != nil {
		cands, bad, err := LLMTasks(ctx, o.LLM, o.Model, spec, db, bp.policy(), o.LLMTasksPerDomain)
		if err != nil {
			return dr, err
		}
		dr.Candidates += len(bad)
		for range bad {
			v.dropped[DropInvalid]++
		}
		for i, t := range cands {
			t.renumber(fmt.Sprintf("llm%d", i))
			if keep(t) {
				dr.LLM++
			}
		}
	}
	dr.Kept = len(kept)
	dr.Dropped = v.Dropped()
	if err := writeDomain(dr.Dir, spec, db, bp.policy(), kept); err != nil {
		return dr, err
	}
	return dr, nil
}

// writeDomain writes the τ²-bench layout plus tools.json.
func writeDomain(dir string, spec *Spec, db *DB, policy string, tasks []*Task) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("toolscale: %w", err)
	}
	dbJSON, err := db.MarshalJSON()
	if err != nil {
		return err
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, dbJSON, "", "  "); err != nil {
		return fmt.Errorf("toolscale: indent db.json: %w", err)
	}
	specJSON, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return fmt.Errorf("toolscale: tools.json: %w", err)
	}
	if tasks == nil {
		tasks = []*Task{}
	}
	tasksJSON, err := json.MarshalIndent(tasks, "", "  ")
	if err != nil {
		return fmt.Errorf("toolscale: tasks.json: %w", err)
	}
	splits := map[string][]string{"train": {}, "test": {}, "base": {}, "evolved": {}, "llm": {}}
	for i, t := range tasks {
		split := "train"
		if i%5 == 4 {
			split = "test"
		}
		splits[split] = append(splits[split], t.ID)
		switch {
		case strings.HasPrefix(t.ID, "llm"):
			splits["llm"] = append(splits["llm"], t.ID)
		case strings.HasSuffix(t.ID, "e"):
			splits["evolved"] = append(splits["evolved"], t.ID)
		default:
			splits["base"] = append(splits["base"], t.ID)
		}
	}
	splitJSON, err := json.MarshalIndent(splits, "", "  ")
	if err != nil {
		return fmt.Errorf("toolscale: split_tasks.json: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{FileTools, append(specJSON, '\n')},
		{FileDB, append(ind.Bytes(), '\n')},
		{FilePolicy, []byte(policy)},
		{FileTasks, append(tasksJSON, '\n')},
		{FileSplits, append(splitJSON, '\n')},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("toolscale: %w", err)
		}
	}
	return nil
}
