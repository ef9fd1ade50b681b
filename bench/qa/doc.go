// Package qa runs policies over a question set ([env/qa]) the way
// ToolOrchestra evaluates on HLE and FRAMES: each question is one
// orchestrator episode under a turn budget (50 by default, the paper's),
// graded by the set's verifier, with accuracy, cost and wall-clock
// latency per policy in the paper's table layout.
//
// [Run] returns one [Record] per question and policy and one bench.Row
// per policy; the judge's cost is reported apart ([Summary.JudgeCost]),
// never inside a policy's cost. [Summary.Problems] lists what makes a run
// not clean (ungraded questions, a policy that answered nothing), which
// the CLI turns into a failing exit status.
package qa
