package learned

import (
	"bytes"
	"math"
	"slices"
	"strings"

	"github.com/batonhq/baton/tool"
)

// nTool is the number of numerics of a tool on its own.
const nTool = 12

// toolFeat is what the policy derives from one tool spec, independent of
// the weights and of the other tools.
type toolFeat struct {
	spec tool.Spec // to detect a changed spec under the same name
	x    sparse
	num  [nTool]float64
	// nominal is a typical call's cost in dollars, used to rank tools.
	nominal float64
	// fields are the argument names that take the task prompt.
	fields []string
}

func (f *toolFeat) args() []string { return f.fields }

var tagFlags = []string{tool.TagLocal, tool.TagRemote, tool.TagLLM, tool.TagCode, tool.TagSearch, tool.TagMath, tool.TagFree}

// Token counts of a typical call, to turn token prices into one number.
const (
	typicalIn  = 1000
	typicalOut = 500
)

func nominalCost(s tool.Spec) float64 {
	p := s.Price
	return p.PerCall.USD() + p.PerSecond.USD()*s.Latency.Seconds() +
		p.InputPerM.USD()*typicalIn/1e6 + p.OutputPerM.USD()*typicalOut/1e6
}

func sameSpec(a, b tool.Spec) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Price == b.Price &&
		a.Latency == b.Latency && slices.Equal(a.Tags, b.Tags) && bytes.Equal(a.Parameters, b.Parameters)
}

func newToolFeat(s tool.Spec, buckets int) *toolFeat {
	h := hasher{mask: uint64(buckets - 1)}
	// The full name is the tool's identity; its parts (gpt, 4o, mini,
	// llama, 70b) carry over to relatives never seen in training.
	h.add(2, saltName, strings.ToLower(s.Name))
	for _, part := range words(s.Name, 16) {
		h.add(1, saltNamePart, part)
	}
	ws := words(s.Description, 200)
	for i, w := range ws {
		h.add(0.5, saltWord, w)
		if i > 0 {
			h.add(0.5, saltBigram, ws[i-1], w)
		}
	}
	for _, t := range s.Tags {
		h.add(1, saltTag, strings.ToLower(t))
	}
	f := &toolFeat{spec: s, x: h.sparse(), nominal: nominalCost(s), fields: argFields(s.Parameters)}
	p := s.Price
	f.num[0] = math.Log1p(p.InputPerM.USD())
	f.num[1] = math.Log1p(p.OutputPerM.USD()) / 2
	f.num[2] = math.Log1p(p.PerCall.USD() * 1000)
	f.num[3] = math.Log1p(p.PerSecond.USD() * 1000)
	f.num[4] = math.Log1p(s.Latency.Seconds()) / 2
	for i, t := range tagFlags {
		f.num[5+i] = b2f(s.HasTag(t))
	}
	return f
}

// nRel is the number of features of a tool relative to the run's set.
const nRel = 3

// relative returns, for each tool, its normalised log nominal cost within
// the set (0 cheapest, 1 dearest), its cost rank and its latency rank, both
// as fractions in [0, 1].
func relative(fs []*toolFeat) [][nRel]float64 {
	out := make([][nRel]float64, len(fs))
	if len(fs) < 2 {
		return out
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, f := range fs {
		l := math.Log(f.nominal + 1e-9)
		lo, hi = math.Min(lo, l), math.Max(hi, l)
	}
	den := float64(len(fs) - 1)
	for i, f := range fs {
		if hi > lo {
			out[i][0] = (math.Log(f.nominal+1e-9) - lo) / (hi - lo)
		}
		var cheaper, faster float64
		for _, g := range fs {
			if g.nominal < f.nominal {
				cheaper++
			}
			if g.spec.Latency < f.spec.Latency {
				faster++
			}
		}
		out[i][1] = cheaper / den
		out[i][2] = faster / den
	}
	return out
}

// NominalCost is the cost in dollars of a typical call of the tool (1000
// tokens in, 500 out, plus per-call and per-second prices): the price
// score mode weighs, so a trainer can calibrate [ScoreHead.CostWeight].
func NominalCost(s tool.Spec) float64 { return nominalCost(s) }
