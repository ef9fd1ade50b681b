package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// Judge configures the server's optional LLM judge: after a run ends
// answered, a sample of runs is scored by a model tool, in the background,
// and the score is stored as the run's feedback with source "judge".
//
// A judgment is a call like any other: its worst case is reserved on the
// run's key through a [budget.Guard] before it is made and its cost
// committed after, so a key without the budget left is refused the
// judgment, never overspent. Its cost is kept apart from the run's: on the
// run's feedback (judge_cost) and in baton_judge_cost_usd_total, not in
// baton_cost_usd_total. A judgment that fails (the model's error, a
// timeout, a reply that is not a score) stores nothing and is logged and
// counted in baton_judgments_total. A user's feedback replaces a judge's;
// a judge's never replaces a user's.
type Judge struct {
	// Tool names the model tool of Options.Tools that judges; it is sent
	// {"system", "prompt"} and must answer with a score alone.
	Tool string
	// Sample is the fraction of answered runs judged, in (0, 1]. Which
	// runs is decided by a hash of the run ID, so restarts and replicas
	// agree.
	Sample float64
	// MaxCost, when above zero, caps one judgment: a call whose worst case
	// is above it is not made (counted as refused).
	MaxCost money.Amount
	// MaxInFlight bounds the judgments running at once; 0 means
	// DefaultJudgeInFlight. Past MaxQueued waiting ones, further runs are
	// not judged (counted as skipped).
	MaxInFlight int
	// MaxQueued bounds the judgments waiting to run; 0 means
	// DefaultJudgeQueue.
	MaxQueued int
}

// Defaults and bounds of [Judge].
const (
	// DefaultJudgeInFlight is how many judgments run at once by default.
	DefaultJudgeInFlight = 4
	// DefaultJudgeQueue is how many judgments may wait by default.
	DefaultJudgeQueue = 1000
	// JudgeMaxText bounds the question and the answer each, in bytes, as
	// the judge is shown them; longer text is cut, and the cut marked.
	JudgeMaxText = 8 << 10
)

// Outcomes of a judgment, the label of baton_judgments_total.
const (
	judgeStored    = "stored"    // the score is the run's feedback
	judgeDropped   = "dropped"   // the run already had feedback (a user's): not replaced
	judgeMalformed = "malformed" // the reply was not a score
	judgeFailed    = "failed"    // the model's error: HTTP 429/5xx, a timeout, an empty reply
	judgeRefused   = "refused"   // the budget (the key's, or max_cost) refused the call
	judgeCancelled = "cancelled" // shutdown cut it off
	judgeSkipped   = "skipped"   // never started: too many queued, or shutting down
	judgeError     = "error"     // the store could not record the score
)

// judgeSystem is what the judge model is told.
const judgeSystem = `You grade answers. You are given a question (or a conversation) and the answer an assistant gave.
Reply with a single number from 0 to 1 and nothing else: 1 when the answer is correct and complete, 0 when it is wrong or does not answer, a value in between for a partly correct answer.
Write only the number, e.g. 0 or 1 or 0.5: no words, no explanation, no formatting.`

// judge scores sampled runs in the background.
type judge struct {
	s       *Server
	t       tool.Tool
	name    string
	sample  float64
	maxCost money.Amount
	slots   chan struct{} // one per judgment running

	// base ends every judgment when a drain's deadline passes.
	base   context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	pending   int // started or waiting
	maxQueued int
	closed    bool
	wg        sync.WaitGroup
}

// newJudge checks o against the server's tools.
func newJudge(s *Server, o *Judge) (*judge, error) {
	if o == nil {
		return nil, nil
	}
	if math.IsNaN(o.Sample) || o.Sample <= 0 || o.Sample > 1 {
		return nil, fmt.Errorf("server: Options.Judge.Sample %v is not a fraction in (0, 1]", o.Sample)
	}
	if o.MaxCost < 0 || o.MaxInFlight < 0 || o.MaxQueued < 0 {
		return nil, errors.New("server: Options.Judge: MaxCost, MaxInFlight and MaxQueued must not be negative")
	}
	t, err := s.tools.Get(o.Tool)
	if err != nil {
		return nil, fmt.Errorf("server: Options.Judge.Tool: %w", err)
	}
	inFlight, queued := o.MaxInFlight, o.MaxQueued
	if inFlight == 0 {
		inFlight = DefaultJudgeInFlight
	}
	if queued == 0 {
		queued = DefaultJudgeQueue
	}
	base, cancel := context.WithCancel(context.Background())
	return &judge{s: s, t: t, name: o.Tool, sample: o.Sample, maxCost: o.MaxCost,
		slots: make(chan struct{}, inFlight), maxQueued: inFlight + queued, base: base, cancel: cancel}, nil
}

// sampled reports whether the run with id is among the fraction judged:
// the run ID's FNV-1a hash, as a number in [0, 1), is below fraction.
func sampled(runID string, fraction float64) bool {
	h := fnv.New64a()
	_, _ = h.Write([]byte(runID))
	return float64(h.Sum64()>>11)/(1<<53) < fraction
}

// consider starts judging ep, made by key keyID, in the background if it
// ended answered and is sampled. It never blocks.
func (j *judge) consider(keyID string, ep *episode.Episode) {
	if j == nil || ep == nil || ep.Status != episode.StatusAnswered || strings.TrimSpace(ep.Answer) == "" || !sampled(ep.RunID, j.sample) {
		return
	}
	j.mu.Lock()
	if j.closed || j.pending >= j.maxQueued {
		why := "too many judgments waiting"
		if j.closed {
			why = "shutting down"
		}
		j.mu.Unlock()
		j.s.metrics.judgments.WithLabelValues(judgeSkipped).Inc()
		j.s.log.Warn("run not judged", "run", ep.RunID, "reason", why)
		return
	}
	j.pending++
	j.wg.Add(1)
	j.mu.Unlock()
	go func() {
		defer func() {
			j.mu.Lock()
			j.pending--
			j.mu.Unlock()
			j.wg.Done()
		}()
		outcome, cost, err := j.judge(keyID, ep.RunID, ep.Task.Prompt, ep.Answer)
		j.s.metrics.judgments.WithLabelValues(outcome).Inc()
		log := j.s.log.With("run", ep.RunID, "judge", j.name, "outcome", outcome, "judge_cost", cost.String())
		switch outcome {
		case judgeStored:
			log.Info("run judged")
		case judgeDropped:
			log.Info("judgment not stored: the run already has feedback, which a judge never replaces")
		default:
			log.Warn("run not judged", "err", err)
		}
	}()
}

// judge scores one run and stores the score; it returns the outcome, what
// the judgment cost, and why it failed.
func (j *judge) judge(keyID, runID, question, answer string) (string, money.Amount, error) {
	ctx := j.base
	select {
	case j.slots <- struct{}{}:
		defer func() { <-j.slots }()
	case <-ctx.Done():
		return judgeCancelled, 0, ctx.Err()
	}
	args, err := json.Marshal(map[string]string{"system": judgeSystem, "prompt": judgePrompt(question, answer)})
	if err != nil {
		return judgeError, 0, fmt.Errorf("server: judge arguments: %w", err)
	}
	worst, err := tool.WorstCase(j.t, args)
	if err != nil {
		return judgeRefused, 0, fmt.Errorf("server: judge %s: %w: %w", j.name, budget.ErrUnbounded, err)
	}
	if j.maxCost > 0 && worst > j.maxCost {
		return judgeRefused, 0, fmt.Errorf("server: judge %s: this judgment may cost up to %s, above judge.max_cost %s; lower the tool's max_tokens or raise max_cost",
			j.name, worst, j.maxCost)
	}
	out, err := budget.Guard{Account: j.s.account(keyID, j.name)}.Call(ctx, j.t, args, nil)
	cost := out.Cost()
	if cost > 0 {
		j.s.metrics.judgeCost.Add(cost.USD())
	}
	switch {
	case !out.Started && ctx.Err() != nil:
		return judgeCancelled, 0, fmt.Errorf("server: judge %s cancelled at shutdown before it started: %w", j.name, err)
	case !out.Started:
		if errors.Is(err, store.ErrRevoked) {
			j.s.auth.forget(keyID)
		}
		return judgeRefused, 0, fmt.Errorf("server: judge %s refused by the budget: %w", j.name, err)
	case out.Result == nil && ctx.Err() != nil:
		return judgeCancelled, cost, fmt.Errorf("server: judge %s cut off at shutdown (charged its worst case): %w", j.name, err)
	case out.Result == nil:
		return judgeFailed, cost, fmt.Errorf("server: judge %s: %w", j.name, err)
	case err != nil:
		// The call ran but its settlement failed to reach the ledger:
		// the score still stands, the error is logged.
		j.s.log.Error("settling a judgment", "run", runID, "judge", j.name, "err", err)
	}
	if out.Result.IsError {
		return judgeFailed, cost, fmt.Errorf("server: judge %s: %s", j.name, out.Result.Content)
	}
	score, err := ParseJudgeScore(out.Result.Content)
	if err != nil {
		return judgeMalformed, cost, err
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _, err = j.s.store.SetFeedback(sctx, store.Feedback{RunID: runID, Score: score, Text: "judge " + j.name, Source: store.SourceJudge, JudgeCost: cost})
	switch {
	case errors.Is(err, store.ErrFeedbackExists):
		return judgeDropped, cost, nil
	case err != nil:
		return judgeError, cost, fmt.Errorf("server: storing a judgment: %w", err)
	}
	return judgeStored, cost, nil
}

// Taking over the judgments of replicas that died.
const (
	// JudgeTakeOverWindow is how recent a run must be for its judgment to
	// be taken over: older ones are left unjudged.
	JudgeTakeOverWindow = 24 * time.Hour
	// JudgeTakeOverEvery is how often the store is asked for them.
	JudgeTakeOverEvery = time.Minute
)

// TakeOverJudgments makes, until ctx ends or Shutdown begins, the
// judgments that replicas which died never made (a process killed with
// judgments queued or in flight): at once and then every
// [JudgeTakeOverEvery], it claims from the store the answered runs of the
// last [JudgeTakeOverWindow] without feedback whose replica is gone
// (store.FeedbackStore.ClaimUnjudged, so no two replicas judge one run)
// and considers each as if it had just ended: the sampled ones are judged.
// A judgment that failed is taken over once more only when this replica
// dies in turn. It returns at once when the server has no judge.
func (s *Server) TakeOverJudgments(ctx context.Context) {
	j := s.judge
	if j == nil {
		return
	}
	t := time.NewTicker(JudgeTakeOverEvery)
	defer t.Stop()
	for {
		j.takeOver(ctx)
		select {
		case <-ctx.Done():
			return
		case <-j.base.Done():
			return
		case <-t.C:
		}
	}
}

// takeOver claims as many unjudged runs as the queue has room for and
// considers them.
func (j *judge) takeOver(ctx context.Context) {
	j.mu.Lock()
	room, closed := j.maxQueued-j.pending, j.closed
	j.mu.Unlock()
	if closed || room <= 0 {
		return
	}
	ids, err := j.s.store.ClaimUnjudged(ctx, j.s.now().Add(-JudgeTakeOverWindow), room)
	if err != nil {
		if ctx.Err() == nil {
			j.s.log.Warn("taking over the judgments of dead replicas failed; retrying later", "err", err)
		}
		return
	}
	judged := 0
	for _, id := range ids {
		if !sampled(id, j.sample) {
			continue // never to be judged: not worth reading
		}
		r, err := j.s.store.GetRun(ctx, id)
		if err != nil || r.Episode == nil {
			j.s.log.Warn("run not judged: it could not be read", "run", id, "err", err)
			continue
		}
		ep := r.Episode
		ep.RunID = r.ID
		judged++
		j.consider(r.KeyID, ep)
	}
	if len(ids) > 0 {
		j.s.log.Info("took over the judgments of runs whose replica died", "runs", len(ids), "sampled", judged)
	}
}

// drain refuses new judgments and waits for those started; when ctx ends
// first, it cancels them (each is charged its worst case, as any call cut
// off is) and waits for them to end.
func (j *judge) drain(ctx context.Context) error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	j.closed = true
	n := j.pending
	j.mu.Unlock()
	done := make(chan struct{})
	go func() { j.wg.Wait(); close(done) }()
	defer j.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	j.s.log.Warn("shutdown deadline passed; cancelling judgments", "judgments", n)
	j.cancel()
	<-done
	return fmt.Errorf("server: shutdown: %w: cancelled up to %d judgments", ctx.Err(), n)
}

// judgePrompt shows the judge the question and the answer, each cut to
// JudgeMaxText bytes.
func judgePrompt(question, answer string) string {
	return "Question:\n<<<\n" + cut(question, JudgeMaxText) + "\n>>>\n\nAnswer:\n<<<\n" + cut(answer, JudgeMaxText) +
		"\n>>>\n\nScore (a number from 0 to 1, alone):"
}

// cut returns s cut to at most n bytes on a rune boundary, marked when cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + " […cut]"
}

// scoreRE is a judge's reply: 0 or 1, or a decimal between, alone.
var scoreRE = regexp.MustCompile(`^(0(\.[0-9]{1,17})?|1(\.0{1,17})?)$`)

// ParseJudgeScore reads a judge model's reply strictly: a number from 0 to
// 1 alone ("0", "1", "0.75", "1.0"), surrounding whitespace allowed.
// Anything else (words around the number, a sign, a percentage, an
// exponent, NaN, a value outside [0, 1]) is an error: no score is guessed
// from it.
func ParseJudgeScore(reply string) (float64, error) {
	t := strings.TrimSpace(reply)
	if !scoreRE.MatchString(t) {
		shown := t
		if len(shown) > 80 {
			shown = cut(shown, 80)
		}
		return 0, fmt.Errorf("server: the judge's reply %q is not a score: want a number from 0 to 1 alone", shown)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f > 1 {
		return 0, fmt.Errorf("server: the judge's reply %q is not a score in [0, 1]", t)
	}
	return f, nil
}
