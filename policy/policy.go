package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// Policy decides each turn of an episode.
//
// Decide returns the next action: a tool call or a final answer. An error
// wrapping [ErrInvalidAction] (a model emitted malformed JSON, say) is
// recorded as a failed turn the policy sees next time, and counts toward the
// turn budget; any other error ends the episode as failed.
type Policy interface {
	// Decide picks the next turn's action from s, as described above.
	Decide(ctx context.Context, s *State) (episode.Action, error)
}

// Func adapts a function to a Policy.
type Func func(ctx context.Context, s *State) (episode.Action, error)

// Decide calls f.
func (f Func) Decide(ctx context.Context, s *State) (episode.Action, error) { return f(ctx, s) }

// ErrInvalidAction is wrapped by errors that make a turn fail without
// ending the episode.
var ErrInvalidAction = errors.New("policy: invalid action")

// State is what a policy sees when deciding a turn. It is read-only for the
// policy.
type State struct {
	Task *episode.Task // the task being solved, Preferences and Budget included
	// Tools are the specs of the tools this run may call, sorted by name.
	Tools []tool.Spec
	// Steps are the turns so far, failed ones included.
	Steps []episode.Step
	// Turn is the 1-based number of the turn being decided.
	Turn int
	// Spent is the run's cost so far.
	Spent money.Amount
	// Elapsed is the run's wall time so far.
	Elapsed time.Duration
}

// Remaining returns the money left under the task's budget, and false when
// the budget sets no cost cap.
func (s *State) Remaining() (money.Amount, bool) {
	if s.Task == nil || s.Task.Budget.MaxCost <= 0 {
		return 0, false
	}
	return s.Task.Budget.MaxCost - s.Spent, true
}

// Tool returns the spec of the named tool in the state.
func (s *State) Tool(name string) (tool.Spec, bool) {
	for _, t := range s.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return tool.Spec{}, false
}

// Config configures a policy from baton.yaml or flags.
type Config struct {
	// Options is policy-specific, decoded strictly with [Config.Decode].
	Options json.RawMessage
	// Seed seeds any randomness.
	Seed int64
	// Prices is the price catalog in force.
	Prices *money.Catalog
	// Getenv reads secrets; nil means os.Getenv.
	Getenv func(string) string
}

// Decode decodes Options into v, rejecting unknown fields.
func (c Config) Decode(v any) error {
	return tool.Config{Name: "policy", Options: c.Options}.Decode(v)
}

// Kind is a registered policy constructor.
type Kind struct {
	Name string                                                // what baton.yaml's policy field names
	Doc  string                                                // one-line description for `baton policies`
	New  func(ctx context.Context, cfg Config) (Policy, error) // builds the policy from its config
}

var (
	mu    sync.RWMutex
	kinds = map[string]Kind{}
)

// Register makes a policy kind available by name; it panics on an empty or
// duplicate name.
func Register(k Kind) {
	mu.Lock()
	defer mu.Unlock()
	if k.Name == "" || k.New == nil {
		panic("policy: Register: empty name or nil constructor")
	}
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("policy: Register called twice for %q", k.Name))
	}
	kinds[k.Name] = k
}

// Kinds lists the registered policy kinds sorted by name.
func Kinds() []Kind {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// New builds the policy registered as name.
func New(ctx context.Context, name string, cfg Config) (Policy, error) {
	mu.RLock()
	k, ok := kinds[name]
	mu.RUnlock()
	if !ok {
		var names []string
		for _, k := range Kinds() {
			names = append(names, k.Name)
		}
		return nil, fmt.Errorf("policy: unknown policy %q (forgotten import?); available: %s", name, strings.Join(names, ", "))
	}
	p, err := k.New(ctx, cfg)
	if err != nil {
		if strings.HasPrefix(err.Error(), "policy "+name+":") || strings.HasPrefix(err.Error(), "policy "+name+" ") {
			return nil, err // already names the policy; don't say it twice
		}
		return nil, fmt.Errorf("policy %s: %w", name, err)
	}
	return p, nil
}

// CostBounder is implemented by policies that spend money to decide (an LLM
// orchestrator's own tokens). The orchestrator reserves MaxCost before each
// Decide so that deciding can never overspend a budget either; the bound must
// never be below the Action.Cost the decision then reports.
type CostBounder interface {
	// MaxCost bounds what the next Decide on s can cost.
	MaxCost(s *State) (money.Amount, error)
}

// Prober is implemented by policies that can say how likely the action
// they chose was: a stochastic policy that logs its propensities, so that
// off-policy evaluation and training can correct for how the traffic was
// chosen. The orchestrator records the probability in [episode.Step.Prob].
type Prober interface {
	// DecideWithProb is Decide that also returns the probability, in
	// (0, 1], with which the returned action was chosen given s.
	DecideWithProb(ctx context.Context, s *State) (episode.Action, float64, error)
}
