package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
)

// TestServeJudge runs baton serve with a judge: in baton.yaml, and checks
// that an answered run gets the judge's score as its feedback, with its
// cost apart, on a real SQLite store with scripted models on loopback.
func TestServeJudge(t *testing.T) {
	t.Chdir(t.TempDir())
	up := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "42", Usage: chattest.Usage{PromptTokens: 10, CompletionTokens: 2}}
	})
	defer up.Close()
	judge := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "0.9", Usage: chattest.Usage{PromptTokens: 300, CompletionTokens: 1}}
	})
	defer judge.Close()
	cfg := fmt.Sprintf(`policy: cheapest
no_default_tools: true
tools:
  - kind: llm.openai
    name: small
    options: {model: small-1, base_url: %q, price: {input_per_million: 1, output_per_million: 2}, max_tokens: 50, max_retries: 0}
  - kind: llm.openai
    name: grader
    options: {model: grader-1, base_url: %q, price: {input_per_million: 3, output_per_million: 6}, max_tokens: 8, max_retries: 0}
judge:
  tool: grader
  sample: 1
  max_cost: 0.01
`, up.BaseURL(), judge.BaseURL())
	if err := os.WriteFile("baton.yaml", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "baton.db")
	secret := createKey(t, db)
	base := startCommand(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "error")
	do := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, b
	}
	status, body := do("POST", "/v1/runs?wait=true", `{"prompt":"six times seven?","tools":["small"]}`)
	var r struct{ ID, Status string }
	if err := json.Unmarshal(body, &r); err != nil || status != 200 || r.Status != "answered" {
		t.Fatalf("run: %d %s", status, body)
	}
	var f struct {
		Source    string  `json:"source"`
		Score     float64 `json:"score"`
		JudgeCost string  `json:"judge_cost"`
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, body = do("GET", "/v1/runs/"+r.ID+"/feedback", "")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no judge feedback after 15s: %d %s", status, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// 300 input tokens at $3/M and 1 output token at $6/M.
	if err := json.Unmarshal(body, &f); err != nil || f.Source != "judge" || f.Score != 0.9 || f.JudgeCost != "0.000906" {
		t.Fatalf("feedback %s", body)
	}
	if !strings.Contains(string(judge.Requests()[0].Raw), "six times seven?") {
		t.Fatalf("the judge was not shown the question: %s", judge.Requests()[0].Raw)
	}
}
