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
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/dataset"
	envs "github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/logenv"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/promote"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
)

const benchOnlineAbout = `baton bench online runs the learn-from-your-traffic loop end to end over
HTTP, offline, on recorded model behaviour:

  baton replay serve          answers as each zeroeval model recorded did
  baton serve --explore 0.2   in front of it (every recorded model is an
                              llm.openai tool reading answers as zeroeval
                              does), a temporary SQLite store and a
                              temporary --checkpoints directory whose base
                              is --start
  a client                    sends --requests questions of the source's
                              training split (seeded order; a question
                              comes back once the split is used up) to
                              model "baton" with preference --prefer, and
                              posts feedback 1/0 for each run from the gold
                              answer

Every --every requests it trains a candidate from the store (what baton
train --from-store does: every run with feedback, pooled by question,
outside the held-out fifth of questions) into DIR/candidates/ and calls POST
/v1/admin/reload. With --canary SHARE (default 0.5) the reload judges the
candidate tried during the round just served and starts trying the new one
on SHARE of the next round's runs; a candidate is promoted only when, on
the logged runs it never trained on, its estimated gain over the serving
checkpoint is proven at 95% (see baton serve --help). After each round the serving checkpoint is evaluated
offline on the test split (accuracy and mean cost per question, at
--prefer), beside what the logs alone estimate of it, the truth on the
held-out questions asked so far, and the test accuracy of the candidate
just trained (served or not).

The start is the checkpoint shipped for LLMRouter (--start
embedded:llmrouter): it has never seen the zeroeval models. The best single
model on the same test questions is the yardstick.

Examples:
  baton bench online --source zeroeval:gsm --requests 400 --every 100
  baton bench online --source zeroeval:gsm --requests 2000 --json online.json`

// OnlineRound is one round of baton bench online.
type OnlineRound struct {
	Requests int     `json:"requests"` // requests served so far
	Accuracy float64 `json:"accuracy"` // the serving checkpoint's test accuracy after the round
	CostUSD  float64 `json:"cost_usd"` // its mean cost per test question, in dollars
	Promoted bool    `json:"promoted"` // whether a candidate was promoted at the round's end
	Serving  string  `json:"serving"`  // the serving checkpoint ("" is --start)
	Trying   string  `json:"trying"`   // the candidate tried on a share of the next round's runs
	Trained  string  `json:"trained"`  // the candidate trained at the round's end, or why none was
	// CandidateAccuracy and CandidateCostUSD are that candidate's test
	// accuracy and mean cost, measured as the serving checkpoint's are:
	// what training achieved, whether or not promotion lets it serve.
	CandidateAccuracy *float64 `json:"candidate_accuracy,omitempty"`
	CandidateCostUSD  *float64 `json:"candidate_cost_usd,omitempty"`
	Reason            string   `json:"reason"`   // the reload's decisions, with their reasons
	Feedback          float64  `json:"feedback"` // mean feedback of the round's served runs
	// Estimate is the serving checkpoint's accuracy (greedy) as the logs
	// alone estimate it after the round, as promotion does: inverse
	// propensity scoring, self-normalised, over the held-out questions'
	// runs; EstimateSE its standard error, EstimateCostUSD its cost per
	// run, ESS the effective number of runs behind it. Replay is the
	// replay estimate on the Covered ("12/31") held-out questions, for
	// comparison. Absent when nothing could be estimated.
	Estimate        *float64 `json:"estimate,omitempty"`
	EstimateSE      float64  `json:"estimate_se,omitempty"`
	EstimateCostUSD *float64 `json:"estimate_cost_usd,omitempty"`
	ESS             float64  `json:"ess,omitempty"`
	Replay          *float64 `json:"replay,omitempty"`
	Covered         string   `json:"covered,omitempty"`
	// HeldOutAccuracy is the serving checkpoint's accuracy measured (from
	// the gold answers, which the loop never sees) on the held-out
	// questions asked so far: what Estimate estimates.
	HeldOutAccuracy *float64 `json:"held_out_accuracy,omitempty"`
	// Decisions are the reload's records.
	Decisions []promote.Decision `json:"decisions"`
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
	Checkpoint string        `json:"checkpoint"` // --start
	Prefer     string        `json:"prefer"`     // the preference served and evaluated
	Start      OnlineRound   `json:"start"`      // the start checkpoint before any request
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
	seed := fs.Int64("seed", 1, "seed of the question order, exploration and training (default 1)")
	steps := fs.Int("steps", 0, "GRPO steps per training round (0: the multi-turn recipe's default)")
	eps := fs.Float64("explore", 0.2, "exploration rate of the server (default 0.2)")
	canary := fs.Float64("canary", 0.5, "share of runs a new candidate serves before it is judged (serve --canary; 0 judges candidates on the logs alone) (default 0.5)")
	start := fs.String("start", learned.EmbeddedPrefix+"llmrouter", "the checkpoint served first: a file, or embedded:SOURCE for a shipped one")
	keep := fs.String("keep", "", "keep the run's store, baton.yaml and checkpoints in this (new or empty) directory instead of a temporary one")
	prefer := fs.String("prefer", "accuracy", "the preference the client sends and the test split is evaluated at (as baton run --prefer)")
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
	case *steps < 0:
		return fmt.Errorf("%w: --steps %d: want 0 (the recipe's default) or more", ErrUsage, *steps)
	case !(*canary >= 0 && *canary <= 1):
		return fmt.Errorf("%w: --canary %v: want a share of runs in [0, 1]", ErrUsage, *canary)
	case !(*eps > 0 && *eps <= 1):
		return fmt.Errorf("%w: --explore %v: want a rate in (0, 1] (off-policy promotion needs exploration)", ErrUsage, *eps)
	}
	prefs, err := config.ParsePreferences(*prefer)
	if err != nil {
		return fmt.Errorf("%w: --prefer: %v", ErrUsage, err)
	}
	if _, err := learned.Open(learned.Options{Checkpoint: *start}); err != nil {
		return fmt.Errorf("%w: --start: %v", ErrUsage, err)
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
	work := *keep
	if work == "" {
		if work, err = os.MkdirTemp("", "baton-bench-online-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	} else if ents, err := os.ReadDir(work); err == nil && len(ents) > 0 {
		return fmt.Errorf("%w: --keep %s: the directory is not empty (the run writes a fresh store there)", ErrUsage, work)
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("bench online: --keep: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Upstream: baton replay serve.
	up, upDone, err := startInProcess(ctx, env, "replay", "serve", "--data", zdir, "--addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() { cancel(); <-upDone }()
	// Each recorded model is an llm.openai tool with the spec the replay
	// env gives it (description, latency, price from the same catalog),
	// reading answers as zeroeval does: the served policy sees what the
	// test split's policy sees.
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "policy: learned\npolicies: {learned: {checkpoint: %q}}\nno_default_tools: true\nbudget: {max_turns: 6, max_time: 60s}\ntools:\n", *start)
	var models []string
	for _, s := range rec.Specs() {
		models = append(models, s.Name)
		fmt.Fprintf(&cfg, "  - kind: llm.openai\n    name: %s\n    options: {model: %s, base_url: %q, max_tokens: 4096, max_retries: 0, answer: zeroeval, description: %q, latency: %q}\n",
			s.Name, s.Name, up+"/v1", s.Description, s.Latency.String())
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
		"--explore", fmt.Sprint(*eps), "--explore-seed", fmt.Sprint(uint64(*seed)), "--checkpoints", ckpts, "--canary", fmt.Sprint(*canary), "--admin-token", admin)
	if err != nil {
		return err
	}
	defer func() { cancel(); <-srvDone }()
	c := &onlineClient{base: base, key: key.Secret, admin: admin, http: &http.Client{Timeout: 2 * time.Minute}}

	// The checkpoint serving: the start of each training round.
	servingFile := *start
	// The test split is measured on the recorded models under the specs
	// the server declares (tags, schemas, descriptions): the policy is
	// trained on logs of those, so that is what it must be measured on.
	_, declared, err := openTools(ctx, env, cfgPath)
	if err != nil {
		return err
	}
	test := envs.WithSpecs(sp.Test, declared.Specs())
	declaredSpecs := declared.Specs()
	declared.Close()
	heldAsked := map[string]bool{} // held-out questions asked so far, by task ID
	rep := OnlineReport{Source: *source, Checkpoint: *start, Prefer: *prefer, Rounds: []OnlineRound{}, TestTasks: len(test.Tasks())}
	// evalOn measures a checkpoint on e at the served preference.
	evalOn := func(e envs.Env, file string) (float64, float64, error) {
		p, err := learned.Open(learned.Options{Checkpoint: file})
		if err != nil {
			return 0, 0, err
		}
		row, err := bench.Evaluate(ctx, e, bench.Entry{Name: "serving", Policy: p, Preferences: prefs}, bench.Options{})
		return row.Accuracy, row.CostUSD, err
	}
	evalServing := func(file string) (float64, float64, error) { return evalOn(test, file) }
	// The yardstick: every single model on the same test questions.
	for _, m := range models {
		row, err := bench.Evaluate(ctx, test, bench.Entry{Name: "single:" + m, Policy: bench.Single(m)}, bench.Options{})
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
	fmt.Fprintf(env.Stdout, "start (%s, prefer %s): test accuracy %.3f, cost $%.7f\n", *start, *prefer, rep.Start.Accuracy, rep.Start.CostUSD)

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
			if logenv.Holdout(task.Prompt) {
				heldAsked[task.ID] = true
			}
			run, err := c.run(ctx, task.Prompt, *prefer)
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
		r := OnlineRound{Requests: served, Feedback: sum / float64(n), Decisions: []promote.Decision{}}
		cand := fmt.Sprintf("round-%03d.ckpt", round)
		var tout bytes.Buffer
		tenv := &Env{Stdout: &tout, Stderr: io.Discard, Stdin: strings.NewReader(""), Getenv: env.Getenv}
		candFile := filepath.Join(ckpts, "candidates", cand)
		if err := trainFromStore(ctx, tenv, db, servingFile, cfgPath, candFile, "", *seed+int64(round), *steps); err != nil {
			r.Trained = "not trained: " + err.Error()
		} else {
			r.Trained = cand
			// What training achieved, whether or not promotion will see it.
			acc, cost, err := evalServing(candFile)
			if err != nil {
				return err
			}
			r.CandidateAccuracy, r.CandidateCostUSD = &acc, &cost
		}
		rr, err := c.reload(ctx)
		if err != nil {
			return err
		}
		r.Serving, r.Trying, r.Decisions = rr.Serving, rr.Canary, rr.Decisions
		var why []string
		for _, d := range rr.Decisions {
			r.Promoted = r.Promoted || d.Promoted
			why = append(why, d.Candidate+" "+d.Reason)
		}
		r.Reason = strings.Join(why, "; ")
		if rr.Serving != "" {
			servingFile = filepath.Join(ckpts, "promoted", rr.Serving)
		}
		if r.Accuracy, r.CostUSD, err = evalServing(servingFile); err != nil {
			return err
		}
		// What the logs alone say of the serving checkpoint, beside what
		// the test split measures.
		e, estErr := estimateServing(ctx, env, db, cfgPath, servingFile)
		if estErr == nil {
			sn, cost, ess, rp := e.IPS.Accuracy.SelfNormalised, e.IPS.CostUSD.SelfNormalised, e.IPS.ESS, e.Replay.Accuracy.Mean
			r.Estimate, r.EstimateSE, r.EstimateCostUSD, r.ESS, r.Replay = &sn, promote.AccuracySE(e.IPS), &cost, ess, &rp
			r.Covered = fmt.Sprintf("%d/%d", e.Replay.Covered, e.Replay.Questions)
		}
		// The truth on the held-out questions asked so far, from the gold
		// answers (the loop never sees them): it separates the estimate's
		// own error from the difference between those questions and the
		// test split.
		heldEnv := envs.WithSpecs(sp.Records.Subset("held-out", func(id string) bool { return heldAsked[id] }), declaredSpecs)
		if len(heldEnv.Tasks()) > 0 {
			acc, _, err := evalOn(heldEnv, servingFile)
			if err != nil {
				return err
			}
			r.HeldOutAccuracy = &acc
		}
		rep.Rounds = append(rep.Rounds, r)
		estimate := fmt.Sprintf("no estimate (%v)", estErr)
		if r.Estimate != nil {
			estimate = fmt.Sprintf("the logs estimate %.3f ± %.3f (ESS %.0f; replay %.3f on %s)", *r.Estimate, offpolicy.Z95*r.EstimateSE, r.ESS, *r.Replay, r.Covered)
			if r.HeldOutAccuracy != nil {
				estimate += fmt.Sprintf(", measured on those held-out questions %.3f", *r.HeldOutAccuracy)
			}
		}
		fmt.Fprintf(env.Stdout, "round %d: %d requests (feedback %.3f): %s\n", round, served, r.Feedback, orNone(r.Reason))
		if r.CandidateAccuracy != nil {
			fmt.Fprintf(env.Stdout, "  trained %s: test accuracy %.3f at $%.7f (not served unless promoted)\n", cand, *r.CandidateAccuracy, *r.CandidateCostUSD)
		}
		fmt.Fprintf(env.Stdout, "  serving %s: test accuracy %.3f at $%.7f (%.1f%% of the best single's cost); %s\n",
			orDefault(r.Serving), r.Accuracy, r.CostUSD, 100*r.CostUSD/rep.BestSingle.CostUSD, estimate)
	}
	if n := len(rep.Rounds); n > 0 {
		// Where the loop ended, as baton bench puts a row against the
		// best single model.
		last, b := rep.Rounds[n-1], rep.BestSingle
		fmt.Fprintf(env.Stdout, "\nAgainst the best single model on the test split, %s (%.3f at $%.7f):\n  serving %s after %d requests: %+.1f points at %.1f%% of its cost\n",
			strings.TrimPrefix(b.Policy, "single:"), b.Accuracy, b.CostUSD, orDefault(last.Serving), last.Requests,
			100*(last.Accuracy-b.Accuracy), 100*last.CostUSD/b.CostUSD)
	}
	if *jsonOut != "" {
		if err := writeJSONFile(env, *jsonOut, rep); err != nil {
			return fmt.Errorf("bench online: --json: %w", err)
		}
	}
	return nil
}

// estimateServing is what the store's logs alone say of the checkpoint
// ckpt on the held-out questions, as promotion computes it.
func estimateServing(ctx context.Context, env *Env, db, cfgPath, ckpt string) (promote.Estimate, error) {
	p, err := learned.Open(learned.Options{Checkpoint: ckpt})
	if err != nil {
		return promote.Estimate{}, err
	}
	_, set, err := openTools(ctx, env, cfgPath)
	if err != nil {
		return promote.Estimate{}, err
	}
	defer set.Close()
	st, err := storeopen.Open(ctx, db, store.ForAdmin())
	if err != nil {
		return promote.Estimate{}, err
	}
	defer st.Close()
	logs, _, err := offpolicy.FromStore(ctx, st, offpolicy.SpecsOf(set))
	if err != nil {
		return promote.Estimate{}, err
	}
	return promote.EstimateOf(ctx, promote.HeldOut(logs, time.Time{}), p)
}

func orNone(s string) string {
	if s == "" {
		return "nothing to judge"
	}
	return s
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
func (c *onlineClient) run(ctx context.Context, prompt, prefer string) (onlineRun, error) {
	var cc struct {
		ID string `json:"id"`
	}
	msg := map[string]any{"model": "baton", "messages": []any{map[string]any{"role": "user", "content": prompt}}, "baton": map[string]any{"prefer": prefer}}
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
