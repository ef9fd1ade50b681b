package tau2

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/env/domain/check"
	_ "github.com/batonhq/baton/env/domain/retail"
	"github.com/batonhq/baton/money"
	toolllm "github.com/batonhq/baton/tool/llm"
)

// replayScript turns one recorded ToolOrchestra simulation into scripts
// for the three scripted servers, so that the harness, run against them,
// must make the recorded tool calls in the recorded order:
//
//   - user: the recorded customer messages, in order;
//   - agent: per recorded agent message, the text (as an answer call for
//     the llm policy, as the reply's content for the ChatAgent), or
//     each tool call as its own reply; but an agent message with several
//     tool calls, or a transfer_to_human_agents call (which the agent is
//     not offered), is a call_expert and the expert replies with the
//     message's calls (the ChatAgent makes every other such message's
//     calls itself, in one reply); and every third text message is a
//     call_expert whose expert replies with the text;
//   - expert: those replies, in order, with the alias each is for.
//
// The expert aliases rotate so each one is used.
type replayScript struct {
	user, agent, expert []chattest.Reply
	expertAliases       []string
	// toolCalls are the recorded calls, responses and names in order.
	toolNames, toolResponses []string
	// steps is the simulation's length as tau2 counts it against
	// max_steps: every agent and user message, and one message with the
	// replies to each tool-calling message.
	steps int
}

var replayAliases = []string{"expert-1", "expert-2", "expert-3"}

func newReplayScript(t *testing.T, sim *domain.Simulation, textAsContent bool) *replayScript {
	t.Helper()
	s := &replayScript{}
	responses := map[string]string{}
	for _, m := range sim.Messages {
		if m.Role == "tool" && m.Content != nil {
			responses[m.ID] = *m.Content
		}
	}
	texts, nextAlias, multi := 0, 0, 0
	alias := func() string {
		a := replayAliases[nextAlias%len(replayAliases)]
		nextAlias++
		return a
	}
	viaExpert := func(rep chattest.Reply) {
		a := alias()
		s.agent = append(s.agent, call(ExpertToolName, `{"expert":"`+a+`"}`))
		rep.Usage = expertUsage
		s.expert = append(s.expert, rep)
		s.expertAliases = append(s.expertAliases, a)
	}
	for i, m := range sim.Messages {
		content := ""
		if m.Content != nil {
			content = *m.Content
		}
		switch {
		case i == 0:
			if m.Role != "assistant" || content != Greeting {
				t.Fatalf("recording opens with %s %q, not tau2's greeting", m.Role, content)
			}
			s.steps++
		case m.Role == "user":
			s.user = append(s.user, chattest.Reply{Content: content, Usage: userUsage})
			s.steps++
		case m.Role == "assistant" && len(m.ToolCalls) == 0:
			texts++
			switch {
			case texts%3 == 0:
				viaExpert(chattest.Reply{Content: content})
			case textAsContent:
				s.agent = append(s.agent, chattest.Reply{Content: content, Usage: agentUsage})
			default:
				s.agent = append(s.agent, answer(content))
			}
			s.steps++
		case m.Role == "assistant":
			var calls []chattest.ToolCall
			transfer := false
			for _, tc := range m.ToolCalls {
				calls = append(calls, chattest.ToolCall{ID: tc.ID, Name: tc.Name, Arguments: string(tc.Arguments)})
				transfer = transfer || tc.Name == TransferToolName
				want, ok := responses[tc.ID]
				if !ok {
					t.Fatalf("recorded call %s has no response", tc.ID)
				}
				s.toolNames = append(s.toolNames, tc.Name)
				s.toolResponses = append(s.toolResponses, want)
			}
			if len(calls) > 1 && !transfer {
				multi++
			}
			switch {
			case len(calls) > 1 && !transfer && textAsContent && multi%2 == 1:
				// The ChatAgent makes several calls in one reply itself.
				s.agent = append(s.agent, chattest.Reply{ToolCalls: calls, Usage: agentUsage})
			case len(calls) > 1 || transfer:
				viaExpert(chattest.Reply{ToolCalls: calls})
			default:
				s.agent = append(s.agent, call(calls[0].Name, calls[0].Arguments))
			}
			s.steps += 2
		}
	}
	return s
}

// replayPrices price the three scripted experts apart, so the expert cost
// shows which alias each call was billed at.
var replayPrices = map[string]money.Price{
	"expert-1": expertPrice,
	"expert-2": agentPrice,
	"expert-3": {InputPerM: money.MustParse("0.8"), OutputPerM: money.MustParse("0.8")},
}

var replayAll = flag.Bool("tau2-replay-all", false, "replay every recorded ToolOrchestra simulation, not every 8th")

// TestReplayToolOrchestraRecordings replays recorded ToolOrchestra
// τ²-bench simulations (airline and retail) through the harness with
// scripted agent, expert and user servers, with the "llm" policy and with
// the ChatAgent (Orchestrator-8B's prompt) as the agent: each tool response must equal
// the recording, each comparable reward and db_match the recorded ones,
// and the conversation's tau2 step count the recorded one. By default every
// 8th simulation of each domain is replayed, with the first of reward 0
// and the first with a transfer (the whole set takes about a minute under
// -race on two cores); -tau2-replay-all replays all 132. The sample must
// include a transfer, a reward of 0 and a reward of 1.
func TestReplayToolOrchestraRecordings(t *testing.T) {
	root := dataRoot(t)
	for _, agentKind := range []string{"llm", "chat"} {
		for _, name := range []string{"airline", "retail"} {
			t.Run(agentKind+"/"+name, func(t *testing.T) {
				t.Parallel()
				d, err := domain.Open(context.Background(), root, name)
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(check.TrajectoryPath(root, name))
				if err != nil {
					t.Fatal(err)
				}
				res, err := domain.ParseResults(b)
				if err != nil {
					t.Fatal(err)
				}
				var sims, want, calls, viaExpert, transfers int
				rewards := map[float64]int{}
				for i := range res.Simulations {
					if !*replayAll && !inSample(res.Simulations, i) {
						continue
					}
					want++
					sim := &res.Simulations[i]
					n, got, ok := replayOne(t, d, sim, agentKind)
					if !ok {
						return
					}
					sims++
					calls += n
					viaExpert += got.ToolCalls[ExpertToolName]
					transfers += got.ToolCalls[TransferToolName]
					if got.rewardCompared {
						rewards[got.Reward]++
					}
				}
				t.Logf("%s: %d of %d simulations replayed (-tau2-replay-all for all): %d tool responses equal to the recording, rewards equal %v (reward: count), %d steps handed to experts, %d transfers",
					name, sims, len(res.Simulations), calls, rewards, viaExpert, transfers)
				if sims != want || rewards[0] == 0 || rewards[1] == 0 || viaExpert == 0 || transfers == 0 {
					t.Fatalf("replayed %d of %d simulations; rewards %v, %d expert steps, %d transfers: the sample must cover rewards 0 and 1 and a transfer", sims, want, rewards, viaExpert, transfers)
				}
			})
		}
	}
}

// inSample reports whether simulation i is replayed by default: every 8th,
// the first recorded with reward 0 and the first with a transfer.
func inSample(sims []domain.Simulation, i int) bool {
	if i%8 == 0 {
		return true
	}
	firstZero, firstTransfer := -1, -1
	for j := range sims {
		if ri := sims[j].RewardInfo; firstZero < 0 && ri != nil && ri.Reward == 0 {
			firstZero = j
		}
		for _, m := range sims[j].Messages {
			for _, tc := range m.ToolCalls {
				if firstTransfer < 0 && tc.Name == TransferToolName {
					firstTransfer = j
				}
			}
		}
	}
	return i == firstZero || i == firstTransfer
}

type replayed struct {
	*Conversation
	rewardCompared bool
}

// replayOne replays one simulation with the "llm" policy or, for
// agentKind "chat", the ChatAgent, and reports its tool calls checked.
func replayOne(t *testing.T, d *domain.Domain, sim *domain.Simulation, agentKind string) (int, replayed, bool) {
	t.Helper()
	sc := newReplayScript(t, sim, agentKind == "chat")
	task, why := check.ResolveTask(d, sim)
	if task == nil {
		// Held out of the shared data: the tool responses are still
		// compared, on the initial database, with no reward to compare.
		task = &domain.Task{ID: "heldout-" + sim.TaskID}
	}
	user := chattest.New(sc.user...)
	defer user.Close()
	agent := chattest.New(sc.agent...)
	defer agent.Close()
	expert := chattest.New(sc.expert...)
	defer expert.Close()
	var xs []*Expert
	client := toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: expert.BaseURL(), MaxRetries: -1})
	for _, a := range replayAliases {
		xs = append(xs, &Expert{Alias: a, Client: client, Model: "model-" + a, Price: replayPrices[a]})
	}
	pol := agentPolicy(t, agent.BaseURL())
	if agentKind == "chat" {
		pol = &ChatAgent{Client: toolllm.NewOpenAI(toolllm.ClientOptions{BaseURL: agent.BaseURL(), MaxRetries: -1}), Model: "orchestrator-8b", Price: agentPrice, MaxTokens: 8000}
	}
	r := &Runner{Domain: d, Policy: pol, User: simUser(t, user.BaseURL()), Experts: xs}
	c, err := r.Run(context.Background(), task, 0)
	if err != nil {
		t.Fatalf("sim %s: %v", sim.ID, err)
	}
	fail := func(format string, args ...any) (int, replayed, bool) {
		t.Errorf("sim %s (task %s): %s", sim.ID, task.ID, fmt.Sprintf(format, args...))
		return 0, replayed{}, false
	}
	if c.Termination != sim.TerminationReason {
		return fail("ended %s (%s), recorded %s", c.Termination, c.Error, sim.TerminationReason)
	}
	if user.Remaining() != 0 || agent.Remaining() != 0 || expert.Remaining() != 0 {
		return fail("unused scripted turns: user %d, agent %d, expert %d", user.Remaining(), agent.Remaining(), expert.Remaining())
	}
	var names, got []string
	for _, m := range c.Messages {
		if m.Role == RoleTool && m.Tool != ExpertToolName {
			names = append(names, m.Tool)
			got = append(got, m.Content)
		}
	}
	if len(got) != len(sc.toolResponses) {
		return fail("%d tool calls, recorded %d: %v vs %v", len(got), len(sc.toolResponses), names, sc.toolNames)
	}
	for i := range got {
		if names[i] != sc.toolNames[i] || (got[i] != sc.toolResponses[i] && !check.JSONEqual(got[i], sc.toolResponses[i])) {
			return fail("tool call %d %s:\n got  %.300s\n want %s %.300s", i, names[i], got[i], sc.toolNames[i], sc.toolResponses[i])
		}
	}
	if c.TauSteps != sc.steps {
		return fail("tau2 steps %d, recorded %d", c.TauSteps, sc.steps)
	}
	var wantExpert money.Amount
	for _, a := range sc.expertAliases {
		wantExpert = wantExpert.Add(cost(replayPrices[a], expertUsage))
	}
	if c.ExpertCost != wantExpert {
		return fail("expert cost %s, want %s", c.ExpertCost, wantExpert)
	}
	out := replayed{Conversation: c}
	if ri := sim.RewardInfo; ri != nil && !strings.HasPrefix(task.ID, "heldout-") {
		if c.Reward != ri.Reward || (ri.DBCheck != nil && ri.DBCheck.DBMatch != c.DBMatch) {
			want, _ := json.Marshal(ri)
			return fail("reward %v db_match %v (breakdown %v, missing %q), recorded %.300s", c.Reward, c.DBMatch, c.Breakdown, c.Missing, want)
		}
		out.rewardCompared = true
	} else if why == "" && ri != nil {
		return fail("reward not compared")
	}
	return len(got), out, true
}
