package learned

import (
	"fmt"
	"math"
	"strings"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// Numbers of state and candidate features.
const (
	nState    = 11
	nCandFeat = 9
)

type candKind uint8

const (
	kindCall candKind = iota
	kindAnswer
)

// candidate is one action the policy may take this turn.
type candidate struct {
	kind candKind
	// tool indexes decision.tools: the tool to call, or the answer's
	// source (the dearest tool that returned it).
	tool   int
	answer string
	// dyn holds the candidate's features that depend on the run: the
	// tool's rank in the set, its preference weight and the candidate
	// features. The tool's own numerics come from tools[tool].num.
	dyn [nDyn]float64
}

func (c *candidate) head() int {
	if c.kind == kindAnswer {
		return headAnswer
	}
	return headCall
}

// decision is a turn's input to the network: everything is a function of
// the state, none of the weights, so a trainer can replay it under new
// weights.
type decision struct {
	text   *textFeat
	tools  []*toolFeat
	shared [nSharedNum]float64
	cands  []candidate
	prompt string
	// multi is the decider's input; nil unless [Config.Decider].
	multi *multi
}

// held is a successful result the policy may adopt as its answer.
type held struct {
	tool    int
	content string
	norm    string
	chars   int // length of the result's whole text (a model's completion)
}

// normAnswer makes answers comparable: case, spacing and trailing
// punctuation do not make two answers different.
func normAnswer(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimRight(s, ".!;, ")
}

// prefs returns the normalised accuracy, cost and latency weights and the
// normaliser for tool weights, as package reward normalises them.
func prefs(p episode.Preferences) (acc, cost, lat, sum float64) {
	pos := func(x float64) float64 {
		if x > 0 && !math.IsInf(x, 1) {
			return x
		}
		return 0
	}
	acc, cost, lat = pos(p.Accuracy), pos(p.Cost), pos(p.Latency)
	sum = acc + cost + lat
	for _, v := range p.Tools {
		sum += pos(v)
	}
	if sum == 0 {
		return 1.0 / 3, 1.0 / 3, 1.0 / 3, 1
	}
	return acc / sum, cost / sum, lat / sum, sum
}

// maxTurns is the turn budget, or one more than the number of tools when
// unlimited (with repeats masked, no episode can be longer).
func maxTurns(s *policy.State) int {
	if s.Task.Budget.MaxTurns > 0 {
		return s.Task.Budget.MaxTurns
	}
	return len(s.Tools) + 1
}

func (p *Policy) decision(s *policy.State) (*decision, error) {
	if s == nil || s.Task == nil {
		return nil, fmt.Errorf("learned: state without a task")
	}
	dec := &decision{
		text:   p.feats.text(s.Task.Prompt, p.cfg.TextBuckets),
		prompt: s.Task.Prompt,
		tools:  make([]*toolFeat, 0, len(s.Tools)+1),
		cands:  make([]candidate, 0, len(s.Tools)+len(s.Steps)),
	}
	index := make(map[string]int, len(s.Tools))
	for _, spec := range s.Tools {
		index[spec.Name] = len(dec.tools)
		dec.tools = append(dec.tools, p.feats.tool(spec, p.cfg.ToolBuckets))
	}
	toolIndex := func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		// A step of a tool outside the run's set: seen by its name only.
		index[name] = len(dec.tools)
		dec.tools = append(dec.tools, p.feats.tool(tool.Spec{Name: name}, p.cfg.ToolBuckets))
		return index[name]
	}

	called := map[string]bool{}
	var hs []held
	var calls, failed int
	latest := -1
	for _, st := range s.Steps {
		if st.Action.Final {
			continue
		}
		if st.Action.Tool != "" {
			called[st.Action.Tool] = true
		}
		if st.Result != nil {
			calls++
		}
		if st.Failed() {
			failed++
			continue
		}
		ans, ok := st.Result.Answer()
		if !ok {
			continue
		}
		latest = len(hs)
		hs = append(hs, held{tool: toolIndex(st.Action.Tool), content: ans, norm: normAnswer(ans), chars: len(st.Result.Content)})
	}
	rel := relative(dec.tools)
	maxCalled, anyCalled := 0.0, false
	for name := range called {
		if i, ok := index[name]; ok {
			maxCalled = math.Max(maxCalled, rel[i][0])
			anyCalled = true
		}
	}
	distinct := map[string]int{}
	for _, h := range hs {
		distinct[h.norm]++
	}
	maxSupport := 0
	for _, n := range distinct {
		maxSupport = max(maxSupport, n)
	}

	acc, cost, lat, psum := prefs(s.Task.Preferences)
	mt := maxTurns(s)
	remaining, capped := s.Remaining()
	remFrac := 1.0
	if capped {
		remFrac = math.Max(0, float64(remaining)/float64(s.Task.Budget.MaxCost))
	}
	last := s.Turn >= mt
	sh := dec.shared[:0]
	sh = append(sh, dec.text.num[:]...)
	sh = append(sh, acc, cost, lat)
	sh = append(sh,
		float64(s.Turn)/float64(mt),
		b2f(last),
		math.Log1p(s.Spent.USD()*1000)/4,
		float64(calls)/4,
		float64(len(hs))/4,
		float64(len(distinct))/4,
		b2f(len(hs) >= 2 && len(distinct) == 1),
		remFrac,
		maxCalled,
		float64(failed)/4,
		1,
	)
	if len(sh) != nSharedNum {
		panic("learned: shared feature layout out of sync")
	}

	anyToolPref := 0.0
	for _, v := range s.Task.Preferences.Tools {
		if v > 0 {
			anyToolPref = 1
		}
	}
	fill := func(c *candidate, feat [nCandFeat]float64) {
		tf := dec.tools[c.tool]
		n := c.dyn[:0]
		n = append(n, rel[c.tool][:]...)
		w := math.Max(0, s.Task.Preferences.Tools[tf.spec.Name]) / psum
		n = append(n, w, anyToolPref)
		n = append(n, feat[:]...)
		if len(n) != nDyn {
			panic("learned: candidate feature layout out of sync")
		}
	}
	afford := func(ti int) float64 {
		if !capped || remaining <= 0 {
			return b2f(capped)
		}
		return math.Min(2, dec.tools[ti].nominal/remaining.USD()) / 2
	}

	// Answers first, one per distinct content, sourced from the dearest
	// tool that returned it.
	seen := map[string]int{}
	for _, h := range hs {
		if j, ok := seen[h.norm]; ok {
			if dec.tools[h.tool].nominal > dec.tools[dec.cands[j].tool].nominal {
				dec.cands[j].tool = h.tool
			}
			continue
		}
		seen[h.norm] = len(dec.cands)
		dec.cands = append(dec.cands, candidate{kind: kindAnswer, tool: h.tool, answer: h.content})
	}
	for j := range dec.cands {
		c := &dec.cands[j]
		norm := normAnswer(c.answer)
		support := distinct[norm]
		isLatest := latest >= 0 && hs[latest].content == c.answer
		fill(c, [nCandFeat]float64{
			float64(support) / 4,
			float64(support) / float64(len(hs)),
			b2f(anyCalled && rel[c.tool][0] >= maxCalled),
			b2f(isLatest),
			math.Log1p(float64(len(c.answer))) / 6,
			0, 0,
			afford(c.tool),
			b2f(support == maxSupport),
		})
	}
	if !last || len(dec.cands) == 0 {
		for i, spec := range s.Tools {
			if called[spec.Name] {
				continue
			}
			c := candidate{kind: kindCall, tool: i}
			delta, esc := rel[i][0], 0.0
			if anyCalled {
				delta = rel[i][0] - maxCalled
				esc = b2f(delta > 0)
			}
			fill(&c, [nCandFeat]float64{0, 0, 0, 0, 0, delta, esc, afford(i), 0})
			dec.cands = append(dec.cands, c)
		}
	}
	if p.cfg.Decider != 0 {
		dec.multi = newMulti(dec, hs, called, s, acc, cost, lat, psum, calls, last, afford)
		dec.multi.rel = rel
	}
	return dec, nil
}

// newMulti gathers the decider's weight-free input for dec.
func newMulti(dec *decision, hs []held, called map[string]bool, s *policy.State, acc, cost, lat, psum float64, calls int, last bool, afford func(int) float64) *multi {
	m := &multi{
		acc: acc, cost: cost, lat: lat, calls: calls, last: last,
		support: make([][]int, len(dec.cands)),
		keys:    make([]string, len(dec.cands)),
		afford:  make([]float64, len(dec.cands)),
		toolW:   make([]float64, len(dec.cands)),
		called:  make([]bool, len(dec.tools)),
		nominal: make([]float64, len(dec.tools)),
	}
	for i, tf := range dec.tools {
		m.called[i] = called[tf.spec.Name] || i >= len(s.Tools)
		m.nominal[i] = tf.nominal
	}
	for _, h := range hs {
		m.obs = append(m.obs, observed{tool: h.tool, key: h.norm})
	}
	for c := range dec.cands {
		cd := &dec.cands[c]
		if cd.kind == kindAnswer {
			m.keys[c] = normAnswer(cd.answer)
			for _, h := range hs {
				if h.norm == m.keys[c] {
					m.support[c] = append(m.support[c], h.tool)
				}
			}
			continue
		}
		m.afford[c] = afford(cd.tool)
		m.toolW[c] = math.Max(0, s.Task.Preferences.Tools[dec.tools[cd.tool].spec.Name]) / psum
	}
	return m
}
