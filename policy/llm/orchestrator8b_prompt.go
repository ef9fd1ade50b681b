package llm

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// The 8B model's fixed prompt parts, from ToolOrchestra's evaluation code.
const (
	system8B     = "You are good at using tools."
	choosePrompt = "Choose an appropriate tool."
	codeHeader   = "\npython code and execution outputs:\n"
	docsHeader   = "Documents:\n"
	// docLimit is how much of each document the orchestrator sees, as in
	// ToolOrchestra; experts get documents whole.
	docLimit = 4000
	// contextLimit keeps the end of a long context (about 24k tokens).
	contextLimit = 96_000
)

// Function descriptions and the opening of each model parameter's
// description, as in ToolOrchestra's tools.json.
var (
	fnDescription = map[string]string{
		fnReason: "tool to enhance answer model reasoning. analyze the problem, write code, execute it and return intermidiate results that will help solve the problem",
		fnAnswer: "give the final answer. Not allowed to call if documents is empty.",
		fnSearch: "Search for missing information",
	}
	modelDescription = map[string]string{
		fnReason: "The model used to reason.",
		fnAnswer: "The model used to answer.",
		fnSearch: "The model used to search for missing information.",
	}
)

// tools8B writes the function definitions offered, in tools.json's order,
// for the functions that have aliases and are not excluded.
func tools8B(aliases []alias, exclude string) []chat.ToolDef {
	var defs []chat.ToolDef
	for _, fn := range fnOrder {
		if fn == exclude {
			continue
		}
		var as []alias
		for _, a := range aliases {
			if a.Func == fn {
				as = append(as, a)
			}
		}
		if len(as) == 0 {
			continue
		}
		defs = append(defs, chat.ToolDef{Name: fn, Description: fnDescription[fn], Parameters: modelParams(fn, as)})
	}
	return defs
}

// modelParams is the schema of the single "model" argument, whose
// description lists the aliases, what each is, and a price table.
func modelParams(fn string, as []alias) json.RawMessage {
	var b strings.Builder
	b.WriteString(modelDescription[fn])
	b.WriteString(" Choices: [")
	for i, a := range as {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + a.Name + "'")
	}
	b.WriteString("].")
	for _, a := range as {
		if d := oneLine(a.Spec.Description); d != "" {
			fmt.Fprintf(&b, " %s: %s", a.Name, d)
			if !strings.HasSuffix(d, ".") {
				b.WriteString(".")
			}
		}
		if a.Writer != "" {
			fmt.Fprintf(&b, " %s's code is written by %s, billed at its price.", a.Name, a.Writer)
		}
	}
	b.WriteString(" The table below shows the pricing and latency of each model:\nModel | price per million input tokens | price per million output tokens | average latency")
	var extra []string
	for _, a := range as {
		p := a.Spec.Price
		fmt.Fprintf(&b, "\n%s | %s | %s | %s", a.Name, p.InputPerM, p.OutputPerM, latencyText(a.Spec.Latency))
		if p.PerCall > 0 || p.PerSecond > 0 {
			extra = append(extra, fmt.Sprintf("%s also costs %s.", a.Name, priceText(money.Price{PerCall: p.PerCall, PerSecond: p.PerSecond})))
		}
	}
	if len(extra) > 0 {
		b.WriteString("\n" + strings.Join(extra, " "))
	}
	// A struct keeps the keys in tools.json's order, so the request body is
	// stable byte for byte.
	type prop struct {
		Description string `json:"description"`
		Type        string `json:"type"`
	}
	out, _ := json.Marshal(struct {
		Properties struct {
			Model prop `json:"model"`
		} `json:"properties"`
		Required []string `json:"required"`
		Title    string   `json:"title"`
		Type     string   `json:"type"`
	}{
		Properties: struct {
			Model prop `json:"model"`
		}{prop{Description: b.String(), Type: "string"}},
		Required: []string{"model"},
		Title:    "parameters",
		Type:     "object",
	})
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// gathered is what earlier steps produced, in the order the 8B model reads
// it.
type gathered struct {
	docs     []string
	code     []codeRun
	analyses []string
	attempts []string
	notes    []string
}

type codeRun struct{ code, output string }

// gather sorts the results of the steps into documents, code runs,
// analyses, failed answer attempts and failed turns. Steps are classified
// by the marker in their Thought (see [Orchestrator8B]); steps without one
// by their tool's tags.
func gather(s *policy.State) gathered {
	var g gathered
	steps := s.Steps
	for i, st := range steps {
		a := st.Action
		if a.Final {
			continue
		}
		mk, hasMk := parseMarker(a.Thought)
		spec, _ := s.Tool(a.Tool)
		turn := st.Turn
		if turn == 0 {
			turn = i + 1
		}
		if st.Failed() || st.Result == nil {
			msg := failureText(st)
			if hasMk && mk.stage == stageAnswer {
				g.attempts = append(g.attempts, fmt.Sprintf("Attempt%d answer by %s failed: %s", len(g.attempts)+1, mk.alias, msg))
			} else {
				g.notes = append(g.notes, fmt.Sprintf("Turn %d failed: %s", turn, msg))
			}
			continue
		}
		out := st.Result.Content
		stage := mk.stage
		if !hasMk {
			stage = stageOf(spec)
		}
		next := func() string {
			if i+1 < len(steps) {
				if m, ok := parseMarker(steps[i+1].Action.Thought); ok {
					return m.stage
				}
			}
			return ""
		}
		switch stage {
		case stageSearch, stageFound:
			if !containsString(g.docs, out) {
				g.docs = append(g.docs, out)
			}
		case stageQuery:
			// The query itself is not context; the search it led to is.
			if next() != stageFound {
				g.analyses = append(g.analyses, labelled(mk.alias, out))
			}
		case stageCode:
			if next() != stageRun {
				g.analyses = append(g.analyses, labelled(mk.alias, out))
			}
		case stageRun:
			g.code = append(g.code, codeRun{code: argText(spec, a.Args, codeKeys), output: out})
		case stageAnswer:
			ans := extractAnswer(out)
			if ans == "" {
				ans = "(no answer)"
			}
			g.attempts = append(g.attempts, fmt.Sprintf("Attempt%d answer by %s: %s", len(g.attempts)+1, mk.alias, ans))
		default: // stageReason
			if spec.HasTag(tool.TagCode) && !spec.HasTag(tool.TagLLM) {
				g.code = append(g.code, codeRun{code: argText(spec, a.Args, codeKeys), output: out})
			} else {
				g.analyses = append(g.analyses, labelled(mk.alias, out))
			}
		}
	}
	return g
}

func labelled(alias, text string) string {
	if alias == "" {
		return "Analysis: " + strings.TrimSpace(text)
	}
	return "Analysis by " + alias + ": " + strings.TrimSpace(text)
}

func failureText(st episode.Step) string {
	switch {
	case st.Error != "":
		return st.Error
	case st.Result != nil:
		return st.Result.Content
	}
	return "no result"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// context writes the gathered results the way ToolOrchestra lays them out:
// documents, then code and outputs (here with analyses), then attempts.
// docMax cuts each document (0: whole); the whole is cut from the front
// to at most max bytes, keeping the most recent results.
func (g gathered) context(docMax, max int) string {
	var docs strings.Builder
	for i, d := range g.docs {
		if docMax > 0 {
			d = cutEnd(d, docMax)
		}
		fmt.Fprintf(&docs, "Doc %d: %s\n\n", i+1, d)
	}
	var code strings.Builder
	for _, c := range g.code {
		fmt.Fprintf(&code, "```python\n%s\n```\n\n```output\n%s\n```\n\n", c.code, c.output)
	}
	for _, a := range g.analyses {
		code.WriteString(a + "\n\n")
	}
	for _, a := range g.attempts {
		code.WriteString(a + "\n")
	}
	for _, n := range g.notes {
		code.WriteString(n + "\n")
	}
	ctx := cutFront(docs.String()+codeHeader+code.String(), max)
	if len(g.docs) > 0 {
		ctx = docsHeader + ctx
	}
	return ctx
}

// userPrompt8B is the user message of a turn.
func userPrompt8B(problem, context string) string {
	return "Problem: " + problem + "\n\n" + context + "\n\n" + choosePrompt
}

// cutEnd keeps the first n bytes of s, on a rune boundary.
func cutEnd(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cutFront keeps the last n bytes of s, on a rune boundary.
func cutFront(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// Markers: the last line of an action's Thought records which function,
// alias and stage of the 8B mapping produced it, e.g.
// "orchestrator8b: answer answer-1 answer".
const markerPrefix = "orchestrator8b: "

// Stages of the mapping from a 8B function call to Baton calls.
const (
	stageSearch = "search" // a search tool's call; its result is a document
	stageQuery  = "query"  // a model writing a search query; a search follows
	stageFound  = "found"  // a search tool's call with the query of the previous step
	stageReason = "reason" // a model's analysis, or a code tool's run of given code
	stageCode   = "code"   // a model writing code; a code tool runs it next
	stageRun    = "run"    // a code tool running the code of the previous step
	stageAnswer = "answer" // the answer model's call; the next turn finalises
)

type marker struct{ fn, alias, stage string }

func (m marker) String() string { return markerPrefix + m.fn + " " + m.alias + " " + m.stage }

func parseMarker(thought string) (marker, bool) {
	i := strings.LastIndex(thought, markerPrefix)
	if i < 0 || (i > 0 && thought[i-1] != '\n') {
		return marker{}, false
	}
	line, _, _ := strings.Cut(thought[i+len(markerPrefix):], "\n")
	f := strings.Fields(line)
	if len(f) != 3 {
		return marker{}, false
	}
	return marker{fn: f[0], alias: f[1], stage: f[2]}, true
}

// stageOf classifies a step the 8B mapping did not produce.
func stageOf(spec tool.Spec) string {
	if spec.HasTag(tool.TagSearch) {
		return stageSearch
	}
	return stageReason
}

// extractAnswer reads the answer an answer model gave: the last
// <answer>…</answer>, else the last \boxed{…}, else the reply without its
// reasoning.
func extractAnswer(content string) string {
	_, body := splitThink(content)
	if i := strings.LastIndex(body, "<answer>"); i >= 0 {
		inner, _, _ := strings.Cut(body[i+len("<answer>"):], "</answer>")
		if t := strings.TrimSpace(inner); t != "" {
			return t
		}
	}
	if b, ok := lastBoxed(body); ok {
		return b
	}
	return strings.TrimSpace(body)
}

// lastBoxed returns the contents of the last \boxed{...}, braces balanced.
func lastBoxed(s string) (string, bool) {
	i := strings.LastIndex(s, `\boxed{`)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(`\boxed{`):]
	depth := 1
	for j, r := range rest {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return strings.TrimSpace(rest[:j]), true
			}
		}
	}
	return "", false
}

// extractTag returns the text inside the last <tag>…</tag> of s.
func extractTag(s, tag string) (string, bool) {
	open, end := "<"+tag+">", "</"+tag+">"
	i := strings.LastIndex(s, open)
	if i < 0 {
		return "", false
	}
	inner, _, _ := strings.Cut(s[i+len(open):], end)
	inner = strings.TrimSpace(inner)
	return inner, inner != ""
}

// extractPython returns the last ```python block of s.
func extractPython(s string) (string, bool) {
	const fence = "```python"
	i := strings.LastIndex(s, fence)
	if i < 0 {
		return "", false
	}
	inner, _, _ := strings.Cut(s[i+len(fence):], "```")
	inner = strings.TrimSpace(inner)
	return inner, inner != ""
}
