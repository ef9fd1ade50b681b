package bench

import (
	"encoding/json"
	"strings"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/tool"
)

// Observation is what a reference policy reads from one earlier call of
// an episode: the model called, its extracted answer and the completion's
// size. It comes from the call's Result only (Data's "answer", "parsed"
// and "chars" fields, as replay sources with observable answers write
// them), never from recorded correctness.
type Observation struct {
	Tool string // the tool called
	// Answer is the canonical extracted answer; "" when none parsed, the
	// call failed, or the tool extracts no answers.
	Answer string
	// Parsed reports that the tool extracted an answer (Data's "parsed").
	Parsed bool
	// Chars is the completion's length in characters (the source's
	// "chars" field, else the Content's length).
	Chars int
	// Step is the index of the call in the episode's steps.
	Step int
}

// resultData is the part of a replay call's Result.Data a reference
// policy reads.
type resultData struct {
	Answer string `json:"answer"`
	Parsed *bool  `json:"parsed"`
	Chars  *int   `json:"chars"`
}

// Observe returns the episode's successful tool calls so far, in order.
func Observe(s *policy.State) []Observation {
	var out []Observation
	for i, st := range s.Steps {
		if st.Action.Final || st.Action.Tool == "" || st.Result == nil || st.Failed() {
			continue
		}
		o := Observation{Tool: st.Action.Tool, Step: i, Chars: len(st.Result.Content)}
		var d resultData
		// Only a tool that says whether it extracted an answer ("parsed")
		// offers one to compare; a recorded free text (RouterArena's) is
		// not an answer two models can agree on.
		if len(st.Result.Data) > 0 && json.Unmarshal(st.Result.Data, &d) == nil && d.Parsed != nil {
			o.Parsed = *d.Parsed
			if o.Parsed {
				o.Answer = strings.TrimSpace(d.Answer)
			}
			if d.Chars != nil {
				o.Chars = *d.Chars
			}
		}
		if o.Answer == "" {
			o.Parsed = false
		}
		out = append(out, o)
	}
	return out
}

// called returns the tools an episode has already called, failed calls
// included, so a reference policy never pays twice for one answer.
func called(s *policy.State) map[string]bool {
	m := map[string]bool{}
	for _, st := range s.Steps {
		if st.Action.Tool != "" {
			m[st.Action.Tool] = true
		}
	}
	return m
}

// votes counts the non-empty answers of obs.
func votes(obs []Observation) map[string]int {
	v := map[string]int{}
	for _, o := range obs {
		if o.Answer != "" {
			v[o.Answer]++
		}
	}
	return v
}

// answerWith ends the episode with the answer ([tool.Result.Answer]) of
// obs, a call the episode holds: a policy never invents an answer, it adopts one it has seen. With
// no observation it answers with the last step's content (or nothing), so
// the episode still ends.
func answerWith(s *policy.State, o *Observation, why string) episode.Action {
	if o != nil {
		return episode.Action{Final: true, Answer: adopt(s.Steps[o.Step].Result), Thought: why}
	}
	for i := len(s.Steps) - 1; i >= 0; i-- {
		if r := s.Steps[i].Result; r != nil && !s.Steps[i].Failed() {
			return episode.Action{Final: true, Answer: adopt(r), Thought: why}
		}
	}
	return episode.Action{Final: true, Answer: "", Thought: why + " (no answer seen)"}
}

// lastWith returns the latest observation whose answer is a.
func lastWith(obs []Observation, a string) *Observation {
	for i := len(obs) - 1; i >= 0; i-- {
		if obs[i].Answer == a {
			return &obs[i]
		}
	}
	return nil
}

// callTool is the action calling the named tool with the task's prompt
// where the tool takes one.
func callTool(s *policy.State, name, why string) episode.Action {
	args := []byte("{}")
	if sp, ok := s.Tool(name); ok {
		if a, ok := policy.PromptArgs(sp, s.Task.Prompt); ok {
			args = a
		}
	}
	return episode.Action{Tool: name, Args: args, Thought: why}
}

// adopt is the answer a policy gives from a result: the answer the tool
// extracted ([tool.Result.Answer]), else its whole text.
func adopt(r *tool.Result) string {
	if a, ok := r.Answer(); ok {
		return a
	}
	return r.Content
}
