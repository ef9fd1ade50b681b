package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/batonhq/baton/chat"
	chatopenai "github.com/batonhq/baton/chat/openai"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/server/openai"
	"github.com/batonhq/baton/tool"
)

// rawForwarder is the optional capability of a pass-through model's
// client (chat/openai's) to send a request as wire bytes and hand back the
// upstream's response unread, so a stream is relayed without decoding.
type rawForwarder interface {
	Body(req chat.Request, stream bool) ([]byte, error)
	Forward(ctx context.Context, body []byte) (*http.Response, error)
}

var _ rawForwarder = (*chatopenai.Client)(nil)

// relay forwards a streamed completion from an OpenAI-compatible upstream
// as it arrives, byte for byte: the upstream is asked for max_tokens equal
// to the bound reserved and for usage in its last chunk; the output is
// counted as it passes and the stream is cut at the bound (a final chunk
// with finish_reason "length"; the run is marked truncated and charged its
// whole reservation, since the upstream may bill what it generated after
// the cut). The stream ends with one chunk of Baton's own (no choices; the
// "baton" extension, and usage when the client asked for it and the
// upstream's usage chunk did not reach it), then [DONE].
func (c *gatewayCall) relay(ctx context.Context, w http.ResponseWriter, r *http.Request, req *openai.ChatCompletionRequest, rf rawForwarder) {
	body, err := rf.Body(c.req, true)
	if err != nil {
		// Nothing was sent: the reservation is released.
		_ = c.hold.Release(context.WithoutCancel(ctx))
		c.s.writeError(w, r, errBadRequest("", "%s", err.Error()))
		return
	}
	resp, err := rf.Forward(ctx, body)
	if err != nil {
		c.fail(ctx, err)
		if ctx.Err() == nil {
			c.s.writeError(w, r, upstreamError(c.m.Name, err))
		}
		return
	}
	defer resp.Body.Close()
	sw := newSSE(w)
	sw.writeHeader() // sent with the first event
	rr, err := chatopenai.Relay(resp.Body, w, chatopenai.RelayOptions{
		MaxOutputTokens: int64(c.req.MaxTokens), ForwardUsage: req.IncludeUsage(), Flush: sw.flush,
	})
	if err != nil {
		c.fail(ctx, err)
		if ctx.Err() == nil && !rr.ErrorForwarded && !errors.Is(err, chatopenai.ErrClientWrite) {
			_ = sw.data(upstreamError(c.m.Name, err).body())
		}
		return
	}
	// Close the upstream now: after a cut this stops its generation.
	_ = resp.Body.Close()
	cresp := &chat.Response{
		Message: chat.Message{Role: chat.RoleAssistant, Content: rr.Content}, Usage: rr.Usage, UsageReported: rr.UsageReported,
		Model: rr.Model, FinishReason: rr.FinishReason,
	}
	var (
		ep    *episode.Episode
		usage chat.Usage
	)
	if rr.Truncated {
		ep, usage = c.settleTruncated(ctx, cresp)
	} else {
		ep, usage = c.succeed(ctx, cresp)
	}
	if ctx.Err() != nil {
		return
	}
	last := openai.Chunk{ID: rr.ID, Object: "chat.completion.chunk", Created: rr.Created, Model: rr.Model,
		Choices: []openai.ChunkChoice{}, Baton: runInfo(ep)}
	last.Baton.Truncated = rr.Truncated
	if last.ID == "" {
		last.ID, last.Created, last.Model = "chatcmpl-"+c.runID, c.start.Unix(), c.m.Name
	}
	if req.IncludeUsage() && (!rr.UsageReported || rr.Truncated) {
		last.Usage = openai.NewUsage(usage.InputTokens, usage.OutputTokens)
	}
	_ = sw.last(last)
}

// settleTruncated bills a response the gateway cut at its bound: its whole
// reservation, the most it may cost, since the upstream may have generated
// (and billed) past the cut. The run is answered with what reached the
// client, marked truncated.
func (c *gatewayCall) settleTruncated(ctx context.Context, resp *chat.Response) (*episode.Episode, chat.Usage) {
	latency := c.s.now().Sub(c.start)
	_, est, _ := c.m.cost(c.req, &chat.Response{Message: resp.Message}, latency)
	usage := chat.Usage{InputTokens: est.InputTokens, OutputTokens: int64(c.req.MaxTokens)}
	cost := c.worst
	data, _ := json.Marshal(map[string]any{"model": resp.Model, "finish_reason": "length", "truncated": true, "usage_estimated": true})
	res := &tool.Result{Content: resp.Message.Content, Data: data, Cost: cost, Latency: latency,
		Usage: tool.Usage{InputTokens: usage.InputTokens, OutputTokens: usage.OutputTokens, Estimated: true}}
	ep := c.episode(episode.StatusAnswered, "", res, cost, latency)
	ep.Answer = resp.Message.Content
	c.settle(context.WithoutCancel(ctx), cost, ep)
	c.s.metrics.cost.WithLabelValues(c.m.Name, c.key.ID).Add(cost.USD())
	c.s.metrics.truncated.WithLabelValues(c.m.Name).Inc()
	c.s.judge.consider(c.key.ID, ep) // in the background
	return ep, usage
}
