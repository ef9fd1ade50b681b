// Package grpo trains the learned policy (package policy/learned) with
// Group Relative Policy Optimisation on any env.Env, as ToolOrchestra
// (arXiv 2511.21689) trains its orchestrator.
//
// # Score-head start (the default)
//
// [Fit] starts with [ScoreStart]: the policy is put in score mode
// (package learned, [learned.ScoreHead]) and its call head learns, by
// binary cross-entropy against the probed outcomes of each (task, tool)
// pair, each tool's chance of being right on a task. The text embedding
// takes plain gradient steps (so a bucket learns in proportion to how many
// prompts share it: question types, not single prompts) while the other
// weights use Adam; an exponential moving average of the weights is
// validated on every tenth probed task, and the best epoch is kept
// (early stopping after [WarmConfig.Patience] epochs). When the env names
// task categories ([WarmConfig.Category]; the CLI passes a replay env's
// benchmark names), each target is smoothed toward the tool's mean
// outcome on the task's category ([WarmConfig.Smooth], 0.8 by default):
// one prompt's recorded outcome is mostly noise around its kind's, and a
// head fitted to raw outcomes stays close to each tool's global mean, so
// a cost penalty then trades accuracy for price on the wrong questions.
// The utility of a
// call is then a·ŝ − c·cost/CostScale − l·latency/LatencyScale + w, with
// the scales calibrated on the probes, so preferences act exactly as the
// trade-off weights of [Eval.Score] and no preference is sampled during
// this phase. [FitConfig.Utility] selects the older [WarmStart] instead.
//
// # Utility warm start and the whole recipe
//
// GRPO from a random policy collapses onto the cheapest tool: the group
// reward is 0 for every unsolved rollout, and a cheap tool is often right.
// [WarmStart] therefore first fits the policy by supervised learning on
// the training split's recorded outcomes, read back through the env
// ([ProbeEnv] calls each tool alone on each task): per task and sampled
// preference it maximises the entropy-regularised expected utility
// a·outcome − c·cost/CostScale − l·latency/LatencyScale (the scales and
// weights of [Eval.Score]) of the first call and of the turn after it, with
// an L2 penalty on the text embedding so the policy learns kinds of
// questions rather than single prompts. [Fit] runs a start, then
// GRPO fine-tuning from it ([FineTuneDefaults]: small learning rate, KL to
// the warm start), and keeps whichever validates better.
//
// # The multi-turn recipe (what baton train and baton bench run)
//
// With [FitConfig.Multi] the score-head start is followed by the
// policy's decider (package learned): [CloneStart] clones a fixed
// agreement cascade ([CascadeTeacher]: call the competent tool that is
// cheapest and fastest as the preference weighs them, answer once two
// answers agree, escalate to the strongest tool after three calls) into
// the decider's weights by softmax cross-entropy. On a source whose
// models never give the same answer (the teacher sees agreement on fewer
// than 5% of training tasks; LLMRouter records no answer text) GRPO
// starts instead from the one-shot score router the decider reproduces
// before any training. [Train] then runs GRPO on whole episodes with
// [MultiDefaults]: plain gradient descent ([Config.SGD]; Adam would move
// a preference block's weights as far for a faint pull as for a strong
// one), sampling temperature 1.5, KL 0.1 to the warm start. The policy
// returned is always GRPO's, its best validation step; the warm start is
// kept in [FitStats.WarmPolicy] so reports can show both.
//
// # Algorithm
//
// Each step draws [Config.BatchTasks] training tasks (a seeded shuffle,
// reshuffled each pass), gives each a preference from [Config.Prefs]
// (default [SamplePreferences]) and a turn budget, and runs [Config.Group]
// rollouts per task with orchestrator.Run, sampling the current policy at
// [Config.Temp]. Each episode is scored by the env; package reward turns the
// group into preference-weighted rewards and advantages, and groups with
// reward std ≤ 0.1 are skipped. Every decision of a kept rollout becomes a
// sample with its rollout's advantage; decisions of skipped groups are
// kept with advantage 0 when a KL or entropy weight is set, so those
// regularisers also act on tasks where the policy has become deterministic
// (otherwise such a task is skipped forever). [Config.Epochs] Adam steps then
// minimise the PPO-clip objective with clip-higher and a k3 KL penalty to
// a reference policy (the initial one, or refreshed every
// [Config.RefEvery] steps); see ppo in loss.go for the exact formula. The
// global gradient norm is clipped to [Config.MaxGradNorm].
//
// Latency in rewards and evaluation is the nominal latency of the calls
// (the sum of their Spec.Latency), not wall time, so a run is reproducible.
//
// # Determinism
//
// All randomness comes from one rand.Rand seeded with [Config.Seed]: task
// order, preferences, and one seed per rollout drawn in a fixed order
// before rollouts run in parallel. Results are combined in index order, so
// the same seed, data and config give the same checkpoint bytes whatever
// [Config.Workers] is.
//
// # Validation
//
// Every [Config.EvalEvery] steps the greedy policy runs on the validation
// env under each of [Presets]; [Eval.Score] combines accuracy, cost and
// latency, the best policy is kept (and written to best.ckpt), and training
// stops after [Config.Patience] evaluations without improvement.
//
// # Export format
//
// With [Config.Export] set, every rollout is written as one JSON object per
// line ([Record]), for external trainers such as veRL:
//
//	step        int      optimisation step (1-based)
//	group       string   "s<step>-t<index in batch>": rollouts of one task
//	rollout     int      index within the group
//	task_id     string   env task ID
//	prompt      string   task text
//	tools       [Spec]   tool specs offered (name, description, parameters,
//	                     price in dollars, latency in ns, tags)
//	preference  object   {accuracy, cost, latency, tools{name: weight}}
//	actions     [object] per turn: turn, tool, args, final, answer,
//	                     result (content excerpt ≤ 500 bytes), is_error,
//	                     error, cost (dollars), logprob (sampling policy)
//	answer      string   final answer ("" if none)
//	status      string   episode status (answered, max_turns, ...)
//	outcome     float    verifier outcome in [0, 1]
//	correct     bool     verifier verdict
//	cost        number   episode cost in dollars (exact decimal)
//	latency_s   float    nominal latency in seconds
//	reward      float    preference-weighted group reward
//	advantage   float    group-normalised advantage (0 when skipped)
//	skipped     bool     the group had too little reward spread
package grpo
