package tau2

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// TestOrchestratorSystemPrompt: with experts the airline policy's transfer
// rule becomes ToolOrchestra's expert rule; without, it stays.
func TestOrchestratorSystemPrompt(t *testing.T) {
	d := openAirline(t)
	rule := "To transfer, first make a tool call to transfer_to_human_agents"
	if !strings.Contains(d.Policy, rule) {
		t.Fatal("the airline policy has no transfer rule to replace")
	}
	for _, tc := range []struct {
		experts            bool
		wantRule, wantXpRl bool
	}{{true, false, true}, {false, true, false}} {
		p := OrchestratorSystemPrompt(d.Policy, tc.experts)
		if strings.Contains(p, rule) != tc.wantRule || strings.Contains(p, ExpertRule) != tc.wantXpRl || !strings.HasSuffix(p, orchestratorSuffix) {
			t.Errorf("experts %v: prompt has transfer rule %v, expert rule %v", tc.experts, strings.Contains(p, rule), strings.Contains(p, ExpertRule))
		}
	}
}

// TestChatAgentReplies: the message inside <message> tags goes to the
// customer, an empty reply is upstream's wait message, a Hermes text call
// is a tool call, and an unbound ChatAgent refuses to decide.
func TestChatAgentReplies(t *testing.T) {
	d := openAirline(t)
	for _, tc := range []struct {
		name      string
		reply     chattest.Reply
		wantAgent string // the agent's first message after the greeting
		wantTool  string
	}{
		{"message tags", chattest.Reply{Content: "<think>plan</think>\n<message>How can I help with your booking?</message>"}, "How can I help with your booking?", ""},
		{"empty reply", chattest.Reply{Content: ""}, WaitMessage, ""},
		{"hermes call", chattest.Reply{Content: `<tool_call>{"name": "get_user_details", "arguments": {"user_id": "mia_li_3668"}}</tool_call>`}, "", "get_user_details"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := true
			agent := chattest.NewFunc(func(chattest.Request) chattest.Reply {
				if first {
					first = false
					return tc.reply
				}
				return chattest.Reply{Content: "Done."}
			})
			defer agent.Close()
			user := chattest.NewFunc(func(r chattest.Request) chattest.Reply {
				if parse(r).count("assistant") == 0 {
					return say("Hi")
				}
				return say("###STOP###")
			})
			defer user.Close()
			a := &ChatAgent{Client: toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: agent.BaseURL(), MaxRetries: -1}), Model: "m", Price: agentPrice}
			if _, err := a.Decide(context.Background(), nil); err == nil {
				t.Fatal("an unbound ChatAgent decided")
			}
			r := &Runner{Domain: d, Policy: a, User: simUser(t, user.BaseURL())}
			c, err := r.Run(context.Background(), task(t, d, "0"), 0)
			if err != nil {
				t.Fatal(err)
			}
			var agentMsgs, tools []string
			for _, m := range c.Messages[1:] {
				switch m.Role {
				case RoleAgent:
					agentMsgs = append(agentMsgs, m.Content)
				case RoleTool:
					tools = append(tools, m.Tool)
				}
			}
			if tc.wantAgent != "" && (len(agentMsgs) == 0 || agentMsgs[0] != tc.wantAgent) {
				t.Errorf("agent said %q, want %q first", agentMsgs, tc.wantAgent)
			}
			if tc.wantTool != "" && (len(tools) != 1 || tools[0] != tc.wantTool) {
				t.Errorf("tools %v, want %s", tools, tc.wantTool)
			}
			// Without experts the transfer tool is the agent's, and the
			// system prompt keeps the transfer rule.
			raw := string(agent.Requests()[0].Raw)
			if !strings.Contains(raw, `"name":"transfer_to_human_agents"`) || strings.Contains(raw, `"name":"call_expert"`) {
				t.Error("without experts the agent must have transfer_to_human_agents and no call_expert")
			}
		})
	}
}
