package tau2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	llmpolicy "github.com/batonhq/baton/policy/llm"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// WaitMessage is what ToolOrchestra's τ²-bench agent says when the model
// returned neither text nor a tool call.
const WaitMessage = "Wait a minute, I will take it very soon"

// ExpertRule replaces tau2's transfer rules in the policy ToolOrchestra
// shows its orchestrator when call_expert is offered (EXPERT_POLICT).
const ExpertRule = "You should transfer the user to an expert if you are not confident about how to reply or which tool to use. To transfer, first make a tool call to call_expert, and then choose an expert based on the task difficulty, i.e. strong expert on tricky task, and weaker expert on simpler task. Think carefully about whether you are confident to meet user expectation, or call an appropriate expert based on both expert cost and performance."

// orchestratorSuffix ends the system prompt ToolOrchestra gives a
// Qwen-based agent (Orchestrator-8B).
const orchestratorSuffix = "  You are dedicated to provide the best service. Wrap thinking process between <think> </think>, message between <message> </message> and the tool call between <tool_call> </tool_call> ."

// transferRules are the airline and retail policies' transfer rules, as
// ToolOrchestra's POLICY_STRINGS list them (its other entries are for
// domains Baton does not have).
var transferRules = []string{
	"You should transfer the user to a human agent if and only if the request cannot be handled within the scope of your actions. To transfer, first make a tool call to transfer_to_human_agents, and then send the message 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.' to the user.\n",
	"You should escalate to a human agent if and only if the request cannot be handled within the scope of your actions. To escalate, use the tool call transfer_to_human_agents\n\nYou should try your best to resolve the issue before escalating the user to a human agent.\n",
	"You should try your best to resolve the issue for the user before transferring the user to a human agent.",
	"Make sure you try all the possible ways to resolve the user's issue before transferring to a human agent.\n",
	"Make sure you try all the relevant resolution steps before transferring the user to a human agent.\n",
}

// OrchestratorSystemPrompt is the system prompt ToolOrchestra gives
// Orchestrator-8B on τ²-bench: tau2's agent prompt ([AgentSystemPrompt])
// with the transfer rules replaced by [ExpertRule] when experts are
// offered, and the reply-format suffix.
func OrchestratorSystemPrompt(domainPolicy string, experts bool) string {
	p := AgentSystemPrompt(domainPolicy)
	if experts {
		for _, r := range transferRules {
			p = strings.ReplaceAll(p, r, ExpertRule)
		}
	}
	return p + orchestratorSuffix
}

// ChatAgent is the τ²-bench agent as ToolOrchestra runs Orchestrator-8B:
// each decision sends [OrchestratorSystemPrompt], the conversation so far
// as chat messages ([ChatHistory]: the customer's and the agent's
// messages, every tool call and result, this turn's included) and the
// run's tools as functions (the domain's, and call_expert instead of
// transfer_to_human_agents when experts are offered). A reply's tool calls
// (up to six, as upstream) are made in order, one per orchestrator turn,
// the further ones played by the Runner's relay with no model asked; a
// reply calling call_expert is replaced by the expert's; its text after
// </think> is
// the message to the customer (the Runner reads the <message> tags, see
// [MessageText]); a reply with neither is [WaitMessage], as upstream.
//
// A ChatAgent reads the conversation it is part of, so a [Runner] binds
// it to each conversation; on its own, Decide fails.
type ChatAgent struct {
	// Client sends the requests (vLLM's OpenAI-compatible server with the
	// hermes tool parser; Hermes <tool_call> text is read too).
	Client chat.Client
	// Model is the served model name.
	Model string
	// Price bills the model's tokens.
	Price money.Price
	// MaxTokens caps each reply (ToolOrchestra: 8000).
	MaxTokens int
	// Temperature is sent when non-nil (ToolOrchestra: 1).
	Temperature *float64
}

var errUnbound = errors.New("tau2: ChatAgent decides only within a Runner's conversation")

// Decide implements policy.Policy; an unbound ChatAgent cannot decide.
func (a *ChatAgent) Decide(context.Context, *policy.State) (episode.Action, error) {
	return episode.Action{}, errUnbound
}

// boundChat is a ChatAgent in one conversation.
type boundChat struct {
	a          *ChatAgent
	system     string
	transcript func() []Message
}

var (
	_ policy.Policy      = (*boundChat)(nil)
	_ policy.CostBounder = (*boundChat)(nil)
)

func (a *ChatAgent) bind(domainPolicy string, experts bool, transcript func() []Message) *boundChat {
	return &boundChat{a: a, system: OrchestratorSystemPrompt(domainPolicy, experts), transcript: transcript}
}

func (b *boundChat) request(s *policy.State) chat.Request {
	msgs := append([]chat.Message{{Role: chat.RoleSystem, Content: b.system}}, ChatHistory(b.transcript())...)
	req := chat.Request{Model: b.a.Model, Messages: msgs, MaxTokens: b.a.MaxTokens, Temperature: b.a.Temperature}
	for _, t := range s.Tools {
		req.Tools = append(req.Tools, chat.ToolDef{Name: t.Name, Description: t.Description, Parameters: t.Parameters})
	}
	return req
}

// MaxCost bounds a decision: a token per byte of the request's JSON plus
// the template's per-message overhead, and the reply cap.
func (b *boundChat) MaxCost(s *policy.State) (money.Amount, error) {
	req := b.request(s)
	raw, err := json.Marshal(req)
	if err != nil {
		return 0, err
	}
	out := int64(b.a.MaxTokens)
	if out <= 0 {
		out = llmpolicy.DefaultMaxTokens
	}
	in := int64(len(raw)) + toolllm.MessageOverheadTokens*int64(len(req.Messages)+1)
	return b.a.Price.Cost(money.Usage{InputTokens: in, OutputTokens: out}), nil
}

// Decide asks the model for the agent's next message or tool call.
func (b *boundChat) Decide(ctx context.Context, s *policy.State) (episode.Action, error) {
	req := b.request(s)
	resp, err := b.a.Client.Complete(ctx, req)
	if err != nil {
		return episode.Action{}, fmt.Errorf("tau2: agent %s: %w", b.a.Model, err)
	}
	if resp == nil {
		return episode.Action{}, fmt.Errorf("tau2: agent %s: no response", b.a.Model)
	}
	u := usageOf(req, resp)
	act := episode.Action{Usage: u, Cost: b.a.Price.Cost(money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens})}
	content := resp.Message.Content
	calls := resp.Message.ToolCalls
	if len(calls) == 0 {
		if parsed, perr := llmpolicy.ParseToolCalls(content); perr == nil {
			calls = parsed
		}
	}
	text := content
	if i := strings.LastIndex(text, "</think>"); i >= 0 {
		act.Thought = strings.TrimSpace(strings.TrimPrefix(text[:i], "<think>"))
		text = text[i+len("</think>"):]
	}
	text = strings.TrimSpace(text)
	if len(calls) > 0 {
		// A reply that calls the expert is replaced by the expert's, as
		// upstream replaces it; otherwise its first calls (at most
		// MaxCallsPerMessage) are made in order, the further ones by the
		// Runner's relay.
		for _, c := range calls {
			if c.Name == ExpertToolName {
				calls = []chat.ToolCall{c}
				break
			}
		}
		calls = calls[:min(len(calls), MaxCallsPerMessage)]
		if len(calls) > 1 {
			var rest []relayCall
			for _, c := range calls[1:] {
				rest = append(rest, relayCall{Name: c.Name, Arguments: c.Arguments})
			}
			act.Thought = withMoreCalls(act.Thought, rest)
		}
		c := calls[0]
		args := strings.TrimSpace(c.Arguments)
		if args == "" {
			args = "{}"
		}
		act.Tool = c.Name
		if !json.Valid([]byte(args)) {
			return act, fmt.Errorf("%w: %s called with malformed JSON arguments %q", policy.ErrInvalidAction, c.Name, c.Arguments)
		}
		act.Args = json.RawMessage(args)
		return act, nil
	}
	if text == "" {
		text = WaitMessage
	}
	act.Final, act.Answer = true, text
	return act, nil
}
