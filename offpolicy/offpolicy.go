// Package offpolicy estimates, from logged episodes alone, how a candidate
// policy would have done on the logged tasks: inverse propensity scoring
// (IPS) with per-episode importance weights
//
//	w = Π_t π_new(a_t | s_t) / π_logged(a_t | s_t)
//
// over the episode's steps, where π_logged(a_t | s_t) is the probability
// the serving policy logged on the step ([episode.Step.Prob], see
// [policy.Prober]) and π_new is recomputed on the state rebuilt from the
// log. The estimate of a quantity r (the feedback score, the cost) is the
// mean of w·r, with a 95% confidence interval from its standard error; the
// self-normalised estimate Σw·r / Σw is reported beside it. The estimate
// is unbiased when the logging policy gives every action the candidate
// takes a positive probability (exploration ε > 0) and the candidate
// decides from what the log holds.
package offpolicy

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// Z95 is the standard normal quantile of a two-sided 95% interval.
const Z95 = 1.959963984540054

// Logged is one logged episode with its outcome.
type Logged struct {
	Episode *episode.Episode
	// Tools are the specs of the tools the run's policy saw, as
	// [policy.State.Tools] held them (sorted by name).
	Tools []tool.Spec
	// Score is the outcome in [0, 1] (the run's feedback).
	Score float64
	// Created is when the run was made (zero when unknown).
	Created time.Time
}

// Target gives the candidate policy's probability of act in s.
type Target func(s *policy.State, act episode.Action) (float64, error)

// Interval is an estimate with its 95% confidence interval.
type Interval struct {
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
	// SelfNormalised is Σw·r / Σw (biased, lower variance); 0 when every
	// weight is 0 (see [Estimate.Matched]). SNSE is its standard error by
	// the delta method, √(Σw²(r − SN)²) / Σw.
	SelfNormalised float64 `json:"self_normalised"`
	SNSE           float64 `json:"sn_se,omitempty"`
}

// Estimate is what IPS says about a candidate policy.
type Estimate struct {
	// Episodes is how many logged episodes were used.
	Episodes int `json:"episodes"`
	// Skipped counts episodes left out because a step has no logged
	// probability (served without exploration) or the log cannot be
	// replayed; Reasons gives the first few reasons.
	Skipped int      `json:"skipped"`
	Reasons []string `json:"reasons,omitempty"`
	// Accuracy is the estimated mean score; CostUSD the estimated mean
	// cost per episode in US dollars.
	Accuracy Interval `json:"accuracy"`
	CostUSD  Interval `json:"cost_usd"`
	// Matched counts episodes with a positive weight: the candidate could
	// have taken every logged action.
	Matched int `json:"matched"`
	// Clipped counts weights cut by [ClippedIPS].
	Clipped int `json:"clipped,omitempty"`
	// ESS is the effective sample size (Σw)² / Σw².
	ESS float64 `json:"ess"`
	// MeanWeight is the mean importance weight; about 1 when the log
	// covers the candidate well.
	MeanWeight float64 `json:"mean_weight"`
	// Warning, when set, says the estimate is unreliable: the log covers
	// the candidate too thinly (ESS below [MinESS] or below a tenth of
	// the episodes). The interval is then wide, and the point estimate
	// can be far off.
	Warning string `json:"warning,omitempty"`
}

// MinESS is the effective sample size below which an estimate is flagged.
const MinESS = 30

// ErrNothing is returned when no logged episode can be used.
var ErrNothing = errors.New("offpolicy: no usable logged episode (runs need feedback and, on every step, a logged probability: serve with --explore)")

// Weight returns the episode's importance weight under target, or an
// error saying why the episode cannot be used.
func Weight(l Logged, target Target) (float64, error) {
	ep := l.Episode
	if ep == nil {
		return 0, errors.New("no episode")
	}
	if len(ep.Steps) == 0 {
		return 0, errors.New("no steps")
	}
	w := 1.0
	var spent money.Amount
	for i, st := range ep.Steps {
		if st.Prob <= 0 || st.Prob > 1 || math.IsNaN(st.Prob) {
			return 0, fmt.Errorf("step %d has no logged probability", i+1)
		}
		s := &policy.State{Task: &ep.Task, Tools: l.Tools, Steps: ep.Steps[:i], Turn: i + 1, Spent: spent}
		p, err := target(s, st.Action)
		if err != nil {
			return 0, fmt.Errorf("step %d: %w", i+1, err)
		}
		if p < 0 || p > 1 || math.IsNaN(p) {
			return 0, fmt.Errorf("step %d: target probability %v outside [0, 1]", i+1, p)
		}
		w *= p / st.Prob
		if w == 0 {
			return 0, nil
		}
		spent = spent.Add(st.Cost)
	}
	return w, nil
}

// IPS estimates target's mean score and cost from logs.
func IPS(ctx context.Context, logs []Logged, target Target) (Estimate, error) {
	return ClippedIPS(ctx, logs, target, 0)
}

// ClippedIPS is [IPS] with every weight cut to at most clip (0: no cut).
// A run that reached the target's choices only by exploring carries a
// weight of hundreds; one such run then outweighs every other, and the
// estimate swings with it. Cutting trades that variance for a bias toward
// the runs the logging policies took on purpose; Estimate.Clipped counts
// the runs cut.
func ClippedIPS(ctx context.Context, logs []Logged, target Target, clip float64) (Estimate, error) {
	var (
		est      Estimate
		ws, acc  []float64
		cost     []float64
		sumW     float64
		sumW2    float64
		maxNotes = 5
	)
	for _, l := range logs {
		if err := ctx.Err(); err != nil {
			return Estimate{}, err
		}
		if math.IsNaN(l.Score) || l.Score < 0 || l.Score > 1 {
			return Estimate{}, fmt.Errorf("offpolicy: run %s: score %v outside [0, 1]", runID(l), l.Score)
		}
		w, err := Weight(l, target)
		if err != nil {
			est.Skipped++
			if len(est.Reasons) < maxNotes {
				est.Reasons = append(est.Reasons, fmt.Sprintf("run %s: %v", runID(l), err))
			}
			continue
		}
		if clip > 0 && w > clip {
			w = clip
			est.Clipped++
		}
		ws = append(ws, w)
		acc = append(acc, l.Score)
		cost = append(cost, l.Episode.Cost.USD())
		sumW += w
		sumW2 += w * w
		if w > 0 {
			est.Matched++
		}
	}
	est.Episodes = len(ws)
	if est.Episodes == 0 {
		return est, ErrNothing
	}
	est.Accuracy = interval(ws, acc, sumW)
	est.CostUSD = interval(ws, cost, sumW)
	est.MeanWeight = sumW / float64(len(ws))
	if sumW2 > 0 {
		est.ESS = sumW * sumW / sumW2
	}
	if est.ESS < MinESS || est.ESS < float64(est.Episodes)/10 {
		est.Warning = fmt.Sprintf("the logs cover this policy thinly (effective sample size %.0f of %d episodes, %d matching every logged step): the estimate is unreliable; log more traffic or serve with a higher --explore",
			est.ESS, est.Episodes, est.Matched)
	}
	return est, nil
}

// Gain is the difference SN_b − SN_a of two policies' self-normalised
// estimates over the same logs.
type Gain struct {
	// Mean is the difference; SE its standard error by the delta method
	// over the runs, which counts the two estimates' covariance: a run
	// both policies would have run alike weighs the same in both and
	// cancels, so two policies that mostly agree are told apart by where
	// they differ, not drowned in what they share.
	Mean, SE float64
	// Runs is how many runs entered; Discordant how many weigh
	// differently under the two (the runs that carry the difference).
	Runs, Discordant int
}

// Difference estimates how much better b does than a on logs, both
// weighted as [ClippedIPS] weighs them (clip 0: no cut). Runs either
// target cannot be weighed on are left out of both.
func Difference(ctx context.Context, logs []Logged, a, b Target, clip float64) (Gain, error) {
	var wa, wb, r []float64
	for _, l := range logs {
		if err := ctx.Err(); err != nil {
			return Gain{}, err
		}
		x, err := Weight(l, a)
		if err != nil {
			continue
		}
		y, err := Weight(l, b)
		if err != nil {
			continue
		}
		if clip > 0 {
			x, y = math.Min(x, clip), math.Min(y, clip)
		}
		wa, wb, r = append(wa, x), append(wb, y), append(r, l.Score)
	}
	g := Gain{Runs: len(r)}
	var sa, sb, ra, rb float64
	for i := range r {
		sa, sb = sa+wa[i], sb+wb[i]
		ra, rb = ra+wa[i]*r[i], rb+wb[i]*r[i]
		if wa[i] != wb[i] {
			g.Discordant++
		}
	}
	if sa == 0 || sb == 0 {
		return g, ErrNothing
	}
	ma, mb := ra/sa, rb/sb
	g.Mean = mb - ma
	// Influence of each run on each ratio, then on their difference.
	n := float64(len(r))
	v := 0.0
	for i := range r {
		d := n*wb[i]*(r[i]-mb)/sb - n*wa[i]*(r[i]-ma)/sa
		v += d * d
	}
	g.SE = math.Sqrt(v) / n
	return g, nil
}

// interval is the mean of w·r with a normal 95% interval, and Σw·r/Σw.
func interval(w, r []float64, sumW float64) Interval {
	n := float64(len(w))
	mean := 0.0
	for i := range w {
		mean += w[i] * r[i]
	}
	sn, snse := 0.0, 0.0
	if sumW > 0 {
		sn = mean / sumW
		v := 0.0
		for i := range w {
			d := w[i] * (r[i] - sn)
			v += d * d
		}
		snse = math.Sqrt(v) / sumW
	}
	mean /= n
	v := 0.0
	for i := range w {
		d := w[i]*r[i] - mean
		v += d * d
	}
	se := 0.0
	if n > 1 {
		se = math.Sqrt(v / (n - 1) / n)
	}
	return Interval{Mean: mean, Lo: mean - Z95*se, Hi: mean + Z95*se, SelfNormalised: sn, SNSE: snse}
}

func runID(l Logged) string {
	if l.Episode == nil || l.Episode.RunID == "" {
		return "?"
	}
	return l.Episode.RunID
}

// Specs returns the tool specs a logged task's policy saw.
type Specs func(task episode.Task) ([]tool.Spec, error)

// SpecsOf gives each logged task the specs of its tools in set (the
// server's tools, as its baton.yaml declares them).
func SpecsOf(set *tool.Set) Specs {
	return func(task episode.Task) ([]tool.Spec, error) {
		sub, err := set.Subset(task.Tools)
		if err != nil {
			return nil, fmt.Errorf("the run allowed a tool the configuration does not have (use the server's baton.yaml): %w", err)
		}
		return sub.Specs(), nil
	}
}

// FromStore reads every run with feedback from st: its episode, its
// feedback score as the outcome, and the tools from specs. Runs without a
// finished episode are skipped (counted in skipped).
func FromStore(ctx context.Context, st store.Store, specs Specs) (logs []Logged, skipped int, err error) {
	after := ""
	for {
		page, err := st.ListFeedback(ctx, after, 500)
		if err != nil {
			return nil, 0, fmt.Errorf("offpolicy: %w", err)
		}
		if len(page) == 0 {
			return logs, skipped, nil
		}
		for _, f := range page {
			run, err := st.GetRun(ctx, f.RunID)
			if err != nil {
				return nil, 0, fmt.Errorf("offpolicy: run %s: %w", f.RunID, err)
			}
			if run.Episode == nil {
				skipped++
				continue
			}
			ts, err := specs(run.Episode.Task)
			if err != nil {
				return nil, 0, fmt.Errorf("offpolicy: run %s: %w", f.RunID, err)
			}
			logs = append(logs, Logged{Episode: run.Episode, Tools: ts, Score: f.Score, Created: run.Created})
		}
		after = page[len(page)-1].RunID
	}
}
