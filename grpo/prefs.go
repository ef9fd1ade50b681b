package grpo

import (
	"math/rand"

	"github.com/batonhq/baton/episode"
)

// PreferenceSampler draws the preference of one training task given the
// names of the task's tools.
type PreferenceSampler func(rng *rand.Rand, tools []string) episode.Preferences

// Presets are the named preferences used for validation, in order: the
// presets --prefer accepts ([episode.Preset]) that training aims at.
var Presets = []struct {
	Name string
	Pref episode.Preferences
}{{"accuracy", episode.PreferAccuracy}, {"balanced", episode.PreferBalanced}, {"cost", episode.PreferCost}}

// SamplePreferences is the default training distribution, so that one
// policy serves many preferences:
//
//   - with probability 1/4 each: the three [Presets];
//   - with probability 1/4 (the fourth case): Dirichlet(1, 1, 1) weights over accuracy,
//     cost and latency, with accuracy then raised to at least 0.2 (a
//     preference that ignores correctness teaches nothing: unsolved
//     rollouts earn 0 regardless);
//
// and then, with probability 1/8, one of the task's tools chosen uniformly
// gets a tool weight uniform in [0.2, 1) times the sum of the other weights.
func SamplePreferences(rng *rand.Rand, tools []string) episode.Preferences {
	var p episode.Preferences
	if k := rng.Intn(len(Presets) + 1); k < len(Presets) {
		p = Presets[k].Pref
	} else {
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
