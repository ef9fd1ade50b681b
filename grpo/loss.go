package grpo

import (
	"math"

	"github.com/batonhq/baton/policy/learned"
)

// sample is one decision of a non-skipped group with its rollout's
// advantage and the reference policy's log-probability.
type sample struct {
	tr      *learned.Trace
	adv     float64
	refLogp float64
}

// lossStats summarises one evaluation of the objective.
type lossStats struct {
	Loss     float64 // mean loss
	KL       float64 // mean k3 estimate of KL(π‖π_ref)
	ClipFrac float64 // share of samples whose ratio was clipped
	Entropy  float64 // mean entropy of π at the samples' decisions
}

// ppo evaluates the GRPO objective over samples under p's weights
//
//	L = (1/N) Σ_i [ −min(ρ_i A_i, clip(ρ_i, 1−ε_low, 1+ε_high) A_i) + β k3_i − η H_i ]
//	ρ_i = π(a_i)/π_old(a_i),  k3_i = r_i − 1 − log r_i,  r_i = π_ref(a_i)/π(a_i)
//
// with H_i the entropy of π at decision i (η = 0 by default), and, when
// grad is non-nil, adds ∂L/∂w to it. Gradients flow through the unclipped
// branch only when it is the minimum, as in PPO.
func ppo(p *learned.Policy, samples []sample, clipLow, clipHigh, beta, eta float64, grad []float64) lossStats {
	var st lossStats
	if len(samples) == 0 {
		return st
	}
	n := float64(len(samples))
	for _, s := range samples {
		var loss, kl, ent float64
		clipped := false
		dl := func(logp, h float64) (float64, float64) {
			ent = h
			rho := math.Exp(logp - s.tr.LogProb)
			c := math.Max(1-clipLow, math.Min(1+clipHigh, rho))
			r := math.Exp(s.refLogp - logp)
			kl = r - 1 - (s.refLogp - logp)
			g := beta * (1 - r)
			if rho*s.adv <= c*s.adv {
				loss = -rho * s.adv
				g += -rho * s.adv
			} else {
				loss = -c * s.adv
				clipped = true
			}
			loss += beta*kl - eta*h
			return g / n, -eta / n
		}
		if grad != nil {
			p.Backward(s.tr, dl, grad)
		} else {
			dl(p.LogProbEntropy(s.tr))
		}
		st.Entropy += ent / n
		st.Loss += loss / n
		st.KL += kl / n
		if clipped {
			st.ClipFrac += 1 / n
		}
	}
	return st
}
