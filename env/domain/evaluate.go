package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Verdict is tau2's reward for one finished rollout.
type Verdict struct {
	// Reward is the product of the parts named by the task's reward basis.
	Reward float64
	// DBMatch reports whether the rollout's final database equals the gold
	// one (the gold actions replayed on the initial database).
	DBMatch bool
	// Breakdown holds each evaluated part of the basis (DB, COMMUNICATE,
	// ENV_ASSERTION, ACTION) as 0 or 1.
	Breakdown map[string]float64
	// GoldErrors are the gold actions that failed on replay; when one of
	// them could change the database the DB part is not certified.
	GoldErrors []string
	// Missing lists communicate_info strings the agent never said.
	Missing []string
}

// GoldHash replays task's gold actions on a fresh database (after its
// initial state) and returns the final hash and the actions that failed.
// A failing action does not stop the replay, as in tau2. Results are
// cached per task.
func (d *Domain) GoldHash(ctx context.Context, task *Task) (string, []string, error) {
	d.goldMu.Lock()
	g, ok := d.gold[task.ID]
	d.goldMu.Unlock()
	if ok {
		return g.hash, errStrings(g.failed), nil
	}
	s, err := d.NewSession(ctx, task)
	if err != nil {
		return "", nil, err
	}
	var failed []error
	if c := task.EvaluationCriteria; c != nil {
		for _, a := range c.Actions {
			content, isErr := s.CallRaw(ctx, a.Name, a.Arguments)
			if isErr {
				failed = append(failed, &goldError{action: a, mutating: s.Mutates(a.Name), msg: content})
			}
		}
	}
	g = goldState{hash: s.Hash(), failed: failed}
	d.goldMu.Lock()
	d.gold[task.ID] = g
	d.goldMu.Unlock()
	return g.hash, errStrings(failed), nil
}

type goldError struct {
	action   Action
	mutating bool
	msg      string
}

// Error implements error.
func (e *goldError) Error() string {
	kind := "read-only"
	if e.mutating {
		kind = "mutating"
	}
	return fmt.Sprintf("gold action %s (%s, %s): %s", e.action.ActionID, e.action.Name, kind, e.msg)
}

func errStrings(es []error) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

// Evaluate scores a finished session of task. agentTexts are the messages
// the agent said to the user (searched for communicate_info).
func (d *Domain) Evaluate(ctx context.Context, task *Task, s *Session, agentTexts []string) (Verdict, error) {
	v := Verdict{Reward: 1, Breakdown: map[string]float64{}}
	gold, goldErrs, err := d.GoldHash(ctx, task)
	if err != nil {
		return Verdict{}, err
	}
	v.GoldErrors = goldErrs
	v.DBMatch = s.Hash() == gold
	crit := task.EvaluationCriteria
	if crit == nil {
		v.Breakdown = nil
		return v, nil
	}
	mutFail := false
	for _, e := range goldErrs {
		if strings.Contains(e, ", mutating)") {
			mutFail = true
		}
	}
	for _, b := range task.Basis() {
		var part float64
		switch b {
		case BasisDB:
			if v.DBMatch && mutFail {
				// tau2 refuses to certify a match against an incomplete
				// gold state and leaves DB out of the reward.
				continue
			}
			part = b2f(v.DBMatch)
		case BasisCommunicate:
			v.Missing = MissingInfo(crit.CommunicateInfo, agentTexts)
			part = b2f(len(v.Missing) == 0)
		case BasisEnvAssertion:
			ok, err := d.assert(s, crit.EnvAssertions)
			if err != nil {
				return Verdict{}, err
			}
			part = b2f(ok)
		case BasisAction:
			part = b2f(ActionsMatched(crit.Actions, s.Calls()))
		default:
			// NL_ASSERTION needs an LLM judge; it is not part of the
			// airline/retail basis at the pinned commit.
			continue
		}
		v.Breakdown[b] = part
		v.Reward *= part
	}
	return v, nil
}

func (d *Domain) assert(s *Session, as []FunctionCall) (bool, error) {
	if len(as) == 0 {
		return true, nil
	}
	r, ok := d.Kit.(FunctionRunner)
	if !ok {
		return false, fmt.Errorf("domain: %s has env_assertions but runs no environment functions", d.Name())
	}
	all := true
	for _, a := range as {
		s.mu.Lock()
		res, err := r.RunFunction(s.db, a)
		s.mu.Unlock()
		got, isBool := res.(bool)
		if err != nil || !isBool {
			all = false
			continue
		}
		want := true
		if a.AssertValue != nil {
			want = *a.AssertValue
		}
		if got != want {
			all = false
		}
	}
	return all, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// MissingInfo returns the communicate_info strings found in no agent text,
// with tau2's rule: case-insensitive substring of the text with its commas
// removed.
func MissingInfo(info []string, agentTexts []string) []string {
	lowered := make([]string, len(agentTexts))
	for i, t := range agentTexts {
		lowered[i] = strings.ReplaceAll(strings.ToLower(t), ",", "")
	}
	var missing []string
	for _, in := range info {
		want := strings.ToLower(in)
		if !slices.ContainsFunc(lowered, func(t string) bool { return strings.Contains(t, want) }) {
			missing = append(missing, in)
		}
	}
	return missing
}

// ActionsMatched reports whether every gold action has a call with the
// same name and equal arguments (only compare_args when given), tau2's
// ACTION check.
func ActionsMatched(gold []Action, calls []Call) bool {
	for _, a := range gold {
		var want map[string]any
		_ = json.Unmarshal(a.Arguments, &want)
		keys := a.CompareArgs
		if keys == nil {
			for k := range want {
				keys = append(keys, k)
			}
		}
		found := slices.ContainsFunc(calls, func(c Call) bool {
			if c.Name != a.Name {
				return false
			}
			var got map[string]any
			if json.Unmarshal(c.Args, &got) != nil {
				return false
			}
			for _, k := range keys {
				if !reflect.DeepEqual(want[k], got[k]) {
					return false
				}
			}
			return true
		})
		if !found {
			return false
		}
	}
	return true
}
