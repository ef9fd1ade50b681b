package tau2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// ExpertToolName is the name under which the experts are offered.
const ExpertToolName = "call_expert"

// TransferToolName is tau2's transfer tool, which ToolOrchestra takes
// from the agent when it offers call_expert; the experts keep it.
const TransferToolName = "transfer_to_human_agents"

// Defaults of [Expert].
const (
	// DefaultExpertMaxTokens caps an expert's reply when MaxTokens is 0.
	DefaultExpertMaxTokens = 4096
	// DefaultExpertLatency is the typical latency shown to the policy when
	// Latency is 0.
	DefaultExpertLatency = 10 * time.Second
)

// DefaultExperts are ToolOrchestra's τ²-bench experts by alias: gpt-5,
// gpt-5-mini and Qwen3-32B, strongest first.
var DefaultExperts = []struct{ Alias, Model string }{
	{"expert-1", "gpt-5"},
	{"expert-2", "gpt-5-mini"},
	{"expert-3", "Qwen3-32B"},
}

// AgentSystemPrompt is tau2's LLMAgent system prompt around the domain
// policy; the experts get it, since each acts as the τ²-bench agent for
// the turn it is handed.
func AgentSystemPrompt(policy string) string {
	return "<instructions>\n" + tau2AgentInstruction + "\n</instructions>\n<policy>\n" + strings.TrimSpace(policy) + "\n</policy>"
}

const tau2AgentInstruction = `You are a customer service agent that helps the user according to the <policy> provided below.
In each turn you can either:
- Send a message to the user.
- Make a tool call.
You cannot do both at the same time.

Try to be helpful and always follow the policy. Always make sure you generate valid JSON only.`

// Expert is one model the agent can hand a turn to through call_expert,
// under an alias (ToolOrchestra's expert-1, expert-2, expert-3). The
// expert acts as the τ²-bench agent for that step: it is sent tau2's agent
// system prompt with the domain policy ([AgentSystemPrompt]), the
// conversation so far as chat messages (the agent's and the customer's
// messages, every domain tool call and its result) and the domain's tools,
// transfer_to_human_agents included. If it replies with text, that text is
// the agent's message to the customer and ends the agent's turn; if it
// calls tools, those calls are made as the agent's, in order, and the
// agent then decides again (see [Runner]).
type Expert struct {
	// Alias is the name the agent picks the expert by, e.g. "expert-1".
	Alias string
	// Client sends the requests.
	Client chat.Client
	// Model is the provider's model name.
	Model string
	// Price bills the expert's tokens.
	Price money.Price
	// MaxTokens caps each reply; 0 means [DefaultExpertMaxTokens].
	MaxTokens int
	// Latency is the typical latency shown to the policy; 0 means
	// [DefaultExpertLatency].
	Latency time.Duration
	// Temperature is sent when non-nil.
	Temperature *float64
}

func (e *Expert) maxTokens() int {
	if e.MaxTokens > 0 {
		return e.MaxTokens
	}
	return DefaultExpertMaxTokens
}

// validateExperts checks a Runner's experts.
func validateExperts(xs []*Expert) error {
	seen := map[string]bool{}
	for _, e := range xs {
		switch {
		case e == nil || e.Client == nil:
			return errors.New("tau2: an expert has no Client")
		case strings.TrimSpace(e.Alias) == "":
			return fmt.Errorf("tau2: expert %s has no alias; name it, e.g. expert-1", e.Model)
		case seen[e.Alias]:
			return fmt.Errorf("tau2: expert alias %q given twice", e.Alias)
		case strings.TrimSpace(e.Model) == "":
			return fmt.Errorf("tau2: expert %s has no model; name it, e.g. gpt-5", e.Alias)
		}
		if err := e.Price.Validate(); err != nil {
			return fmt.Errorf("tau2: expert %s (%s): %w", e.Alias, e.Model, err)
		}
		seen[e.Alias] = true
	}
	return nil
}

// expertReply is what an expert produced, kept in the call_expert
// result's Data: a message for the customer, or tool calls.
type expertReply struct {
	Expert    string      `json:"expert"`
	Model     string      `json:"model"`
	Message   string      `json:"message,omitempty"`
	ToolCalls []relayCall `json:"tool_calls,omitempty"`
}

// relayCall is one tool call an expert made.
type relayCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// expertTool is the experts bound to one conversation: it reads the live
// transcript when called, and offers the expert the domain's tools.
type expertTool struct {
	experts    []*Expert
	policy     string
	domTools   []chat.ToolDef
	transcript func() []Message
	spec       tool.Spec
}

var (
	_ tool.Tool        = (*expertTool)(nil)
	_ tool.CostBounder = (*expertTool)(nil)
)

// bindExperts returns call_expert over one conversation's transcript;
// domTools are the domain's tools as the experts see them.
func bindExperts(experts []*Expert, policy string, domTools []chat.ToolDef, transcript func() []Message) *expertTool {
	aliases := make([]string, len(experts))
	var lines []string
	lat := time.Duration(0)
	for i, e := range experts {
		aliases[i] = e.Alias
		lines = append(lines, fmt.Sprintf("%s: %s/1M input tokens + %s/1M output tokens", e.Alias, e.Price.InputPerM, e.Price.OutputPerM))
		l := e.Latency
		if l <= 0 {
			l = DefaultExpertLatency
		}
		lat = max(lat, l)
	}
	schema, _ := json.Marshal(map[string]any{
		"type": "object",
		"properties": map[string]any{
			"expert": map[string]any{"type": "string", "enum": aliases, "description": "The expert to hand this step to."},
		},
		"required":             []string{"expert"},
		"additionalProperties": false,
	})
	maxOut := 0
	for _, e := range experts {
		maxOut = max(maxOut, e.maxTokens())
	}
	return &expertTool{
		experts:    experts,
		policy:     policy,
		domTools:   domTools,
		transcript: transcript,
		spec: tool.Spec{
			Name: ExpertToolName,
			Description: "Hand this step to an expert model. The expert reads the domain policy and the whole conversation, including every tool call and result, " +
				"and either writes your next message to the customer (sent as yours, it ends your turn) or calls the domain's tools (made as your calls; you then continue). " +
				"Experts and their prices: " + strings.Join(lines, "; ") + ".",
			Parameters:      schema,
			Latency:         lat,
			MaxOutputTokens: int64(maxOut),
			Tags:            []string{tool.TagLLM, tool.TagRemote},
		},
	}
}

func (x *expertTool) Spec() tool.Spec { return x.spec }

// pick returns the expert the arguments name.
func (x *expertTool) pick(args json.RawMessage) (*Expert, error) {
	var a struct {
		Expert string `json:"expert"`
	}
	if err := json.Unmarshal(args, &a); err != nil {
		return nil, fmt.Errorf("%s: arguments: %w", ExpertToolName, err)
	}
	for _, e := range x.experts {
		if e.Alias == strings.TrimSpace(a.Expert) {
			return e, nil
		}
	}
	names := make([]string, len(x.experts))
	for i, e := range x.experts {
		names[i] = e.Alias
	}
	return nil, fmt.Errorf("%s: no expert %q; choose one of %s", ExpertToolName, a.Expert, strings.Join(names, ", "))
}

func (x *expertTool) request(e *Expert) chat.Request {
	msgs := append([]chat.Message{{Role: chat.RoleSystem, Content: AgentSystemPrompt(x.policy)}}, ChatHistory(x.transcript())...)
	return chat.Request{Model: e.Model, Messages: msgs, Tools: x.domTools, MaxTokens: e.maxTokens(), Temperature: e.Temperature}
}

// ChatHistory renders a transcript as the τ²-bench agent sees it: the
// agent's messages as assistant messages, the customer's as user messages,
// each domain tool call as an assistant message calling it followed by the
// tool's reply. call_expert entries are left out: the expert's output
// stands in the transcript as the agent's own.
func ChatHistory(msgs []Message) []chat.Message {
	var out []chat.Message
	n := 0
	for _, m := range msgs {
		switch m.Role {
		case RoleAgent:
			out = append(out, chat.Message{Role: chat.RoleAssistant, Content: m.Content})
		case RoleUser:
			out = append(out, chat.Message{Role: chat.RoleUser, Content: m.Content})
		case RoleTool:
			if m.Tool == ExpertToolName {
				continue
			}
			n++
			id := "call_" + strconv.Itoa(n)
			args := strings.TrimSpace(string(m.Args))
			if args == "" {
				args = "{}"
			}
			out = append(out,
				chat.Message{Role: chat.RoleAssistant, ToolCalls: []chat.ToolCall{{ID: id, Name: m.Tool, Arguments: args}}},
				chat.Message{Role: chat.RoleTool, ToolCallID: id, Name: m.Tool, Content: m.Content})
		}
	}
	return out
}

// MaxCost bounds a call: one token per byte of the request's JSON plus the
// chat template's overhead per message, and the chosen expert's reply cap
// (the dearest expert's when the arguments name none).
func (x *expertTool) MaxCost(args json.RawMessage) (money.Amount, error) {
	cands := x.experts
	if e, err := x.pick(args); err == nil {
		cands = []*Expert{e}
	}
	var worst money.Amount
	for _, e := range cands {
		req := x.request(e)
		b, err := json.Marshal(req)
		if err != nil {
			return 0, err
		}
		in := int64(len(b)) + toolllm.MessageOverheadTokens*int64(len(req.Messages)+1)
		worst = max(worst, e.Price.Cost(money.Usage{InputTokens: in, OutputTokens: int64(e.maxTokens())}))
	}
	return worst, nil
}

// Call hands the step to the chosen expert. A provider failure is an
// unbilled error result the agent reads; only a cancelled run is an error.
// The result's Data holds the expert's reply ([expertReply]), which the
// Runner's relay plays as the agent's.
func (x *expertTool) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	e, err := x.pick(args)
	if err != nil {
		return tool.Rejectf("%v", err), nil
	}
	req := x.request(e)
	resp, err := e.Client.Complete(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return tool.Rejectf("%s: %s (%s) is unavailable: %v", ExpertToolName, e.Alias, e.Model, err), nil
	}
	if resp == nil {
		return tool.Rejectf("%s: %s returned nothing", ExpertToolName, e.Alias), nil
	}
	u := usageOf(req, resp)
	if u.Estimated && u.OutputTokens > int64(e.maxTokens()) {
		// An estimate from text may exceed what the cap lets the provider
		// bill; a reported count is the provider's and is kept.
		u.OutputTokens = int64(e.maxTokens())
	}
	res := &tool.Result{Usage: u, Cost: e.Price.Cost(money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens})}
	if res.Cost == 0 {
		// A free expert: keep the tool set from pricing the call.
		res.Unbilled = true
	}
	rep := expertReply{Expert: e.Alias, Model: e.Model}
	for _, c := range resp.Message.ToolCalls {
		rep.ToolCalls = append(rep.ToolCalls, relayCall{Name: c.Name, Arguments: c.Arguments})
	}
	switch {
	case len(rep.ToolCalls) > 0:
		var b strings.Builder
		for _, c := range rep.ToolCalls {
			fmt.Fprintf(&b, "%s calls %s %s\n", e.Alias, c.Name, c.Arguments)
		}
		res.Content = strings.TrimSpace(b.String())
	case strings.TrimSpace(resp.Message.Content) != "":
		rep.Message = strings.TrimSpace(resp.Message.Content)
		res.Content = rep.Message
	default:
		res.Content, res.IsError = fmt.Sprintf("%s: %s returned an empty reply", ExpertToolName, e.Alias), true
		return res, nil
	}
	res.Data, _ = json.Marshal(rep)
	return res, nil
}

// domainToolDefs lists the domain's tools as chat functions, sorted by
// name, for the experts.
func domainToolDefs(specs []tool.Spec) []chat.ToolDef {
	out := make([]chat.ToolDef, 0, len(specs))
	for _, s := range specs {
		out = append(out, chat.ToolDef{Name: s.Name, Description: s.Description, Parameters: s.Parameters})
	}
	slices.SortFunc(out, func(a, b chat.ToolDef) int { return strings.Compare(a.Name, b.Name) })
	return out
}
