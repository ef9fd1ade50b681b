package cli

import (
	"bytes"
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

// exploringServe is an in-process baton serve --explore 1 of the learned
// policy over two scripted models, with one key.
type exploringServe struct {
	base, key string
	stop      func()
}

// startExploringServe writes ./baton.yaml and serves db with it.
func startExploringServe(t *testing.T, db string, extra ...string) exploringServe {
	t.Helper()
	up := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "The answer is 42.", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 10}}
	})
	t.Cleanup(up.Close)
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
	secret := createKey(t, db)
	base, stop := startStoppable(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--config", "baton.yaml", "--log-level", "error", "--explore", "1", "--explore-seed", "3"}, extra...)...)
	return exploringServe{base: base, key: secret, stop: stop}
}

// postRun makes a run and waits for it; it returns the run's ID.
func postRun(t *testing.T, base, key, prompt string) string {
	t.Helper()
	v := postRunView(t, base, key, prompt)
	return v.ID
}

type runView struct {
	ID     string
	Status string
	Steps  []episode.Step
}

func postRunView(t *testing.T, base, key, prompt string) runView {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"prompt": prompt})
	req, _ := http.NewRequest("POST", base+"/v1/runs?wait=true", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v runView
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 || len(v.Steps) == 0 {
		t.Fatalf("run: %d %+v %v", resp.StatusCode, v, err)
	}
	return v
}

// TestServeExploreLogsProb: baton serve --explore 1 serving the learned
// policy stores each step's probability with the run.
func TestServeExploreLogsProb(t *testing.T) {
	t.Chdir(t.TempDir())
	s := startExploringServe(t, filepath.Join(t.TempDir(), "baton.db"))
	v := postRunView(t, s.base, s.key, "What is six times seven?")
	below1 := false
	for i, st := range v.Steps {
		if st.Prob <= 0 || st.Prob > 1 {
			t.Fatalf("step %d: prob %v, want it logged in (0, 1]", i, st.Prob)
		}
		below1 = below1 || st.Prob < 1
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
