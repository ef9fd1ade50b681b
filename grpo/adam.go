package grpo

import "math"

// adam is the Adam optimiser (Kingma & Ba) over a flat parameter vector.
type adam struct {
	lr, b1, b2, eps float64
	m, v            []float64
	t               int
}

func newAdam(n int, lr float64) *adam {
	return &adam{lr: lr, b1: 0.9, b2: 0.999, eps: 1e-8, m: make([]float64, n), v: make([]float64, n)}
}

// step applies one update to w with gradient g (of a loss to minimise).
func (a *adam) step(w, g []float64) {
	a.t++
	c1 := 1 - math.Pow(a.b1, float64(a.t))
	c2 := 1 - math.Pow(a.b2, float64(a.t))
	lr := a.lr * math.Sqrt(c2) / c1
	for i, gi := range g {
		if gi == 0 && a.m[i] == 0 {
			continue // untouched embedding rows stay put and cost nothing
		}
		a.m[i] = a.b1*a.m[i] + (1-a.b1)*gi
		a.v[i] = a.b2*a.v[i] + (1-a.b2)*gi*gi
		w[i] -= lr * a.m[i] / (math.Sqrt(a.v[i]) + a.eps)
	}
}

// clipNorm scales g so its L2 norm is at most max (max ≤ 0: no clipping)
// and returns the norm before clipping.
func clipNorm(g []float64, max float64) float64 {
	s := 0.0
	for _, x := range g {
		s += x * x
	}
	n := math.Sqrt(s)
	if max > 0 && n > max {
		f := max / n
		for i := range g {
			g[i] *= f
		}
	}
	return n
}
