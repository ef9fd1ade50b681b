package replay

import (
	"context"
	"fmt"
	"strings"

	"github.com/batonhq/baton/answer"
	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
)

// Score verifies an episode of task. For most sources the final answer
// must be the Content of a successful model call the episode holds, and the
// latest such call's recorded score is the outcome. For a source with
// extracted answers (zeroeval) the final answer, in canonical form, must be
// the extracted answer of a successful call the episode holds (a policy
// cannot invent an answer), or that call's whole completion forwarded
// verbatim (as baselines answer with a result's Content), which stands for
// the answer extracted from it; the outcome is ZeroEval's metric of that
// answer against the gold: 1 or 0.
func (e *Env) Score(ctx context.Context, task episode.Task, ep *episode.Episode) (env.Score, error) {
	i, ok := e.index[task.ID]
	if !ok {
		return env.Score{}, fmt.Errorf("replay: %s: unknown task %q", e.name, task.ID)
	}
	if ep == nil {
		return env.Score{}, fmt.Errorf("replay: %s: task %q: no episode to score", e.name, task.ID)
	}
	ans := strings.TrimSpace(ep.Answer)
	if ans == "" {
		return env.Score{Detail: fmt.Sprintf("no final answer (status %q)", ep.Status)}, nil
	}
	if e.extracted {
		return e.scoreExtracted(i, ans, ep), nil
	}
	for s := len(ep.Steps) - 1; s >= 0; s-- {
		st := ep.Steps[s]
		if st.Action.Final || st.Result == nil || st.Failed() {
			continue
		}
		mi, ok := e.byTool[st.Action.Tool]
		if !ok || !e.rec[i][mi].present {
			continue
		}
		if strings.TrimSpace(st.Result.Content) != ans {
			continue
		}
		r := e.rec[i][mi]
		return env.Score{
			Outcome:   r.score,
			Correct:   r.score >= CorrectThreshold,
			Breakdown: map[string]float64{"recorded_score": r.score},
			Detail:    fmt.Sprintf("answer is %s's result of turn %d; recorded score %g", st.Action.Tool, st.Turn, r.score),
		}, nil
	}
	return env.Score{
		Breakdown: map[string]float64{"recorded_score": 0},
		Detail:    "answer matches no successful model result held in the episode",
	}, nil
}

// scoreExtracted scores a zeroeval episode whose final answer is ans.
func (e *Env) scoreExtracted(i int, ans string, ep *episode.Episode) env.Score {
	canon := answer.ZeroEvalCanonical(ans)
	for s := len(ep.Steps) - 1; s >= 0; s-- {
		st := ep.Steps[s]
		if st.Action.Final || st.Result == nil || st.Failed() {
			continue
		}
		mi, ok := e.byTool[st.Action.Tool]
		if !ok || !e.rec[i][mi].present {
			continue
		}
		r := e.rec[i][mi]
		if !r.parsed || (r.answer != canon && strings.TrimSpace(r.text) != ans) {
			continue
		}
		if answer.ZeroEvalCorrect(r.answer, e.gold[i]) {
			return env.Score{
				Outcome:   1,
				Correct:   true,
				Breakdown: map[string]float64{"recorded_score": 1},
				Detail:    fmt.Sprintf("answer %q is %s's answer of turn %d; correct by ZeroEval's metric", r.answer, st.Action.Tool, st.Turn),
			}
		}
		return env.Score{
			Breakdown: map[string]float64{"recorded_score": 0},
			Detail:    fmt.Sprintf("answer %q is %s's answer of turn %d; wrong by ZeroEval's metric", r.answer, st.Action.Tool, st.Turn),
		}
	}
	return env.Score{
		Breakdown: map[string]float64{"recorded_score": 0},
		Detail:    fmt.Sprintf("answer %q (canonical form) is no answer extracted from a successful model call held in the episode", canon),
	}
}
