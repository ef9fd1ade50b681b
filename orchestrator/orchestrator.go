package orchestrator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// DefaultMaxTurns bounds episodes whose budget sets no turn limit, so a
// policy that never answers cannot loop forever.
const DefaultMaxTurns = 16

// Option configures one [Run].
type Option func(*runner)

// WithTracer streams the run's events to t as they happen.
func WithTracer(t episode.Tracer) Option { return func(r *runner) { r.trace = t } }

// WithAccount charges every call to a also, besides the task's own budget:
// an API key's budget, or a budget shared by concurrent runs.
func WithAccount(a budget.Account) Option {
	return func(r *runner) { r.accounts = append(r.accounts, a) }
}

// WithRunID sets the run's ID; by default a random one is made.
func WithRunID(id string) Option { return func(r *runner) { r.runID = id } }

// WithClock replaces time.Now, for deterministic traces in tests.
func WithClock(now func() time.Time) Option { return func(r *runner) { r.now = now } }

type runner struct {
	runID    string
	trace    episode.Tracer
	accounts []budget.Account
	now      func() time.Time
	seq      int
	spent    money.Amount
	overage  money.Amount // the part of spent beyond reservations
	// refused and succeeded count tool calls the budget refused and calls
	// that returned a result, for the episode's status.
	refused, succeeded int
}

// Run executes task with policy p over tools until the policy answers or a
// budget runs out.
//
// Each turn the policy decides an action. A malformed action, an unknown
// tool or arguments that violate the tool's schema are recorded as a failed
// turn that the policy sees on the next turn; they count toward the turn
// limit. Every call pays through a [budget.Guard] on the task's budget and
// every account given with [WithAccount]: its worst case under the limits
// it runs with ([tool.Spec.Limits]) is reserved first; a call that does not
// fit is refused and recorded as a failed turn, so the budget is never
// overspent. After the call its actual cost is committed, never more than
// was reserved: an excess is recorded as overage (see
// [budget.OverageRecorder]) and counted in the episode's cost. An episode
// whose tool calls were all refused by the budget ends over_budget, not
// answered, even if the policy then answers: the answer was made without
// what the budget cut.
//
// The returned error is non-nil only when the episode could not be run at
// all (a bad task); every other ending, including a policy failure or a
// cancelled context, is an Episode with its Status set.
func Run(ctx context.Context, task episode.Task, p policy.Policy, tools *tool.Set, opts ...Option) (*episode.Episode, error) {
	r := &runner{now: time.Now}
	for _, o := range opts {
		o(r)
	}
	if r.runID == "" {
		r.runID = newRunID()
	}
	if p == nil || tools == nil {
		return nil, errors.New("orchestrator: Run needs a policy and a tool set")
	}
	allowed, err := tools.Subset(task.Tools)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: task %q allows a tool that is not configured: %w", task.ID, err)
	}
	return r.run(ctx, task, p, allowed), nil
}

func (r *runner) emit(e episode.Event) {
	if r.trace == nil {
		return
	}
	r.seq++
	e.Seq = r.seq
	e.RunID = r.runID
	e.Time = r.now()
	e.Spent = r.spent
	r.trace(e)
}

func (r *runner) run(ctx context.Context, task episode.Task, p policy.Policy, tools *tool.Set) *episode.Episode {
	start := r.now()
	if task.Budget.MaxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, task.Budget.MaxTime)
		defer cancel()
	}
	guard := budget.Guard{Account: budget.Multi(append([]budget.Account{budget.NewMeter(task.Budget.MaxCost)}, r.accounts...))}
	maxTurns := task.Budget.MaxTurns
	if maxTurns <= 0 {
		maxTurns = DefaultMaxTurns
	}
	ep := &episode.Episode{RunID: r.runID, Task: task, Steps: []episode.Step{}}
	state := &policy.State{Task: &ep.Task, Tools: tools.Specs()}
	r.emit(episode.Event{Type: episode.EventStart, Content: task.Prompt})

	finish := func(st episode.Status, msg string) *episode.Episode {
		ep.Status = st
		ep.Error = msg
		ep.Cost = r.spent
		ep.Overage = r.overage
		ep.Latency = r.now().Sub(start)
		r.emit(episode.Event{Type: episode.EventEnd, Status: st, Content: firstNonEmpty(msg, ep.Answer), Cost: ep.Cost, Latency: ep.Latency})
		return ep
	}

	for turn := 1; ; turn++ {
		if st, msg, done := stopReason(ctx, turn, maxTurns); done {
			return finish(st, msg)
		}
		state.Turn = turn
		state.Steps = ep.Steps
		state.Spent = r.spent
		state.Elapsed = r.now().Sub(start)

		hold, err := r.reserveDecision(ctx, p, state, guard)
		if err != nil {
			return finish(episode.StatusNoBudget, err.Error())
		}
		t0 := r.now()
		act, prob, err := decide(ctx, p, state)
		decideLatency := r.now().Sub(t0)
		// withProb records the decision's probability on the turn's step.
		withProb := func(st episode.Step) episode.Step { st.Prob = prob; return st }
		if hold == nil && act.Cost > 0 {
			// A policy that spends without bounding its cost first is still
			// billed: the money is gone. Nothing was reserved, so all of it
			// is overage on the accounts.
			out, oerr := guard.Unreserved(context.WithoutCancel(ctx), act.Cost)
			if oerr != nil {
				slog.Warn("orchestrator: recording an unbounded decision's cost", "run", r.runID, "err", oerr)
			}
			r.overage = r.overage.Add(out.Overage)
		}
		if hold != nil {
			out, cerr := hold.Commit(context.WithoutCancel(ctx), act.Cost)
			if cerr != nil {
				slog.Warn("orchestrator: settling a decision", "run", r.runID, "err", cerr)
			}
			r.overage = r.overage.Add(out.Overage)
		}
		r.spent = r.spent.Add(act.Cost)
		if err != nil {
			if ctx.Err() != nil {
				st, msg, _ := stopReason(ctx, turn, maxTurns)
				return finish(st, msg)
			}
			if !errors.Is(err, policy.ErrInvalidAction) {
				return finish(episode.StatusFailed, err.Error())
			}
			ep.Steps = append(ep.Steps, withProb(episode.Step{Turn: turn, Action: act, Error: err.Error(), Cost: act.Cost, Latency: decideLatency}))
			r.emit(episode.Event{Type: episode.EventInvalid, Turn: turn, Tool: act.Tool, Content: err.Error(), IsError: true, Cost: act.Cost})
			continue
		}
		r.emit(episode.Event{Type: episode.EventDecide, Turn: turn, Tool: act.Tool, Args: act.Args, Content: firstNonEmpty(act.Thought, act.Answer), Cost: act.Cost})

		if act.Final {
			if r.refused > 0 && r.succeeded == 0 {
				ep.Steps = append(ep.Steps, withProb(episode.Step{Turn: turn, Action: act, Cost: act.Cost, Latency: decideLatency}))
				return finish(episode.StatusNoBudget, fmt.Sprintf("the budget refused every tool call of this run (%d); the policy's answer was not made with them", r.refused))
			}
			ep.Steps = append(ep.Steps, withProb(episode.Step{Turn: turn, Action: act, Cost: act.Cost, Latency: decideLatency}))
			if strings.TrimSpace(act.Answer) == "" {
				// An empty answer is not an answer: the episode says so
				// rather than reporting "answered" with nothing in it.
				msg := "the policy ended without an answer"
				if t := strings.TrimSpace(act.Thought); t != "" {
					msg += " (" + t + ")"
				}
				return finish(episode.StatusNoAnswer, msg)
			}
			ep.Answer = act.Answer
			r.emit(episode.Event{Type: episode.EventAnswer, Turn: turn, Content: act.Answer})
			return finish(episode.StatusAnswered, "")
		}
		ep.Steps = append(ep.Steps, withProb(r.call(ctx, tools, guard, turn, act, decideLatency)))
		if ctx.Err() != nil {
			st, msg, _ := stopReason(ctx, turn, maxTurns)
			return finish(st, msg)
		}
	}
}

// decide asks p for the next action, with its probability when p is a
// [policy.Prober] (0 otherwise).
func decide(ctx context.Context, p policy.Policy, s *policy.State) (episode.Action, float64, error) {
	if pr, ok := p.(policy.Prober); ok {
		return pr.DecideWithProb(ctx, s)
	}
	act, err := p.Decide(ctx, s)
	return act, 0, err
}

// call executes one validated, budgeted tool call and returns its step.
func (r *runner) call(ctx context.Context, tools *tool.Set, guard budget.Guard, turn int, act episode.Action, decideLatency time.Duration) episode.Step {
	step := episode.Step{Turn: turn, Action: act, Cost: act.Cost, Latency: decideLatency}
	fail := func(typ episode.EventType, msg string) episode.Step {
		step.Error = msg
		r.emit(episode.Event{Type: typ, Turn: turn, Tool: act.Tool, Args: act.Args, Content: msg, IsError: true})
		return step
	}
	if act.Tool == "" {
		return fail(episode.EventInvalid, "invalid action: neither a tool call nor a final answer")
	}
	call, err := tools.Prepare(act.Tool, act.Args)
	if err != nil {
		return fail(episode.EventInvalid, err.Error())
	}
	act.Args = call.Args()
	step.Action.Args = act.Args
	out, err := guard.Call(ctx, call.Tool(), call.Args(), func(worst money.Amount) {
		r.emit(episode.Event{Type: episode.EventCall, Turn: turn, Tool: act.Tool, Args: act.Args, Cost: worst})
	})
	cost := out.Cost()
	r.spent = r.spent.Add(cost)
	r.overage = r.overage.Add(out.Overage)
	step.Cost = step.Cost.Add(cost)
	switch {
	case !out.Started && errors.Is(err, budget.ErrUnbounded):
		return fail(episode.EventInvalid, fmt.Sprintf("%s: %v", act.Tool, err))
	case !out.Started:
		if errors.Is(err, budget.ErrExceeded) {
			r.refused++
		}
		return fail(episode.EventRefused, fmt.Sprintf("refused %s: %v", act.Tool, err))
	case out.Result == nil:
		// The run was cancelled mid-call: the worst case was charged.
		msg := err.Error()
		step.Error = msg
		r.emit(episode.Event{Type: episode.EventResult, Turn: turn, Tool: act.Tool, Content: msg, IsError: true, Cost: cost})
		return step
	}
	res := out.Result
	if err != nil {
		// The call ran; its settlement failed or broke its bound.
		step.Error = err.Error()
		slog.Warn("orchestrator: settling a call", "run", r.runID, "tool", act.Tool, "err", err)
	}
	if out.Overage > 0 {
		step.Error = fmt.Sprintf("%s cost %s, above its reserved bound %s; the excess %s is recorded as overage",
			act.Tool, cost, out.Reserved, out.Overage)
	}
	if !res.IsError {
		r.succeeded++
	}
	step.Result = res
	step.Latency += res.Latency
	r.emit(episode.Event{Type: episode.EventResult, Turn: turn, Tool: act.Tool, Content: res.Content, IsError: res.IsError, Cost: cost, Latency: res.Latency})
	return step
}

// reserveDecision holds what deciding may cost when the policy spends money
// to decide; it returns a nil reservation for free policies.
func (r *runner) reserveDecision(ctx context.Context, p policy.Policy, s *policy.State, guard budget.Guard) (*budget.Reservation, error) {
	b, ok := p.(policy.CostBounder)
	if !ok {
		return nil, nil
	}
	max, err := b.MaxCost(s)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: bound the policy's cost: %w", err)
	}
	h, err := guard.Reserve(ctx, max)
	if err != nil {
		return nil, fmt.Errorf("the policy's next decision does not fit the budget: %w", err)
	}
	return h, nil
}

func stopReason(ctx context.Context, turn, maxTurns int) (episode.Status, string, bool) {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return episode.StatusTimeout, "time budget exhausted", true
	case ctx.Err() != nil:
		return episode.StatusCancelled, ctx.Err().Error(), true
	case turn > maxTurns:
		return episode.StatusMaxTurns, fmt.Sprintf("no answer after %d turns", maxTurns), true
	}
	return "", "", false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "run_" + hex.EncodeToString(b[:])
}
