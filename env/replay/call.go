package replay

import (
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

var (
	_ tool.Tool        = (*call)(nil)
	_ tool.CostBounder = (*call)(nil)
)

// call binds one model to one task: three words, so a task's tools cost
// almost nothing to build.
type call struct {
	env   *Env
	task  int
	model int
}

// callData is the structured part of a result: only what a policy may see.
// Parsed and Chars are set for sources with extracted answers (zeroeval),
// where Answer is the extracted answer rather than the recorded text and
// Chars the completion's length in characters (Unicode code points).
type callData struct {
	Model        string `json:"model"`
	Answer       string `json:"answer"`
	Parsed       *bool  `json:"parsed,omitempty"`
	Chars        *int   `json:"chars,omitempty"`
	InputTokens  int64  `json:"input_tokens"`
	OutputTokens int64  `json:"output_tokens"`
}

func (c *call) Spec() tool.Spec { return c.env.models[c.model].spec }

// Call returns the recorded answer; arguments are ignored.
func (c *call) Call(ctx context.Context, _ json.RawMessage) (*tool.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := c.env.rec[c.task][c.model]
	content := c.env.content(c.task, c.model)
	d := callData{
		Model:        c.env.models[c.model].model,
		Answer:       r.text,
		InputTokens:  r.usage.InputTokens,
		OutputTokens: r.usage.OutputTokens,
	}
	if c.env.extracted {
		parsed, chars := r.parsed, utf8.RuneCountInString(r.text)
		d.Answer, d.Parsed, d.Chars = r.answer, &parsed, &chars
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return &tool.Result{
		Content: content,
		Data:    data,
		IsError: r.failed,
		Usage:   r.usage,
		Cost:    r.cost,
		Latency: r.latency,
	}, nil
}

// MaxCost is the recorded charge itself: a replayed call's cost is known
// exactly before it is made, and the question's input tokens (which
// [tool.WorstCase] cannot see in the empty arguments) are part of it.
func (c *call) MaxCost(json.RawMessage) (money.Amount, error) {
	return c.env.rec[c.task][c.model].cost, nil
}
