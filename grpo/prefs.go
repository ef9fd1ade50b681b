package grpo

import (
	"math/rand"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/reward"
)

// PreferenceSampler draws the preference of one training task given the
// names of the task's tools.
type PreferenceSampler func(rng *rand.Rand, tools []string) episode.Preferences

// Preference presets, shared with evaluation so that a trained policy is
// judged on the preferences it was trained for.
var (
	// AccuracyFirst cares about being right and a little about cost.
	AccuracyFirst = episode.Preferences{Accuracy: 1, Cost: 0.1}
	// Balanced weighs accuracy, cost and latency equally (reward.Balanced).
	Balanced = reward.Balanced
	// CostFirst cares most about cost.
	CostFirst = episode.Preferences{Accuracy: 1, Cost: 3, Latency: 1}
)

// Presets are the named preferences used for validation, in order.
var Presets = []struct {
	Name string
	Pref episode.Preferences
}{{"accuracy", AccuracyFirst}, {"balanced", Balanced}, {"cost", CostFirst}}

// SamplePreferences is the default training distribution, so that one
// policy serves many preferences:
//
//   - with probability 1/4 each: [AccuracyFirst], [Balanced], [CostFirst];
//   - with probability 1/4: Dirichlet(1, 1, 1) weights over accuracy,
//     cost and latency, with accuracy then raised to at least 0.2 (a
//     preference that ignores correctness teaches nothing: unsolved
//     rollouts earn 0 regardless);
//
// and then, with probability 1/8, one of the task's tools chosen uniformly
// gets a tool weight uniform in [0.2, 1) times the sum of the other weights.
func SamplePreferences(rng *rand.Rand, tools []string) episode.Preferences {
	var p episode.Preferences
	switch rng.Intn(4) {
	case 0:
		p = AccuracyFirst
	case 1:
		p = Balanced
	case 2:
		p = CostFirst
	default:
		a, c, l := rng.ExpFloat64(), rng.ExpFloat64(), rng.ExpFloat64()
		s := a + c + l
		p = episode.Preferences{Accuracy: max(a/s, 0.2), Cost: c / s, Latency: l / s}
	}
	p.Tools = nil
	if len(tools) > 0 && rng.Intn(8) == 0 {
		sum := p.Accuracy + p.Cost + p.Latency
		p.Tools = map[string]float64{tools[rng.Intn(len(tools))]: (0.2 + 0.8*rng.Float64()) * sum}
	}
	return p
}

// Fixed returns a sampler that gives every task the preference p, to train
// a policy for one operating point.
func Fixed(p episode.Preferences) PreferenceSampler {
	return func(*rand.Rand, []string) episode.Preferences { return p }
}
