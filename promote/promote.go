// Package promote decides which learned checkpoint baton serve runs, from a
// checkpoints directory:
//
//	DIR/candidates/NAME   checkpoints waiting to be judged (baton train --out)
//	DIR/canary/NAME       the checkpoint being tried on a share of runs (Options.Canary)
//	DIR/promoted/NAME     checkpoints that were promoted
//	DIR/refused/NAME      checkpoints that were refused
//	DIR/promotions.jsonl  every decision, one JSON object a line, fsynced
//
// The serving checkpoint is the last promoted one in promotions.jsonl (the
// base policy before any). [Dir.Reload] judges a candidate against the
// serving policy on the logged runs with feedback that the candidate never
// trained on ([HeldOut]: the questions [logenv.Holdout] keeps out of
// training, and those first asked after its training), by inverse
// propensity scoring
// of each policy deciding greedily ([EstimateOf]; the self-normalised
// means are compared): it is promoted only when both estimates rest on
// enough matching runs, its accuracy gain is at least the margin, and the
// gain's one-sided lower confidence bound (95% unless configured) is above
// zero; otherwise it is refused, with the reason. A replay estimate
// ([logenv.Replay]) is recorded beside it for comparison.
//
// Logs of a serving policy that rarely calls what a candidate would call
// cannot tell how the candidate does. With [Options.Canary] a candidate is
// first tried on that share of live runs (DIR/canary/NAME), so its own
// runs are in the logs it is judged on; it is tried on while the logs are
// too thin to tell.
//
// Every decision is appended and fsynced before the checkpoint is moved,
// so it survives kill -9; a candidate left in candidates/ or canary/ by a
// crash is judged again.
package promote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/logenv"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/explore"
	"github.com/batonhq/baton/policy/learned"
)

// DefaultMargin is the accuracy a candidate must gain to be promoted.
const DefaultMargin = 0.01

// ClipWeight bounds each run's importance weight in promotion's
// estimates ([offpolicy.ClippedIPS]). A policy's own greedy run weighs
// 1/(1−ε)^turns, under 10 for ε ≤ 0.2 and up to 10 turns; a run of another
// policy that explored onto the target's path weighs hundreds and is cut.
const ClipWeight = 10

// MaxTries is how many reloads may find a tried candidate unproven before
// it is refused for showing no clear gain: one no better and no worse
// than the serving policy would otherwise be tried for ever. A reload
// counts only when more runs were logged since the last one counted.
const MaxTries = 3

// DefaultConfidence is the default of [Options.Confidence].
const DefaultConfidence = 0.95

// MinCovered is the least evidence a gain is believed on: the effective
// number of runs behind each policy's estimate, and the runs that tell the
// two apart. One measured on a handful proves nothing.
const MinCovered = 20

// Statuses of a [Decision]: where the candidate went.
const (
	StatusPromoted = "promoted" // moved to promoted/: it serves
	StatusRefused  = "refused"  // moved to refused/
	StatusTrying   = "trying"   // in canary/: serving a share of runs until it can be judged
)

// Decision is one judged candidate, as promotions.jsonl records it.
type Decision struct {
	Time      time.Time `json:"time"`
	Candidate string    `json:"candidate"` // file name under candidates/
	Status    string    `json:"status"`    // StatusPromoted, StatusRefused or StatusTrying
	Promoted  bool      `json:"promoted"`  // Status is StatusPromoted
	// Serving is the checkpoint serving when judged ("" is the default).
	Serving string `json:"serving"`
	Reason  string `json:"reason"`
	// Current and New are the inverse-propensity estimates of the
	// serving and the candidate policy's accuracy (greedy, on the held-out
	// runs); their SelfNormalised means are compared. Gain is the
	// difference with its 95% interval ([offpolicy.Difference]: paired
	// over the same runs), GainLower its one-sided lower bound at the
	// directory's confidence (promotion needs it above 0).
	// Absent when the candidate could not be judged.
	Current    *offpolicy.Interval `json:"current,omitempty"`
	New        *offpolicy.Interval `json:"new,omitempty"`
	Gain       *offpolicy.Interval `json:"gain,omitempty"`
	GainLower  *float64            `json:"gain_lower,omitempty"`
	CurrentESS float64             `json:"current_ess,omitempty"`
	NewESS     float64             `json:"new_ess,omitempty"`
	// Discordant is how many runs weigh differently under the two: the
	// runs that tell them apart.
	Discordant int `json:"discordant,omitempty"`
	// CurrentCostUSD and NewCostUSD are their estimated mean costs per
	// run, in dollars.
	CurrentCostUSD float64 `json:"current_cost_usd,omitempty"`
	NewCostUSD     float64 `json:"new_cost_usd,omitempty"`
	// ReplayCurrent and ReplayNew are the replay estimates, for
	// comparison; Covered is how many of the Questions held out with
	// judged runs the candidate's replay covers.
	ReplayCurrent *float64 `json:"replay_current,omitempty"`
	ReplayNew     *float64 `json:"replay_new,omitempty"`
	Questions     int      `json:"questions"`
	Covered       int      `json:"covered"`
	Runs          int      `json:"runs"`
}

// Logs returns the logged runs with feedback to judge on.
type Logs func(ctx context.Context) ([]offpolicy.Logged, error)

// Options configure a checkpoints directory.
type Options struct {
	// Base serves before any promotion (nil: the embedded default).
	Base *learned.Policy
	// Margin is the accuracy gain a candidate must show (≥ 0).
	Margin float64
	// Eps is the exploration rate the policies serve with; their
	// inverse-propensity probabilities are computed at it.
	Eps float64
	// Confidence is the one-sided confidence with which a candidate's
	// gain must exceed zero (its lower confidence bound above 0): promotion
	// asks whether the candidate is better, not whether it differs.
	// 0 means [DefaultConfidence].
	Confidence float64
	// Logs reads the logged runs with feedback.
	Logs Logs
	// Canary, in (0, 1], makes each candidate serve that share of runs
	// (as DIR/canary/NAME) before it is judged: it then is judged on its
	// own logged runs as well as the serving policy's, which the logs of
	// a policy that never called the candidate's models cannot stand in
	// for. 0 judges candidates on the logs alone, at once.
	Canary float64
}

// Dir is a checkpoints directory.
type Dir struct {
	path string
	o    Options
	mu   sync.Mutex
}

// Open opens (creating its subdirectories) the checkpoints directory.
func Open(path string, o Options) (*Dir, error) {
	if o.Margin < 0 || o.Margin != o.Margin {
		return nil, fmt.Errorf("promote: margin %v: want ≥ 0", o.Margin)
	}
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	if !(o.Confidence >= 0.5 && o.Confidence < 1) {
		return nil, fmt.Errorf("promote: confidence %v: want a level in [0.5, 1), e.g. 0.95", o.Confidence)
	}
	if !(o.Canary >= 0 && o.Canary <= 1) {
		return nil, fmt.Errorf("promote: canary share %v: want a share in [0, 1]", o.Canary)
	}
	for _, sub := range []string{"candidates", "canary", "promoted", "refused"} {
		if err := os.MkdirAll(filepath.Join(path, sub), 0o755); err != nil {
			return nil, fmt.Errorf("promote: %w (check the --checkpoints directory)", err)
		}
	}
	return &Dir{path: path, o: o}, nil
}

// History returns every recorded decision, oldest first.
func (d *Dir) History() ([]Decision, error) {
	f, err := os.Open(filepath.Join(d.path, "promotions.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("promote: %w", err)
	}
	defer f.Close()
	var out []Decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var dec Decision
		if err := json.Unmarshal(sc.Bytes(), &dec); err != nil {
			// A torn last line from a crash mid-write is dropped; the
			// candidate is still in candidates/ and is judged again.
			continue
		}
		out = append(out, dec)
	}
	return out, sc.Err()
}

// Serving returns the serving checkpoint's name ("" for the base policy)
// and policy.
func (d *Dir) Serving() (string, *learned.Policy, error) {
	h, err := d.History()
	if err != nil {
		return "", nil, err
	}
	name := ""
	for _, dec := range h {
		if dec.Promoted {
			name = dec.Candidate
		}
	}
	if name == "" {
		if d.o.Base != nil {
			return "", d.o.Base, nil
		}
		p, err := learned.Default()
		return "", p, err
	}
	if filepath.Base(name) != name || name == "." || name == ".." {
		return "", nil, fmt.Errorf("promote: promotions.jsonl names %q, not a file name: fix or remove the line", name)
	}
	file := filepath.Join(d.path, "promoted", name)
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		// A crash between recording the promotion and moving the file:
		// finish the move.
		from := filepath.Join(d.path, "canary", name)
		if _, err := os.Stat(from); err != nil {
			from = filepath.Join(d.path, "candidates", name)
		}
		if err := os.Rename(from, file); err != nil {
			return "", nil, fmt.Errorf("promote: finishing the promotion of %s: %w", name, err)
		}
	}
	p, err := learned.Open(learned.Options{Checkpoint: file})
	if err != nil {
		return "", nil, fmt.Errorf("promote: the promoted checkpoint %s: %w", name, err)
	}
	return name, p, nil
}

// State is what serves after a [Dir.Reload].
type State struct {
	Serving string          // the serving checkpoint's name ("" is the base)
	Policy  *learned.Policy // the serving policy
	// Canary and CanaryPolicy are the candidate being tried on a share of
	// runs ("" and nil when none is).
	Canary       string
	CanaryPolicy *learned.Policy
}

// Canary returns the candidate being tried, if any ("" and nil when none).
func (d *Dir) Canary() (string, *learned.Policy, error) {
	files, err := d.files("canary")
	if err != nil || len(files) == 0 {
		return "", nil, err
	}
	p, err := learned.Open(learned.Options{Checkpoint: filepath.Join(d.path, "canary", files[0])})
	if err != nil {
		return "", nil, fmt.Errorf("promote: the canary %s: %w (remove it from canary/ to go on)", files[0], err)
	}
	return files[0], p, nil
}

// files lists the checkpoint files of a subdirectory, in name order.
func (d *Dir) files(sub string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(d.path, sub))
	if err != nil {
		return nil, fmt.Errorf("promote: %w", err)
	}
	var files []string
	for _, e := range ents {
		if e.Type().IsRegular() && filepath.Ext(e.Name()) != ".tmp" {
			files = append(files, e.Name())
		}
	}
	sort.Strings(files)
	return files, nil
}

// Reload judges what waits and returns the decisions and what serves
// afterwards. Without canaries every candidate is judged on the logs, in
// name order. With them, the candidate being tried is judged (and keeps
// being tried, at most [MaxTries] reloads, while the logs are too thin to
// tell and its estimate looks promising or nothing newer waits), and when
// none is being tried the newest waiting candidate starts, superseding
// older ones.
func (d *Dir) Reload(ctx context.Context) ([]Decision, State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var st State
	var err error
	if st.Serving, st.Policy, err = d.Serving(); err != nil {
		return nil, st, err
	}
	waiting, err := d.files("candidates")
	if err != nil {
		return nil, st, err
	}
	trying, err := d.files("canary")
	if err != nil {
		return nil, st, err
	}
	if len(waiting) == 0 && len(trying) == 0 {
		return nil, st, nil
	}
	j, err := d.judging(ctx)
	if err != nil {
		return nil, st, err
	}
	var decs []Decision
	// judge decides on f in sub; kept reports it is tried on (cand is
	// then the loaded candidate).
	judge := func(sub, f string, keepThin bool) (kept bool, cand *learned.Policy, err error) {
		dec, cand, thin := d.judge(ctx, sub, f, st.Serving, st.Policy, j)
		if err := ctx.Err(); err != nil {
			return false, nil, err
		}
		if thin && keepThin && len(waiting) > 0 && (dec.Gain == nil || dec.Gain.Mean < d.o.Margin) {
			// Unproven and not even promising, while a candidate trained
			// on more traffic waits: try that one instead.
			keepThin = false
			dec.Reason += fmt.Sprintf("; %s, trained on more traffic, is tried instead", waiting[len(waiting)-1])
		}
		if thin && keepThin {
			tries, err := d.tries(f, dec.Runs)
			if err != nil {
				return false, nil, err
			}
			if tries <= MaxTries {
				dec.Status = StatusTrying
				dec.Reason = "still trying: " + strings.TrimPrefix(dec.Reason, "refused: ")
				decs = append(decs, dec)
				return true, cand, d.record(dec)
			}
			dec.Reason = fmt.Sprintf("%s; no clear gain after %d reloads", dec.Reason, MaxTries)
		}
		if err := d.settle(dec, sub); err != nil {
			return false, nil, err
		}
		if dec.Promoted {
			st.Serving, st.Policy = f, cand
		}
		decs = append(decs, dec)
		return false, nil, nil
	}
	if d.o.Canary == 0 {
		// Judge any canary an earlier run with canaries left, then the
		// waiting candidates.
		for _, f := range trying {
			if _, _, err := judge("canary", f, false); err != nil {
				return decs, st, err
			}
		}
		for _, f := range waiting {
			if _, _, err := judge("candidates", f, false); err != nil {
				return decs, st, err
			}
		}
		return decs, st, nil
	}
	for _, f := range trying {
		// A candidate still unproven is tried on while its estimate looks
		// promising or nothing newer waits: its evidence grows.
		kept, cand, err := judge("canary", f, true)
		if err != nil {
			return decs, st, err
		}
		if kept {
			st.Canary, st.CanaryPolicy = f, cand
		}
	}
	if st.Canary != "" || len(waiting) == 0 {
		return decs, st, nil
	}
	// The newest candidate (trained on the most traffic) is tried; older
	// ones it supersedes are refused untried.
	newest := waiting[len(waiting)-1]
	for _, f := range waiting[:len(waiting)-1] {
		dec := Decision{Time: time.Now().UTC(), Candidate: f, Serving: st.Serving, Status: StatusRefused,
			Reason: fmt.Sprintf("refused: superseded by %s, trained on more traffic", newest)}
		if err := d.settle(dec, "candidates"); err != nil {
			return decs, st, err
		}
		decs = append(decs, dec)
	}
	dec := Decision{Time: time.Now().UTC(), Candidate: newest, Serving: st.Serving, Status: StatusTrying,
		Reason: fmt.Sprintf("trying: serves %.0f%% of runs until a reload can judge it", 100*d.o.Canary)}
	p, err := learned.Open(learned.Options{Checkpoint: filepath.Join(d.path, "candidates", newest)})
	if err != nil {
		// Unreadable: refuse it rather than serve it.
		dec.Status, dec.Reason = StatusRefused, fmt.Sprintf("refused: the candidate does not load: %v", err)
	}
	if err := d.settle(dec, "candidates"); err != nil {
		return decs, st, err
	}
	decs = append(decs, dec)
	if p != nil {
		st.Canary, st.CanaryPolicy = newest, p
	}
	return decs, st, nil
}

// settle records dec, then moves its candidate from sub to the directory
// its status names (canary/ for one being tried): a crash between the two
// leaves the file to be judged again, never a move without its record.
func (d *Dir) settle(dec Decision, sub string) error {
	if err := d.record(dec); err != nil {
		return err
	}
	to := dec.Status
	if to == StatusTrying {
		to = "canary"
	}
	if err := os.Rename(filepath.Join(d.path, sub, dec.Candidate), filepath.Join(d.path, to, dec.Candidate)); err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	return nil
}

// tries counts the looks that found candidate f unproven while it was
// tried, this look (judged on runs runs) included and its start record
// excluded. A look counts only when it judged more runs than the last look
// counted: a reload that brings no new evidence (a restart, an admin
// reload with no traffic since) is recorded but is not another try.
func (d *Dir) tries(f string, runs int) (int, error) {
	h, err := d.History()
	if err != nil {
		return 0, err
	}
	n, last, started := 0, -1, false
	for _, dec := range h {
		if dec.Candidate != f || dec.Status != StatusTrying {
			continue
		}
		if !started {
			started = true // the start record: no look
			continue
		}
		if dec.Runs > last {
			n, last = n+1, dec.Runs
		}
	}
	if runs > last {
		n++
	}
	return n, nil
}

// judging reads the logs and builds what candidates are judged on.
func (d *Dir) judging(ctx context.Context) (*judging, error) {
	logs, err := d.o.Logs(ctx)
	if err != nil {
		return nil, fmt.Errorf("promote: reading the logged runs: %w", err)
	}
	return &judging{logs: logs}, nil
}

// Held is the logged runs candidates are judged on: those of the
// questions [logenv.Holdout] keeps out of training, pooled.
type Held struct {
	Logs []offpolicy.Logged
	Env  *logenv.Env // nil when no held-out question has a judged run
	Err  error       // why Env is nil
}

// HeldOut selects and pools the runs of logs that a checkpoint trained
// from the logs through the time through never trained on: the runs of
// questions [logenv.Holdout] keeps out of training, and, when through is
// set, the runs of questions first asked after it. In a deployment most
// questions are new, so most traffic after a training judges its
// candidate.
func HeldOut(logs []offpolicy.Logged, through time.Time) *Held {
	first := map[string]time.Time{} // question → its first run's time
	if !through.IsZero() {
		for _, l := range logs {
			if l.Episode == nil {
				continue
			}
			q := strings.TrimSpace(l.Episode.Task.Prompt)
			if t, ok := first[q]; !ok || l.Created.Before(t) {
				first[q] = l.Created
			}
		}
	}
	h := &Held{}
	for _, l := range logs {
		if l.Episode == nil {
			continue
		}
		fresh := false
		if t, ok := first[strings.TrimSpace(l.Episode.Task.Prompt)]; ok && t.After(through) {
			fresh = true
		}
		if fresh || logenv.Holdout(l.Episode.Task.Prompt) {
			h.Logs = append(h.Logs, l)
		}
	}
	h.Env, _, h.Err = logenv.New("held-out", h.Logs, logenv.Options{})
	return h
}

// Estimate is what the logs alone say of a policy, deciding greedily (as
// it is measured), on the held-out questions.
type Estimate struct {
	// IPS is inverse propensity scoring over the held-out runs, weights
	// clipped at [ClipWeight]; its self-normalised mean is the estimate
	// promotion uses: with the candidate tried on live traffic, its own
	// runs carry it.
	IPS offpolicy.Estimate
	// Replay is the policy replayed on the pooled logs, for comparison:
	// it needs no probabilities but sees only the questions whose logs
	// cover the policy's whole path, which favours questions it settles
	// in few calls.
	Replay logenv.Value
}

// EstimateOf estimates p, deciding greedily, from h.
func EstimateOf(ctx context.Context, h *Held, p *learned.Policy) (Estimate, error) {
	if h.Env == nil {
		return Estimate{}, fmt.Errorf("no judged run on the held-out questions (%v); serve more traffic and send feedback", h.Err)
	}
	ips, err := offpolicy.ClippedIPS(ctx, h.Logs, Greedy(p), ClipWeight)
	if err != nil {
		return Estimate{}, err
	}
	v, err := logenv.Replay(ctx, h.Env, p)
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{IPS: ips, Replay: v}, nil
}

// Greedy is p deciding greedily, as a target of off-policy estimates.
func Greedy(p *learned.Policy) offpolicy.Target {
	return func(s *policy.State, act episode.Action) (float64, error) { return explore.ProbOf(p, s, 0, act) }
}

// judging is what one Reload judges candidates on.
type judging struct {
	logs []offpolicy.Logged
}

// judge decides on the candidate file in sub. thin reports a refusal
// because the logs cover the candidate too thinly to tell (more traffic
// could change it).
func (d *Dir) judge(ctx context.Context, sub, file, serving string, cur *learned.Policy, j *judging) (dec Decision, cand *learned.Policy, thin bool) {
	dec = Decision{Time: time.Now().UTC(), Candidate: file, Serving: serving, Status: StatusRefused}
	cand, err := learned.Open(learned.Options{Checkpoint: filepath.Join(d.path, sub, file)})
	if err != nil {
		dec.Reason = fmt.Sprintf("refused: the candidate does not load: %v", err)
		return dec, nil, false
	}
	// Both are judged on the runs the candidate never trained on.
	held := HeldOut(j.logs, cand.TrainedThrough())
	dec.Runs = len(held.Logs)
	if held.Env == nil {
		dec.Reason = fmt.Sprintf("refused: nothing to judge on: no judged run on a question the candidate did not train on (%v); serve more traffic and send feedback", held.Err)
		// Thin: a candidate kept on trial must keep serving its share.
		return dec, cand, true
	}
	ce, err := EstimateOf(ctx, held, cur)
	if err != nil {
		dec.Reason = fmt.Sprintf("refused: estimating the serving policy: %v", err)
		return dec, nil, false
	}
	ne, err := EstimateOf(ctx, held, cand)
	if err != nil {
		dec.Reason = fmt.Sprintf("refused: estimating the candidate: %v", err)
		return dec, nil, false
	}
	cv, nv := ce.IPS.Accuracy, ne.IPS.Accuracy
	rc, rn := ce.Replay.Accuracy.Mean, ne.Replay.Accuracy.Mean
	dec.Current, dec.New = &cv, &nv
	dec.CurrentESS, dec.NewESS = ce.IPS.ESS, ne.IPS.ESS
	dec.CurrentCostUSD, dec.NewCostUSD = ce.IPS.CostUSD.SelfNormalised, ne.IPS.CostUSD.SelfNormalised
	dec.ReplayCurrent, dec.ReplayNew = &rc, &rn
	dec.Questions, dec.Covered = ne.Replay.Questions, ne.Replay.Covered
	// The gain of the self-normalised estimates over the same runs, its
	// standard error counting what the two share (runs both would have
	// run alike cancel), and its one-sided bounds at the confidence.
	g, err := offpolicy.Difference(ctx, held.Logs, Greedy(cur), Greedy(cand), ClipWeight)
	if err != nil && !errors.Is(err, offpolicy.ErrNothing) {
		dec.Reason = fmt.Sprintf("refused: estimating the gain: %v", err)
		return dec, nil, false
	}
	gain, se := g.Mean, g.SE
	dec.Discordant = g.Discordant
	z := math.Sqrt2 * math.Erfinv(2*d.o.Confidence-1)
	lower, upper := gain-z*se, gain+z*se
	dec.Gain = &offpolicy.Interval{Mean: gain, Lo: gain - offpolicy.Z95*se, Hi: gain + offpolicy.Z95*se, SelfNormalised: gain}
	dec.GainLower = &lower
	switch {
	case ne.IPS.ESS < MinCovered || ce.IPS.ESS < MinCovered || (g.Discordant < MinCovered && gain >= d.o.Margin):
		thin = true
		dec.Reason = fmt.Sprintf("refused: unproven: the held-out runs match the candidate's choices on an effective %.0f runs and the serving policy's on %.0f, and tell them apart on %d (need %d each): serve more traffic, a higher --explore, or try candidates on live traffic (--canary)",
			ne.IPS.ESS, ce.IPS.ESS, g.Discordant, MinCovered)
	case upper < d.o.Margin:
		dec.Reason = fmt.Sprintf("refused: estimated accuracy %.4f does not beat the serving %.4f by the margin %.4f: the gain %+.4f has a %.0f%% upper bound %+.4f", nv.SelfNormalised, cv.SelfNormalised, d.o.Margin, gain, 100*d.o.Confidence, upper)
	case lower <= 0 || gain < d.o.Margin:
		thin = true
		dec.Reason = fmt.Sprintf("refused: unproven: estimated accuracy %.4f against the serving %.4f, a gain of %+.4f between %+.4f and %+.4f at %.0f%% each side (log more traffic)",
			nv.SelfNormalised, cv.SelfNormalised, gain, lower, upper, 100*d.o.Confidence)
	default:
		dec.Promoted, dec.Status = true, StatusPromoted
		dec.Reason = fmt.Sprintf("promoted: estimated accuracy %.4f beats the serving %.4f by %+.4f (%.0f%% lower bound %+.4f; cost per run $%.6f vs $%.6f)",
			nv.SelfNormalised, cv.SelfNormalised, gain, 100*d.o.Confidence, lower, dec.NewCostUSD, dec.CurrentCostUSD)
	}
	return dec, cand, thin
}

// accuracySE is the standard error of an estimate's self-normalised
// accuracy: the delta method's, but never below a binomial one at the
// effective sample size with two successes and two failures added
// (Agresti–Coull), so that a few runs all judged right (or wrong) do not
// claim certainty.
func AccuracySE(e offpolicy.Estimate) float64 {
	n := e.ESS
	p := (e.Accuracy.SelfNormalised*n + 2) / (n + 4)
	return math.Max(e.Accuracy.SNSE, math.Sqrt(p*(1-p)/(n+4)))
}

// record appends dec to promotions.jsonl and fsyncs it.
func (d *Dir) record(dec Decision) error {
	b, err := json.Marshal(dec)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(d.path, "promotions.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("promote: recording a decision: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("promote: recording a decision: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("promote: recording a decision: %w", err)
	}
	return f.Close()
}
