package replay

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// model is one recorded model: its tool spec and what the latency rule
// needs.
type model struct {
	name  string // tool name
	model string // name in the data set
	tps   int64  // simulated decoding speed, tokens per second
	spec  tool.Spec
}

// argsSchema accepts no arguments or an ignored prompt: the question is
// implied by the task, and only the recorded answer to it exists.
var argsSchema = json.RawMessage(`{"type":"object","properties":{"prompt":{"type":"string","description":"Optional; ignored. A replayed model answers the task's question as recorded."}},"additionalProperties":false}`)

// ToolName turns a data set's model name into a valid tool name: the part
// after the last '/' (an organisation prefix), with any character outside
// letters, digits, '_', '-' and '.' replaced by '_', at most 64 bytes.
func ToolName(modelName string) string {
	n := modelName
	if i := strings.LastIndex(n, "/"); i >= 0 && i < len(n)-1 {
		n = n[i+1:]
	}
	b := []byte(n)
	for i, c := range b {
		ok := c == '_' || c == '-' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	if len(b) == 0 {
		return "model"
	}
	return string(b)
}

func newModel(name, description string, price money.Price, tokensPerSecond int64) *model {
	return &model{
		name:  ToolName(name),
		model: name,
		tps:   tokensPerSecond,
		spec: tool.Spec{
			Name:        ToolName(name),
			Description: description,
			Parameters:  argsSchema,
			Price:       price,
			Tags:        []string{tool.TagLLM, tool.TagRemote},
		},
	}
}

// describe writes a description for a model the data set describes
// nowhere, from the facts it does record.
func describe(name, maker string, p money.Price) string {
	return fmt.Sprintf("%s, a hosted language model by %s, priced at $%s per million input tokens and $%s per million output tokens.",
		name, maker, p.InputPerM.Decimal(), p.OutputPerM.Decimal())
}

// LatencyOverhead is the fixed part of every simulated call: request,
// queueing and time to first token.
const LatencyOverhead = 300 * time.Millisecond

// SimulatedLatency is the one latency rule for replayed calls, since no
// source records wall time: [LatencyOverhead] plus outputTokens decoded at
// tokensPerSecond. Each source sets the speed per model: from its size with
// [SpeedOfSize] (LLMRouter, RouterArena, RouteLLM) or from a per-model
// table ([zeroEvalModels]). A speed ≤ 0 counts as 1 token/s.
func SimulatedLatency(tokensPerSecond, outputTokens int64) time.Duration {
	if tokensPerSecond <= 0 {
		tokensPerSecond = 1
	}
	if outputTokens < 0 {
		outputTokens = 0
	}
	return LatencyOverhead + time.Duration(outputTokens)*time.Second/time.Duration(tokensPerSecond)
}

// SpeedOfSize is the decoding speed assumed for a model known only by its
// size in billions of parameters: 100 tokens/s up to 15B, 40 tokens/s up to
// 80B, 20 tokens/s above. These are typical hosted decoding speeds, not
// measurements; they order models sensibly (a 70B model is slower than a 7B
// one on the same answer).
func SpeedOfSize(sizeB float64) int64 {
	switch {
	case sizeB <= 15:
		return 100
	case sizeB <= 80:
		return 40
	}
	return 20
}

// assumedSizeB holds parameter counts (billions) for models whose data set
// records none; the vendors publish none either, so these are assumptions
// that only steer [SimulatedLatency]. Unknown models get defaultSizeB.
var assumedSizeB = map[string]float64{
	"claude-3-haiku-20240307":              20,  // Anthropic's small, fast tier
	"gemini-2.0-flash-001":                 20,  // Google's small, fast tier
	"gpt-4-1106-preview":                   200, // a large frontier model
	"mistralai/Mixtral-8x7B-Instruct-v0.1": 47,  // published: 46.7B total
}

const defaultSizeB = 70

func sizeOf(name string) float64 {
	if s, ok := assumedSizeB[name]; ok {
		return s
	}
	return defaultSizeB
}

// parseSize reads a size such as "7B" or "141B" (billions of parameters).
func parseSize(s string) (float64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "b")
	var f float64
	if _, err := fmt.Sscanf(t, "%g", &f); err != nil || f <= 0 || f != f {
		return 0, fmt.Errorf("size %q is not a parameter count such as \"7B\"", s)
	}
	return f, nil
}

// median returns the median of ds, the lower one for an even count.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	return s[(len(s)-1)/2]
}
