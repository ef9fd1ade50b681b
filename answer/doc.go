// Package answer reads final answers out of model replies.
//
// [ZeroEval] is ZeroEval's math metric ported rule for rule (the "answer"
// field of a reply's first JSON object, with upstream's regex fallbacks,
// rendered and sanitised as its Python does), with [ZeroEvalCanonical]
// for comparing answers and [ZeroEvalCorrect] for grading one against a
// gold answer. The replay env (env/replay) extracts recorded answers with
// it, and the llm tools (tool/llm, option answer: zeroeval) extract served
// ones with it, so a policy reads a live reply exactly as it read the
// recorded one it was trained on.
package answer
