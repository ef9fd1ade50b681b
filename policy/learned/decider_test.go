package learned

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/batonhq/baton/episode"
)

// TestFeatureNames checks that the weight order names the struct's fields
// in declaration order, so θ's meaning cannot drift from the struct.
func TestFeatureNames(t *testing.T) {
	rt := reflect.TypeOf(Features{})
	if rt.NumField() != nFeat || len(featureNames) != nFeat {
		t.Fatalf("%d fields, %d names, nFeat %d", rt.NumField(), len(featureNames), nFeat)
	}
	var f Features
	rv := reflect.ValueOf(&f).Elem()
	for i := 0; i < nFeat; i++ {
		if rt.Field(i).Name != featureNames[i] {
			t.Errorf("field %d is %s, name says %s", i, rt.Field(i).Name, featureNames[i])
		}
		rv.Field(i).SetFloat(float64(i + 1))
	}
	v := f.vector()
	for i := range v {
		if v[i] != float64(i+1) {
			t.Errorf("vector()[%d] = %v, want field %s (%d)", i, v[i], featureNames[i], i+1)
		}
	}
	if featuresOf(v) != f {
		t.Error("featuresOf(vector()) does not round-trip")
	}
}

func deciderTest(t *testing.T) (*Policy, *Policy) {
	t.Helper()
	p := newTest(t)
	if err := p.SetScoreHead(ScoreHead{CostWeight: 50, LatencyScaleS: 2, Temp: 0.05}); err != nil {
		t.Fatal(err)
	}
	q, err := p.WithDecider()
	if err != nil {
		t.Fatal(err)
	}
	return p, q
}

// TestWithDeciderReproducesScoreMode: with its initial weights the
// decider's logits are score mode's, on a first turn and after answers.
func TestWithDeciderReproducesScoreMode(t *testing.T) {
	p, q := deciderTest(t)
	states := []struct {
		name  string
		steps []episode.Step
	}{
		{"first turn", nil},
		{"two answers", []episode.Step{callStep(1, "model-00", "391", false), callStep(2, "model-02", "401", false)}},
		{"agreement", []episode.Step{callStep(1, "model-00", "391", false), callStep(2, "model-01", "391", false)}},
	}
	for _, tc := range states {
		t.Run(tc.name, func(t *testing.T) {
			s := testState(5, tc.steps...)
			dp, _ := p.Prepare(s)
			dq, _ := q.Prepare(s)
			zp, zq := p.DecisionLogits(dp), q.DecisionLogits(dq)
			if len(zp) != len(zq) || len(zp) == 0 {
				t.Fatalf("%d vs %d candidates", len(zp), len(zq))
			}
			for c := range zp {
				if math.Abs(zp[c]-zq[c]) > 1e-9 {
					t.Errorf("candidate %d: score mode %v, decider %v", c, zp[c], zq[c])
				}
			}
		})
	}
	if _, err := newTest(t).WithDecider(); err == nil {
		t.Error("WithDecider without a score head succeeded")
	}
}

// TestDeciderAgreement: answers that agree raise their confidence, and
// an extracted answer (Data.answer) is what agrees, not the raw text.
func TestDeciderAgreement(t *testing.T) {
	_, q := deciderTest(t)
	step := func(turn int, name, text, ans string) episode.Step {
		st := callStep(turn, name, text, false)
		st.Result.Data, _ = json.Marshal(map[string]any{"answer": ans, "parsed": ans != ""})
		return st
	}
	s := testState(5,
		step(1, "model-00", "reasoning A... 391", "391"),
		step(2, "model-01", "other words, 391", "391"),
		step(3, "model-02", "I think 401", "401"),
		step(4, "model-03", "no json here", ""),
	)
	s.Task.Budget.MaxTurns = 8
	d, err := q.Prepare(s)
	if err != nil {
		t.Fatal(err)
	}
	fs := q.DecisionFeatures(d)
	conf := map[string]float64{}
	for c := range fs {
		if d.IsAnswer(c) {
			a := d.Action(c).Answer
			conf[a] = fs[c].AnsConf
			if fs[c].AnsNumber != 1 {
				t.Errorf("answer %q not seen as a number", a)
			}
		}
	}
	if len(conf) != 2 {
		t.Fatalf("answer candidates %v, want 391 and 401 (an unparsed result offers none)", conf)
	}
	if conf["391"] <= conf["401"] {
		t.Errorf("two agreeing witnesses %v not above one %v", conf["391"], conf["401"])
	}
	for c := range fs {
		if !d.IsAnswer(c) && (fs[c].CallDisagree != 1 || fs[c].CallCalls != 1) {
			t.Errorf("call candidate %d: disagree %v calls %v, want 1 and 1", c, fs[c].CallDisagree, fs[c].CallCalls)
		}
	}
}

// TestDeciderGradient compares θ's gradient with finite differences and
// checks that the network's weights get none.
func TestDeciderGradient(t *testing.T) {
	_, q := deciderTest(t)
	theta := q.DeciderWeights()
	rng := rand.New(rand.NewSource(2))
	for i := range theta {
		theta[i] += rng.NormFloat64() * 0.3
	}
	q.Touch()
	s := testState(4, callStep(1, "model-00", "391", false), callStep(2, "model-02", "401", false))
	s.Task.Budget.MaxTurns = 6
	_, tr, err := q.Sample(s, rng, 0.8)
	if err != nil || tr == nil {
		t.Fatal(err)
	}
	grad := make([]float64, len(q.w))
	q.Backward(tr, func(float64, float64) (float64, float64) { return 1, 0.5 }, grad)
	for i := 0; i < q.l.dec; i++ {
		if grad[i] != 0 {
			t.Fatalf("network weight %d got gradient %v through the decider", i, grad[i])
		}
	}
	for i := q.l.dec; i < q.l.dec+nTheta; i++ {
		old := q.w[i]
		const h = 1e-6
		q.w[i] = old + h
		q.Touch()
		lp, ent := q.LogProbEntropy(tr)
		up := lp + 0.5*ent
		q.w[i] = old - h
		q.Touch()
		lp, ent = q.LogProbEntropy(tr)
		q.w[i] = old
		q.Touch()
		num := (up - (lp + 0.5*ent)) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-5*math.Max(1, math.Abs(num)) {
			t.Errorf("θ[%d] (%s): backprop %.8f, numeric %.8f", i-q.l.dec, featureNames[(i-q.l.dec)%nFeat], grad[i], num)
		}
	}
	var buf bytes.Buffer
	if err := q.Save(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if r.Config() != q.Config() || len(r.DeciderWeights()) != nTheta {
		t.Fatalf("config %+v after a checkpoint round trip, want %+v", r.Config(), q.Config())
	}
	for i, w := range q.DeciderWeights() {
		if float32(w) != float32(r.DeciderWeights()[i]) { // checkpoints store float32
			t.Errorf("θ[%d] = %v after a round trip, want %v", i, r.DeciderWeights()[i], w)
		}
	}
}

// featuresOf is the inverse of Features.vector, spelled out field by
// field so the round trip checks the order.
func featuresOf(v [nFeat]float64) Features {
	return Features{
		AnsBias: v[0], AnsConf: v[1], AnsConfAcc: v[2], AnsShare: v[3], AnsTop: v[4], AnsNumber: v[5], AnsLegacy: v[6], AnsCostPref: v[7], AnsLatPref: v[8], AnsLast: v[9],
		AnsAgree2: v[10], AnsAgree3: v[11],
		CallBias: v[12], CallLegacy: v[13], CallPrior: v[14], CallGain: v[15], CallCost: v[16], CallLat: v[17], CallTopConf: v[18], CallTopConfAcc: v[19],
		CallFirst: v[20], CallCalls: v[21], CallCallsCost: v[22], CallStrongest: v[23], CallDisagree: v[24], CallToolPref: v[25], CallAfford: v[26],
		CallLogitPrior: v[27], CallCheapRank: v[28], CallAboveMedian: v[29], CallCheapCompetent: v[30], CallPriorDisagree: v[31],
		AnsInteger: v[32], AnsLength: v[33], CallTopLength: v[34], CallTopInteger: v[35],
		AnsVerified: v[36], CallTopVerified: v[37],
	}
}
