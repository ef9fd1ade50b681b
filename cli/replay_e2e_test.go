package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
)

// TestServeInFrontOfReplayBillsAsReplay: baton serve with two model tools
// pointing at baton replay serve charges, per call, exactly what the
// zeroeval replay env charges for that model on that question, on the
// pass-through and the orchestrated path.
func TestServeInFrontOfReplayBillsAsReplay(t *testing.T) {
	data, _ := filepath.Abs(filepath.Join("..", "..", "shared", "data", "zeroeval"))
	if _, err := os.Stat(data); err != nil {
		t.Skipf("no %s beside the checkout", data)
	}
	t.Chdir(t.TempDir())
	e, err := replay.LoadZeroEval(data, "gsm")
	if err != nil {
		t.Fatal(err)
	}
	up := startCommand(t, nil, "replay", "serve", "--data", data, "--addr", "127.0.0.1:0")
	models := []string{"gpt-4o-mini-2024-07-18", "gemma-2-2b-it"}
	cfg := "policy: learned\nno_default_tools: true\nbudget: {max_turns: 4, max_time: 30s}\ntools:\n"
	for _, m := range models {
		cfg += fmt.Sprintf("  - kind: llm.openai\n    name: %s\n    options: {model: %s, base_url: %q, max_tokens: 4096, max_retries: 0}\n", m, m, up+"/v1")
	}
	if err := os.WriteFile("baton.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "baton.db")
	secret := createKey(t, db)
	base := startCommand(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", db, "--config", "baton.yaml", "--log-level", "error")
	do := func(method, path string, body any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(context.Background(), method, base+path, strings.NewReader(string(b)))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %v %v", method, path, resp.StatusCode, v, err)
		}
		return v
	}
	task := e.Tasks()[2]
	t.Run("pass-through", func(t *testing.T) {
		for _, m := range models {
			o, _ := e.Outcome(task.ID, m)
			c := do("POST", "/v1/chat/completions", map[string]any{"model": m, "messages": []any{map[string]any{"role": "user", "content": task.Prompt}}})
			runID := strings.TrimPrefix(c["id"].(string), "chatcmpl-")
			var v struct {
				Cost money.Amount
			}
			raw, _ := json.Marshal(do("GET", "/v1/runs/"+runID, nil))
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			if v.Cost != o.Cost {
				t.Errorf("%s: baton serve charged %s, the replay env %s", m, v.Cost.Decimal(), o.Cost.Decimal())
			}
		}
	})
	t.Run("orchestrated", func(t *testing.T) {
		raw, _ := json.Marshal(do("POST", "/v1/runs?wait=true", map[string]any{"prompt": task.Prompt}))
		var v struct {
			Status string
			Steps  []episode.Step
		}
		if err := json.Unmarshal(raw, &v); err != nil || v.Status != "answered" {
			t.Fatalf("run: %s (%v)", raw, err)
		}
		calls := 0
		for _, st := range v.Steps {
			if st.Action.Final {
				continue
			}
			calls++
			o, ok := e.Outcome(task.ID, st.Action.Tool)
			if !ok || st.Result == nil || st.Cost != o.Cost || st.Result.Usage.InputTokens != o.Usage.InputTokens || st.Result.Usage.OutputTokens != o.Usage.OutputTokens {
				t.Errorf("step %d (%s): cost %s usage %+v; replay env: %s %+v", st.Turn, st.Action.Tool, st.Cost.Decimal(), st.Result, o.Cost.Decimal(), o.Usage)
			}
		}
		if calls == 0 {
			t.Fatalf("the run called no model: %s", raw)
		}
	})
}
