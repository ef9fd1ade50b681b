package llm

import (
	"fmt"
	"strings"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

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
