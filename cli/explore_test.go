package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/episode"
)

// TestServeExploreLogsProb: baton serve --explore 1 serving the learned
// policy stores each step's probability with the run.
func TestServeExploreLogsProb(t *testing.T) {
	t.Chdir(t.TempDir())
	up := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "The answer is 42.", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 10}}
	})
	defer up.Close()
	cfg := fmt.Sprintf(`policy: learned
no_default_tools: true
budget: {max_turns: 4, max_time: 30s}
tools:
  - kind: llm.openai
    name: small
    options: {model: small-1, base_url: %q, price: {input_per_million: "0.1", output_per_million: "0.2"}, max_retries: 0}
  - kind: llm.openai
    name: large
    options: {model: large-1, base_url: %q, price: {input_per_million: "5", output_per_million: "15"}, max_retries: 0}
`, up.BaseURL(), up.BaseURL())
	if err := os.WriteFile("baton.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "baton.db")
	code, out, errs := run(t, nil, "keys", "create", "--db", db, "--name", "t", "--json")
	var k struct{ Secret string }
	if code != 0 || json.Unmarshal([]byte(out), &k) != nil || k.Secret == "" {
		t.Fatalf("keys create: %d %s %s", code, out, errs)
	}
	base := startCommand(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", db, "--config", "baton.yaml", "--log-level", "error", "--explore", "1", "--explore-seed", "3")
	req, _ := http.NewRequest("POST", base+"/v1/runs?wait=true", strings.NewReader(`{"prompt":"What is six times seven?"}`))
	req.Header.Set("Authorization", "Bearer "+k.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Status string
		Steps  []episode.Step
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 || len(v.Steps) == 0 {
		t.Fatalf("run: %d %+v %v", resp.StatusCode, v, err)
	}
	below1 := false
	for i, s := range v.Steps {
		if s.Prob <= 0 || s.Prob > 1 {
			t.Fatalf("step %d: prob %v, want it logged in (0, 1]", i, s.Prob)
		}
		below1 = below1 || s.Prob < 1
	}
	if !below1 {
		t.Errorf("every step had probability 1 with two tools and ε = 1: %+v", v.Steps)
	}
}

func TestServeExploreMisuse(t *testing.T) {
	for _, eps := range []string{"-0.1", "1.5", "NaN"} {
		if code, _, errs := run(t, nil, "serve", "--explore", eps); code != 2 || !strings.Contains(errs, "explore") {
			t.Errorf("--explore %s: exit %d %q", eps, code, errs)
		}
	}
}
