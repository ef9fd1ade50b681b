package learned

import (
	"math"
	"math/rand"
)

// Sizes of the numeric inputs: shared by all candidates of a turn (text
// numerics, preferences, state) and per candidate (tool numerics, relative
// rank, tool preference, candidate features).
const (
	nPref       = 3
	nSharedNum  = nText + nPref + nState
	nToolPref   = 2
	nDyn        = nRel + nToolPref + nCandFeat
	leak        = 0.01
	answerBias0 = 1.0 // initial answer-head output bias: answering is cheap to explore
)

// Head indices.
const (
	headCall = iota
	headAnswer
	nHeads
)

// layout locates each tensor in the flat parameter vector.
type layout struct {
	d, hid, sIn, cIn int
	text, tool       int // offsets of E_text (TextBuckets×d) and E_tool
	head             [nHeads]headLayout
	// dec is the offset of the decider's weights θ (nTheta of them) when
	// the config has a decider, else -1.
	dec  int
	size int
}

type headLayout struct{ w1s, w1c, b1, w2, b2 int }

func newLayout(c Config) layout {
	l := layout{d: c.Dim, hid: c.Hidden, sIn: c.Dim + nSharedNum, cIn: 2*c.Dim + nDyn + nTool}
	off := 0
	l.text = off
	off += c.TextBuckets * c.Dim
	l.tool = off
	off += c.ToolBuckets * c.Dim
	for h := range l.head {
		hl := &l.head[h]
		hl.w1s = off
		off += l.hid * l.sIn
		hl.w1c = off
		off += l.hid * l.cIn
		hl.b1 = off
		off += l.hid
		hl.w2 = off
		off += l.hid
		hl.b2 = off
		off++
	}
	l.dec = -1
	if c.Decider != 0 {
		l.dec = off
		off += nTheta + nFeat // θ, then the verifier v
	}
	l.size = off
	return l
}

// textInitSD is the initial spread of the text embedding. It is small so
// that a prompt's embedding starts near zero and grows only along
// directions that help across many prompts: with a large random table,
// every prompt gets a unique random code the heads can memorise.
const textInitSD = 0.05

// initParams fills w with a fresh random initialisation: text embedding
// N(0, textInitSD²), tool embedding N(0, 0.5²), first layers He-scaled,
// output weights small so the first policy is close to uniform.
func initParams(l layout, w []float64, rng *rand.Rand) {
	for i := l.text; i < l.tool; i++ {
		w[i] = rng.NormFloat64() * textInitSD
	}
	for i := l.tool; i < l.head[0].w1s; i++ {
		w[i] = rng.NormFloat64() * 0.5
	}
	for h := range l.head {
		hl := l.head[h]
		sd := math.Sqrt(2 / float64(l.sIn+l.cIn))
		for i := hl.w1s; i < hl.b1; i++ {
			w[i] = rng.NormFloat64() * sd
		}
		for i := hl.w2; i < hl.b2; i++ {
			w[i] = rng.NormFloat64() * 0.1 / math.Sqrt(float64(l.hid))
		}
	}
	w[l.head[headAnswer].b2] = answerBias0
	if l.dec >= 0 {
		legacyWeights(w[l.dec : l.dec+nTheta])
	}
}

// embed returns Eᵀx for sparse x over an embedding table at off.
func embed(w []float64, off, d int, x sparse, out []float64) {
	clear(out)
	for k, i := range x.idx {
		v := x.val[k]
		row := w[off+int(i)*d : off+int(i)*d+d]
		for j := range out {
			out[j] += v * row[j]
		}
	}
}

// dot returns a·b[:len(a)], with four accumulators so the loop pipelines.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds a·x to y.
func axpy(a float64, x, y []float64) {
	y = y[:len(x)]
	for i := range x {
		y[i] += a * x[i]
	}
}

func leaky(x float64) float64 {
	if x < 0 {
		return leak * x
	}
	return x
}

// forward holds the activations of one decision.
type forward struct {
	t      []float64  // text embedding
	u      []*toolAct // tool activations, by decision tool index (nil if unused)
	xs     []float64  // shared input [t, shared numerics]
	base   [nHeads][]float64
	xc     [][]float64 // per-candidate input [t⊙u, dyn, u, tool numerics]
	h      [][]float64 // per-candidate pre-activations
	logits []float64
}

// toolAct is what a tool contributes to the network independently of the
// task and turn: its embedding u, and per head the first layer applied to
// the static tail [u, tool numerics] of the candidate input. It is cached
// per weights version, which halves the per-candidate work.
type toolAct struct {
	u   []float64
	pre [nHeads][]float64
}

// static is where the tool-only part of a candidate input starts.
func (l layout) static() int { return l.d + nDyn }

func (l layout) toolAct(w []float64, tf *toolFeat) *toolAct {
	a := &toolAct{u: make([]float64, l.d)}
	embed(w, l.tool, l.d, tf.x, a.u)
	tail := make([]float64, 0, l.cIn-l.static())
	tail = append(append(tail, a.u...), tf.num[:]...)
	st := l.static()
	for hd := range a.pre {
		hl := l.head[hd]
		pre := make([]float64, l.hid)
		for j := range pre {
			pre[j] = dot(tail, w[hl.w1c+j*l.cIn+st:])
		}
		a.pre[hd] = pre
	}
	return a
}

// run computes the logits of dec's candidates under weights w. tEmb and
// tact supply cached activations (nil to compute).
func (l layout) run(w []float64, dec *decision, tEmb []float64, tact func(i int) *toolAct) *forward {
	d, hid, st := l.d, l.hid, l.static()
	f := &forward{u: make([]*toolAct, len(dec.tools))}
	if tEmb != nil {
		f.t = tEmb
	} else {
		f.t = make([]float64, d)
		embed(w, l.text, d, dec.text.x, f.t)
	}
	f.xs = make([]float64, 0, l.sIn)
	f.xs = append(append(f.xs, f.t...), dec.shared[:]...)
	var used [nHeads]bool
	for i := range dec.cands {
		used[dec.cands[i].head()] = true
	}
	for hd := range f.base {
		if !used[hd] {
			continue
		}
		hl := l.head[hd]
		b := make([]float64, hid)
		for j := range b {
			b[j] = w[hl.b1+j] + dot(f.xs, w[hl.w1s+j*l.sIn:])
		}
		f.base[hd] = b
	}
	n := len(dec.cands)
	f.xc = make([][]float64, n)
	f.h = make([][]float64, n)
	f.logits = make([]float64, n)
	buf := make([]float64, n*(l.cIn+hid))
	for c := range dec.cands {
		cd := &dec.cands[c]
		ti := cd.tool
		if f.u[ti] == nil {
			if tact != nil {
				f.u[ti] = tact(ti)
			} else {
				f.u[ti] = l.toolAct(w, dec.tools[ti])
			}
		}
		ta := f.u[ti]
		xc := buf[:l.cIn:l.cIn]
		buf = buf[l.cIn:]
		for j := 0; j < d; j++ {
			xc[j] = f.t[j] * ta.u[j]
		}
		copy(xc[d:st], cd.dyn[:])
		copy(xc[st:st+d], ta.u)
		copy(xc[st+d:], dec.tools[ti].num[:])
		hd := cd.head()
		hl := l.head[hd]
		h := buf[:hid:hid]
		buf = buf[hid:]
		z := w[hl.b2]
		base, pre, head := f.base[hd], ta.pre[hd], xc[:st]
		for j := 0; j < hid; j++ {
			h[j] = base[j] + pre[j] + dot(head, w[hl.w1c+j*l.cIn:])
			z += w[hl.w2+j] * leaky(h[j])
		}
		f.xc[c], f.h[c], f.logits[c] = xc, h, z
	}
	return f
}

// backward adds Σ_c gz[c]·∂logit_c/∂w to grad, given the activations f of
// dec under w.
func (l layout) backward(w []float64, dec *decision, f *forward, gz []float64, grad []float64) {
	d, hid := l.d, l.hid
	gt := make([]float64, d)
	gu := make([][]float64, len(dec.tools))
	var gbase [nHeads][]float64
	gh := make([]float64, hid)
	gxc := make([]float64, l.cIn)
	for c := range dec.cands {
		g := gz[c]
		if g == 0 {
			continue
		}
		cd := &dec.cands[c]
		hd := cd.head()
		hl := l.head[hd]
		if gbase[hd] == nil {
			gbase[hd] = make([]float64, hid)
		}
		grad[hl.b2] += g
		h := f.h[c]
		for j := 0; j < hid; j++ {
			grad[hl.w2+j] += g * leaky(h[j])
			slope := 1.0
			if h[j] < 0 {
				slope = leak
			}
			gh[j] = g * w[hl.w2+j] * slope
		}
		clear(gxc)
		xc := f.xc[c]
		for j := 0; j < hid; j++ {
			if gh[j] == 0 {
				continue
			}
			grad[hl.b1+j] += gh[j]
			gbase[hd][j] += gh[j]
			axpy(gh[j], xc, grad[hl.w1c+j*l.cIn:])
			axpy(gh[j], w[hl.w1c+j*l.cIn:hl.w1c+(j+1)*l.cIn], gxc)
		}
		ti := cd.tool
		if gu[ti] == nil {
			gu[ti] = make([]float64, d)
		}
		u, st := f.u[ti].u, l.static()
		for j := 0; j < d; j++ {
			gt[j] += gxc[j] * u[j]
			gu[ti][j] += gxc[j]*f.t[j] + gxc[st+j]
		}
	}
	gxs := make([]float64, l.sIn)
	for hd, gb := range gbase {
		if gb == nil {
			continue
		}
		hl := l.head[hd]
		clear(gxs)
		for j := 0; j < hid; j++ {
			if gb[j] == 0 {
				continue
			}
			axpy(gb[j], f.xs, grad[hl.w1s+j*l.sIn:])
			axpy(gb[j], w[hl.w1s+j*l.sIn:hl.w1s+(j+1)*l.sIn], gxs)
		}
		for j := 0; j < d; j++ {
			gt[j] += gxs[j]
		}
	}
	for k, i := range dec.text.x.idx {
		axpy(dec.text.x.val[k], gt, grad[l.text+int(i)*d:])
	}
	for ti, g := range gu {
		if g == nil {
			continue
		}
		x := dec.tools[ti].x
		for k, i := range x.idx {
			axpy(x.val[k], g, grad[l.tool+int(i)*d:])
		}
	}
}

// softmax returns softmax(z/temp) and its log.
func softmax(z []float64, temp float64) (p, logp []float64) {
	p, logp = make([]float64, len(z)), make([]float64, len(z))
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v/temp)
	}
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(v/temp - m)
		s += p[i]
	}
	ls := math.Log(s)
	for i, v := range z {
		p[i] /= s
		logp[i] = v/temp - m - ls
	}
	return p, logp
}
