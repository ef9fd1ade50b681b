// Package learned is Baton's embedded orchestrator: a small neural policy
// in pure Go that scores every candidate action of a turn and picks one.
// It is registered as policy kind "learned" (see [Options] and [Open]) and
// trained by package grpo.
//
// # Actions
//
// Each turn the candidates are: call an allowed tool that this episode has
// not called yet (calling a recorded model twice returns the same answer, so
// repeats are masked), or answer with the content of a successful earlier
// result (one candidate per distinct content). On the turn-budget's last turn
// only answers are offered when there is any. With no candidate left the
// policy answers with an empty string.
//
// # Features
//
// No pretrained encoder exists here, so text is seen through feature
// hashing ([Config.TextBuckets] buckets, signed, L2-normalised): word
// unigrams and bigrams, character 4-grams of words, and cue tokens (multiple
// choice, code, math, question). A tool is seen through its [tool.Spec]:
// hashed name, name parts, description words and tags ([Config.ToolBuckets]
// buckets), log prices, log latency and tag flags, plus its price and
// latency rank within the run's tool set. So a tool never seen in training
// can still be scored. Preferences (accuracy, cost, latency, the tool's own
// weight) and the episode state (turn, spend, calls, how held answers agree,
// whether a candidate answer came from the most expensive model called)
// complete the input.
//
// # Network
//
// The text embedding t = E_textᵀ·x_text and tool embedding u = E_toolᵀ·x_tool
// (dimension [Config.Dim]) feed one of two heads, for calls and for answers;
// each head is a one-hidden-layer MLP (leaky ReLU, [Config.Hidden] units)
// over [t, text numerics, preferences, state] shared by all candidates and
// [t⊙u, u, tool numerics, candidate features] per candidate, giving one
// logit per candidate; π = softmax(logits/T). [Policy.Decide] is greedy;
// [Policy.Sample] samples and returns a [Trace] from which the trainer
// recomputes log π under new weights and back-propagates ([Policy.Backward]).
//
// # Score mode
//
// With [Config.Score] enabled ([Policy.SetScoreHead]) the call head is a
// score predictor: run on the task text and each tool alone (neither
// preferences nor episode state reach it), σ(output) = ŝ is the predicted
// chance that the tool's answer is correct ([Policy.Scores], fitted with
// [Policy.BackwardScores]). A call's logit is then
// (a·ŝ − c·CostWeight·nominal − l·latency/LatencyScaleS + w)/Temp, an
// answer's a·ŝ/Temp of its source tool, with a, c, l, w the normalised
// preference; so greedy decisions maximise the preference's utility and
// a dearer preference never picks a dearer tool for a lower score. The
// answer head is unused in this mode; GRPO still trains through the same
// logits.
//
// # Decider: the multi-turn layer
//
// With [Config.Decider] set (a policy gets it from [Policy.WithDecider])
// the logits come from the decider instead: a linear layer over named
// [Features] of each candidate, computed from the score head's ŝ for every
// tool and from what the episode has observed. After each call the policy
// sees that call's extracted answer ([tool.Result.Answer]: a replayed
// model's parsed final answer, or the result's text), whether it parsed,
// the completion's length, how the answers seen so far agree (a
// naive-Bayes vote in which each answer is a witness right with
// probability ŝ of its tool), spend, budget left and the turn; plus the
// question's text and every tool's spec through ŝ, so a model absent from
// training is still scored. Nothing that encodes a gold answer or a
// recorded correctness reaches it (TestDecisionsIgnoreGold shuffles the
// gold answers and checks that no decision changes). The actions are: call
// a tool not yet called, or answer with one of the answers observed; the
// policy cannot invent an answer.
//
// The weights θ come in four blocks, one per objective (accuracy, cost,
// latency, tool preference); a candidate's logit is the
// preference-weighted mixture (a·θ_a + c·θ_c + l·θ_l + r·θ_r)·Features, so
// one checkpoint serves every preference and GRPO can learn what each
// objective makes a feature worth. Initialised by [Policy.WithDecider],
// the decider reproduces score mode exactly; package grpo then clones a
// fixed agreement cascade into it and trains it with GRPO on whole
// episodes. Only θ is trained there: gradients do not reach the score
// head through the decider.
//
// Supervised trainers use [Policy.Prepare] to build a turn's [Decision]
// once and [Policy.BackwardLogits] to fit any function of its logits. The
// text embedding starts small (see textInitSD) so that it grows only along
// directions shared by many prompts.
//
// Embeddings are cached per task prompt and per tool for the current weights
// (the cache is invalidated by [Policy.Touch]); the policy holds no episode
// state between calls and is safe for concurrent use while its weights are
// not being changed.
//
// # Embedded checkpoints
//
// The binary carries one checkpoint per bundled source, each the GRPO
// output of `baton train --source SOURCE --seed 1` ([DefaultFor]):
// llmrouter, zeroeval:gsm and zeroeval:math-l5. [Default] is the
// zeroeval:gsm one, the multi-turn orchestrator.
//
// # Checkpoints
//
// [Policy.Save] writes: the magic "BATONPOL", a little-endian uint32 format
// version (1), a uint32 length and the JSON [Config], a uint64 parameter
// count and the parameters as float32 little-endian, then a CRC-32 (IEEE)
// of everything before it. Bytes depend only on config and weights. [Load]
// refuses other magics, versions, sizes and checksums with a clear error.
package learned
