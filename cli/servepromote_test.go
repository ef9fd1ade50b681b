package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/promote"
)

func postReload(t *testing.T, base, token string) (int, ReloadReport, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/admin/reload", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var rep ReloadReport
	_ = json.Unmarshal(b, &rep)
	return resp.StatusCode, rep, string(b)
}

// TestServeReloadRefusesUnproven: a candidate no better than the serving
// checkpoint is refused over POST /v1/admin/reload with the reason, the
// server keeps serving, and the decision is in promotions.jsonl; the
// endpoint refuses API keys and wrong tokens.
func TestServeReloadRefusesUnproven(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	dir := filepath.Join(t.TempDir(), "ckpts")
	s := startExploringServe(t, db, "--checkpoints", dir, "--admin-token", "sesame")
	for i, q := range []string{"What is six times seven?", "Name the capital of France.", "2+2?", "Largest planet?"} {
		sendFeedback(t, s.base, s.key, postRun(t, s.base, s.key, q), float64(i%2))
	}
	saveDefault(t, filepath.Join(dir, "candidates", "same.ckpt"))
	for _, tok := range []string{"", "wrong", s.key} {
		if code, _, body := postReload(t, s.base, tok); code != 401 || !strings.Contains(body, "--admin-token") {
			t.Errorf("token %q: %d %s", tok, code, body)
		}
	}
	code, rep, body := postReload(t, s.base, "sesame")
	if code != 200 || len(rep.Decisions) != 1 || rep.Decisions[0].Promoted || !strings.Contains(rep.Decisions[0].Reason, "refused: unproven") || rep.Serving != "" {
		t.Fatalf("reload: %d %s", code, body)
	}
	// Still serving.
	postRun(t, s.base, s.key, "still there?")
	if _, err := os.Stat(filepath.Join(dir, "refused", "same.ckpt")); err != nil {
		t.Errorf("the refused candidate was not moved: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "promotions.jsonl"))
	if strings.Count(string(b), "\n") != 1 || !strings.Contains(string(b), `"candidate":"same.ckpt"`) {
		t.Errorf("promotions.jsonl:\n%s", b)
	}
	// Nothing new: an empty reload.
	if code, rep, body := postReload(t, s.base, "sesame"); code != 200 || len(rep.Decisions) != 0 {
		t.Errorf("second reload: %d %s", code, body)
	}
}

func TestServePromoteMisuse(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--promote-margin", "2"}, "--promote-margin 2"},
		{[]string{"serve", "--promote-margin", "-1"}, "must not be negative"},
		{[]string{"serve", "--admin-token", "x"}, "go with --checkpoints"},
		{[]string{"serve", "--canary", "0.2"}, "go with --checkpoints"},
		{[]string{"serve", "--checkpoints", "d", "--canary", "1.5"}, "--canary 1.5"},
	} {
		if code, _, errs := run(t, nil, tc.args...); code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d %s", tc.args, code, errs)
		}
	}
}

// TestServeSIGHUPReloadSurvivesKill9: a real baton serve process judges a
// candidate on SIGHUP, records the decision, and the record survives
// kill -9.
func TestServeSIGHUPReloadSurvivesKill9(t *testing.T) {
	bin := buildBaton(t)
	t.Chdir(t.TempDir())
	// baton.yaml and a key, as the in-process tests make them.
	db := filepath.Join(t.TempDir(), "baton.db")
	s := startExploringServe(t, db)
	s.stop()
	dir := filepath.Join(t.TempDir(), "ckpts")
	_, cmd := startBinary(t, bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--config", "baton.yaml", "--checkpoints", dir, "--log-level", "info")
	if err := os.WriteFile(filepath.Join(dir, "candidates", "broken.ckpt"), []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	var h []promote.Decision
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		d, err := promote.Open(dir, promote.Options{Margin: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		if h, _ = d.History(); len(h) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(h) != 1 || h[0].Promoted || h[0].Candidate != "broken.ckpt" || !strings.Contains(h[0].Reason, "does not load") {
		t.Fatalf("history after SIGHUP: %+v", h)
	}
	// The record is fsynced before the file moves: killed between the
	// two, the file is still a candidate, judged again on the next reload;
	// either way the record is there.
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	d, _ := promote.Open(dir, promote.Options{Margin: 0.01})
	if h, err := d.History(); err != nil || len(h) != 1 {
		t.Errorf("history after kill -9: %+v %v", h, err)
	}
	_, moved := os.Stat(filepath.Join(dir, "refused", "broken.ckpt"))
	_, waiting := os.Stat(filepath.Join(dir, "candidates", "broken.ckpt"))
	if (moved == nil) == (waiting == nil) {
		t.Errorf("after kill -9 the candidate is in refused/ (%v) or candidates/ (%v): want exactly one", moved, waiting)
	}
}

// TestServeRestartKeepsPromoted: a server started on a directory whose
// promotions.jsonl promoted a checkpoint serves that one (a restart after
// a promotion, e.g. after kill -9, loses nothing).
func TestServeRestartKeepsPromoted(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	dir := filepath.Join(t.TempDir(), "ckpts")
	for _, sub := range []string{"promoted", "candidates"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	saveDefault(t, filepath.Join(dir, "promoted", "r1.ckpt"))
	line := `{"candidate":"r1.ckpt","promoted":true,"reason":"promoted: earlier"}` + "\n" + `{"candidate":"r2.ckpt","promoted":false,"reason":"refused: later"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "promotions.jsonl"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startExploringServe(t, db, "--checkpoints", dir, "--admin-token", "sesame")
	postRun(t, s.base, s.key, "served by r1?")
	if code, rep, body := postReload(t, s.base, "sesame"); code != 200 || rep.Serving != "r1.ckpt" {
		t.Errorf("reload after restart: %d %s", code, body)
	}
}

// buildBaton builds the baton binary for a test that kills it, or skips
// the test under -short.
func buildBaton(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a test that builds and runs the baton binary")
	}
	bin := filepath.Join(t.TempDir(), "baton")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/batonhq/baton/cmd/baton").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the baton binary with args until the test ends and
// returns its base URL and process.
func startBinary(t *testing.T, bin string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
				select {
				case urls <- strings.Fields(u)[0]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-urls:
		return u, cmd
	case <-time.After(30 * time.Second):
		t.Fatal("baton serve did not start")
	}
	return "", nil
}

// TestLoopSurvivesKill9: a real baton serve process serving with
// exploration and a candidate on trial is killed with -9 mid-traffic;
// after a restart every answered run still has its feedback and the
// probability of every step, and the candidate is still on trial.
func TestLoopSurvivesKill9(t *testing.T) {
	bin := buildBaton(t)
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "baton.db")
	s := startExploringServe(t, db) // writes baton.yaml and a key
	s.stop()
	dir := filepath.Join(t.TempDir(), "ckpts")
	args := []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--config", "baton.yaml", "--explore", "0.5",
		"--checkpoints", dir, "--canary", "0.5", "--admin-token", "sesame", "--log-level", "info"}
	base, cmd := startBinary(t, bin, args...)
	judged := map[string]float64{}
	for i := range 6 {
		id := postRun(t, base, s.key, fmt.Sprintf("Question %d: what is %d times 7?", i, i))
		judged[id] = float64(i % 2)
		sendFeedback(t, base, s.key, id, judged[id])
	}
	saveDefault(t, filepath.Join(dir, "candidates", "c1.ckpt"))
	if code, rep, body := postReload(t, base, "sesame"); code != 200 || rep.Canary != "c1.ckpt" {
		t.Fatalf("reload: %d %s", code, body)
	}
	for i := 6; i < 12; i++ {
		id := postRun(t, base, s.key, fmt.Sprintf("Question %d: what is %d times 7?", i, i))
		judged[id] = 1
		sendFeedback(t, base, s.key, id, 1)
	}
	// A run in flight when the process dies. The goroutine gets its own
	// copy of the URL: base is reassigned after the restart below.
	go func(base string) {
		body := strings.NewReader(`{"prompt":"in flight"}`)
		req, _ := http.NewRequest("POST", base+"/v1/runs?wait=true", body)
		req.Header.Set("Authorization", "Bearer "+s.key)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}(base)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	base, _ = startBinary(t, bin, args...)
	for id, score := range judged {
		req, _ := http.NewRequest("GET", base+"/v1/runs/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+s.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var v runView
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if err != nil || len(v.Steps) == 0 {
			t.Fatalf("run %s after restart: %v %+v", id, err, v)
		}
		for i, st := range v.Steps {
			if st.Prob <= 0 || st.Prob > 1 {
				t.Errorf("run %s step %d: probability %v lost", id, i, st.Prob)
			}
		}
		req, _ = http.NewRequest("GET", base+"/v1/runs/"+id+"/feedback", nil)
		req.Header.Set("Authorization", "Bearer "+s.key)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var f struct{ Score float64 }
		err = json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || f.Score != score {
			t.Errorf("feedback of %s after restart: %d %+v %v, want %v", id, resp.StatusCode, f, err, score)
		}
	}
	// The candidate is still on trial: the next reload judges it (unproven
	// on this little traffic) and keeps trying it.
	code, rep, body := postReload(t, base, "sesame")
	if code != 200 || rep.Canary != "c1.ckpt" || len(rep.Decisions) != 1 || rep.Decisions[0].Status != "trying" {
		t.Fatalf("reload after restart: %d %s", code, body)
	}
	// Recorded: the trial's start, the judgment serve makes as it starts
	// again, and this reload's.
	h, err := os.ReadFile(filepath.Join(dir, "promotions.jsonl"))
	if err != nil || strings.Count(string(h), `"status":"trying"`) != 3 || strings.Count(string(h), "\n") != 3 {
		t.Errorf("promotions.jsonl after restart:\n%s %v", h, err)
	}
}
