package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/batonhq/baton/bench"
	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy/learned"
)

const benchOnlineAbout = `baton bench online runs the learn-from-your-traffic loop end to end over
HTTP, offline, on recorded model behaviour:

  baton replay serve          answers as each zeroeval model recorded did
  baton serve --explore 0.1   in front of it (every recorded model is an
                              llm.openai tool), a temporary SQLite store and
                              a temporary --checkpoints directory
  a client                    sends --requests questions of the source's
                              training split (seeded order) to model
                              "baton", and posts feedback 1/0 for each run
                              from the gold answer

Every --every requests it trains a candidate from the store (what baton
train --from-store does) into DIR/candidates/ and calls POST
/v1/admin/reload, which promotes it only when its off-policy estimate beats
the serving checkpoint. After each round the serving checkpoint is
evaluated offline on the test split (accuracy and mean cost per question).
The starting policy is the shipped checkpoint. The best single model on the
same test questions is the yardstick.

Examples:
  baton bench online --source zeroeval:gsm --requests 400 --every 100
  baton bench online --source zeroeval:gsm --requests 2000 --json online.json`

// OnlineRound is one round of baton bench online.
type OnlineRound struct {
	Requests int     `json:"requests"` // requests served so far
	Accuracy float64 `json:"accuracy"` // the serving checkpoint's test accuracy after the round
	CostUSD  float64 `json:"cost_usd"` // its mean cost per test question, in dollars
	Promoted bool    `json:"promoted"` // whether the round's candidate was promoted
	Serving  string  `json:"serving"`  // the serving checkpoint ("" is the shipped one)
	Reason   string  `json:"reason"`   // the promotion decision's reason
	Feedback float64 `json:"feedback"` // mean feedback of the round's served runs
}

// OnlineSingle is the best single model on the test split.
type OnlineSingle struct {
	Policy   string  `json:"policy"`
	Accuracy float64 `json:"accuracy"`
	CostUSD  float64 `json:"cost_usd"`
}

// OnlineReport is what baton bench online --json writes.
type OnlineReport struct {
	Source     string        `json:"source"`
	Start      OnlineRound   `json:"start"` // the shipped checkpoint before any request
	Rounds     []OnlineRound `json:"rounds"`
	BestSingle OnlineSingle  `json:"best_single"`
	Feedback   int           `json:"feedback"` // feedback posts accepted
	TestTasks  int           `json:"test_tasks"`
}

func runBenchOnline(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "bench online", "bench online --source zeroeval:gsm --requests N [--every K] [--json FILE]", benchOnlineAbout)
	source := fs.String("source", "zeroeval:gsm", "zeroeval:gsm or zeroeval:math-l5")
	data := fs.String("data", "", "data root (default $BATON_DATA, then ../shared/data)")
	requests := fs.Int("requests", 0, "questions to send (required)")
	every := fs.Int("every", 0, "requests per round: train and reload after each (default requests/4)")
	jsonOut := fs.String("json", "", "write the report as JSON to FILE ('-' for stdout)")
	seed := fs.Int64("seed", 1, "seed of the question order, exploration and training")
	steps := fs.Int("steps", 20, "GRPO steps per training round")
	eps := fs.Float64("explore", 0.1, "exploration rate of the server")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, pos[0])
	case *source != "zeroeval:gsm" && *source != "zeroeval:math-l5":
		return fmt.Errorf("%w: --source %q: want zeroeval:gsm or zeroeval:math-l5 (the sources baton replay serve answers)", ErrUsage, *source)
	case *requests < 1:
		return fmt.Errorf("%w: --requests %d: want at least 1 (e.g. --requests 400)", ErrUsage, *requests)
	case *every < 0:
		return fmt.Errorf("%w: --every %d: want a positive number of requests per round", ErrUsage, *every)
	case *steps < 1:
		return fmt.Errorf("%w: --steps %d: want at least 1", ErrUsage, *steps)
	case !(*eps > 0 && *eps <= 1):
		return fmt.Errorf("%w: --explore %v: want a rate in (0, 1] (off-policy promotion needs exploration)", ErrUsage, *eps)
	}
	k := *every
	if k == 0 {
		k = max(1, *requests/4)
	}
	if k > *requests {
		return fmt.Errorf("%w: --every %d exceeds --requests %d: no round would end", ErrUsage, k, *requests)
	}
	zdir, err := dataset.Resolve(ctx, "zeroeval", dataset.Options{Dir: *data, Getenv: env.Getenv, Progress: env.Stderr})
	if err != nil {
		return err
	}
	sp, err := bench.LoadSplits(ctx, *source, bench.SplitOptions{Train: zdir, Getenv: env.Getenv})
	if err != nil {
		return err
	}
	rec := sp.Records
	work, err := os.MkdirTemp("", "baton-bench-online-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Upstream: baton replay serve.
	up, upDone, err := startInProcess(ctx, env, "replay", "serve", "--data", zdir, "--addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() { cancel(); <-upDone }()
	var cfg strings.Builder
	cfg.WriteString("policy: learned\nno_default_tools: true\nbudget: {max_turns: 4, max_time: 60s}\ntools:\n")
	var models []string
	for _, s := range rec.Specs() {
		models = append(models, s.Name)
		fmt.Fprintf(&cfg, "  - kind: llm.openai\n    name: %s\n    options: {model: %s, base_url: %q, max_tokens: 4096, max_retries: 0}\n", s.Name, s.Name, up+"/v1")
	}
	cfgPath := filepath.Join(work, "baton.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		return err
	}
	db := filepath.Join(work, "baton.db")
	var kout bytes.Buffer
	if code := Run(ctx, &Env{Stdout: &kout, Stderr: env.Stderr, Stdin: strings.NewReader(""), Getenv: env.Getenv}, []string{"keys", "create", "--db", db, "--name", "bench-online", "--json"}); code != 0 {
		return fmt.Errorf("bench online: keys create exited %d", code)
	}
	var key struct{ Secret string }
	if err := json.Unmarshal(kout.Bytes(), &key); err != nil || key.Secret == "" {
		return fmt.Errorf("bench online: keys create printed %q: %v", kout.String(), err)
	}
	ckpts := filepath.Join(work, "checkpoints")
	const admin = "bench-online-admin"
	base, srvDone, err := startInProcess(ctx, env, "serve", "--addr", "127.0.0.1:0", "--db", db, "--config", cfgPath, "--log-level", "error",
		"--explore", fmt.Sprint(*eps), "--explore-seed", fmt.Sprint(uint64(*seed)), "--checkpoints", ckpts, "--admin-token", admin)
	if err != nil {
		return err
	}
	defer func() { cancel(); <-srvDone }()
	c := &onlineClient{base: base, key: key.Secret, admin: admin, http: &http.Client{Timeout: 2 * time.Minute}}

	// The shipped checkpoint as a file: the start of the first training.
	shipped, err := learned.Default()
	if err != nil {
		return err
	}
	var sb bytes.Buffer
	if err := shipped.Save(&sb); err != nil {
		return err
	}
	servingFile := filepath.Join(work, "shipped.ckpt")
	if err := os.WriteFile(servingFile, sb.Bytes(), 0o644); err != nil {
		return err
	}

	rep := OnlineReport{Source: *source, Rounds: []OnlineRound{}, TestTasks: len(sp.Test.Tasks())}
	evalServing := func(file string) (float64, float64, error) {
		p, err := learned.Open(learned.Options{Checkpoint: file})
		if err != nil {
			return 0, 0, err
		}
		row, err := bench.Evaluate(ctx, sp.Test, bench.Entry{Name: "serving", Policy: p}, bench.Options{})
		return row.Accuracy, row.CostUSD, err
	}
	// The yardstick: every single model on the same test questions.
	for _, m := range models {
		row, err := bench.Evaluate(ctx, sp.Test, bench.Entry{Name: "single:" + m, Policy: bench.Single(m)}, bench.Options{})
		if err != nil {
			return err
		}
		b := rep.BestSingle
		if b.Policy == "" || row.Accuracy > b.Accuracy || (row.Accuracy == b.Accuracy && row.CostUSD < b.CostUSD) {
			rep.BestSingle = OnlineSingle{Policy: row.Policy, Accuracy: row.Accuracy, CostUSD: row.CostUSD}
		}
	}
	if rep.Start.Accuracy, rep.Start.CostUSD, err = evalServing(servingFile); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "baton bench online %s: %d requests, a round every %d; %d test questions; best single %s: accuracy %.3f at $%.7f\n",
		*source, *requests, k, rep.TestTasks, strings.TrimPrefix(rep.BestSingle.Policy, "single:"), rep.BestSingle.Accuracy, rep.BestSingle.CostUSD)
	fmt.Fprintf(env.Stdout, "start (shipped checkpoint): accuracy %.3f, cost $%.7f\n", rep.Start.Accuracy, rep.Start.CostUSD)

	// Questions of the training split, in a seeded order (cycled when
	// --requests exceeds the split).
	train := sp.Train.Tasks()
	order := rand.New(rand.NewPCG(uint64(*seed), 0x6f6e6c696e65)).Perm(len(train))
	served, sum := 0, 0.0
	for round := 1; served < *requests; round++ {
		n := min(k, *requests-served)
		sum = 0
		for i := 0; i < n; i++ {
			task := train[order[(served+i)%len(train)]]
			run, err := c.run(ctx, task.Prompt)
			if err != nil {
				return err
			}
			ep := &episode.Episode{Status: run.Status, Answer: run.Answer, Steps: run.Steps}
			sc, err := rec.Score(ctx, task, ep)
			if err != nil {
				return fmt.Errorf("bench online: scoring run %s: %w", run.ID, err)
			}
			score := 0.0
			if sc.Correct {
				score = 1
			}
			if err := c.feedback(ctx, run.ID, score); err != nil {
				return err
			}
			rep.Feedback++
			sum += score
		}
		served += n
		r := OnlineRound{Requests: served, Feedback: sum / float64(n)}
		cand := fmt.Sprintf("round-%03d.ckpt", round)
		var tout bytes.Buffer
		tenv := &Env{Stdout: &tout, Stderr: io.Discard, Stdin: strings.NewReader(""), Getenv: env.Getenv}
		if err := trainFromStore(ctx, tenv, db, servingFile, cfgPath, filepath.Join(ckpts, "candidates", cand), "", *seed+int64(round), *steps); err != nil {
			r.Reason = "not trained: " + err.Error()
		} else {
			rr, err := c.reload(ctx)
			if err != nil {
				return err
			}
			r.Serving = rr.Serving
			for _, d := range rr.Decisions {
				if d.Candidate == cand {
					r.Promoted, r.Reason = d.Promoted, d.Reason
				}
			}
			if rr.Serving != "" {
				servingFile = filepath.Join(ckpts, "promoted", rr.Serving)
			}
		}
		if r.Accuracy, r.CostUSD, err = evalServing(servingFile); err != nil {
			return err
		}
		rep.Rounds = append(rep.Rounds, r)
		verdict := "refused"
		if r.Promoted {
			verdict = "promoted"
		}
		fmt.Fprintf(env.Stdout, "round %d: %d requests (feedback %.3f); candidate %s (%s); serving %s: test accuracy %.3f, cost $%.7f\n",
			round, served, r.Feedback, verdict, r.Reason, orDefault(r.Serving), r.Accuracy, r.CostUSD)
	}
	if *jsonOut != "" {
		if err := writeJSONFile(env, *jsonOut, rep); err != nil {
			return fmt.Errorf("bench online: --json: %w", err)
		}
	}
	return nil
}

// startInProcess runs a baton command in this process until ctx ends and
// returns the URL it listens on and a channel closed when it has exited.
func startInProcess(ctx context.Context, env *Env, args ...string) (string, <-chan struct{}, error) {
	pr, pw := io.Pipe()
	e := &Env{Stdout: io.Discard, Stderr: pw, Stdin: strings.NewReader(""), Getenv: env.Getenv}
	done := make(chan struct{})
	code := make(chan int, 1)
	go func() {
		c := Run(ctx, e, args)
		pw.Close()
		code <- c
		close(done)
	}()
	urls := make(chan string, 1)
	var tail bytes.Buffer
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok && !sent {
				urls <- strings.Fields(u)[0]
				sent = true
			} else if !sent && tail.Len() < 4096 {
				tail.WriteString(sc.Text() + "\n")
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case u := <-urls:
		return u, done, nil
	case c := <-code:
		return "", done, fmt.Errorf("bench online: baton %s exited %d before listening", strings.Join(args[:min(2, len(args))], " "), c)
	case <-time.After(60 * time.Second):
		return "", done, fmt.Errorf("bench online: baton %s did not start listening within a minute", strings.Join(args[:min(2, len(args))], " "))
	}
}

// onlineClient speaks to baton serve over HTTP.
type onlineClient struct {
	base, key, admin string
	http             *http.Client
}

type onlineRun struct {
	ID     string         `json:"id"`
	Status episode.Status `json:"status"`
	Answer string         `json:"answer"`
	Steps  []episode.Step `json:"steps"`
}

func (c *onlineClient) do(ctx context.Context, method, path, token string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("bench online: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("bench online: %s %s: status %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("bench online: %s %s: %w", method, path, err)
		}
	}
	return nil
}

// run sends one question to model "baton" and waits for the run.
func (c *onlineClient) run(ctx context.Context, prompt string) (onlineRun, error) {
	var cc struct {
		ID string `json:"id"`
	}
	msg := map[string]any{"model": "baton", "messages": []any{map[string]any{"role": "user", "content": prompt}}}
	if err := c.do(ctx, "POST", "/v1/chat/completions", c.key, msg, http.StatusOK, &cc); err != nil {
		return onlineRun{}, err
	}
	id := strings.TrimPrefix(cc.ID, "chatcmpl-")
	if id == "" {
		return onlineRun{}, errors.New("bench online: the chat completion carried no run id")
	}
	var r onlineRun
	if err := c.do(ctx, "GET", "/v1/runs/"+id, c.key, nil, http.StatusOK, &r); err != nil {
		return onlineRun{}, err
	}
	r.ID = id
	return r, nil
}

func (c *onlineClient) feedback(ctx context.Context, id string, score float64) error {
	return c.do(ctx, "POST", "/v1/runs/"+id+"/feedback", c.key, map[string]any{"score": score}, http.StatusCreated, nil)
}

func (c *onlineClient) reload(ctx context.Context) (ReloadReport, error) {
	var r ReloadReport
	err := c.do(ctx, "POST", "/v1/admin/reload", c.admin, nil, http.StatusOK, &r)
	return r, err
}
