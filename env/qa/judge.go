package qa

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
)

// DefaultJudgeModel is the judge ToolOrchestra's evaluation asks.
const DefaultJudgeModel = "gpt-5"

// JudgePrompt is ToolOrchestra's judging prompt (eval_hle.py,
// eval_frames.py), sent as the only, user, message.
func JudgePrompt(question, pred, ref string) string {
	return "Question: " + question + "\n\n" +
		"Student answer: " + pred + "\n\n" +
		"Reference answer: " + ref + "\n\n" +
		"Assume that the reference answer is correct. Output <correct>True</correct> if the student answer matches the reference answer. Output <correct>False</correct> if the student answer does not match the reference answer."
}

// ParseVerdict reads the judge's reply as ToolOrchestra does: the text
// after the last "<correct>" up to "</correct>", true when it says
// "true" in any case (surrounding white space ignored). A reply without
// the tag is read as false, as upstream reads it, and reported as such by
// ok.
func ParseVerdict(reply string) (correct, ok bool) {
	i := strings.LastIndex(reply, "<correct>")
	if i < 0 {
		return false, false
	}
	inner, _, _ := strings.Cut(reply[i+len("<correct>"):], "</correct>")
	return strings.EqualFold(strings.TrimSpace(inner), "true"), true
}

// Judge grades a prediction against a reference with a chat model. Its
// costs are its own, kept apart from the episodes': see [Judge.Stats].
// A Judge is safe for concurrent use.
type Judge struct {
	// Client reaches the judge model.
	Client chat.Client
	// Model is the judge model's name; empty means DefaultJudgeModel.
	Model string
	// Price bills the judge's tokens.
	Price money.Price
	// Temperature is sent when set (ToolOrchestra sends 1).
	Temperature *float64
	// MaxTokens caps a verdict; 0 sends none.
	MaxTokens int

	mu    sync.Mutex
	stats JudgeStats
}

// JudgeStats is what a judge has done so far.
type JudgeStats struct {
	Calls     int          `json:"calls"`      // verdicts asked for
	Failed    int          `json:"failed"`     // calls that returned no verdict
	Untagged  int          `json:"untagged"`   // replies without <correct>, read as false
	Cost      money.Amount `json:"cost"`       // exact total of the judge's calls
	InputTok  int64        `json:"input_tok"`  // prompt tokens billed
	OutputTok int64        `json:"output_tok"` // completion tokens billed
}

// Stats returns the judge's running totals.
func (j *Judge) Stats() JudgeStats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.stats
}

func (j *Judge) model() string {
	if j.Model == "" {
		return DefaultJudgeModel
	}
	return j.Model
}

// Grade asks the judge whether pred answers question as ref does. An
// error means no verdict was had (the request failed); its cost, if the
// server reported usage, is counted all the same.
func (j *Judge) Grade(ctx context.Context, question, pred, ref string) (bool, error) {
	req := chat.Request{
		Model:       j.model(),
		Messages:    []chat.Message{{Role: chat.RoleUser, Content: JudgePrompt(question, pred, ref)}},
		Temperature: j.Temperature,
		MaxTokens:   j.MaxTokens,
	}
	resp, err := j.Client.Complete(ctx, req)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stats.Calls++
	if err != nil {
		j.stats.Failed++
		return false, fmt.Errorf("qa: judge %s: %w", j.model(), err)
	}
	u := money.Usage{InputTokens: resp.Usage.InputTokens, OutputTokens: resp.Usage.OutputTokens}
	j.stats.Cost = j.stats.Cost.Add(j.Price.Cost(u))
	j.stats.InputTok += u.InputTokens
	j.stats.OutputTok += u.OutputTokens
	correct, ok := ParseVerdict(resp.Message.Content)
	if !ok {
		j.stats.Untagged++
	}
	return correct, nil
}
