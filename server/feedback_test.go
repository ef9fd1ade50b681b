package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/sqlite"
)

// newRun makes an answered run with the env's key and returns its ID.
func (e *env) newRun() string {
	e.t.Helper()
	status, body, _ := e.do("POST", "/v1/runs?wait=true", `{"prompt":"six times seven?"}`)
	var v server.RunView
	if err := json.Unmarshal(body, &v); err != nil || status != http.StatusOK || v.ID == "" {
		e.t.Fatalf("POST /v1/runs: %d %s (%v)", status, body, err)
	}
	return v.ID
}

func decodeFeedback(t *testing.T, body []byte) server.FeedbackView {
	t.Helper()
	var v server.FeedbackView
	if err := json.Unmarshal(body, &v); err != nil || v.Object != "baton.feedback" {
		t.Fatalf("not a feedback object (%v): %s", err, body)
	}
	return v
}

func TestFeedbackOnRun(t *testing.T) {
	e := newEnv(t, nil)
	id := e.newRun()
	status, body, _ := e.do("POST", "/v1/runs/"+id+"/feedback", `{"score": 0.75, "text": "right number, verbose"}`)
	if v := decodeFeedback(t, body); status != http.StatusCreated || v.Replaced || v.Score != 0.75 || v.RunID != id {
		t.Fatalf("first feedback: %d %s", status, body)
	}
	status, body, _ = e.do("POST", "/v1/runs/"+id+"/feedback", `{"score": 1}`)
	if v := decodeFeedback(t, body); status != http.StatusOK || !v.Replaced || v.Score != 1 || v.Text != "" {
		t.Fatalf("second feedback: %d %s; want 200 saying replaced", status, body)
	}
	status, body, _ = e.do("GET", "/v1/runs/"+id+"/feedback", "")
	if v := decodeFeedback(t, body); status != http.StatusOK || v.Score != 1 {
		t.Fatalf("GET feedback: %d %s", status, body)
	}
	stored, err := e.store.GetFeedback(context.Background(), id)
	if err != nil || stored.Score != 1 {
		t.Fatalf("store holds %+v, %v", stored, err)
	}

	t.Run("another key sees no such run", func(t *testing.T) {
		_, other := e.newKey(store.NewKey{Name: "other"})
		for _, m := range []string{"POST", "GET"} {
			status, body, _ := doReq(t, e.http.URL, other, m, "/v1/runs/"+id+"/feedback", `{"score": 0}`)
			if status != http.StatusNotFound {
				t.Fatalf("%s with another key: %d %s", m, status, body)
			}
			errorShape(t, body)
		}
		if f, _ := e.store.GetFeedback(context.Background(), id); f.Score != 1 {
			t.Fatalf("another key changed the feedback: %+v", f)
		}
	})
	t.Run("no key", func(t *testing.T) {
		if status, _, _ := doReq(t, e.http.URL, "", "POST", "/v1/runs/"+id+"/feedback", `{"score": 0}`); status != http.StatusUnauthorized {
			t.Fatalf("without a key: %d", status)
		}
	})
}

func TestFeedbackBadInput(t *testing.T) {
	e := newEnv(t, nil)
	id := e.newRun()
	fresh := e.newRun()
	if status, body, _ := e.do("GET", "/v1/runs/"+fresh+"/feedback", ""); status != http.StatusNotFound || !strings.Contains(string(body), "no feedback yet") {
		t.Fatalf("GET feedback before any: %d %s", status, body)
	}
	cases := []struct {
		name, path, body string
		status           int
		says             string
	}{
		{"malformed JSON", id, `{"score": 0.5`, 400, ""},
		{"NaN", id, `{"score": NaN}`, 400, ""},
		{"score as text", id, `{"score": "0.5"}`, 400, ""},
		{"missing score", id, `{"text": "good"}`, 400, `"score" is required`},
		{"below zero", id, `{"score": -0.1}`, 400, "outside [0, 1]"},
		{"above one", id, `{"score": 1.5}`, 400, "outside [0, 1]"},
		{"huge exponent", id, `{"score": 1e400}`, 400, ""},
		{"oversized text", id, `{"score": 1, "text": "` + strings.Repeat("x", store.MaxFeedbackText+1) + `"}`, 400, "shorten it"},
		{"unknown field", id, `{"score": 1, "grade": "A"}`, 400, ""},
		{"unknown run", "run_nope", `{"score": 1}`, 404, "no run"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := e.do("POST", "/v1/runs/"+tc.path+"/feedback", tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			msg, _, _, _ := errorShape(t, body)
			if !strings.Contains(msg, tc.says) {
				t.Errorf("message %q lacks %q", msg, tc.says)
			}
		})
	}
	if _, err := e.store.GetFeedback(context.Background(), id); err == nil {
		t.Fatal("a rejected feedback was stored")
	}
}

func TestFeedbackOnChatCompletion(t *testing.T) {
	e := newEnv(t, nil)
	status, body, _ := e.do("POST", "/v1/chat/completions", `{"model":"small","messages":[{"role":"user","content":"six times seven?"}]}`)
	var c struct{ ID string }
	if err := json.Unmarshal(body, &c); err != nil || status != 200 || !strings.HasPrefix(c.ID, "chatcmpl-run_") {
		t.Fatalf("chat completion: %d %s", status, body)
	}
	status, body, _ = e.do("POST", "/v1/chat/completions/"+c.ID+"/feedback", `{"score": 0}`)
	v := decodeFeedback(t, body)
	if status != http.StatusCreated || "chatcmpl-"+v.RunID != c.ID {
		t.Fatalf("feedback by completion id: %d %s", status, body)
	}
	// The same run, by its run ID.
	status, body, _ = e.do("POST", "/v1/runs/"+v.RunID+"/feedback", `{"score": 0.5}`)
	if v := decodeFeedback(t, body); status != http.StatusOK || !v.Replaced {
		t.Fatalf("feedback by run id after completion id: %d %s", status, body)
	}
}

// TestFeedbackSurvivesRestart: stop the server, reopen the same SQLite
// file, the feedback is there.
func TestFeedbackSurvivesRestart(t *testing.T) {
	e := newEnv(t, nil)
	id := e.newRun()
	if status, body, _ := e.do("POST", "/v1/runs/"+id+"/feedback", `{"score": 0.5, "text": "half"}`); status != http.StatusCreated {
		t.Fatalf("feedback: %d %s", status, body)
	}
	e.http.Close()
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := st.GetFeedback(context.Background(), id)
	if err != nil || f.Score != 0.5 || f.Text != "half" {
		t.Fatalf("after reopening: %+v, %v", f, err)
	}
}

// TestFeedbackSurvivesKill: feedback acknowledged by a `baton serve`
// process is there after kill -9 and a restart on the same file.
func TestFeedbackSurvivesKill(t *testing.T) {
	bin := batonBinary(t)
	up := chattest.NewFunc(defaultReply)
	defer up.Close()
	cfg := writeConfig(t, up)
	db := filepath.Join(t.TempDir(), "baton.db")
	_, secrets := createKeys(t, bin, db, 1, money.Dollar)
	p := startServe(t, bin, cfg, db)
	status, body, _ := doReq(t, p.url, secrets[0], "POST", "/v1/runs?wait=true", `{"prompt":"six times seven?"}`)
	var v server.RunView
	if err := json.Unmarshal(body, &v); err != nil || status != 200 {
		t.Fatalf("run: %d %s", status, body)
	}
	if status, body, _ := doReq(t, p.url, secrets[0], "POST", "/v1/runs/"+v.ID+"/feedback", `{"score": 1, "text": "exact"}`); status != http.StatusCreated {
		t.Fatalf("feedback: %d %s", status, body)
	}
	p.kill()
	p = startServe(t, bin, cfg, db)
	status, body, _ = doReq(t, p.url, secrets[0], "GET", "/v1/runs/"+v.ID+"/feedback", "")
	if f := decodeFeedback(t, body); status != 200 || f.Score != 1 || f.Text != "exact" {
		t.Fatalf("after kill -9 and restart: %d %s", status, body)
	}
	p.stop(t)
}

// FuzzFeedbackBody: any body sent as feedback gets 201, 200 or a 400 (413
// when oversized) with an OpenAI error object, never anything else, and what is stored is a
// score in [0, 1].
func FuzzFeedbackBody(f *testing.F) {
	for _, s := range []string{`{"score": 0.5}`, `{"score": 1, "text": "ok"}`, `{"score": NaN}`, `{"score": -1}`, `{"score": 1e400}`, `{}`, `[]`, `{"score": 0.5, "x": 1}`, ``} {
		f.Add(s)
	}
	e := newEnv(f, nil)
	id := e.newRun()
	f.Fuzz(func(t *testing.T, body string) {
		status, resp, _ := doReq(t, e.http.URL, e.secret, "POST", "/v1/runs/"+id+"/feedback", body)
		switch status {
		case http.StatusCreated, http.StatusOK:
			v := decodeFeedback(t, resp)
			if v.Score < 0 || v.Score > 1 || v.Score != v.Score {
				t.Fatalf("accepted score %v from %q", v.Score, body)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			errorShape(t, resp)
		default:
			t.Fatalf("status %d for %q: %s", status, body, resp)
		}
	})
}
