package reward

import (
	"math"
	"sort"
	"time"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
)

// Rollout is what the reward needs to know about one finished episode.
type Rollout struct {
	// Calls counts calls per tool name.
	Calls map[string]int
	// Outcome is the verifier's outcome in [0, 1].
	Outcome float64
	// Correct is the verifier's binary verdict.
	Correct bool
	// Cost is the episode's total cost.
	Cost money.Amount
	// Latency is the episode's latency; trainers may pass the tools'
	// nominal latency instead of wall time to stay reproducible.
	Latency time.Duration
}

// Solved reports whether the rollout counts as solved: Correct, or an
// outcome of at least one half.
func (r Rollout) Solved() bool { return r.Correct || r.Outcome >= 0.5 }

// Outcome returns s.Outcome clamped to [0, 1]; NaN counts as 0.
func Outcome(s env.Score) float64 {
	o := s.Outcome
	switch {
	case math.IsNaN(o) || o < 0:
		return 0
	case o > 1:
		return 1
	}
	return o
}

// FromEpisode summarises ep and its score for the reward, using the
// episode's own cost and latency.
func FromEpisode(ep *episode.Episode, s env.Score) Rollout {
	return Rollout{
		Calls:   ep.Calls(),
		Outcome: Outcome(s),
		Correct: s.Correct,
		Cost:    ep.Cost,
		Latency: ep.Latency,
	}
}

// Balanced is the preference used when none is given: accuracy, cost and
// latency weighted equally ([episode.PreferBalanced]).
var Balanced = episode.PreferBalanced

// Features returns the feature names of a group's vector M in order: the
// sorted tool names, then "accuracy", "cost", "latency".
func Features(group []Rollout, p episode.Preferences) []string {
	seen := map[string]bool{}
	for _, r := range group {
		for t := range r.Calls {
			seen[t] = true
		}
	}
	for t := range p.Tools {
		seen[t] = true
	}
	names := make([]string, 0, len(seen)+3)
	for t := range seen {
		names = append(names, t)
	}
	sort.Strings(names)
	return append(names, "accuracy", "cost", "latency")
}

// Weights returns the normalised preference vector P aligned with
// [Features]: non-negative and summing to 1.
func Weights(group []Rollout, p episode.Preferences) []float64 {
	if p.Accuracy <= 0 && p.Cost <= 0 && p.Latency <= 0 && !anyPositive(p.Tools) {
		p = Balanced
	}
	names := Features(group, p)
	k := len(names) - 3
	w := make([]float64, len(names))
	for i := 0; i < k; i++ {
		w[i] = p.Tools[names[i]]
	}
	w[k], w[k+1], w[k+2] = p.Accuracy, p.Cost, p.Latency
	sum := 0.0
	for i := range w {
		if w[i] < 0 || math.IsNaN(w[i]) || math.IsInf(w[i], 0) {
			w[i] = 0
		}
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

func anyPositive(m map[string]float64) bool {
	for _, v := range m {
		if v > 0 {
			return true
		}
	}
	return false
}

// Matrix returns the raw feature vectors M_i of the group, aligned with
// [Features].
func Matrix(group []Rollout, p episode.Preferences) [][]float64 {
	names := Features(group, p)
	k := len(names) - 3
	m := make([][]float64, len(group))
	for i, r := range group {
		row := make([]float64, len(names))
		for j := 0; j < k; j++ {
			row[j] = float64(r.Calls[names[j]])
		}
		row[k] = r.Outcome
		row[k+1] = -r.Cost.USD()
		row[k+2] = -r.Latency.Seconds()
		m[i] = row
	}
	return m
}

// Normalize min-max normalises each column of m in place over the rows; a
// column with no spread becomes 0.
func Normalize(m [][]float64) {
	if len(m) == 0 {
		return
	}
	for j := range m[0] {
		lo, hi := m[0][j], m[0][j]
		for _, row := range m {
			lo, hi = math.Min(lo, row[j]), math.Max(hi, row[j])
		}
		for _, row := range m {
			if hi > lo {
				row[j] = (row[j] - lo) / (hi - lo)
			} else {
				row[j] = 0
			}
		}
	}
}

// Group returns the preference-weighted reward R_i of each rollout of one
// task's group, as documented in the package comment.
func Group(group []Rollout, p episode.Preferences) []float64 {
	w := Weights(group, p)
	m := Matrix(group, p)
	Normalize(m)
	out := make([]float64, len(group))
	for i, r := range group {
		if !r.Solved() {
			continue
		}
		s := 0.0
		for j, v := range m[i] {
			s += w[j] * v
		}
		out[i] = s
	}
	return out
}
