package reward

import "math"

// GRPO constants from the paper.
const (
	// Epsilon keeps the advantage finite when the spread is tiny.
	Epsilon = 1e-6
	// ClipAdvantage bounds |A|.
	ClipAdvantage = 3.0
	// MinStd is the reward spread at or below which a group is skipped.
	MinStd = 0.1
)

// Advantages returns the group-normalised advantages of rewards, and
// skip=true (with all advantages 0) when the group's population standard
// deviation is at most [MinStd] or the group is empty.
func Advantages(rewards []float64) (adv []float64, skip bool) {
	adv = make([]float64, len(rewards))
	mean, std := MeanStd(rewards)
	if len(rewards) == 0 || std <= MinStd {
		return adv, true
	}
	for i, r := range rewards {
		a := (r - mean) / (std + Epsilon)
		adv[i] = math.Max(-ClipAdvantage, math.Min(ClipAdvantage, a))
	}
	return adv, false
}

// MeanStd returns the mean and population standard deviation of xs (0, 0
// when empty).
func MeanStd(xs []float64) (mean, std float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)))
}
