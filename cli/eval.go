package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/explore"
	"github.com/batonhq/baton/policy/learned"
	"github.com/batonhq/baton/promote"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
)

func init() {
	register(Command{Name: "eval", Short: "estimate a checkpoint's accuracy and cost from logged runs with feedback (off-policy)", Run: runEval})
}

const evalAbout = `baton eval --from-store DB --checkpoint FILE estimates, from the logs alone,
how the learned policy in FILE would have done on the runs baton serve
recorded in DB, against the policy that served them.

It reads every run with feedback (POST /v1/runs/{id}/feedback): the score is
the outcome. Each run's steps must carry the probability the serving policy
logged (baton serve --explore EPS); runs without one are skipped and
counted. The estimate is inverse propensity scoring: each run weighs
w = product over its steps of π_new(a)/π_logged(a), with π_new recomputed
on the state rebuilt from the log and the tools of --config (the same
baton.yaml the server used). Accuracy and cost per run are the means of
w·score and w·cost, with 95% confidence intervals; the self-normalised
estimate and the effective sample size are printed beside them, and a
warning when the logs cover the candidate too thinly to trust.

--explore EPS evaluates the candidate exploring at EPS (default 0: greedy).
--serving FILE (a file or embedded:SOURCE) also estimates the candidate's
gain over that checkpoint as promotion does (baton serve --checkpoints): on
the runs the candidate never trained on (the held-out questions and those
first asked after its training), both deciding greedily, clipped
self-normalised IPS paired over the same runs, with its one-sided 95% lower
bound. --json FILE writes the whole estimate. Exits 1 when no run can be used.`

// EvalReport is what baton eval --json writes.
type EvalReport struct {
	Checkpoint string  `json:"checkpoint"`
	Explore    float64 `json:"explore"`
	// Runs is how many runs with feedback the store holds; NoEpisode
	// how many of them had not finished.
	Runs      int `json:"runs"`
	NoEpisode int `json:"no_episode"`
	// Serving is the logged policy's own mean score and cost on the runs
	// used (weight 1).
	Serving struct {
		Accuracy float64 `json:"accuracy"`
		CostUSD  float64 `json:"cost_usd"`
	} `json:"serving"`
	Candidate offpolicy.Estimate `json:"candidate"`
	// Gain is the candidate's estimated gain over --serving, as promotion
	// estimates it (absent without --serving).
	Gain *EvalGain `json:"gain,omitempty"`
}

// EvalGain is the gain over --serving in baton eval's report.
type EvalGain struct {
	Serving string `json:"serving"`
	Runs    int    `json:"runs"` // runs the candidate never trained on
	offpolicy.Gain
	Lower float64 `json:"lower"` // one-sided 95% lower bound
}

func runEval(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "eval", "eval --from-store DB --checkpoint FILE [flags]", evalAbout)
	from := fs.String("from-store", "", "store holding the logged runs: a SQLite file or a postgres:// URL (required)")
	ckpt := fs.String("checkpoint", "", "checkpoint of the candidate learned policy (required; baton train writes one)")
	cfgPath := configFlag(fs)
	eps := fs.Float64("explore", 0, "the candidate's exploration rate in [0, 1] (0: greedy)")
	jsonOut := fs.String("json", "", "also write the estimate as JSON to this file")
	servingFlag := fs.String("serving", "", "also estimate the gain over this checkpoint (the serving one), as promotion does")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return fmt.Errorf("%w: eval takes no arguments, only flags", ErrUsage)
	case *from == "":
		return fmt.Errorf("%w: --from-store is required (the database baton serve logged to)", ErrUsage)
	case *ckpt == "":
		return fmt.Errorf("%w: --checkpoint is required (a file baton train wrote)", ErrUsage)
	case math.IsNaN(*eps) || *eps < 0 || *eps > 1:
		return fmt.Errorf("%w: --explore %v: want a rate in [0, 1]", ErrUsage, *eps)
	}
	if _, err := os.Stat(*from); err != nil && !isURL(*from) {
		return fmt.Errorf("eval: --from-store %s: %w (point at the database baton serve used)", *from, err)
	}
	cand, err := learned.Open(learned.Options{Checkpoint: *ckpt})
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	_, set, err := openTools(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer set.Close()
	st, err := storeopen.Open(ctx, *from, store.ForAdmin())
	if err != nil {
		return err
	}
	defer st.Close()
	specs := offpolicy.SpecsOf(set)
	logs, noEp, err := offpolicy.FromStore(ctx, st, specs)
	if err != nil {
		return err
	}
	rate := *eps
	target := func(s *policy.State, act episode.Action) (float64, error) { return explore.ProbOf(cand, s, rate, act) }
	est, err := offpolicy.IPS(ctx, logs, target)
	rep := EvalReport{Checkpoint: *ckpt, Explore: rate, Runs: len(logs) + noEp, NoEpisode: noEp, Candidate: est}
	if errors.Is(err, offpolicy.ErrNothing) {
		fmt.Fprintf(env.Stdout, "runs with feedback: %d (%d unfinished); none usable\n", rep.Runs, noEp)
		for _, r := range est.Reasons {
			fmt.Fprintf(env.Stdout, "  skipped %s\n", r)
		}
		return fmt.Errorf("eval: %w", err)
	}
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	var used int
	for _, l := range logs {
		if _, werr := offpolicy.Weight(l, func(*policy.State, episode.Action) (float64, error) { return 1, nil }); werr == nil {
			rep.Serving.Accuracy += l.Score
			rep.Serving.CostUSD += l.Episode.Cost.USD()
			used++
		}
	}
	rep.Serving.Accuracy /= float64(used)
	rep.Serving.CostUSD /= float64(used)
	fmt.Fprintf(env.Stdout, "runs with feedback: %d; used %d, skipped %d (no logged probability), %d unfinished\n", rep.Runs, est.Episodes, est.Skipped, noEp)
	fmt.Fprintf(env.Stdout, "serving policy (logged):  accuracy %.4f                    cost/run $%.6f\n", rep.Serving.Accuracy, rep.Serving.CostUSD)
	fmt.Fprintf(env.Stdout, "candidate (IPS, 95%% CI): accuracy %.4f [%.4f, %.4f]  cost/run $%.6f [%.6f, %.6f]\n",
		est.Accuracy.Mean, est.Accuracy.Lo, est.Accuracy.Hi, est.CostUSD.Mean, est.CostUSD.Lo, est.CostUSD.Hi)
	fmt.Fprintf(env.Stdout, "candidate (self-normalised): accuracy %.4f  cost/run $%.6f; effective sample size %.0f, %d runs matched\n",
		est.Accuracy.SelfNormalised, est.CostUSD.SelfNormalised, est.ESS, est.Matched)
	if est.Warning != "" {
		fmt.Fprintf(env.Stdout, "warning: %s\n", est.Warning)
	}
	if *servingFlag != "" {
		cur, err := learned.Open(learned.Options{Checkpoint: *servingFlag})
		if err != nil {
			return fmt.Errorf("eval: --serving: %w", err)
		}
		held := promote.HeldOut(logs, cand.TrainedThrough())
		g, err := offpolicy.Difference(ctx, held.Logs, promote.Greedy(cur), promote.Greedy(cand), promote.ClipWeight)
		if err != nil {
			return fmt.Errorf("eval: the gain over --serving on the %d runs the candidate never trained on: %w", len(held.Logs), err)
		}
		rep.Gain = &EvalGain{Serving: *servingFlag, Runs: len(held.Logs), Gain: g, Lower: g.Mean - 1.6448536269514722*g.SE}
		fmt.Fprintf(env.Stdout, "gain over %s (greedy, on the %d runs the candidate never trained on, %d telling them apart): %+.4f ± %.4f, one-sided 95%% lower bound %+.4f\n",
			*servingFlag, len(held.Logs), g.Discordant, g.Mean, offpolicy.Z95*g.SE, rep.Gain.Lower)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("eval: --json: %w", err)
		}
	}
	return nil
}

func isURL(s string) bool {
	return len(s) > 11 && (s[:11] == "postgres://" || (len(s) > 13 && s[:13] == "postgresql://"))
}
