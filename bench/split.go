package bench

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
)

// Splits is one source divided by the protocol's fixed rule (see the
// package doc): policies are fitted on Train, every choice about them
// (hyper-parameters, checkpoints, early stopping, which reference
// cascade) is made on Val, and Test is evaluated once.
type Splits struct {
	Source string  // the source as named on the command line, e.g. "zeroeval:gsm"
	Train  env.Env // fitting
	Val    env.Env // choosing
	Test   env.Env // reporting, once
	// Records holds the recorded outcomes of the Train and Val tasks: the
	// labels reference policies are fitted on. Policies never read it.
	Records *replay.Env
	// TestRecords holds the recorded outcomes of the Test tasks, for the
	// oracle row only.
	TestRecords *replay.Env
	// Rule says in words how the split was made, for the report.
	Rule string
}

// SplitOptions says where a source's data is.
type SplitOptions struct {
	Data string // data root (--data); "" resolves as package dataset does
	// Train and Eval are directories laid out like the source that replace
	// its training side (Train and Val) and its test side (Test).
	Train, Eval string
	Getenv      func(string) string // reads BATON_DATA; nil means os.Getenv
	Progress    io.Writer           // download progress; nil for silence
	Offline     bool                // never download
}

// Sources are the source names [LoadSplits] accepts.
var Sources = []string{"llmrouter", "zeroeval:gsm", "zeroeval:math-l5", "routerarena", "routellm:gsm8k", "routellm:mmlu", "routellm"}

// valEvery carves the validation split out of a training side that has no
// validation of its own: every valEvery-th task, by position.
const valEvery = 10

// testEvery holds out the test split of sources without any split of
// their own: every testEvery-th question, by position.
const testEvery = 5

// LoadSplits loads source and divides it into train, validation and test
// by the protocol's rule for that source.
func LoadSplits(ctx context.Context, source string, o SplitOptions) (*Splits, error) {
	name, subset, _ := strings.Cut(source, ":")
	known := false
	for _, s := range Sources {
		known = known || s == source
	}
	if !known {
		return nil, fmt.Errorf("%w: unknown source %q; want one of %s", ErrInvalid, source, strings.Join(Sources, ", "))
	}
	dopts := dataset.Options{Dir: o.Data, Getenv: o.Getenv, Progress: o.Progress, Offline: o.Offline}
	dir := func(flag string) (string, error) {
		if flag != "" {
			return flag, nil
		}
		d, err := dataset.Resolve(ctx, name, dopts)
		if err != nil {
			return "", fmt.Errorf("bench: %w", err)
		}
		return d, nil
	}
	sp := &Splits{Source: source}
	switch name {
	case "llmrouter":
		trDir, err := dir(o.Train)
		if err != nil {
			return nil, err
		}
		evDir, err := dir(o.Eval)
		if err != nil {
			return nil, err
		}
		tr, err := replay.Load(ctx, name, trDir, "train")
		if err != nil {
			return nil, err
		}
		te, err := replay.Load(ctx, name, evDir, "test")
		if err != nil {
			return nil, err
		}
		sp.Train, sp.Val = env.Split(tr, valEvery)
		sp.Test, sp.Records, sp.TestRecords = te, tr, te
		sp.Rule = fmt.Sprintf("LLMRouter's own train and test files; validation is every %dth training question", valEvery)
		return sp, nil
	case "zeroeval":
		return loadZeroEval(ctx, sp, subset, dir, o)
	}
	load := func(d string) (*replay.Env, error) {
		if name == "routellm" {
			return replay.LoadRouteLLM(d, subset)
		}
		return replay.Load(ctx, name, d, "")
	}
	d, err := dir(o.Train)
	if err != nil {
		return nil, err
	}
	all, err := load(d)
	if err != nil {
		return nil, err
	}
	var rest env.Env = all
	sp.Records, sp.TestRecords = all, all
	if o.Eval != "" {
		te, err := load(o.Eval)
		if err != nil {
			return nil, err
		}
		sp.Test, sp.TestRecords = te, te
		sp.Rule = fmt.Sprintf("every question of %s is test; validation is every %dth training question", o.Eval, valEvery)
	} else {
		rest, sp.Test = env.Split(all, testEvery)
		sp.Rule = fmt.Sprintf("every %dth question is test; of the rest, every %dth is validation", testEvery, valEvery)
	}
	sp.Train, sp.Val = env.Split(rest, valEvery)
	return sp, nil
}
