package learned

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Features are the named inputs of the decider: the multi-turn layer that
// turns the score head's per-tool predictions and what the episode has
// observed into one logit per candidate, logit = θ·Features. Fields
// prefixed Ans are set for answer candidates only, Call for call
// candidates only; the others are zero. Preference weights a, c, l are
// the task's normalised accuracy, cost and latency weights.
//
// Nothing here is derived from a gold answer or a recorded score: only
// the task text and tool specs (through the score head ŝ), the answers
// observed so far, spend, budget and turn.
type Features struct {
	// AnsBias is 1 for an answer candidate.
	AnsBias float64
	// AnsConf is the logit (÷4, clipped to ±2) of the answer's posterior
	// under a naive-Bayes vote: each observed answer is a witness right
	// with probability ŝ of its tool (see [posterior]).
	AnsConf float64
	// AnsConfAcc is a·AnsConf: confidence matters more when accuracy does.
	AnsConfAcc float64
	// AnsShare is the share of observed answers equal to this one.
	AnsShare float64
	// AnsTop is 1 when this answer has the highest posterior.
	AnsTop float64
	// AnsNumber is 1 when the answer is a plain number (a clean final
	// answer rather than an expression or prose).
	AnsNumber float64
	// AnsLegacy is score mode's answer utility a·ŝ(source)/T.
	AnsLegacy float64
	// AnsCostPref and AnsLatPref are c and l: answering now saves money
	// and time.
	AnsCostPref, AnsLatPref float64
	// AnsLast is 1 on the turn budget's last turn.
	AnsLast float64
	// AnsAgree2 and AnsAgree3 are 1 when at least two (three) observed
	// answers equal this one.
	AnsAgree2, AnsAgree3 float64

	// CallBias is 1 for a call candidate.
	CallBias float64
	// CallLegacy is score mode's call utility
	// (a·ŝ − c·CostWeight·nominal − l·latency/LatencyScaleS + w)/T.
	CallLegacy float64
	// CallPrior is ŝ of the tool.
	CallPrior float64
	// CallGain is a·(1 − P_top)·ŝ: what the call may add to accuracy
	// given how sure the episode already is.
	CallGain float64
	// CallCost is c·log(1 + nominal/cheapest nominal)/log(1000): the
	// call's price relative to the cheapest tool, on a log scale.
	CallCost float64
	// CallLat is l·latency/LatencyScaleS.
	CallLat float64
	// CallTopConf is the best held answer's AnsConf (0 when none).
	CallTopConf float64
	// CallTopConfAcc is a·CallTopConf.
	CallTopConfAcc float64
	// CallFirst is 1 when no answer has been observed yet.
	CallFirst float64
	// CallCalls is the number of calls made so far ÷ 4, and
	// CallCallsCost is c·CallCalls.
	CallCalls, CallCallsCost float64
	// CallStrongest is 1 when the tool has the highest ŝ of the tools
	// not yet called.
	CallStrongest float64
	// CallDisagree is 1 when the observed answers disagree.
	CallDisagree float64
	// CallToolPref is the task's preference weight for the tool,
	// normalised like a, c, l.
	CallToolPref float64
	// CallAfford is the tool's nominal cost over the budget left (capped
	// at 2, ÷2); 0 without a cost cap.
	CallAfford float64
	// CallLogitPrior is logit(ŝ)/4: separates strong tools better than ŝ.
	CallLogitPrior float64
	// CallCheapRank is the tool's price rank among the tools not yet
	// called, 0 for the cheapest, 1 for the dearest.
	CallCheapRank float64
	// CallAboveMedian is 1 when ŝ is at least the median ŝ of the run's
	// tools: a competent tool for this question.
	CallAboveMedian float64
	// CallCheapCompetent is 1 for the cheapest competent tool not yet
	// called (CallAboveMedian and the lowest price among those).
	CallCheapCompetent float64
	// CallPriorDisagree is ŝ when the observed answers disagree, else 0:
	// escalate to a strong tool to break a tie.
	CallPriorDisagree float64

	// AnsInteger is 1 when the answer is a whole number.
	AnsInteger float64
	// AnsLength is log(1 + length of the longest text that gave this
	// answer)/8: a model that wrote at length often struggled.
	AnsLength float64
	// CallTopLength is the best answer's AnsLength (0 when none), and
	// CallTopInteger its AnsInteger.
	CallTopLength, CallTopInteger float64

	// AnsVerified is the verifier's probability that this answer is
	// correct: σ(v·Features) over the answer's other features, with v
	// fitted by logistic regression on training episodes (see
	// [Policy.VerifierWeights]); 0.5 before it is fitted.
	AnsVerified float64
	// CallTopVerified is the highest AnsVerified among the answers held
	// (0 when none): how sure the episode already is.
	CallTopVerified float64
}

// featureNames lists the fields of [Features] in the order of
// [Features.vector]; checkpoints record it so a reordering is caught.
var featureNames = []string{
	"AnsBias", "AnsConf", "AnsConfAcc", "AnsShare", "AnsTop", "AnsNumber", "AnsLegacy", "AnsCostPref", "AnsLatPref", "AnsLast",
	"AnsAgree2", "AnsAgree3",
	"CallBias", "CallLegacy", "CallPrior", "CallGain", "CallCost", "CallLat", "CallTopConf", "CallTopConfAcc",
	"CallFirst", "CallCalls", "CallCallsCost", "CallStrongest", "CallDisagree", "CallToolPref", "CallAfford",
	"CallLogitPrior", "CallCheapRank", "CallAboveMedian", "CallCheapCompetent", "CallPriorDisagree",
	"AnsInteger", "AnsLength", "CallTopLength", "CallTopInteger",
	"AnsVerified", "CallTopVerified",
}

// nFeat is the number of decider features.
const nFeat = 38

// nTheta is the number of decider weights. The logit is
// (a·θ_a + c·θ_c + l·θ_l + r·θ_r)·Features, with a, c, l the normalised
// accuracy, cost and latency weights and r = 1 − a − c − l the share of
// tool preferences: the policy is a preference-weighted mixture of one
// linear policy per objective, so GRPO can learn what a feature is worth
// to each objective, and a preference it never saw mixes them.
const nTheta = 4 * nFeat

// inputs returns the decider's input for f under preference weights a,
// c, l: [a·φ, c·φ, l·φ, r·φ].
func (f *Features) inputs(a, c, l float64) [nTheta]float64 {
	var x [nTheta]float64
	r := math.Max(0, 1-a-c-l)
	v := f.vector()
	for i, phi := range v {
		x[i], x[nFeat+i], x[2*nFeat+i], x[3*nFeat+i] = a*phi, c*phi, l*phi, r*phi
	}
	return x
}

// Positions of the score-mode utilities and the verifier's outputs in
// [Features.vector].
const (
	iAnsLegacy       = 6
	iCallLegacy      = 13
	iAnsVerified     = 36
	iCallTopVerified = 37
)

// VerifierInput is what the answer verifier reads of f: its vector
// without the verifier's own outputs and without score mode's utilities
// (scaled by a temperature, they would swamp the rest).
func (f Features) VerifierInput() []float64 {
	x := f.vector()
	x[iAnsVerified], x[iCallTopVerified], x[iAnsLegacy], x[iCallLegacy] = 0, 0, 0, 0
	return x[:]
}

// verify fills AnsVerified and CallTopVerified of fs with the verifier v.
func verify(v []float64, fs []Features) {
	top := 0.0
	for c := range fs {
		if fs[c].AnsBias != 1 {
			continue
		}
		fs[c].AnsVerified = sigmoid(dot(v, fs[c].VerifierInput()))
		top = math.Max(top, fs[c].AnsVerified)
	}
	for c := range fs {
		if fs[c].CallBias == 1 {
			fs[c].CallTopVerified = top
		}
	}
}

func (f *Features) vector() [nFeat]float64 {
	return [nFeat]float64{
		f.AnsBias, f.AnsConf, f.AnsConfAcc, f.AnsShare, f.AnsTop, f.AnsNumber, f.AnsLegacy, f.AnsCostPref, f.AnsLatPref, f.AnsLast,
		f.AnsAgree2, f.AnsAgree3,
		f.CallBias, f.CallLegacy, f.CallPrior, f.CallGain, f.CallCost, f.CallLat, f.CallTopConf, f.CallTopConfAcc,
		f.CallFirst, f.CallCalls, f.CallCallsCost, f.CallStrongest, f.CallDisagree, f.CallToolPref, f.CallAfford,
		f.CallLogitPrior, f.CallCheapRank, f.CallAboveMedian, f.CallCheapCompetent, f.CallPriorDisagree,
		f.AnsInteger, f.AnsLength, f.CallTopLength, f.CallTopInteger,
		f.AnsVerified, f.CallTopVerified,
	}
}

// FeatureNames returns the names of the decider's inputs in weight order.
func FeatureNames() []string { return append([]string(nil), featureNames...) }

// legacyWeights makes the decider reproduce score mode exactly: the
// logit of every candidate is its score-mode utility (each block weighs
// it by 1 and the blocks' preference shares sum to 1).
func legacyWeights(theta []float64) {
	clear(theta)
	for b := 0; b < nTheta; b += nFeat {
		theta[b+iAnsLegacy] = 1
		theta[b+iCallLegacy] = 1
	}
}

// observed is what an episode step contributed to the decider: the
// answer it returned (if any) and the tool that returned it.
type observed struct {
	tool  int
	key   string // normalised answer, for agreement
	chars int    // length of the result's text
}

// multi is the weight-independent part of the decider's input for one
// decision, built with the decision.
type multi struct {
	acc, cost, lat float64
	calls          int
	last           bool
	obs            []observed
	// support lists, per candidate, the tools whose answers equal an
	// answer candidate's; nil for calls.
	support [][]int
	// keys are the answer candidates' normalised answers.
	keys    []string
	afford  []float64 // per candidate
	toolW   []float64 // per candidate: the tool's preference weight
	called  []bool    // per decision tool
	nominal []float64 // per decision tool
	rel     [][nRel]float64
}

// clampS keeps predicted scores away from 0 and 1 so that odds stay
// finite: no single witness is ever certain.
func clampS(s float64) float64 { return math.Max(0.02, math.Min(0.98, s)) }

// posterior returns, for each distinct observed answer key, the logit of
// the probability that it is correct under a naive-Bayes vote: each
// observed answer is a witness that is right with probability ŝ of its
// tool; the odds of answer v against "none of the observed answers is
// right" are Π_{t supports v} ŝ_t/(1−ŝ_t), and P(v) = odds_v/(1+Σ odds).
func posterior(obs []observed, s []float64) map[string]float64 {
	// Sums run in the order answers were first observed, never in map
	// order, so the same episode gives the same bits (checkpoints are
	// reproducible from a seed).
	var keys []string
	logOdds := map[string]float64{}
	for _, o := range obs {
		q := clampS(s[o.tool])
		if _, seen := logOdds[o.key]; !seen {
			keys = append(keys, o.key)
		}
		logOdds[o.key] += math.Log(q / (1 - q))
	}
	// log(1 + Σ_u odds_u) with a max shift for stability.
	m := 0.0
	for _, k := range keys {
		m = math.Max(m, logOdds[k])
	}
	z := math.Exp(-m)
	for _, k := range keys {
		z += math.Exp(logOdds[k] - m)
	}
	lz := m + math.Log(z)
	out := make(map[string]float64, len(keys))
	for _, k := range keys {
		v := logOdds[k]
		// logit P = log odds_v − log(1 + Σ_{u≠v} odds_u).
		rest := math.Exp(lz) - math.Exp(v)
		out[k] = v - math.Log(math.Max(rest, 1e-12))
	}
	return out
}

// isNumber reports whether s is a plain decimal number.
func isNumber(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
	}
	digits, dot := 0, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// features computes every candidate's [Features] from the weight-free
// input m and the score head's predictions s (per decision tool) and
// legacy utilities u (per candidate).
func (dec *decision) features(s, u []float64, h ScoreHead) []Features {
	m := dec.multi
	post := posterior(m.obs, s)
	topKey, topLogit := "", math.Inf(-1)
	for k, v := range post {
		if v > topLogit || (v == topLogit && k < topKey) {
			topKey, topLogit = k, v
		}
	}
	conf := func(l float64) float64 { return math.Max(-2, math.Min(2, l/4)) }
	distinct := len(post)
	topConf, pTop := 0.0, 0.0
	if distinct > 0 {
		topConf = conf(topLogit)
		pTop = sigmoid(topLogit)
	}
	bestUncalled := -1.0
	cheapest := math.Inf(1)
	med := medianOf(s[:len(m.called)])
	var uncalled []float64
	cheapComp, cheapCompCost := -1, math.Inf(1)
	for i, called := range m.called {
		cheapest = math.Min(cheapest, m.nominal[i])
		if called {
			continue
		}
		bestUncalled = math.Max(bestUncalled, s[i])
		uncalled = append(uncalled, m.nominal[i])
		if s[i] >= med && m.nominal[i] < cheapCompCost {
			cheapComp, cheapCompCost = i, m.nominal[i]
		}
	}
	if cheapest <= 0 || math.IsInf(cheapest, 1) {
		cheapest = 1e-6
	}
	out := make([]Features, len(dec.cands))
	for c := range dec.cands {
		cd := &dec.cands[c]
		f := &out[c]
		if cd.kind == kindAnswer {
			key := m.keys[c]
			f.AnsBias = 1
			f.AnsConf = conf(post[key])
			f.AnsConfAcc = m.acc * f.AnsConf
			f.AnsShare = float64(len(m.support[c])) / float64(max(1, len(m.obs)))
			f.AnsTop = b2f(key == topKey)
			f.AnsNumber = b2f(isNumber(cd.answer))
			f.AnsLegacy = u[c]
			f.AnsCostPref, f.AnsLatPref = m.cost, m.lat
			f.AnsLast = b2f(m.last)
			f.AnsAgree2 = b2f(len(m.support[c]) >= 2)
			f.AnsAgree3 = b2f(len(m.support[c]) >= 3)
			f.AnsInteger = b2f(isInteger(cd.answer))
			f.AnsLength = lengthOf(m.obs, key)
			continue
		}
		t := cd.tool
		f.CallBias = 1
		f.CallLegacy = u[c]
		f.CallPrior = s[t]
		f.CallGain = m.acc * (1 - pTop) * s[t]
		f.CallCost = m.cost * math.Log1p(m.nominal[t]/cheapest) / math.Log(1000)
		if h.LatencyScaleS > 0 {
			f.CallLat = m.lat * dec.tools[t].spec.Latency.Seconds() / h.LatencyScaleS
		}
		f.CallTopConf = topConf
		f.CallTopConfAcc = m.acc * topConf
		f.CallFirst = b2f(len(m.obs) == 0)
		f.CallCalls = float64(m.calls) / 4
		f.CallCallsCost = m.cost * f.CallCalls
		f.CallStrongest = b2f(s[t] >= bestUncalled)
		f.CallDisagree = b2f(distinct >= 2)
		f.CallToolPref = m.toolW[c]
		f.CallAfford = m.afford[c]
		q := clampS(s[t])
		f.CallLogitPrior = math.Log(q/(1-q)) / 4
		f.CallCheapRank = rankIn(uncalled, m.nominal[t])
		f.CallAboveMedian = b2f(s[t] >= med)
		f.CallCheapCompetent = b2f(t == cheapComp)
		f.CallPriorDisagree = s[t] * f.CallDisagree
		if topKey != "" {
			f.CallTopLength = lengthOf(m.obs, topKey)
			f.CallTopInteger = b2f(isInteger(topKey))
		}
	}
	return out
}

// lengthOf is log(1 + the longest text among the observations of key)/8.
func lengthOf(obs []observed, key string) float64 {
	n := 0
	for _, o := range obs {
		if o.key == key {
			n = max(n, o.chars)
		}
	}
	return math.Log1p(float64(n)) / 8
}

// isInteger reports whether s is a whole number, such as "42" or "-3".
func isInteger(s string) bool {
	s = strings.TrimSpace(s)
	return isNumber(s) && !strings.Contains(s, ".")
}

// medianOf returns the lower median of xs (0 when empty).
func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[(len(s)-1)/2]
}

// rankIn returns the share of xs strictly below x, scaled to [0, 1] over
// the others.
func rankIn(xs []float64, x float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	below := 0
	for _, v := range xs {
		if v < x {
			below++
		}
	}
	return float64(below) / float64(len(xs)-1)
}

// WithDecider returns a copy of p with the multi-turn decider enabled and
// its weights θ set so that every logit equals p's score-mode utility:
// the copy decides exactly as p does until θ is trained. p must be in
// score mode.
func (p *Policy) WithDecider() (*Policy, error) {
	if !p.cfg.Score.Enabled() {
		return nil, fmt.Errorf("learned: the decider needs score mode; fit a score head first")
	}
	if p.cfg.Decider != 0 {
		return p.Clone(), nil
	}
	cfg := p.cfg
	cfg.Decider = DeciderVersion
	q := newPolicy(cfg)
	copy(q.w, p.w) // the decider's weights sit after the network's
	legacyWeights(q.w[q.l.dec : q.l.dec+nTheta])
	clear(q.w[q.l.dec+nTheta : q.l.dec+nTheta+nFeat])
	q.feats = p.feats
	return q, nil
}

// DeciderWeights returns the live decider weights θ: four blocks in
// [FeatureNames] order (for the accuracy, cost, latency and tool-preference
// shares), or nil without a decider. Call [Policy.Touch] after changing them.
func (p *Policy) DeciderWeights() []float64 {
	if p.l.dec < 0 {
		return nil
	}
	return p.w[p.l.dec : p.l.dec+nTheta]
}

// VerifierWeights returns the live verifier weights v ([FeatureNames]
// order; AnsVerified's and CallTopVerified's own entries are unused), or
// nil without a decider. Call [Policy.Touch] after changing them.
func (p *Policy) VerifierWeights() []float64 {
	if p.l.dec < 0 {
		return nil
	}
	return p.w[p.l.dec+nTheta : p.l.dec+nTheta+nFeat]
}

// DecisionFeatures returns each candidate's decider [Features] under the
// current weights, or nil when p has no decider.
func (p *Policy) DecisionFeatures(d *Decision) []Features {
	if d.dec.multi == nil || len(d.dec.cands) == 0 {
		return nil
	}
	return p.forwardDecider(d.dec).feats
}

// IsAgreement reports whether candidate i of d answers with an answer that
// at least two observed results gave.
func (p *Policy) IsAgreement(d *Decision, i int) bool {
	m := d.dec.multi
	return m != nil && i >= 0 && i < len(d.dec.cands) && d.dec.cands[i].kind == kindAnswer && len(m.support[i]) >= 2
}
