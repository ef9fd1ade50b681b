package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
)

// TestJudgeSurvivesKill9: a real baton serve with an LLM judge is killed
// with -9 while a judgment is in flight; the next baton serve on the same
// store makes that judgment, and the run ends with the judge's feedback.
func TestJudgeSurvivesKill9(t *testing.T) {
	bin := buildBaton(t)
	t.Chdir(t.TempDir())
	up := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		return chattest.Reply{Content: "42", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 2}}
	})
	t.Cleanup(up.Close)
	// The first judgment never comes back: the process dies waiting.
	var asked atomic.Int32
	judge := chattest.NewFunc(func(chattest.Request) chattest.Reply {
		if asked.Add(1) == 1 {
			return chattest.Reply{Content: "0", Delay: time.Hour}
		}
		return chattest.Reply{Content: "1", Usage: chattest.Usage{PromptTokens: 200, CompletionTokens: 1}}
	})
	t.Cleanup(judge.Close)
	cfg := fmt.Sprintf(`policy: cheapest
no_default_tools: true
budget: {max_turns: 4, max_time: 30s}
tools:
  - kind: llm.openai
    name: small
    options: {model: small-1, base_url: %q, price: {input_per_million: "1", output_per_million: "2"}, max_retries: 0}
  - kind: llm.openai
    name: grader
    options: {model: judge-1, base_url: %q, price: {input_per_million: "3", output_per_million: "6"}, max_tokens: 16, max_retries: 0}
judge: {tool: grader, sample: 1}
`, up.BaseURL(), judge.BaseURL())
	if err := os.WriteFile("baton.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "baton.db")
	secret := createKey(t, db)
	args := []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--config", "baton.yaml", "--log-level", "info"}
	base, cmd := startBinary(t, bin, args...)
	req, _ := http.NewRequest("POST", base+"/v1/runs?wait=true", strings.NewReader(`{"prompt":"six times seven?","tools":["small"]}`))
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ ID, Status string }
	err = json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if err != nil || v.Status != "answered" {
		t.Fatalf("run: %+v %v", v, err)
	}
	for deadline := time.Now().Add(20 * time.Second); asked.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the judge was never asked")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	base, _ = startBinary(t, bin, args...)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", base+"/v1/runs/"+v.ID+"/feedback", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Score  float64
			Source string
		}
		err = json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			if err != nil || f.Source != "judge" || f.Score != 1 {
				t.Fatalf("feedback after the restart: %+v %v; want the judge's 1", f, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the judgment cut off by kill -9 was never made again (HTTP %d)", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("the judge was asked %d times; want twice (the killed judgment, then the one made again)", n)
	}
}
