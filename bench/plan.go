package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/grpo"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
	"github.com/batonhq/baton/policy/learned"
)

// ErrInvalid is wrapped by errors about a plan that cannot run as given:
// an unknown source, a held-out model the source does not record.
var ErrInvalid = errors.New("bench: invalid plan")

// DefaultSources are the sources `baton bench` runs without --source.
var DefaultSources = []string{"llmrouter", "zeroeval:gsm"}

// Plan is one run of the protocol on one source (see the package doc):
// split, fit every policy on train, choose on validation, evaluate every
// row on test once. `baton bench` fills it from flags; tests run it as is.
type Plan struct {
	Source string       // e.g. "llmrouter", "zeroeval:gsm"
	Data   SplitOptions // where the source's data is
	// Checkpoint is "" to train the learned policy, "default" for the
	// embedded checkpoint, or a checkpoint file.
	Checkpoint string
	// Holdout names models hidden from every fitting step (learned
	// policy, kNN, votes, frugal) and present at evaluation; the fixed
	// cascades, fitted on nothing, see them too.
	Holdout []string
	Seed    int64 // training and sampling seed
	Steps   int   // GRPO steps; 0 the trainer's default, -1 warm start only
	// Export receives the training rollouts as JSONL; nil for none.
	Export io.Writer
	// Log receives one line per phase, or progress bars when Bars is set
	// (a terminal); nil for silence.
	Log  io.Writer
	Bars bool
	// CascadeCap is how many cheap models the agreement cascades consult
	// before calling the strongest; 0 means DefaultCascadeCap.
	CascadeCap int
	// MaxTurns is the turn budget of every row whose policy does not need
	// more (0: 5, the trainer's default).
	MaxTurns int
}

// LearnedSweep is the cost weights (against accuracy 1) of the learned
// policy's accuracy-cost curve, reaching always-cheapest at the top.
var LearnedSweep = []float64{0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2, 5, 100}

// KNNThresholds sweeps the kNN router from always-cheapest (0) to
// always-best-estimate (1).
var KNNThresholds = []float64{0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}

// FrugalSweep is the cost weights of the FrugalGPT-style cascade's curve:
// accuracy − λ·cost / (the most accurate model's cost). "frugal" alone is
// λ = FrugalDefault.
var FrugalSweep = []float64{0.01, 0.03, 0.1, 0.3, 1}

// FrugalDefault is the cost weight of the row named "frugal".
const FrugalDefault = 0.1

// VoteSizes are the k of the vote:<k> rows.
var VoteSizes = []int{3, 5}

// Families are the row families whose accuracy-cost AUC is reported, by
// row-name prefix.
var Families = []string{"learned", "learned-warm", "cascade", "frugal", "vote", "knn"}

func (p Plan) logf(format string, args ...any) {
	if p.Log != nil {
		fmt.Fprintf(p.Log, "bench: "+format+"\n", args...)
	}
}

// Run executes the plan.
func (p Plan) Run(ctx context.Context) (*Results, error) {
	start := time.Now()
	p.logf("%s: loading", p.Source)
	sp, err := LoadSplits(ctx, p.Source, p.Data)
	if err != nil {
		return nil, err
	}
	if err := CheckHoldout(sp.Records, p.Holdout); err != nil {
		return nil, err
	}
	res := &Results{Dataset: sp.Test.Name(), NEval: len(sp.Test.Tasks()), Source: p.Source,
		NTrain: len(sp.Train.Tasks()), NVal: len(sp.Val.Tasks()), Holdout: p.Holdout,
		Notes: map[string]string{"split": sp.Rule}}
	p.logf("%s: %d train, %d validation, %d test tasks (%s)", p.Source, res.NTrain, res.NVal, res.NEval, sp.Rule)
	train := env.WithoutTools(sp.Train, p.Holdout...)
	val := env.WithoutTools(sp.Val, p.Holdout...)

	// Every visible model's call on every train and validation question,
	// as a policy would observe it: what the frugal cascade is fitted on,
	// and whether this source's calls return answers to read at all.
	// A probe of the first questions decides whether there are answers
	// to read; outcome-only sources skip the tabulation.
	models := visibleModels(sp.Records, p.Holdout)
	probe, err := tabulate(ctx, firstTasks{train, 20}, sp.Records, models)
	if err != nil {
		return nil, err
	}
	multi := observable(probe)
	var ff *FrugalFit
	if multi {
		if ff, err = newFrugalFit(ctx, train, val, sp.Records, models); err != nil {
			return nil, err
		}
	}
	lrn, warm, err := p.learned(ctx, sp, train, val, multi, res)
	if err != nil {
		return nil, err
	}
	refs := p.references(sp, train, ff, res)
	var entries []Entry
	for _, s := range sp.TestRecords.Specs() {
		entries = append(entries, Entry{Name: "single:" + s.Name, Policy: Single(s.Name)})
	}
	entries = append(entries,
		Entry{Name: "random", Policy: baseline.New("random", baseline.Random(p.Seed))},
		Entry{Name: "cheapest", Policy: baseline.New("cheapest", baseline.ByCost(false))},
		Entry{Name: "strongest", Policy: baseline.New("strongest", baseline.ByCost(true))},
		Entry{Name: "oracle", Policy: Oracle(sp.TestRecords)},
	)
	entries = append(entries, refs...)
	// The learned rows get the turn budget the policy was trained with.
	lt := 0
	if multi {
		lt = multiTurns
	}
	for _, pr := range grpo.Presets {
		entries = append(entries, Entry{Name: "learned:" + pr.Name, Policy: lrn, Preferences: pr.Pref, MaxTurns: lt})
		if warm != nil {
			entries = append(entries, Entry{Name: "learned-warm:" + pr.Name, Policy: warm, Preferences: pr.Pref, MaxTurns: lt})
		}
	}
	// Both the policy and its warm start are swept, so the learned and
	// learned-warm AUCs compare curves with the same points.
	for _, w := range LearnedSweep {
		entries = append(entries, Entry{Name: fmt.Sprintf("learned:cost=%g", w), Policy: lrn,
			Preferences: episode.Preferences{Accuracy: 1, Cost: w}, MaxTurns: lt})
	}
	if warm != nil {
		for _, w := range LearnedSweep {
			entries = append(entries, Entry{Name: fmt.Sprintf("learned-warm:cost=%g", w), Policy: warm,
				Preferences: episode.Preferences{Accuracy: 1, Cost: w}, MaxTurns: lt})
		}
	}

	evalStart := time.Now()
	var bar *progressbar.ProgressBar
	if p.Bars && p.Log != nil {
		bar = progressbar.NewOptions(len(entries), progressbar.OptionSetWriter(p.Log),
			progressbar.OptionSetDescription("evaluate "+p.Source), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	} else {
		p.logf("%s: evaluating %d rows on %d test tasks", p.Source, len(entries), res.NEval)
	}
	opts := Options{Budget: episode.Budget{MaxTurns: p.maxTurns()}}
	for _, e := range entries {
		row, err := Evaluate(ctx, sp.Test, e, opts)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
		if bar != nil {
			_ = bar.Add(1)
		}
	}
	if bar != nil {
		_ = bar.Finish()
	}
	res.Notes["evaluation_time"] = time.Since(evalStart).Round(time.Millisecond).String()
	res.AUC = FamilyAUC(res.Rows)
	for _, r := range res.Rows {
		if r.UsageEstimated {
			res.UsageEstimated = true
			res.Notes["usage"] = "token usage of some calls is estimated from text (characters / 4), so their costs are estimates: rows marked *"
			break
		}
	}
	p.logf("%s: done in %s", p.Source, time.Since(start).Round(time.Millisecond))
	return res, nil
}

// multiTurns is the turn budget of a multi-turn learned policy, the one
// grpo.MultiDefaults trains it with.
const multiTurns = 6

func (p Plan) maxTurns() int {
	if p.MaxTurns > 0 {
		return p.MaxTurns
	}
	return 5
}

// CheckHoldout checks that rec records every held-out model.
func CheckHoldout(rec *replay.Env, names []string) error {
	known := map[string]bool{}
	var all []string
	for _, s := range rec.Specs() {
		known[s.Name] = true
		all = append(all, s.Name)
	}
	for _, n := range names {
		if !known[n] {
			return fmt.Errorf("%w: held-out model %q is not in %s (models: %s)", ErrInvalid, n, rec.Name(), strings.Join(all, ", "))
		}
	}
	if len(names) >= len(all) {
		return fmt.Errorf("%w: holding out every model of %s leaves nothing to train on", ErrInvalid, rec.Name())
	}
	return nil
}

// defaultCheckpoint is the one place `--checkpoint default` becomes a
// policy: the checkpoint embedded for the source.
func defaultCheckpoint(source string) (*learned.Policy, error) {
	return learned.DefaultFor(source)
}

// learned trains the learned policy on train, choosing on val, or loads
// the plan's checkpoint. warm is the warm start when training ran. On a
// source whose calls return answers to read (multi) the policy is trained
// multi-turn: call, read, decide again.
func (p Plan) learned(ctx context.Context, sp *Splits, train, val env.Env, multi bool, res *Results) (lrn, warm policy.Policy, err error) {
	switch p.Checkpoint {
	case "":
	case "default":
		res.Notes["policy"] = "embedded default checkpoint (no learned-warm rows: the warm start is not shipped)"
		p.logf("%s: learned policy: embedded default checkpoint", p.Source)
		pol, err := defaultCheckpoint(p.Source)
		return pol, nil, err
	default:
		res.Notes["policy"] = "checkpoint " + p.Checkpoint + " (no learned-warm rows)"
		pol, err := learned.Open(learned.Options{Checkpoint: p.Checkpoint})
		return pol, nil, err
	}
	var progress io.Writer
	if p.Bars {
		progress = p.Log
	}
	cfg := grpo.FitConfig{
		Warm: grpo.WarmConfig{Seed: p.Seed, Category: sp.Records.Category, Progress: progress},
		GRPO: grpo.Config{Seed: p.Seed, Steps: p.Steps, Progress: progress, Export: p.Export},
		// Always the multi-turn recipe: on a source whose models never
		// agree (outcome-only data) it starts GRPO from the one-shot
		// score router, so what ships is GRPO's output either way.
		Multi: true,
	}
	mode := "one-shot"
	if multi {
		mode = "multi-turn"
	}
	p.logf("%s: training the %s learned policy (score head, warm start, then GRPO; GRPO's best step on validation ships)", p.Source, mode)
	t0 := time.Now()
	pol, st, err := grpo.Fit(ctx, cfg, train, val)
	if err != nil {
		return nil, nil, err
	}
	res.Notes["training"] = fmt.Sprintf("%s: warm start (%d tasks, best of %d epochs: %d%s) + GRPO %d steps (%s) in %s, seed %d; kept the %s policy (on validation)",
		mode, st.Warm.Tasks, len(st.Warm.HeldOutLoss), st.Warm.BestEpoch, warmKind(st), len(st.GRPO.Steps), st.GRPO.Stopped, time.Since(t0).Round(time.Second), p.Seed, st.Chosen)
	p.logf("%s: trained in %s; kept the %s policy", p.Source, time.Since(t0).Round(time.Second), st.Chosen)
	if st.WarmPolicy != nil {
		warm = st.WarmPolicy
	}
	return pol, warm, nil
}

// warmKind names the multi-turn warm start, when there was one.
func warmKind(st grpo.FitStats) string {
	if st.WarmStart == "" {
		return ""
	}
	return fmt.Sprintf("; multi-turn start %s, clone agreement %.2f", st.WarmStart, st.CloneAgreement)
}

// references fits the reference policies on train (choosing on
// validation, whose calls ff holds) and returns their entries: kNN always;
// the cascades, votes and frugal cascades when the source's calls return
// observable answers (ff is nil otherwise).
func (p Plan) references(sp *Splits, train env.Env, ff *FrugalFit, res *Results) []Entry {
	var out []Entry
	knn := NewKNN(train, sp.Records, 20)
	for _, th := range KNNThresholds {
		out = append(out, Entry{Name: fmt.Sprintf("knn:%.1f", th), Policy: knn.Router(th)})
	}
	if ff == nil {
		res.Notes["references"] = "calls on this source return no extracted answers (outcome-only data): no cascade, vote or frugal rows"
		return out
	}
	models := ff.Train.models
	t0 := time.Now()
	acc := map[string]float64{}
	strongest := ""
	for mi, m := range models {
		acc[m], _ = ff.Train.single(mi)
		if strongest == "" || acc[m] > acc[strongest] {
			strongest = m
		}
	}
	for _, k := range []int{2, 3} {
		c := Cascade{K: k, Cap: p.CascadeCap, Strongest: strongest}
		out = append(out, Entry{Name: fmt.Sprintf("cascade:agree%d", k), Policy: c, MaxTurns: c.MaxTurns()})
	}
	for _, k := range VoteSizes {
		if k > len(models) {
			continue
		}
		v := NewVote(acc, k)
		out = append(out, Entry{Name: fmt.Sprintf("vote:%d", k), Policy: v, MaxTurns: v.MaxTurns()})
	}
	f := ff.Fit(FrugalDefault)
	out = append(out, Entry{Name: "frugal", Policy: f, MaxTurns: f.MaxTurns()})
	res.Notes["frugal"] = fmt.Sprintf("chain %s (chosen on validation among chains of up to %d training-Pareto models)", strings.Join(f.Chain, " → "), ff.MaxChain)
	for _, l := range FrugalSweep {
		if l == FrugalDefault {
			continue
		}
		f := ff.Fit(l)
		out = append(out, Entry{Name: fmt.Sprintf("frugal:cost=%g", l), Policy: f, MaxTurns: f.MaxTurns()})
	}
	cc := p.CascadeCap
	if cc <= 0 {
		cc = DefaultCascadeCap
	}
	res.Notes["cascade"] = fmt.Sprintf("models by nominal price (1k input + 1k output tokens at list price); answer when 2 (agree2) or 3 (agree3) extracted answers agree; after %d cheap models call the dearest and adopt its answer", cc)
	v3 := NewVote(acc, 3)
	res.Notes["vote"] = fmt.Sprintf("plurality of the k most accurate models on train; vote:3 = %s", strings.Join(v3.Models, ", "))
	p.logf("%s: fitted kNN, votes and frugal cascades in %s", p.Source, time.Since(t0).Round(time.Millisecond))
	return out
}

// visibleModels returns the tool names of rec's models minus the held-out
// ones, sorted.
func visibleModels(rec *replay.Env, holdout []string) []string {
	hidden := map[string]bool{}
	for _, h := range holdout {
		hidden[h] = true
	}
	var out []string
	for _, s := range rec.Specs() {
		if !hidden[s.Name] {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out
}

// firstTasks is an env cut to its first n tasks.
type firstTasks struct {
	env.Env
	n int
}

func (f firstTasks) Tasks() []episode.Task {
	ts := f.Env.Tasks()
	return ts[:min(f.n, len(ts))]
}

// observable reports whether most calls in tb returned an extracted
// answer.
func observable(tb *callTable) bool {
	var n, withAnswer int
	for _, row := range tb.obs {
		for _, o := range row {
			n++
			if o.Answer != "" {
				withAnswer++
			}
		}
	}
	return n > 0 && 2*withAnswer > n
}

// FamilyAUC is the accuracy-cost AUC of each family of [Families] over
// the cost range of the single-model rows (see [AUC]).
func FamilyAUC(rows []Row) map[string]float64 {
	lo, hi := 0.0, 0.0
	pts := map[string][]Point{}
	for _, r := range rows {
		fam, _, _ := strings.Cut(r.Policy, ":")
		if fam == "single" {
			if lo == 0 || r.CostUSD < lo {
				lo = r.CostUSD
			}
			hi = max(hi, r.CostUSD)
		}
		pts[fam] = append(pts[fam], Point{Cost: r.CostUSD, Accuracy: r.Accuracy})
	}
	out := map[string]float64{}
	for _, f := range Families {
		if len(pts[f]) > 0 {
			out[f] = AUC(pts[f], lo, hi)
		}
	}
	return out
}
