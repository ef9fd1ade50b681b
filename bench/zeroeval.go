package bench

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/env/replay"
)

// loadZeroEval splits the zeroeval source by its fixed per-question rule,
// [replay.SplitOf]. A test directory given by --eval is all test, minus
// any question the training side also holds (so the same questions are
// never both fitted on and reported).
func loadZeroEval(ctx context.Context, sp *Splits, subset string, dir func(string) (string, error), o SplitOptions) (*Splits, error) {
	d, err := dir(o.Train)
	if err != nil {
		return nil, err
	}
	all, err := replay.Load(ctx, "zeroeval", d, subset)
	if err != nil {
		return nil, err
	}
	of := func(split string) func(string) bool {
		return func(id string) bool { return replay.SplitOf(id) == split }
	}
	sp.Records = all
	sp.Train = all.Subset(all.Name()+":train", of(replay.SplitTrain))
	sp.Val = all.Subset(all.Name()+":val", of(replay.SplitVal))
	sp.Rule = "zeroeval's fixed per-question rule replay.SplitOf (a hash of the question ID: 65% train, 15% validation, 20% test)"
	if o.Eval == "" {
		sp.Test, sp.TestRecords = all.Subset(all.Name()+":test", of(replay.SplitTest)), all
		return sp, nil
	}
	te, err := replay.Load(ctx, "zeroeval", o.Eval, subset)
	if err != nil {
		return nil, err
	}
	fitted := map[string]bool{}
	for _, t := range sp.Train.Tasks() {
		fitted[t.ID] = true
	}
	for _, t := range sp.Val.Tasks() {
		fitted[t.ID] = true
	}
	sp.Test = te.Subset(te.Name()+":eval", func(id string) bool { return !fitted[id] })
	sp.TestRecords = te
	if len(sp.Test.Tasks()) == 0 {
		return nil, fmt.Errorf("%w: every question of %s is also in the training or validation split", ErrInvalid, o.Eval)
	}
	sp.Rule = fmt.Sprintf("train and validation by replay.SplitOf over %s; test is every question of %s that is in neither (%d dropped)", d, o.Eval, len(te.Tasks())-len(sp.Test.Tasks()))
	return sp, nil
}
