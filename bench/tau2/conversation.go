package tau2

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// Defaults of [Runner].
const (
	// DefaultMaxSteps is tau2's max_steps, which ToolOrchestra's runs
	// keep: a conversation is cut off (reward 0) after 200 steps, a step
	// being one message of tau2's trajectory: the agent's or the
	// customer's message, the agent's tool-calling message, the tools'
	// replies to it.
	DefaultMaxSteps = 200
	// DefaultMaxErrors is tau2's max_errors: a conversation ends (reward
	// 0) once the agent's tool calls have failed 10 times.
	DefaultMaxErrors = 10
	// turnBackstop bounds the orchestrator turns of one agent turn when
	// Runner.StepsPerTurn is 0, beyond the steps left: the expert's
	// relayed calls after the first of a reply take turns but no steps.
	turnBackstop = 64
)

// Termination reasons of a conversation.
const (
	// TermUserStop: the simulated user said a stop token (see StopToken).
	TermUserStop = "user_stop"
	// TermAgentStop: the agent's message contained ###STOP###.
	TermAgentStop = "agent_stop"
	// TermMaxSteps: the conversation reached Runner.MaxSteps (tau2's
	// max_steps).
	TermMaxSteps = "max_steps"
	// TermTooManyErrors: the agent's tool calls failed Runner.MaxErrors
	// times (tau2's max_errors).
	TermTooManyErrors = "too_many_errors"
	// TermAgentError: an agent turn ended without a message (step limit,
	// policy or provider failure).
	TermAgentError = "agent_error"
	// TermUserError: the user simulator failed.
	TermUserError = "user_error"
	// TermOverBudget: the conversation's cost cap was reached.
	TermOverBudget = "over_budget"
)

// Normal reports whether a termination reason is a normal ending, the
// only kind tau2 scores; the others get reward 0.
func Normal(reason string) bool { return reason == TermUserStop || reason == TermAgentStop }

// Runner plays conversations of one domain's tasks.
type Runner struct {
	// Domain is the loaded domain.
	Domain *domain.Domain
	// Policy is the agent (e.g. the "llm" policy with AgentInstructions as
	// its system option).
	Policy policy.Policy
	// User is the user simulator.
	User *User
	// Experts, when any, are offered to the agent as call_expert(expert),
	// as ToolOrchestra offers them, and transfer_to_human_agents is taken
	// from the agent (the experts keep it). See [Expert].
	Experts []*Expert
	// MaxSteps caps a conversation's steps (tau2's max_steps, see
	// [DefaultMaxSteps]); 0 means DefaultMaxSteps.
	MaxSteps int
	// MaxErrors caps the agent's failed tool calls (tau2's max_errors,
	// [DefaultMaxErrors]); 0 means DefaultMaxErrors. call_expert's own
	// failures do not count: upstream's expert is no tool.
	MaxErrors int
	// StepsPerTurn caps the orchestrator turns of one agent turn; 0 means
	// only the conversation's steps bound it.
	StepsPerTurn int
	// MaxCost caps the agent's and expert's spending per conversation;
	// 0 means no cap. Each agent turn gets what is left as its budget.
	MaxCost money.Amount
	// Preferences are set on every agent turn.
	Preferences episode.Preferences
}

// Conversation is one finished conversation and its verdict.
type Conversation struct {
	TaskID string `json:"task_id"` // tau2 task id, as in the domain's tasks.json
	Trial  int    `json:"trial"`   // 0-based trial number of this task
	// Messages is the transcript: the agent's and the user's messages and
	// the agent's tool calls, in order.
	Messages []Message `json:"messages"`
	// Termination says how the conversation ended (TermUserStop...), and
	// StopToken which token the user said.
	Termination string `json:"termination"`
	StopToken   string `json:"stop_token,omitempty"`
	// Error explains an abnormal termination.
	Error string `json:"error,omitempty"`
	// Reward is tau2's reward: the verifier's for a normal ending, else 0.
	Reward float64 `json:"reward"`
	// Success is Reward == 1 (within 1e-6, as tau2 counts it).
	Success bool `json:"success"`
	// Breakdown, DBMatch, Missing and GoldErrors are the verifier's
	// verdict, kept for abnormal endings too.
	Breakdown  map[string]float64 `json:"breakdown,omitempty"`
	DBMatch    bool               `json:"db_match"`
	Missing    []string           `json:"missing,omitempty"`
	GoldErrors []string           `json:"gold_errors,omitempty"`
	// AgentCost is the policy's own decisions and any tool but the
	// expert; ExpertCost the call_expert calls; UserCost the simulator.
	AgentCost  money.Amount `json:"agent_cost"`
	ExpertCost money.Amount `json:"expert_cost"`
	UserCost   money.Amount `json:"user_cost"`
	// AgentTurns counts the agent turns run (episodes), Steps their
	// orchestrator turns.
	AgentTurns int `json:"agent_turns"`
	Steps      int `json:"steps"`
	// TauSteps counts the conversation's steps as tau2 counts them
	// against max_steps (see [DefaultMaxSteps]).
	TauSteps int `json:"tau2_steps"`
	// ToolCalls counts the calls per tool.
	ToolCalls map[string]int `json:"tool_calls"`
	// Latency is the conversation's wall time.
	Latency time.Duration `json:"latency"`
}

// SystemCost is what the system under test spent: agent plus expert.
func (c *Conversation) SystemCost() money.Amount { return c.AgentCost.Add(c.ExpertCost) }

func (c *Conversation) end(reason string, err error) {
	c.Termination = reason
	if err != nil {
		c.Error = err.Error()
	}
}

// live is a conversation's transcript while it runs; the expert tool reads
// it mid-turn. steps counts tau2's steps (see [DefaultMaxSteps]), errors
// the agent's failed tool calls (see [DefaultMaxErrors]).
type live struct {
	mu              sync.Mutex
	msgs            []Message
	steps, errors   int
	stepCap, errCap int
	// atCap, when set, is called once steps or errors reach their cap.
	atCap func()
}

// add appends m, counting steps steps; a failed tool call of the agent's
// (not call_expert) counts as an error.
func (l *live) add(m Message, steps int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, m)
	l.steps += steps
	if m.Role == RoleTool && m.IsError && m.Tool != ExpertToolName {
		l.errors++
	}
	if l.atCap != nil && (l.steps >= l.stepCap || l.errors >= l.errCap) {
		l.atCap()
		l.atCap = nil
	}
}

func (l *live) snapshot() []Message {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.msgs)
}

func (l *live) counts() (steps, errors int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.steps, l.errors
}

func (l *live) stepCount() int {
	n, _ := l.counts()
	return n
}

// watch calls stop once steps reach stepCap or errors errCap (nil: stop
// watching).
func (l *live) watch(stepCap, errCap int, stop func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stepCap, l.errCap, l.atCap = stepCap, errCap, stop
}

// limit is the termination a conversation's counts call for, if any.
func (l *live) limit(maxSteps, maxErrors int) (string, error) {
	steps, errs := l.counts()
	switch {
	case errs >= maxErrors:
		return TermTooManyErrors, fmt.Errorf("%d failed tool calls (cap %d)", errs, maxErrors)
	case steps >= maxSteps:
		return TermMaxSteps, fmt.Errorf("no ending after %d steps (cap %d)", steps, maxSteps)
	}
	return "", nil
}

// tracer turns the orchestrator's call and result events into transcript
// entries, counting tau2's steps: a tool call of the agent's is two (its
// message and the tool's reply), the tool calls of one reply (the
// agent's or an expert's) are two together (one message calling them, one
// with their replies), call_expert itself
// none (its output stands as the agent's), an invalid action one (the
// agent's message that failed). Events of one run arrive in order on the
// run's goroutine.
func (l *live) tracer(turn int) episode.Tracer {
	var pending Message
	var via string
	isRelay, firstRelayed := false, false
	return func(e episode.Event) {
		switch e.Type {
		case episode.EventDecide:
			via, isRelay, firstRelayed = "", false, false
			if rest, ok := strings.CutPrefix(e.Content, relayMark); ok {
				isRelay = true
				via, _, _ = strings.Cut(rest, " ")
				firstRelayed = strings.Contains(rest, ": call 1 of ")
				if via == agentVia {
					via = "" // a further call of the agent's own reply
				}
			}
		case episode.EventInvalid:
			l.add(Message{Role: RoleTool, Tool: e.Tool, Args: e.Args, Content: e.Content, IsError: true, Turn: turn, Expert: via}, 1)
		case episode.EventCall:
			pending = Message{Role: RoleTool, Tool: e.Tool, Args: e.Args, Turn: turn, Expert: via}
		case episode.EventResult:
			m := pending
			if m.Tool != e.Tool {
				m = Message{Role: RoleTool, Tool: e.Tool, Turn: turn, Expert: via}
			}
			m.Content, m.IsError = e.Content, e.IsError
			steps := 2
			if m.Tool == ExpertToolName || (isRelay && !firstRelayed) {
				steps = 0
			}
			l.add(m, steps)
			pending = Message{}
		}
	}
}

var errRunner = errors.New("tau2: Runner needs a Domain, a Policy and a User")

// Run plays one conversation of task (trial numbers it in reports and run
// IDs). The error is non-nil only when the conversation could not be run
// at all (a bad setup) or ctx was cancelled; every other failure ends the
// conversation with its Termination set and reward 0.
func (r *Runner) Run(ctx context.Context, task *domain.Task, trial int) (*Conversation, error) {
	if r.Domain == nil || r.Policy == nil || r.User == nil {
		return nil, errRunner
	}
	if err := validateExperts(r.Experts); err != nil {
		return nil, err
	}
	if task == nil {
		return nil, errors.New("tau2: Run needs a task")
	}
	sess, err := r.Domain.NewSession(ctx, task)
	if err != nil {
		return nil, fmt.Errorf("tau2: task %s: %w", task.ID, err)
	}
	lv := &live{}
	set, err := r.tools(sess, lv)
	if err != nil {
		return nil, err
	}
	maxSteps := r.MaxSteps
	if maxSteps <= 0 {
		maxSteps = DefaultMaxSteps
	}
	maxErrors := r.MaxErrors
	if maxErrors <= 0 {
		maxErrors = DefaultMaxErrors
	}
	agent := r.Policy
	if ca, ok := r.Policy.(*ChatAgent); ok {
		agent = ca.bind(r.Domain.Policy, len(r.Experts) > 0, lv.snapshot)
	}
	if _, ok := r.Policy.(*ChatAgent); ok || len(r.Experts) > 0 {
		hide := ""
		if len(r.Experts) > 0 {
			hide = TransferToolName
		}
		agent = relay{inner: agent, hide: hide}
	}
	c := &Conversation{TaskID: task.ID, Trial: trial, ToolCalls: map[string]int{}}
	start := time.Now()
	lv.add(Message{Role: RoleAgent, Content: Greeting}, 1)
	for {
		if term, err := lv.limit(maxSteps, maxErrors); term != "" {
			c.end(term, err)
			break
		}
		ut, err := r.User.Reply(ctx, task, lv.snapshot())
		c.UserCost = c.UserCost.Add(ut.Cost)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.end(TermUserError, err)
			break
		}
		lv.add(Message{Role: RoleUser, Content: ut.Text, Turn: c.AgentTurns}, 1)
		if tok := StopToken(ut.Text); tok != "" {
			c.StopToken = tok
			c.end(TermUserStop, nil)
			break
		}
		if term, err := lv.limit(maxSteps, maxErrors); term != "" {
			c.end(term, err)
			break
		}
		left := maxSteps - lv.stepCount()
		b := episode.Budget{MaxTurns: r.StepsPerTurn}
		if b.MaxTurns <= 0 {
			b.MaxTurns = left + turnBackstop
		}
		if r.MaxCost > 0 {
			left := r.MaxCost - c.SystemCost()
			if left <= 0 {
				c.end(TermOverBudget, fmt.Errorf("spent %s of the %s cap", c.SystemCost(), r.MaxCost))
				break
			}
			b.MaxCost = left
		}
		c.AgentTurns++
		t := episode.Task{
			ID:          fmt.Sprintf("%s/%d/%d", task.ID, trial, c.AgentTurns),
			Prompt:      AgentPrompt(r.Domain.Policy, lv.snapshot()),
			Preferences: r.Preferences,
			Budget:      b,
		}
		// The episode is stopped once the conversation reaches its step
		// cap mid-turn.
		turnCtx, stop := context.WithCancel(ctx)
		capped := false
		lv.watch(maxSteps, maxErrors, func() { capped = true; stop() })
		ep, err := orchestrator.Run(turnCtx, t, agent, set,
			orchestrator.WithRunID(fmt.Sprintf("tau2-%s-%s", r.Domain.Name(), t.ID)),
			orchestrator.WithTracer(lv.tracer(c.AgentTurns)))
		lv.watch(0, 0, nil)
		stop()
		if err != nil {
			return nil, fmt.Errorf("tau2: task %s: %w", task.ID, err)
		}
		c.addCosts(ep)
		if capped && ep.Status != episode.StatusAnswered {
			term, err := lv.limit(maxSteps, maxErrors)
			c.end(term, fmt.Errorf("%w, in agent turn %d", err, c.AgentTurns))
			break
		}
		if ep.Status != episode.StatusAnswered {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			reason := TermAgentError
			if ep.Status == episode.StatusNoBudget {
				reason = TermOverBudget
			}
			c.end(reason, fmt.Errorf("agent turn %d ended %s: %s", c.AgentTurns, ep.Status, ep.Error))
			break
		}
		lv.add(Message{Role: RoleAgent, Content: MessageText(ep.Answer), Turn: c.AgentTurns}, 1)
		if strings.Contains(MessageText(ep.Answer), TokenStop) {
			c.end(TermAgentStop, nil)
			break
		}
	}
	c.Latency = time.Since(start)
	c.Messages = lv.snapshot()
	c.TauSteps = lv.stepCount()
	for _, m := range c.Messages {
		if m.Role == RoleTool && m.Tool != "" {
			c.ToolCalls[m.Tool]++
		}
	}
	if err := r.score(ctx, task, sess, c); err != nil {
		return nil, err
	}
	return c, nil
}

// tools binds the session's domain tools and the experts into one set, so
// every agent turn of the conversation writes to the same database. With
// experts, the agent is offered call_expert instead of
// transfer_to_human_agents, which stays in the set for the experts'
// relayed calls but is hidden from the agent's policy (see relay).
func (r *Runner) tools(sess *domain.Session, lv *live) (*tool.Set, error) {
	dom := sess.Set()
	ts := make([]tool.Tool, 0, dom.Len()+1)
	for _, n := range dom.Names() {
		t, err := dom.Get(n)
		if err != nil {
			return nil, fmt.Errorf("tau2: %w", err)
		}
		ts = append(ts, t)
	}
	if len(r.Experts) > 0 {
		ts = append(ts, bindExperts(r.Experts, r.Domain.Policy, domainToolDefs(dom.Specs()), lv.snapshot))
	}
	set, err := tool.NewSet(ts...)
	if err != nil {
		return nil, fmt.Errorf("tau2: tools of %s: %w", r.Domain.Name(), err)
	}
	return set, nil
}

// addCosts splits an episode's cost: what the expert calls cost beyond the
// decision that chose them is the expert's, the rest the agent's.
func (c *Conversation) addCosts(ep *episode.Episode) {
	var expert money.Amount
	for _, st := range ep.Steps {
		c.Steps++
		if st.Action.Tool == ExpertToolName && !st.Action.Final {
			expert = expert.Add(st.Cost - st.Action.Cost)
		}
	}
	c.ExpertCost = c.ExpertCost.Add(expert)
	c.AgentCost = c.AgentCost.Add(ep.Cost - expert)
}

func (r *Runner) score(ctx context.Context, task *domain.Task, sess *domain.Session, c *Conversation) error {
	v, err := r.Domain.Evaluate(ctx, task, sess, agentTexts(c.Messages))
	if err != nil {
		return fmt.Errorf("tau2: score task %s: %w", task.ID, err)
	}
	c.Breakdown, c.DBMatch, c.Missing, c.GoldErrors = v.Breakdown, v.DBMatch, v.Missing, v.GoldErrors
	if Normal(c.Termination) {
		c.Reward = v.Reward
	}
	c.Success = IsSuccess(c.Reward)
	return nil
}

// MessageText is the part of an agent's reply sent to the customer: as
// ToolOrchestra reads Orchestrator-8B's replies (whose system prompt asks
// it to wrap its message in <message> </message>), the text inside the
// last <message>…</message> when the reply has both tags and is longer
// than five characters, else the reply itself.
func MessageText(reply string) string {
	if len(reply) > 5 && strings.Contains(reply, "<message>") && strings.Contains(reply, "</message>") {
		_, after, _ := cutLast(reply, "<message>")
		inner, _, _ := strings.Cut(after, "</message>")
		return inner
	}
	return reply
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
