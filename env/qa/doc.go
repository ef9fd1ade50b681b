// Package qa is the question-answering environment: FRAMES, HLE and
// GSM8K-style sets of questions with reference answers, each question one
// task, scored as ToolOrchestra's evaluation scores them.
//
// # Sets
//
// [LoadFRAMES] reads FRAMES's frames_test_set.csv (columns id, Prompt,
// Answer) from the directory the dataset resolver returns for "frames".
// [LoadFile] reads any JSONL or CSV file with a question and an answer per
// row (HLE's and GSM8K's layouts among them; see [LoadFile] for the column
// names accepted). A GSM8K answer ("…\n#### 72") is cut to what follows
// "#### ".
//
// # Scoring
//
// [Env.Score] follows ToolOrchestra's eval_hle.py / eval_frames.py: an
// empty prediction, or one of more than 500 words, is wrong; a
// prediction equal to the reference after normalisation ([Normalize]) is
// right; when both parse as numbers ([NumericEqual]) they are compared
// exactly, without a judge. Otherwise the [Judge] is asked with
// ToolOrchestra's judging prompt ([JudgePrompt]) and its
// "<correct>True</correct>" verdict decides. Without a judge, a
// prediction that matches neither way is wrong.
//
// The judge's cost is not part of any episode: [Judge] keeps its own
// total ([Judge.Stats]), so reports show what the policies spent and what
// grading spent apart. A judge call that fails leaves the question
// ungraded: its [env.Score] is not correct, carries Breakdown
// "judge_error" = 1 and says why in Detail; callers count these and must
// not report such a run as clean.
//
// # Tools
//
// The environment's tools are the ones it is given ([Options.Tools]): the
// models, search and code tools of the configuration. They hold no state
// between questions, so every rollout gets the same set.
package qa
