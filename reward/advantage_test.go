package reward

import (
	"math"
	"testing"
)

func TestAdvantages(t *testing.T) {
	cases := []struct {
		name     string
		rewards  []float64
		want     []float64
		wantSkip bool
	}{
		{
			// mean .5; deviations [.5, 0, −.5]; var = (.25+0+.25)/3 = 1/6;
			// std = .4082483; A = ±.5/.4082483 = ±1.2247449.
			name:    "three",
			rewards: []float64{1, 0.5, 0},
			want:    []float64{1.2247419, 0, -1.2247419},
		},
		{
			// mean .5, std .5: A = ±1 (minus the ε nudge).
			name:    "two",
			rewards: []float64{1, 0},
			want:    []float64{0.999998, -0.999998},
		},
		{
			// One winner among 12: mean 1/12, std = √(11)/12 = .2763854;
			// winner's A = (11/12)/.2763854 = 3.3166 → clipped to 3;
			// losers' A = −(1/12)/.2763854 = −.3015113.
			name:    "clipped",
			rewards: []float64{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
			want:    []float64{3, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102, -0.3015102},
		},
		{
			// std of [.55, .45] is .05 ≤ .1: skipped.
			name:     "small spread skipped",
			rewards:  []float64{0.55, 0.45},
			want:     []float64{0, 0},
			wantSkip: true,
		},
		{
			// std exactly .1 (values .4 ± .1) is skipped too.
			name:     "threshold is inclusive",
			rewards:  []float64{0.5, 0.3},
			want:     []float64{0, 0},
			wantSkip: true,
		},
		{name: "all equal", rewards: []float64{0.7, 0.7, 0.7}, want: []float64{0, 0, 0}, wantSkip: true},
		{name: "one rollout", rewards: []float64{1}, want: []float64{0}, wantSkip: true},
		{name: "empty", rewards: nil, want: []float64{}, wantSkip: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, skip := Advantages(c.rewards)
			if skip != c.wantSkip {
				t.Fatalf("skip = %v, want %v", skip, c.wantSkip)
			}
			approxSlice(t, "A", got, c.want, 1e-6)
		})
	}
}

func TestAdvantagesZeroMean(t *testing.T) {
	adv, skip := Advantages([]float64{0.9, 0.1, 0.4, 0.6, 0})
	if skip {
		t.Fatal("skipped")
	}
	sum := 0.0
	for _, a := range adv {
		sum += a
	}
	if math.Abs(sum) > 1e-9 {
		t.Errorf("advantages sum to %v, want 0", sum)
	}
}
