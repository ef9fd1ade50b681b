package toolscale

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// DropReason says why the verifier rejected a task.
type DropReason string

// Reasons a task is dropped.
const (
	// DropShape: no actions, more than MaxActions, or no write.
	DropShape DropReason = "bad_shape"
	// DropFailed: a golden action returned an error on replay.
	DropFailed DropReason = "golden_action_failed"
	// DropNoChange: the final database equals the initial one.
	DropNoChange DropReason = "no_state_change"
	// DropUnobserved: a communicate_info value appears in no golden
	// action's output, so the agent could not have learnt it.
	DropUnobserved DropReason = "info_not_observed"
	// DropDuplicateActions: another kept task has the same golden actions.
	DropDuplicateActions DropReason = "duplicate_actions"
	// DropDuplicateOutcome: another kept task has the same final database
	// and the same instructions.
	DropDuplicateOutcome DropReason = "duplicate_outcome"
	// DropInvalid: a model's task did not parse or names unknown tools or
	// ill-typed arguments.
	DropInvalid DropReason = "invalid_output"
)

// MaxActions bounds a task's golden action count.
const MaxActions = 6

// Verifier replays candidate tasks on a fresh copy of one initial
// database and keeps those that pass. It remembers the kept tasks to catch
// duplicates, so use one Verifier per domain.
type Verifier struct {
	base     *DB
	initial  string
	engine   *Engine
	sigs     map[string]string
	outcomes map[string]string
	dropped  map[DropReason]int
}

// NewVerifier returns a verifier over base, which it does not modify.
func NewVerifier(base *DB) *Verifier {
	return &Verifier{base: base, initial: base.Hash(), engine: NewEngine(base.spec),
		sigs: map[string]string{}, outcomes: map[string]string{}, dropped: map[DropReason]int{}}
}

// Dropped returns the drop counts so far, per reason.
func (v *Verifier) Dropped() map[DropReason]int {
	out := make(map[DropReason]int, len(v.dropped))
	for k, n := range v.dropped {
		out[k] = n
	}
	return out
}

// Replay runs t's golden actions on a fresh database and returns it with
// each action's output; the error names the first failing action.
func (v *Verifier) Replay(t *Task) (*DB, []string, error) {
	db := v.base.Clone()
	var outs []string
	for i, a := range t.EvaluationCriteria.Actions {
		out, err := v.engine.Call(db, a.Name, a.Arguments)
		if err != nil {
			return db, outs, fmt.Errorf("action %d %s: %w", i, a.Name, err)
		}
		outs = append(outs, out)
	}
	return db, outs, nil
}

// Add verifies t and keeps it when it passes. On a drop it returns the
// reason and an error explaining it; a kept task returns "" and nil.
func (v *Verifier) Add(t *Task) (DropReason, error) {
	reason, err := v.check(t)
	if err != nil {
		v.dropped[reason]++
		return reason, fmt.Errorf("toolscale: task %s dropped (%s): %w", t.ID, reason, err)
	}
	return "", nil
}

func (v *Verifier) check(t *Task) (DropReason, error) {
	acts := t.EvaluationCriteria.Actions
	if len(acts) == 0 || len(acts) > MaxActions {
		return DropShape, fmt.Errorf("%d golden actions, want 1 to %d", len(acts), MaxActions)
	}
	writes := 0
	for _, a := range acts {
		if ts, ok := v.engine.Tool(a.Name); ok && ts.Mutates() {
			writes++
		}
	}
	if writes == 0 {
		if _, ok := v.engine.Tool(acts[0].Name); !ok {
			return DropFailed, fmt.Errorf("unknown tool %q", acts[0].Name)
		}
		return DropShape, fmt.Errorf("no golden action writes")
	}
	db, outs, err := v.Replay(t)
	if err != nil {
		return DropFailed, err
	}
	final := db.Hash()
	if final == v.initial {
		return DropNoChange, fmt.Errorf("golden actions leave the database unchanged")
	}
	for _, info := range t.EvaluationCriteria.CommunicateInfo {
		if !observed(info, outs) {
			return DropUnobserved, fmt.Errorf("communicate_info %q is in no golden action's output", info)
		}
	}
	sig := t.Signature()
	if other, dup := v.sigs[sig]; dup {
		return DropDuplicateActions, fmt.Errorf("same golden actions as task %s", other)
	}
	instr, _ := json.Marshal(t.UserScenario.Instructions)
	key := final + "\x00" + string(instr)
	if other, dup := v.outcomes[key]; dup {
		return DropDuplicateOutcome, fmt.Errorf("same final database and instructions as task %s", other)
	}
	v.sigs[sig] = t.ID
	v.outcomes[key] = t.ID
	return "", nil
}

// observed applies tau2's communicate rule to tool outputs:
// case-insensitive substring, commas removed.
func observed(info string, outs []string) bool {
	want := strings.ToLower(info)
	for _, o := range outs {
		if strings.Contains(strings.ReplaceAll(strings.ToLower(o), ",", ""), want) {
			return true
		}
	}
	return false
}

// reasons returns m's keys sorted, for stable reports.
func reasons(m map[DropReason]int) []DropReason {
	out := make([]DropReason, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
