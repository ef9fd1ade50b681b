package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// Frugal is a FrugalGPT-style cascade: it calls the models of Chain in
// order and, after each, scores the reliability of the answer it just got
// with that stage's logistic regression over simple features of the
// answer and the completion ([reliabilityFeatures]: parsed, integer-
// looking, length, agreement with the chain's earlier answers). It adopts
// the answer when the score clears the stage's threshold, and always at
// the last stage. Scorers and thresholds are fitted on the training split
// ([FitFrugal]); which chain to use is chosen on validation.
type Frugal struct {
	Chain  []string      // models, called in this order
	Stages []FrugalStage // one per model of Chain
}

// FrugalStage is one stage's scorer and threshold.
type FrugalStage struct {
	Weights   []float64 // logistic regression over reliabilityFeatures
	Threshold float64   // adopt the answer when the score is at least this; +Inf never
}

var _ policy.Policy = (*Frugal)(nil)

// MaxTurns is the turn budget the cascade needs: its chain and the answer.
func (f *Frugal) MaxTurns() int { return len(f.Chain) + 1 }

// Decide implements policy.Policy.
func (f *Frugal) Decide(_ context.Context, s *policy.State) (episode.Action, error) {
	obs := Observe(s)
	done := called(s)
	var seen []Observation // the chain's answers so far, in chain order
	for i, m := range f.Chain {
		if _, ok := s.Tool(m); !ok {
			continue // a chain model this task does not offer is skipped
		}
		if !done[m] {
			return callTool(s, m, fmt.Sprintf("frugal stage %d", i+1)), nil
		}
		o := lastFrom(obs, m)
		if o == nil {
			continue // the call failed: go on down the chain
		}
		sc := f.Stages[i].score(*o, seen)
		if sc >= f.Stages[i].Threshold || i == len(f.Chain)-1 {
			return answerWith(s, o, fmt.Sprintf("frugal: %s's answer scores %.2f (threshold %.2f)", m, sc, f.Stages[i].Threshold)), nil
		}
		seen = append(seen, *o)
	}
	if len(seen) > 0 {
		return answerWith(s, &seen[len(seen)-1], "frugal: chain exhausted"), nil
	}
	return answerWith(s, nil, "frugal: no chain model answered"), nil
}

func (st FrugalStage) score(o Observation, earlier []Observation) float64 {
	return sigmoid(dotF(st.Weights, reliabilityFeatures(o, earlier)))
}

var integerRE = regexp.MustCompile(`^-?\d+$`)

// reliabilityFeatures describes an answer for the reliability scorer:
// bias, parsed, integer-looking, log length, the share of earlier answers
// that agree with it, whether any earlier answer exists, whether any
// agrees.
func reliabilityFeatures(o Observation, earlier []Observation) []float64 {
	f := []float64{1, 0, 0, math.Log1p(float64(o.Chars)) / 8, 0, 0, 0}
	if o.Answer != "" {
		f[1] = 1
		if integerRE.MatchString(strings.ReplaceAll(o.Answer, ",", "")) {
			f[2] = 1
		}
	}
	if len(earlier) > 0 {
		f[5] = 1
		agree := 0
		for _, e := range earlier {
			if o.Answer != "" && e.Answer == o.Answer {
				agree++
			}
		}
		f[4] = float64(agree) / float64(len(earlier))
		if agree > 0 {
			f[6] = 1
		}
	}
	return f
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func dotF(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// callTable is every candidate model's call on every task of a split, as
// a policy would observe it, with the recorded correctness as the label.
type callTable struct {
	models  []string
	obs     [][]Observation // [task][model]
	correct [][]bool
	cost    [][]float64 // dollars
}

// tabulate calls each model on each task of e once (through the tools
// e gives, the production path) and labels the answers from rec.
func tabulate(ctx context.Context, e env.Env, rec *replay.Env, models []string) (*callTable, error) {
	tb := &callTable{models: models}
	for _, t := range e.Tasks() {
		set, err := e.Tools(ctx, t)
		if err != nil {
			return nil, err
		}
		obs := make([]Observation, len(models))
		ok := make([]bool, len(models))
		cost := make([]float64, len(models))
		for mi, m := range models {
			tl, err := set.Get(m)
			if err != nil {
				continue // not offered on this task: never answers
			}
			res, err := tl.Call(ctx, json.RawMessage(`{}`))
			if err != nil {
				return nil, fmt.Errorf("bench: call %s on %s: %w", m, t.ID, err)
			}
			obs[mi] = observation(m, res)
			cost[mi] = res.Cost.USD()
			if out, found := rec.Outcome(t.ID, m); found {
				ok[mi] = out.Correct
			}
		}
		tb.obs = append(tb.obs, obs)
		tb.correct = append(tb.correct, ok)
		tb.cost = append(tb.cost, cost)
	}
	return tb, nil
}

// observation reads a Result as [Observe] does.
func observation(name string, r *tool.Result) Observation {
	st := &policy.State{Steps: []episode.Step{{Action: episode.Action{Tool: name}, Result: r}}}
	if obs := Observe(st); len(obs) == 1 {
		return obs[0]
	}
	return Observation{Tool: name}
}

// FrugalFit is what [FitFrugal] needs.
type FrugalFit struct {
	Train, Val *callTable
	// Scale is the cost unit of the objective: the training mean cost of
	// the most accurate single model.
	Scale float64
	// MaxChain bounds the chain's length.
	MaxChain int
}

// newFrugalFit tabulates train and val over models (the models a policy
// may see in training) for [FrugalFit.Fit].
func newFrugalFit(ctx context.Context, train, val env.Env, rec *replay.Env, models []string) (*FrugalFit, error) {
	tr, err := tabulate(ctx, train, rec, models)
	if err != nil {
		return nil, err
	}
	va, err := tabulate(ctx, val, rec, models)
	if err != nil {
		return nil, err
	}
	ff := &FrugalFit{Train: tr, Val: va, MaxChain: 4}
	bestAcc := -1.0
	for mi := range models {
		acc, cost := tr.single(mi)
		if acc > bestAcc {
			bestAcc, ff.Scale = acc, cost
		}
	}
	if ff.Scale <= 0 {
		ff.Scale = 1
	}
	return ff, nil
}

func (tb *callTable) single(mi int) (acc, cost float64) {
	n := float64(len(tb.obs))
	for t := range tb.obs {
		if tb.correct[t][mi] {
			acc += 1 / n
		}
		cost += tb.cost[t][mi] / n
	}
	return acc, cost
}

// pareto returns the candidate chain models: by mean training cost,
// each more accurate on train than every cheaper one.
func (ff *FrugalFit) pareto() []int {
	type m struct {
		i         int
		acc, cost float64
	}
	var ms []m
	for i := range ff.Train.models {
		a, c := ff.Train.single(i)
		ms = append(ms, m{i, a, c})
	}
	sort.Slice(ms, func(a, b int) bool {
		if ms[a].cost != ms[b].cost {
			return ms[a].cost < ms[b].cost
		}
		return ms[a].i < ms[b].i
	})
	var out []int
	best := -1.0
	for _, x := range ms {
		if x.acc > best {
			out = append(out, x.i)
			best = x.acc
		}
	}
	return out
}

// Fit returns the cascade that maximises accuracy − lambda·cost/Scale:
// for every chain of up to MaxChain models from the training Pareto set
// (in price order), the stage scorers and thresholds are fitted on train,
// and the chain scoring best on validation is kept.
func (ff *FrugalFit) Fit(lambda float64) *Frugal {
	cands := ff.pareto()
	weights := map[string][]float64{} // by chain prefix
	var best *Frugal
	bestObj := math.Inf(-1)
	var rec func(start int, chain []int)
	try := func(chain []int) {
		stages := make([]FrugalStage, len(chain))
		for k := range chain {
			key := fmt.Sprint(chain[:k+1])
			w, ok := weights[key]
			if !ok {
				w = ff.fitStage(chain[:k+1])
				weights[key] = w
			}
			stages[k] = FrugalStage{Weights: w, Threshold: math.Inf(1)}
		}
		ff.fitThresholds(ff.Train, chain, stages, lambda)
		obj := ff.objective(ff.Val, chain, stages, lambda)
		if obj > bestObj+1e-12 {
			bestObj = obj
			names := make([]string, len(chain))
			for k, mi := range chain {
				names[k] = ff.Train.models[mi]
			}
			best = &Frugal{Chain: names, Stages: stages}
		}
	}
	rec = func(start int, chain []int) {
		if len(chain) > 0 {
			try(append([]int(nil), chain...))
		}
		if len(chain) == ff.MaxChain {
			return
		}
		for i := start; i < len(cands); i++ {
			rec(i+1, append(chain, cands[i]))
		}
	}
	rec(0, nil)
	return best
}

// stageRows returns, for each task, the features of the last model of
// chain given the chain's earlier answers, and its label.
func stageRows(tb *callTable, chain []int) ([][]float64, []bool) {
	xs := make([][]float64, len(tb.obs))
	ys := make([]bool, len(tb.obs))
	last := chain[len(chain)-1]
	for t := range tb.obs {
		var earlier []Observation
		for _, mi := range chain[:len(chain)-1] {
			earlier = append(earlier, tb.obs[t][mi])
		}
		xs[t] = reliabilityFeatures(tb.obs[t][last], earlier)
		ys[t] = tb.correct[t][last]
	}
	return xs, ys
}

// fitStage fits the last stage of chain's scorer on train: L2-regularised
// logistic regression by Newton's method.
func (ff *FrugalFit) fitStage(chain []int) []float64 {
	xs, ys := stageRows(ff.Train, chain)
	return logistic(xs, ys, 1e-2, 25)
}

// logistic fits weights w maximising the log likelihood of ys under
// sigmoid(w·x) minus l2·|w|²/2 with iters Newton steps.
func logistic(xs [][]float64, ys []bool, l2 float64, iters int) []float64 {
	if len(xs) == 0 {
		return nil
	}
	d := len(xs[0])
	w := make([]float64, d)
	for it := 0; it < iters; it++ {
		g := make([]float64, d)
		h := make([][]float64, d)
		for i := range h {
			h[i] = make([]float64, d)
			h[i][i] = l2
			g[i] = -l2 * w[i]
		}
		for n, x := range xs {
			p := sigmoid(dotF(w, x))
			y := 0.0
			if ys[n] {
				y = 1
			}
			for i := range x {
				g[i] += (y - p) * x[i]
				for j := range x {
					h[i][j] += p * (1 - p) * x[i] * x[j]
				}
			}
		}
		step := solve(h, g)
		if step == nil {
			break
		}
		var norm float64
		for i := range w {
			w[i] += step[i]
			norm += step[i] * step[i]
		}
		if norm < 1e-12 {
			break
		}
	}
	return w
}

// solve returns x with a·x = b by Gaussian elimination with partial
// pivoting, or nil when a is singular. a and b are overwritten.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x
}

// stageScores returns scores[t][k], stage k's score on task t.
func stageScores(tb *callTable, chain []int, stages []FrugalStage) [][]float64 {
	sc := make([][]float64, len(tb.obs))
	for t := range tb.obs {
		sc[t] = make([]float64, len(chain))
		var earlier []Observation
		for k, mi := range chain {
			o := tb.obs[t][mi]
			sc[t][k] = stages[k].score(o, earlier)
			earlier = append(earlier, o)
		}
	}
	return sc
}

// outcome runs the cascade on tb's rows from precomputed scores.
func (ff *FrugalFit) outcome(tb *callTable, chain []int, stages []FrugalStage, sc [][]float64, lambda float64) float64 {
	var acc, cost float64
	for t := range tb.obs {
		for k, mi := range chain {
			cost += tb.cost[t][mi]
			if k == len(chain)-1 || sc[t][k] >= stages[k].Threshold {
				if tb.correct[t][mi] {
					acc++
				}
				break
			}
		}
	}
	n := float64(len(tb.obs))
	return acc/n - lambda*cost/n/ff.Scale
}

func (ff *FrugalFit) objective(tb *callTable, chain []int, stages []FrugalStage, lambda float64) float64 {
	return ff.outcome(tb, chain, stages, stageScores(tb, chain, stages), lambda)
}

// fitThresholds sets each non-final stage's threshold on tb by
// coordinate ascent over the scores' deciles and "never stop".
func (ff *FrugalFit) fitThresholds(tb *callTable, chain []int, stages []FrugalStage, lambda float64) {
	sc := stageScores(tb, chain, stages)
	for pass := 0; pass < 3; pass++ {
		changed := false
		for k := 0; k < len(chain)-1; k++ {
			vals := make([]float64, len(sc))
			for t := range sc {
				vals[t] = sc[t][k]
			}
			sort.Float64s(vals)
			cands := []float64{math.Inf(1)}
			for q := 0; q <= 20; q++ {
				cands = append(cands, vals[min(len(vals)-1, q*len(vals)/20)])
			}
			best, bestObj := stages[k].Threshold, ff.outcome(tb, chain, stages, sc, lambda)
			for _, c := range cands {
				stages[k].Threshold = c
				if obj := ff.outcome(tb, chain, stages, sc, lambda); obj > bestObj+1e-12 {
					best, bestObj, changed = c, obj, true
				}
			}
			stages[k].Threshold = best
		}
		if !changed {
			break
		}
	}
}
