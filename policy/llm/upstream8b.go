package llm

import (
	"fmt"
	"strings"

	"github.com/batonhq/baton/tool"
)

// Context styles: which of ToolOrchestra's evaluation scripts the
// Orchestrator-8B context follows.
const (
	// ContextHLE follows eval_hle.py, the general script: documents cut at
	// 1,200 characters and marked " ...", 50 passages per search, a
	// 27,000-token context less the problem, all functions every turn.
	ContextHLE = "hle"
	// ContextFRAMES follows eval_frames.py: documents cut at 4,000
	// characters, 150 passages per search, a 24,000-token context, and no
	// search function once documents exist.
	ContextFRAMES = "frames"
)

// style is one evaluation script's rules.
type style struct {
	name      string
	docCut    int    // characters of each document the orchestrator sees
	docSuffix string // after each cut document
	topK      int    // passages asked of a search
	minQuery  int    // a written query shorter than this is not searched
	askQuery  string // the query writer's instruction
	problemAt string // between the expert context and the problem in the answer prompt
	chooseEnd string // after "Choose an appropriate tool."
	// dropSearch withholds search once documents exist.
	dropSearch bool
	// expertCtx is the expert context budget of each family and function.
	expertCaps map[string]map[family]caps
}

// caps are one expert's context budgets, in tokens, and how much of each
// document it sees (0: whole).
type caps struct{ code, context, docCut int }

// family is an expert model's family, read from its tool name as
// ToolOrchestra reads it from the model name.
type family string

const (
	famGPT   family = "gpt" // gpt-5, claude, and any model of no known family
	famCoder family = "qwen2.5-coder"
	famMath  family = "qwen2.5-math"
	famQwen3 family = "qwen3"
	famLlama family = "llama"
)

// familyOf classifies a tool by its name, as upstream's substring checks
// classify model names.
func familyOf(spec tool.Spec) family {
	n := strings.ToLower(spec.Name)
	switch {
	case strings.Contains(n, "qwen2.5-coder"):
		return famCoder
	case strings.Contains(n, "qwen2.5-math"):
		return famMath
	case strings.Contains(n, "qwen3") && !strings.Contains(n, "235"):
		return famQwen3
	case strings.Contains(n, "llama"):
		return famLlama
	}
	return famGPT
}

var styles = map[string]style{
	ContextHLE: {
		name: ContextHLE, docCut: 1200, docSuffix: " ...", topK: 50, minQuery: 5,
		askQuery:  "Instead of directly answering the question, please write a query to search for a piece of relevant and missing information. The query should be a few key words about the information to search or a short sentence. Wrap the query within <query> and </query>.",
		problemAt: "\n\nProblem:\n", chooseEnd: "'",
		expertCaps: map[string]map[family]caps{
			fnReason: {famCoder: {16000, 24000, 1000}, famGPT: {40000, 120000, 0}},
			fnAnswer: {famMath: {1000, 2000, 1000}, famLlama: {10000, 80000, 0}, famQwen3: {12000, 24000, 1000}, famGPT: {40000, 120000, 0}},
			fnSearch: {famQwen3: {12000, 24000, 1000}, famGPT: {40000, 120000, 0}},
		},
	},
	ContextFRAMES: {
		name: ContextFRAMES, docCut: 4000, topK: 150, minQuery: 10,
		askQuery:  "Instead of directly answering the question, please think hard and write a concise query to search Wikipedia. Wrap the query within <query> and </query>.",
		problemAt: "\n\n", dropSearch: true,
		expertCaps: map[string]map[family]caps{
			fnReason: {famCoder: {16000, 24000, 0}, famGPT: {40000, 160000, 0}},
			fnAnswer: {famMath: {1000, 2000, 0}, famLlama: {40000, 80000, 0}, famQwen3: {12000, 24000, 0}, famGPT: {40000, 160000, 0}},
			fnSearch: {famQwen3: {12000, 24000, 0}, famGPT: {40000, 160000, 0}},
		},
	},
}

// styleOf returns the named style; empty is ContextHLE.
func styleOf(name string) style {
	if s, ok := styles[name]; ok {
		return s
	}
	return styles[ContextHLE]
}

// capsFor returns an expert's budgets; a family upstream never uses for
// fn gets gpt-5's.
func (st style) capsFor(fn string, f family) caps {
	if c, ok := st.expertCaps[fn][f]; ok {
		return c
	}
	return st.expertCaps[fn][famGPT]
}

// Orchestrator budgets, in tokens (eval_hle.py, eval_frames.py).
const (
	codeAttemptTokens = 12000
	framesCtxTokens   = 24000
	hleCtxTokens      = 27000
	// queryChars is how much of a written query is sent to the search.
	queryChars = 390
)

// Expert instructions, verbatim from ToolOrchestra (typos included: the
// models were evaluated with them).
const (
	askCode        = "Instead of directly answering the question, please write additional python code that will give intermidiate results after execution. Wrap the code within ```python and ```. The code should be self-contained with all the import and initialization."
	boxedSystem    = "Please reason step by step, and put your final answer within \\boxed{}."
	answerGPTTail  = "\n\nTake a deep breath and think hard with high reasoning, wrap the thoughts within <think> and </think>, and wrap only the exact answer without any explanation within <answer> and </answer>.Output using the following format:\n<think>\n...\n</think>\n<answer>\n...\n</answer>"
	answerLlamaEnd = "\nWrap the thinking process and explanation between <think> and </think> and wrap only the exact answer without any explanation within <answer> and </answer>."
)

// codeBlocks writes the code runs as upstream does.
func codeBlocks(runs []codeRun) string {
	var b strings.Builder
	for _, c := range runs {
		fmt.Fprintf(&b, "```python\n%s\n```\n\n```output\n%s\n```\n\n", c.code, c.output)
	}
	return b.String()
}

// orchestratorContext is the context of the orchestrator's own prompt.
// Upstream keeps an attempt list here too, but an answer ends its
// episode, so the list is always empty during evaluation.
func (st style) orchestratorContext(problem string, g gathered) string {
	var docs strings.Builder
	for i, d := range g.docs {
		fmt.Fprintf(&docs, "Doc %d: %s%s\n\n", i+1, headRunes(d, st.docCut), st.docSuffix)
	}
	docStr := docs.String()
	ca, caLen := cutTokens(codeBlocks(g.code), codeAttemptTokens)
	if ca != "" && !strings.HasPrefix(ca, "```") {
		ca = "```\n" + ca
	}
	limit := framesCtxTokens
	if st.name == ContextHLE {
		limit = hleCtxTokens - countTokens(problem)
	}
	if caLen >= limit {
		return ca
	}
	var ctx string
	if st.name == ContextHLE && ca == "" {
		ctx, _ = cutTokens(docStr, limit)
	} else {
		ctx, _ = cutTokens(docStr+codeHeader+ca, limit)
	}
	if docStr != "" {
		ctx = docsHeader + ctx
	}
	return ctx
}

// expertContext is the context an expert of family f gets for fn.
func (st style) expertContext(fn string, f family, problem string, g gathered) string {
	c := st.capsFor(fn, f)
	var docs strings.Builder
	for i, d := range g.docs {
		if c.docCut > 0 {
			d = headRunes(d, c.docCut)
		}
		fmt.Fprintf(&docs, "Doc %d: %s\n\n", i+1, d)
	}
	docStr := docs.String()
	code, _ := cutTokens(codeBlocks(g.code), c.code)
	if code != "" && !strings.HasPrefix(code, "```") {
		code = "```\n" + code
	}
	ctx, _ := cutTokens(docStr+code, c.context-countTokens(problem))
	if docStr != "" {
		ctx = docsHeader + ctx
	}
	return ctx
}

// userPrompt is the orchestrator's user message of a turn.
func (st style) userPrompt(problem string, g gathered) string {
	return "Problem: " + problem + "\n\n" + st.orchestratorContext(problem, g) + "\n\n" + choosePrompt + st.chooseEnd
}
