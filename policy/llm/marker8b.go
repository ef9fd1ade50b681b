package llm

import "strings"

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
