package server

import (
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/server/openai"
)

// runInfo is the "baton" extension of a response for a finished episode.
func runInfo(ep *episode.Episode) *openai.RunInfo {
	info := &openai.RunInfo{
		RunID: ep.RunID, Status: string(ep.Status), CostUSD: ep.Cost.USD(), Cost: ep.Cost.Decimal(),
		LatencyS: seconds(ep.Latency), Steps: []openai.Step{},
	}
	for _, st := range ep.Steps {
		name := st.Action.Tool
		if st.Action.Final {
			name = "answer"
		}
		info.Steps = append(info.Steps, openai.Step{
			Tool: name, CostUSD: st.Cost.USD(), LatencyS: seconds(st.Latency), IsError: st.Failed(), Error: st.Error,
		})
	}
	return info
}

// usageOf sums the tokens of an episode: the policy's own and its calls'.
func usageOf(ep *episode.Episode) *openai.Usage {
	var in, out int64
	for _, st := range ep.Steps {
		in += st.Action.Usage.InputTokens
		out += st.Action.Usage.OutputTokens
		if st.Result != nil {
			in += st.Result.Usage.InputTokens
			out += st.Result.Usage.OutputTokens
		}
	}
	return openai.NewUsage(in, out)
}

func seconds(d time.Duration) float64 { return d.Seconds() }
