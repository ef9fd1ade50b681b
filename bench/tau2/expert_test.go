package tau2

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/chattest"
)

func TestMessageText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Hello there", "Hello there"},
		{"tags", "<think>x</think> <message>Your order is cancelled.</message>", "Your order is cancelled."},
		{"last message tag wins", "<message>a</message><message>b</message>", "b"},
		{"one tag only", "<message>unclosed", "<message>unclosed"},
		{"too short", "<m>", "<m>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MessageText(tc.in); got != tc.want {
				t.Errorf("MessageText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestExpertRequest: an expert is sent tau2's agent prompt, the history,
// the domain tools and its reply cap; a gpt-5 model gets upstream's
// suffix on the last message.
func TestExpertRequest(t *testing.T) {
	msgs := []Message{
		{Role: RoleAgent, Content: Greeting},
		{Role: RoleUser, Content: "Cancel my order."},
		{Role: RoleTool, Tool: ExpertToolName, Content: "ignored"},
		{Role: RoleTool, Tool: "get_order_details", Args: []byte(`{"order_id":"#W1"}`), Content: `{"status": "pending"}`},
	}
	tools := []chat.ToolDef{{Name: "get_order_details"}, {Name: TransferToolName}}
	for _, tc := range []struct {
		model      string
		wantSuffix bool
		maxTokens  int
	}{
		{"gpt-5", true, 40000},
		{"gpt-5-mini", true, 0},
		{"Qwen/Qwen3-32B", false, 0},
	} {
		t.Run(tc.model, func(t *testing.T) {
			e := &Expert{Alias: "expert-1", Model: tc.model, MaxTokens: tc.maxTokens}
			x := bindExperts([]*Expert{e}, "# Policy", tools, func() []Message { return msgs })
			req := x.request(e)
			if req.Messages[0].Content != "<instructions>\n"+tau2AgentInstruction+"\n</instructions>\n<policy>\n# Policy\n</policy>" {
				t.Errorf("system prompt %q", req.Messages[0].Content)
			}
			roles := []string{"system", "assistant", "user", "assistant", "tool"}
			if len(req.Messages) != len(roles) {
				t.Fatalf("messages %+v", req.Messages)
			}
			for i, r := range roles {
				if req.Messages[i].Role != r {
					t.Errorf("message %d role %s, want %s", i, req.Messages[i].Role, r)
				}
			}
			call := req.Messages[3].ToolCalls
			if len(call) != 1 || call[0].Name != "get_order_details" || call[0].ID != req.Messages[4].ToolCallID {
				t.Errorf("tool call %+v / %+v", call, req.Messages[4])
			}
			last := req.Messages[len(req.Messages)-1].Content
			if strings.HasSuffix(last, gpt5Suffix) != tc.wantSuffix || !strings.HasPrefix(last, `{"status": "pending"}`) {
				t.Errorf("last message %q (suffix wanted: %v)", last, tc.wantSuffix)
			}
			want := tc.maxTokens
			if want == 0 {
				want = DefaultExpertMaxTokens
			}
			if req.MaxTokens != want || len(req.Tools) != 2 {
				t.Errorf("max tokens %d (want %d), tools %v", req.MaxTokens, want, req.Tools)
			}
		})
	}
}

// TestExpertCallsCapped: of an expert reply's tool calls the first six are
// made, as upstream keeps them.
func TestExpertCallsCapped(t *testing.T) {
	d := openAirline(t)
	var calls []chattest.ToolCall
	for i := range 8 {
		calls = append(calls, chattest.ToolCall{ID: fmt.Sprint(i), Name: "get_user_details", Arguments: `{"user_id":"mia_li_3668"}`})
	}
	expert := chattest.New(chattest.Reply{ToolCalls: calls})
	defer expert.Close()
	agent := chattest.New(call(ExpertToolName, `{"expert":"expert-1"}`), answer("Done."))
	defer agent.Close()
	user := chattest.New(say("Hi"), say("###STOP###"))
	defer user.Close()
	r := &Runner{Domain: d, Policy: agentPolicy(t, agent.BaseURL()), User: simUser(t, user.BaseURL()), Experts: experts(expert.BaseURL())}
	c, err := r.Run(context.Background(), task(t, d, "0"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.ToolCalls["get_user_details"] != MaxCallsPerMessage || agent.Remaining() != 0 {
		t.Fatalf("tool calls %v, agent replies left %d", c.ToolCalls, agent.Remaining())
	}
}
