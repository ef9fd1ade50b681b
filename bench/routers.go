package bench

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/baseline"
	"github.com/batonhq/baton/tool"
)

// routeOnce is the shape of a one-shot router: pick a tool for the task,
// call it, answer with what it returned.
func routeOnce(pick func(s *policy.State) string) policy.Policy {
	return policy.Func(func(_ context.Context, s *policy.State) (episode.Action, error) {
		if n := len(s.Steps); n > 0 {
			last := s.Steps[n-1]
			if last.Result != nil {
				if a, ok := last.Result.Answer(); ok {
					return episode.Action{Final: true, Answer: a}, nil
				}
				return episode.Action{Final: true, Answer: last.Result.Content}, nil
			}
			return episode.Action{Final: true, Answer: ""}, nil
		}
		return episode.Action{Tool: pick(s), Args: []byte("{}")}, nil
	})
}

// Oracle returns the limit no router can beat: per task, the cheapest model
// whose recorded answer is correct; when none is, the best-scoring one. It
// reads the recorded outcomes, which is what makes it an oracle.
func Oracle(e *replay.Env) policy.Policy {
	return routeOnce(func(s *policy.State) string {
		if o, ok := e.Oracle(s.Task.ID); ok {
			return o.Tool
		}
		best, bestScore := "", -1.0
		names := make([]string, 0)
		outs := e.Outcomes(s.Task.ID)
		for n := range outs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			o := outs[n]
			if o.Score > bestScore || (o.Score == bestScore && o.Cost < outs[best].Cost) {
				best, bestScore = n, o.Score
			}
		}
		return best
	})
}

// Single returns the policy that always calls the named tool.
func Single(name string) policy.Policy { return baseline.New("single:"+name, baseline.Fixed(name)) }

// KNN is a RouteLLM-style similarity router: it embeds the question as a
// TF-IDF vector over words, finds the K most similar training questions
// (cosine), estimates each model's score as the similarity-weighted mean of
// their recorded scores, and picks the cheapest model whose estimate clears
// a threshold (the best estimate when none does).
type KNN struct {
	K       int // neighbours consulted per question; set by NewKNN
	idf     map[string]float64
	vecs    []sparseVec
	scores  []map[string]float64 // per training task: tool → score
	mu      sync.Mutex
	cache   map[string]map[string]float64
	byPrice func(specs []tool.Spec) []tool.Spec
}

type sparseVec struct {
	idx []string
	val []float64
}

// NewKNN indexes the questions of train, with their outcomes as recorded
// in rec (the replay env holding train's tasks).
func NewKNN(train env.Env, rec *replay.Env, k int) *KNN {
	tasks := train.Tasks()
	df := map[string]int{}
	toks := make([][]string, len(tasks))
	for i, t := range tasks {
		toks[i] = tokenize(t.Prompt)
		seen := map[string]bool{}
		for _, w := range toks[i] {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	kn := &KNN{K: k, idf: map[string]float64{}, cache: map[string]map[string]float64{}, byPrice: func(s []tool.Spec) []tool.Spec {
		return baseline.ByCost(false)(nil, s)
	}}
	for w, n := range df {
		kn.idf[w] = math.Log(float64(1+len(tasks)) / float64(1+n))
	}
	for i, t := range tasks {
		kn.vecs = append(kn.vecs, kn.embed(toks[i]))
		sc := map[string]float64{}
		for name, o := range rec.Outcomes(t.ID) {
			sc[name] = o.Score
		}
		kn.scores = append(kn.scores, sc)
	}
	return kn
}

func tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func (kn *KNN) embed(words []string) sparseVec {
	tf := map[string]float64{}
	for _, w := range words {
		tf[w]++
	}
	var v sparseVec
	var norm float64
	for w, c := range tf {
		x := c * kn.idf[w]
		if x == 0 {
			continue
		}
		v.idx = append(v.idx, w)
		v.val = append(v.val, x)
		norm += x * x
	}
	norm = math.Sqrt(norm)
	for i := range v.val {
		v.val[i] /= norm
	}
	return v
}

func dot(a, b sparseVec) float64 {
	if len(a.idx) > len(b.idx) {
		a, b = b, a
	}
	m := make(map[string]float64, len(b.idx))
	for i, w := range b.idx {
		m[w] = b.val[i]
	}
	var s float64
	for i, w := range a.idx {
		s += a.val[i] * m[w]
	}
	return s
}

// Estimate returns the estimated score of each model on prompt.
func (kn *KNN) Estimate(prompt string) map[string]float64 {
	kn.mu.Lock()
	if est, ok := kn.cache[prompt]; ok {
		kn.mu.Unlock()
		return est
	}
	kn.mu.Unlock()
	q := kn.embed(tokenize(prompt))
	type nb struct {
		i   int
		sim float64
	}
	nbs := make([]nb, len(kn.vecs))
	for i, v := range kn.vecs {
		nbs[i] = nb{i, dot(q, v)}
	}
	sort.Slice(nbs, func(a, b int) bool {
		if nbs[a].sim != nbs[b].sim {
			return nbs[a].sim > nbs[b].sim
		}
		return nbs[a].i < nbs[b].i
	})
	k := min(kn.K, len(nbs))
	est, wsum := map[string]float64{}, map[string]float64{}
	for _, n := range nbs[:k] {
		w := n.sim + 1e-6
		for name, sc := range kn.scores[n.i] {
			est[name] += w * sc
			wsum[name] += w
		}
	}
	for name := range est {
		est[name] /= wsum[name]
	}
	kn.mu.Lock()
	kn.cache[prompt] = est
	kn.mu.Unlock()
	return est
}

// Router returns the policy for one threshold.
func (kn *KNN) Router(threshold float64) policy.Policy {
	return routeOnce(func(s *policy.State) string {
		est := kn.Estimate(s.Task.Prompt)
		specs := kn.byPrice(s.Tools)
		for _, sp := range specs {
			if est[sp.Name] >= threshold {
				return sp.Name
			}
		}
		best, bestEst := "", -1.0
		for _, sp := range specs {
			if est[sp.Name] > bestEst {
				best, bestEst = sp.Name, est[sp.Name]
			}
		}
		return best
	})
}
