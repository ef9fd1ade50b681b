package llm

import (
	"encoding/json"
	"strings"

	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// gathered is what earlier steps produced, as ToolOrchestra keeps it: the
// documents found (one per retrieved passage) and the code that ran with
// a non-empty output. Nothing else reaches the 8B model's context: not
// the queries or code the experts wrote, not failed calls, not answer
// attempts.
type gathered struct {
	docs []string
	code []codeRun
}

type codeRun struct{ code, output string }

// gather collects documents and code runs from the steps. Steps are
// classified by the marker in their Thought (see [Orchestrator8B]); steps
// without one by their tool's tags.
func gather(s *policy.State) gathered {
	var g gathered
	for _, st := range s.Steps {
		a := st.Action
		if a.Final || st.Result == nil {
			continue
		}
		spec, _ := s.Tool(a.Tool)
		mk, hasMk := parseMarker(a.Thought)
		stage := mk.stage
		if !hasMk {
			stage = stageOf(spec)
		}
		switch stage {
		case stageSearch, stageFound:
			if st.Failed() || !spec.HasTag(tool.TagSearch) {
				continue
			}
			// Upstream adds each search's passages last first, skipping
			// any it already has.
			ps := passages(st.Result)
			for i := len(ps) - 1; i >= 0; i-- {
				if !containsString(g.docs, ps[i]) {
					g.docs = append(g.docs, ps[i])
				}
			}
		case stageRun, stageReason:
			if !isCodeTool(spec) {
				continue
			}
			// Upstream keeps a run's stdout, even of a script that then
			// failed, when it is not blank.
			out := stdout(st.Result)
			if strings.TrimSpace(out) != "" {
				g.code = append(g.code, codeRun{code: argText(spec, a.Args, codeKeys), output: out})
			}
		}
	}
	return g
}

// stageOf classifies a step the 8B mapping did not produce.
func stageOf(spec tool.Spec) string {
	if spec.HasTag(tool.TagSearch) {
		return stageSearch
	}
	return stageReason
}

// passageKeys are the fields a passage's text is read from, in order:
// ToolOrchestra's retriever ("content", "contents"), Baton's BM25 index
// ("text"), web search hits ("content", "snippet").
var passageKeys = []string{"content", "contents", "text", "snippet"}

// passages splits a search result into its passages, from the structured
// Data (a JSON array of hits, or an object with a "results" array) when
// the tool gives one; otherwise the whole text is one passage.
func passages(r *tool.Result) []string {
	var hits []map[string]any
	if len(r.Data) > 0 {
		if json.Unmarshal(r.Data, &hits) != nil {
			var obj struct {
				Results []map[string]any `json:"results"`
			}
			if json.Unmarshal(r.Data, &obj) == nil {
				hits = obj.Results
			}
		}
	}
	var out []string
	for _, h := range hits {
		doc := h
		if d, ok := h["document"].(map[string]any); ok {
			doc = d
		}
		for _, k := range passageKeys {
			if t, ok := doc[k].(string); ok && t != "" {
				out = append(out, t)
				break
			}
		}
	}
	if len(out) == 0 && strings.TrimSpace(r.Content) != "" {
		out = []string{r.Content}
	}
	return out
}

// stdout is what a code run printed: the sandbox's Data.stdout, or the
// text of a successful result from a tool without one.
func stdout(r *tool.Result) string {
	var o struct {
		Stdout *string `json:"stdout"`
	}
	if len(r.Data) > 0 && json.Unmarshal(r.Data, &o) == nil && o.Stdout != nil {
		return *o.Stdout
	}
	if r.IsError {
		return ""
	}
	return r.Content
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
