package orchestrator_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/orchestrator"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"

	_ "github.com/batonhq/baton/policy/llm"
	_ "github.com/batonhq/baton/tool/llm"
	_ "github.com/batonhq/baton/tool/mathsolve"
)

// transcript is one episode file in testdata/episodes: a task, the
// deciding model's scripted replies, the tools (models among them with
// their own scripted replies) and what must come out, to the nanodollar.
type transcript struct {
	Task   episode.Task `json:"task"`
	Policy struct {
		Kind    string          `json:"kind"`
		Options json.RawMessage `json:"options"`
	} `json:"policy"`
	PolicyReplies []chattest.Reply `json:"policy_replies"`
	Tools         []struct {
		Kind    string           `json:"kind"`
		Name    string           `json:"name"`
		Options json.RawMessage  `json:"options"`
		Replies []chattest.Reply `json:"replies"`
	} `json:"tools"`
	Want struct {
		Status         episode.Status `json:"status"`
		AnswerContains string         `json:"answer_contains"`
		Calls          []string       `json:"calls"`
		FailedTurns    int            `json:"failed_turns"`
		FailedContains string         `json:"failed_contains"`
		Cost           money.Amount   `json:"cost"`
		DecisionCost   money.Amount   `json:"decision_cost"`
		EstimatedUsage bool           `json:"estimated_usage"`
	} `json:"want"`
}

// withBaseURL returns options with base_url pointing at a scripted server.
func withBaseURL(t *testing.T, opts json.RawMessage, url string) json.RawMessage {
	m := map[string]any{}
	if len(opts) > 0 {
		if err := json.Unmarshal(opts, &m); err != nil {
			t.Fatal(err)
		}
	}
	m["base_url"] = url
	b, _ := json.Marshal(m)
	return b
}

func TestEpisodeTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/episodes/*.json")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var tr transcript
			if err := json.Unmarshal(b, &tr); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			cat := money.DefaultCatalog()

			polSrv := chattest.New(tr.PolicyReplies...)
			defer polSrv.Close()
			p, err := policy.New(ctx, tr.Policy.Kind, policy.Config{Options: withBaseURL(t, tr.Policy.Options, polSrv.BaseURL()), Prices: cat})
			if err != nil {
				t.Fatal(err)
			}
			var tools []tool.Tool
			for _, tc := range tr.Tools {
				opts := tc.Options
				if strings.HasPrefix(tc.Kind, "llm.") {
					srv := chattest.New(tc.Replies...)
					defer srv.Close()
					url := srv.BaseURL()
					if tc.Kind == "llm.anthropic" {
						url = srv.URL // never reached: the call is refused by the budget
					}
					opts = withBaseURL(t, opts, url)
				}
				ts, err := tool.Open(ctx, tc.Kind, tool.Config{Name: tc.Name, Options: opts, Prices: cat, Getenv: func(string) string { return "" }})
				if err != nil {
					t.Fatal(err)
				}
				tools = append(tools, ts...)
			}
			set, err := tool.NewSet(tools...)
			if err != nil {
				t.Fatal(err)
			}
			var events []episode.Event
			ep, err := orchestrator.Run(ctx, tr.Task, p, set, orchestrator.WithTracer(func(e episode.Event) { events = append(events, e) }))
			if err != nil {
				t.Fatal(err)
			}
			w := tr.Want
			if ep.Status != w.Status || !strings.Contains(ep.Answer, w.AnswerContains) {
				t.Fatalf("status %s answer %q (error %q), want %s containing %q", ep.Status, ep.Answer, ep.Error, w.Status, w.AnswerContains)
			}
			var calls []string
			var failed int
			var decisions, toolCost money.Amount
			estimated := false
			for _, s := range ep.Steps {
				decisions += s.Action.Cost
				if s.Error != "" {
					failed++
					if w.FailedContains != "" && !strings.Contains(s.Error, w.FailedContains) {
						t.Errorf("failed turn %d: %q, want it to contain %q", s.Turn, s.Error, w.FailedContains)
					}
				}
				if s.Result != nil {
					calls = append(calls, s.Action.Tool)
					toolCost += s.Result.Cost
					if s.Result.Usage.Estimated {
						estimated = true
						spec, _ := set.Spec(s.Action.Tool)
						if got := spec.Cost(s.Result.Usage, s.Result.Latency); got != s.Result.Cost {
							t.Errorf("estimated call cost %s, want price × estimated usage = %s", s.Result.Cost, got)
						}
					}
				}
			}
			if strings.Join(calls, ",") != strings.Join(w.Calls, ",") || failed != w.FailedTurns {
				t.Errorf("calls %v with %d failed turns, want %v with %d", calls, failed, w.Calls, w.FailedTurns)
			}
			if estimated != w.EstimatedUsage {
				t.Errorf("estimated usage %v, want %v", estimated, w.EstimatedUsage)
			}
			if w.Cost != 0 && ep.Cost != w.Cost {
				t.Errorf("episode cost %s, want exactly %s", ep.Cost, w.Cost)
			}
			if w.DecisionCost != 0 && decisions != w.DecisionCost {
				t.Errorf("decision cost %s, want exactly %s", decisions, w.DecisionCost)
			}
			if ep.Cost != decisions+toolCost {
				t.Errorf("episode cost %s is not decisions %s + tools %s", ep.Cost, decisions, toolCost)
			}
			if n := polSrv.Remaining(); n != 0 {
				t.Errorf("%d scripted policy replies unused", n)
			}
			if last := events[len(events)-1]; last.Type != episode.EventEnd || last.Spent != ep.Cost {
				t.Errorf("last event %+v", last)
			}
		})
	}
}
