// Package reward turns scored episodes into the rewards and advantages GRPO
// trains on. Everything here is a pure function of its arguments.
//
// # Outcome
//
// [Outcome] is the verifier's env.Score.Outcome clamped to [0, 1]. A rollout
// is solved ([Rollout.Solved]) when Correct is set or Outcome ≥ 0.5.
//
// # Preference-weighted reward (ToolOrchestra, arXiv 2511.21689)
//
// For the rollouts of one task (a group), each rollout i gets a feature
// vector
//
//	M_i = [calls(t_1), …, calls(t_k), outcome, −cost, −latency]
//
// where t_1…t_k are the sorted union of tool names called in the group (plus
// every tool the preference names), calls(t) counts the rollout's calls of t,
// cost is in US dollars ([money.Amount.USD], used for the reward only) and
// latency is in seconds. Each feature j is min-max normalised over the whole
// group, solved and unsolved rollouts alike:
//
//	N_ij = (M_ij − min_i M_ij) / (max_i M_ij − min_i M_ij)
//
// and a feature with no spread (max = min) is 0 for everyone. The reward is
//
//	R_i = P · N_i   if rollout i is solved,   R_i = 0 otherwise,
//
// with P the preference vector [w(t_1), …, w(t_k), accuracy, cost, latency]
// taken from episode.Preferences (Tools[t] for w(t)) and divided by the sum of
// its entries, so that R ∈ [0, 1] and the skip threshold below means the same
// whatever scale a user writes weights in. A zero preference means
// [Balanced]. Negative weights are treated as 0.
//
// # Advantages
//
// [Advantages] computes A_i = (R_i − mean R)/(std R + [Epsilon]) over the
// group, with the population standard deviation, clipped to ±[ClipAdvantage].
// A group whose std ≤ [MinStd] carries too little signal and is reported as
// skipped (all advantages 0).
package reward
