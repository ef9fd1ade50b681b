// Package replay is an [env.Env] over real, recorded outcomes of real
// models on real questions (the routing data sets in shared/data): calling
// model m on a task returns what m really answered there, at its recorded or
// price-derived cost, and the verifier returns m's recorded score.
//
// A task is one question ([episode.Task.Prompt] is its text). Its tools are
// the models recorded on it, one [tool.Tool] per model whose [tool.Spec]
// carries the model's description, its list price, a typical latency and the
// tags llm and remote. A call needs no arguments (the question is implied;
// an optional "prompt" string is accepted and ignored, since only the
// recorded answer exists). Its [tool.Result] holds:
//
//   - Content: the recorded answer text where the data has one (RouterArena,
//     RouteLLM GSM8K, ZeroEval's full completion), otherwise the placeholder
//     "<tool> answer #<task id>";
//   - Data: {"model", "answer", "input_tokens", "output_tokens"}, fields a
//     policy may read; for zeroeval also "parsed" and "chars", and "answer"
//     is the answer extracted from the completion (see below);
//   - Usage and Cost: the recorded token usage and cost where the data has
//     them (RouterArena); otherwise usage estimated with
//     [tool.EstimateTokens] (input: the question; output: the answer text,
//     or [DefaultOutputTokens] when there is none), marked Estimated, priced
//     exactly with [money.Price.Cost].
//
// The recorded score never reaches a policy: it is read only by [Env.Score]
// and by the evaluation helpers [Env.Outcomes], [Env.Outcome] and
// [Env.Oracle], which baselines and reports use and policies must not.
//
// # Scoring a multi-turn episode
//
// A policy may call one model, read its answer, call another, and answer
// with one of the answers it holds. [Env.Score] takes the episode's final
// answer and finds the latest successful model call whose Content equals it
// (surrounding white space ignored); the outcome is that model's recorded
// score on the task, and Correct is score ≥ 0.5. An answer that matches no
// held result scores 0, with a Detail saying so.
//
// # ZeroEval: observable answers
//
// The zeroeval source ([LoadZeroEval]; tasks "gsm" and "math-l5") replays
// the full completions of 17 models, so a policy can read each model's
// answer before deciding again. [answer.ZeroEval] extracts a completion's
// final answer by ZeroEval's own rules (ported from upstream's
// math_eval.py and eval_utils.py, Python semantics included) and returns it
// in a canonical form; [answer.ZeroEvalCorrect] is upstream's correctness rule.
// Together they reproduce every accuracy in shared/data/zeroeval/README.md
// exactly. [Env.Score] canonicalises the final answer the same way and
// requires it to equal the extracted answer of a successful call held in
// the episode (or to be that call's completion forwarded verbatim); the
// outcome is then the metric against the gold (1 or 0).
// [Outcome.Answer] is the canonical answer.
//
// # Splits
//
// [SplitOf] assigns every task to train, validation or test by a fixed rule
// of its ID: the first 8 bytes of sha256("baton-split:" + id), as a
// big-endian integer, mod 20: 0–12 train (65%), 13–15 val (15%), 16–19
// test (20%). The salt keeps it independent of upstream ZeroEval's
// hold-out rule (sha256(id) mod 5, the questions not shipped).
// [Env.Subset] gives the view of one part.
//
// # Latency
//
// No source records wall time, so a call's latency is simulated by one
// documented rule, [SimulatedLatency]: [LatencyOverhead] (300 ms) plus the
// output tokens at a per-model decoding speed: from the model's size with
// [SpeedOfSize] (default_llm.json's size, or an assumed size for API models
// that publish none), or for zeroeval from a table of typical published
// hosted speeds (not measurements). Result.Latency carries it, and a
// [tool.Set] keeps a latency its tool reports; Spec.Latency is the median
// over the model's calls in the loaded data.
//
// # Loaders
//
// [LoadLLMRouter], [LoadRouterArena], [LoadRouteLLM] and [LoadZeroEval]
// read any directory laid out like the corresponding source in shared/data
// (for zeroeval also upstream's result_dirs/<task>/ or the task folder), so
// another split (the held-out one) loads by path; [Load] dispatches by source name and
// [Open] resolves the directory with package dataset first. Malformed rows
// are rejected with an error naming the file, the line or record and the
// field. Task order is the files' order and is deterministic.
package replay
