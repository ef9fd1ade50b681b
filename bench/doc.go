// Package bench is Baton's benchmark harness and the home of its
// evaluation protocol. [Plan] runs the protocol on one source; `baton
// bench` only parses flags into a Plan, so tests run exactly what users
// run. [Evaluate] runs one policy over an environment's tasks through the
// real orchestrator and aggregates a [Row]; [Oracle], [Single], [KNN],
// [Cascade], [Vote] and [Frugal] are the reference policies; [AUC] and
// [FamilyAUC] compare accuracy-cost curves; [WriteReport] writes
// results.json, a Pareto plot and an HTML page.
//
// # The protocol
//
// Splits. [LoadSplits] divides each source into train, validation and
// test by a fixed rule, the same on every run and machine:
//
//   - zeroeval:gsm, zeroeval:math-l5: [replay.SplitOf] of the question ID
//     (a hash: 65% train, 15% validation, 20% test). With --eval DIR, test
//     is every question of DIR not in train or validation.
//   - llmrouter: its own train and test files; validation is every 10th
//     question of the train file, by position.
//   - routerarena, routellm:*: every 5th question is test; of the rest,
//     every 10th is validation (with --eval DIR, DIR is test).
//
// Fitting and choosing. Every learned or fitted policy is fitted on train
// and every choice about it is made on validation only: the learned
// policy's warm start, GRPO fine-tuning, its early stopping, its
// checkpoint and whether the warm start or GRPO is kept ([grpo.Fit] takes
// the validation env); the kNN index (train questions only); the vote
// members (train accuracy); the FrugalGPT-style cascade's scorers and
// thresholds (train) and its chain of models (validation). Labels used in
// fitting (which answers were correct) come from the training and
// validation records; no policy ever reads a recorded outcome while it
// decides.
//
// Test. Every row is evaluated once per run on test, under the same turn
// budget (5 turns, or what a fixed reference rule needs: Cap+2 for a
// cascade, k+1 for vote:k). No number measured on test feeds back into any
// choice, and no shipped checkpoint is gated on test numbers: tests check
// shipped checkpoints on validation data, or check behaviour.
//
// Unseen models. Plan.Holdout hides models from every fitting step (the
// learned policy, kNN, votes, frugal) and leaves them present at
// evaluation; the fixed cascades, fitted on nothing, see every model.
//
// # Rows
//
//   - single:<model> for every model; random; cheapest; strongest;
//   - oracle: per question the cheapest model that was right (reads the
//     test records: the limit, not a policy);
//   - knn:<threshold>: a one-shot similarity router swept 0..1;
//   - cascade:agree2, cascade:agree3: models in nominal price order
//     (1,000 input + 1,000 output tokens at the spec's list price); answer
//     when 2 or 3 extracted answers agree; after Plan.CascadeCap cheap
//     models (default 4, --cascade-cap) call the dearest model and adopt
//     its answer;
//   - frugal, frugal:cost=<λ>: FrugalGPT-style cascade maximising
//     accuracy − λ·cost/(cost of the most accurate model on train);
//     "frugal" is λ = [FrugalDefault];
//   - vote:3, vote:5: plurality of the k most accurate models on train;
//   - learned:<preset> and learned-warm:<preset> for the presets
//     accuracy, balanced, cost: the returned policy and its warm start
//     (only when the run trains), and learned:cost=<w> and
//     learned-warm:cost=<w>, both swept over the weight of cost.
//
// Cascades, votes and frugal read only what a call returns (the extracted
// answer in Result.Data, its length; see [Observe]); they run on sources
// whose calls return extracted answers and are left out, with a note, on
// outcome-only sources such as LLMRouter.
//
// # Results
//
// A [Row] holds accuracy, mean cost, latency, calls per task, the
// distribution of calls per task for policies that do not always make one
// call, tool shares, whether usage (hence cost) was estimated from text,
// and one example episode. [Results] adds the split sizes, the held-out
// models and the AUC of each family of [Families] over the single models'
// cost range.
//
// Live evaluations have their own subpackages: bench/tau2 (τ²-bench
// conversations with a simulated user) and bench/qa (FRAMES, HLE and
// GSM8K-style question sets graded by exact match and an LLM judge, as
// ToolOrchestra evaluates them); both reuse [WriteReport] and
// [PrintTable].
package bench
