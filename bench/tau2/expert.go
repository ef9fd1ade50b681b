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

// MaxCallsPerMessage is how many tool calls of one reply ToolOrchestra's
// τ²-bench agent makes; an expert's further calls are dropped.
const MaxCallsPerMessage = 6

// TransferToolName is tau2's transfer tool, which ToolOrchestra takes
// from the agent when it offers call_expert; the experts keep it.
const TransferToolName = "transfer_to_human_agents"

// Defaults of [Expert].
const (
	// DefaultExpertMaxTokens caps an expert's reply when MaxTokens is 0:
	// ToolOrchestra's cap for its vLLM-served experts.
	DefaultExpertMaxTokens = 8000
	// DefaultExpertLatency is the typical latency shown to the policy when
	// Latency is 0.
	DefaultExpertLatency = 10 * time.Second
)

// DefaultExpert is one of ToolOrchestra's τ²-bench experts.
type DefaultExpert struct {
	Alias string // what the agent calls it by, e.g. "expert-1"
	Model string // the model upstream maps the alias to
	// About is how ToolOrchestra's call_expert describes the expert.
	About string
	// Latency is the average latency ToolOrchestra's table shows.
	Latency time.Duration
	// MaxTokens is the reply cap ToolOrchestra gives it: 40000 for the
	// OpenAI models, 8000 for the vLLM-served one.
	MaxTokens int
}

// DefaultExperts are ToolOrchestra's τ²-bench experts by alias, strongest
// first, as its call_expert tool describes them (evaluation/tau2-bench,
// tau2/utils/llm_utils.py: extra_tool and the alias mapping in generate).
var DefaultExperts = []DefaultExpert{
	{"expert-1", "gpt-5", "expert-1 exhibits strong functional calling abilities and performs excellent in most domains (math, physics, social science, etc.), but could lack domain knowledge in some cases.", 96 * time.Second, 40000},
	{"expert-2", "gpt-5-mini", "expert-2 presents reasonable solutions in most tasks, but could get stuck in complex reasoning and specific domain knowledge.", 27 * time.Second, 40000},
	{"expert-3", "Qwen/Qwen3-32B", "expert-3 demonstrates moderate performance: it can parse complex prompts, performs some mathematical derivations, call functions, yet it sometimes misreads details, mixes concepts.", 11 * time.Second, 8000},
}

// AgentSystemPrompt is tau2's LLMAgent system prompt around the domain
// policy (inserted verbatim, as tau2 formats it); the experts get it,
// since each acts as the τ²-bench agent for the step it is handed.
func AgentSystemPrompt(policy string) string {
	return "<instructions>\n" + tau2AgentInstruction + "\n</instructions>\n<policy>\n" + policy + "\n</policy>"
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
	// Latency is the average latency shown in call_expert's table; 0
	// means [DefaultExpertLatency].
	Latency time.Duration
	// About describes the expert to the agent (see [DefaultExperts]);
	// empty says nothing but its price and latency.
	About string
	// Temperature is sent when non-nil.
	Temperature *float64
}

func (e *Expert) latency() time.Duration {
	if e.Latency > 0 {
		return e.Latency
	}
	return DefaultExpertLatency
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
// domTools are the domain's tools as the experts see them. The tool is
// ToolOrchestra's: its description, and its one "expert" argument
// described by the aliases, what each expert is good at and a table of
// prices and average latencies (no enum, as upstream; an unknown alias is
// an error result).
func bindExperts(experts []*Expert, policy string, domTools []chat.ToolDef, transcript func() []Message) *expertTool {
	var lat time.Duration
	maxOut := 0
	for _, e := range experts {
		lat = max(lat, e.latency())
		maxOut = max(maxOut, e.maxTokens())
	}
	schema, _ := json.Marshal(map[string]any{
		"properties": map[string]any{
			"expert": map[string]any{"description": expertArgDescription(experts), "title": "Expression", "type": "string"},
		},
		"required": []string{"expert"},
		"title":    "parameters",
		"type":     "object",
	})
	// The tool's own price is the dearest expert's, for policies that
	// read prices from specs; each call is billed at its expert's price.
	var dearest money.Price
	for _, e := range experts {
		if e.Price.Cost(typicalCall) > dearest.Cost(typicalCall) {
			dearest = e.Price
		}
	}
	return &expertTool{
		experts:    experts,
		policy:     policy,
		domTools:   domTools,
		transcript: transcript,
		spec: tool.Spec{
			Name:            ExpertToolName,
			Description:     "Call the expert such that the user request can be better solved compared to existing functions",
			Parameters:      schema,
			Price:           dearest,
			Latency:         lat,
			MaxOutputTokens: int64(maxOut),
			Tags:            []string{tool.TagLLM, tool.TagRemote},
		},
	}
}

// typicalCall compares the experts' prices.
var typicalCall = money.Usage{InputTokens: 1000, OutputTokens: 500}

// expertArgDescription is upstream's description of the expert argument,
// built from the configured experts.
func expertArgDescription(experts []*Expert) string {
	aliases := make([]string, len(experts))
	var abouts []string
	for i, e := range experts {
		aliases[i] = "'" + e.Alias + "'"
		if e.About != "" {
			abouts = append(abouts, e.About)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The expert. Choices: [%s]. ", strings.Join(aliases, ", "))
	if len(abouts) > 0 {
		b.WriteString(strings.Join(abouts, " ") + " ")
	}
	b.WriteString("The table below shows the pricing and latency of each model:\nModel | price per million input tokens | price per million output tokens | average latency")
	for _, e := range experts {
		fmt.Fprintf(&b, "\n%s | %s | %s | %ds", e.Alias, e.Price.InputPerM, e.Price.OutputPerM, int(e.latency().Round(time.Second)/time.Second))
	}
	return b.String()
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

// gpt5Suffix is what ToolOrchestra's to_litellm_messages appends to the
// last message sent to a gpt-5 model acting as the agent.
const gpt5Suffix = "\n\nWait, the information I provide may not be correct, please ask again."

func (x *expertTool) request(e *Expert) chat.Request {
	msgs := append([]chat.Message{{Role: chat.RoleSystem, Content: AgentSystemPrompt(x.policy)}}, ChatHistory(x.transcript())...)
	if strings.Contains(strings.ToLower(e.Model), "gpt-5") && len(msgs) > 1 {
		msgs[len(msgs)-1].Content += gpt5Suffix
	}
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
		if len(rep.ToolCalls) == MaxCallsPerMessage {
			break // upstream keeps the first six
		}
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
