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
	// DefaultMaxTurns caps the agent's messages in one conversation when
	// Runner.MaxTurns is 0. tau2 caps a simulation at 200 messages, tool
	// messages included; 30 agent turns is more than any airline or retail
	// task needs.
	DefaultMaxTurns = 30
	// DefaultStepsPerTurn caps the orchestrator turns (tool calls plus the
	// answer) of one agent turn when Runner.StepsPerTurn is 0.
	DefaultStepsPerTurn = 16
)

// Termination reasons of a conversation.
const (
	// TermUserStop: the simulated user said a stop token (see StopToken).
	TermUserStop = "user_stop"
	// TermAgentStop: the agent's message contained ###STOP###.
	TermAgentStop = "agent_stop"
	// TermMaxTurns: the agent used up Runner.MaxTurns.
	TermMaxTurns = "max_turns"
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
	// Expert, when set, is offered to the agent as call_expert.
	Expert *Expert
	// MaxTurns caps the agent's messages per conversation; 0 means
	// [DefaultMaxTurns].
	MaxTurns int
	// StepsPerTurn caps the orchestrator turns of one agent turn; 0 means
	// [DefaultStepsPerTurn].
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
// it mid-turn.
type live struct {
	mu   sync.Mutex
	msgs []Message
}

func (l *live) add(m Message) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, m)
}

func (l *live) snapshot() []Message {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.msgs)
}

// tracer turns the orchestrator's call and result events into transcript
// entries. Events of one run arrive in order on the run's goroutine.
func (l *live) tracer(turn int) episode.Tracer {
	var pending Message
	return func(e episode.Event) {
		switch e.Type {
		case episode.EventCall:
			pending = Message{Role: RoleTool, Tool: e.Tool, Args: e.Args, Turn: turn}
		case episode.EventResult:
			m := pending
			if m.Tool != e.Tool {
				m = Message{Role: RoleTool, Tool: e.Tool, Turn: turn}
			}
			m.Content, m.IsError = e.Content, e.IsError
			l.add(m)
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
	maxTurns := r.MaxTurns
	if maxTurns <= 0 {
		maxTurns = DefaultMaxTurns
	}
	steps := r.StepsPerTurn
	if steps <= 0 {
		steps = DefaultStepsPerTurn
	}
	c := &Conversation{TaskID: task.ID, Trial: trial, ToolCalls: map[string]int{}}
	start := time.Now()
	lv.add(Message{Role: RoleAgent, Content: Greeting})
	for {
		ut, err := r.User.Reply(ctx, task, lv.snapshot())
		c.UserCost = c.UserCost.Add(ut.Cost)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.end(TermUserError, err)
			break
		}
		lv.add(Message{Role: RoleUser, Content: ut.Text, Turn: c.AgentTurns})
		if tok := StopToken(ut.Text); tok != "" {
			c.StopToken = tok
			c.end(TermUserStop, nil)
			break
		}
		if c.AgentTurns >= maxTurns {
			c.end(TermMaxTurns, fmt.Errorf("no ending after %d agent turns", maxTurns))
			break
		}
		b := episode.Budget{MaxTurns: steps}
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
		ep, err := orchestrator.Run(ctx, t, r.Policy, set,
			orchestrator.WithRunID(fmt.Sprintf("tau2-%s-%s", r.Domain.Name(), t.ID)),
			orchestrator.WithTracer(lv.tracer(c.AgentTurns)))
		if err != nil {
			return nil, fmt.Errorf("tau2: task %s: %w", task.ID, err)
		}
		c.addCosts(ep)
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
		lv.add(Message{Role: RoleAgent, Content: ep.Answer, Turn: c.AgentTurns})
		if strings.Contains(ep.Answer, TokenStop) {
			c.end(TermAgentStop, nil)
			break
		}
	}
	c.Latency = time.Since(start)
	c.Messages = lv.snapshot()
	for _, m := range c.Messages {
		if m.Role == RoleTool {
			c.ToolCalls[m.Tool]++
		}
	}
	if err := r.score(ctx, task, sess, c); err != nil {
		return nil, err
	}
	return c, nil
}

// tools binds the session's domain tools and the expert into one set, so
// every agent turn of the conversation writes to the same database.
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
	if r.Expert != nil {
		x, err := r.Expert.bind(r.Domain.Policy, lv.snapshot)
		if err != nil {
			return nil, err
		}
		ts = append(ts, x)
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
