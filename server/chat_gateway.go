package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/server/openai"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/tool"
)

// gatewayCall is one pass-through call in flight: its reservation, its run
// record, and what it is billed.
type gatewayCall struct {
	s     *Server
	m     *Model
	key   store.Key
	req   chat.Request
	runID string
	hold  *budget.Reservation // made by a budget.Guard: it never commits above worst
	worst money.Amount
	// maxCost is the request's own cap, recorded with its task.
	maxCost money.Amount
	start   time.Time
	// truncated is set when the response ran past the output bound and
	// was cut to it.
	truncated bool
}

// chatGateway forwards the request to model m. The call's worst case is
// reserved on the key before it is sent, so concurrent requests (on any
// replica) cannot overspend the key; afterwards usage × price is committed.
func (s *Server) chatGateway(w http.ResponseWriter, r *http.Request, req *openai.ChatCompletionRequest, m *Model, rs runSettings) {
	ctx := r.Context()
	key := keyFrom(ctx)
	creq, err := req.Internal()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	creq.Model = m.Upstream
	m.clamp(&creq)
	c := &gatewayCall{s: s, m: m, key: key, req: creq, runID: newID("run_"), worst: m.maxCost(creq), maxCost: rs.budget.MaxCost}
	if rs.budget.MaxCost > 0 && c.worst > rs.budget.MaxCost {
		s.metrics.budgetRefusals.WithLabelValues(key.ID, "request").Inc()
		s.writeError(w, r, errBudget(fmt.Sprintf("this call to %s may cost up to %s, above the request's max cost %s; lower max_tokens or raise the cap",
			m.Name, c.worst, rs.budget.MaxCost)))
		return
	}
	ctx, untrack, err := s.runs.track(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer untrack()
	c.hold, err = budget.Guard{Account: s.account(key.ID, m.Name)}.Reserve(ctx, c.worst)
	if err != nil {
		if errors.Is(err, budget.ErrExceeded) {
			s.metrics.budgetRefusals.WithLabelValues(key.ID, "key").Inc()
			s.writeError(w, r, errBudget(fmt.Sprintf("budget exceeded for this key: %v", err)))
			return
		}
		if errors.Is(err, store.ErrRevoked) {
			// Authentication may have come from the cache; the
			// reservation is where revocation is enforced.
			s.auth.forget(key.ID)
			s.metrics.authFailures.WithLabelValues("revoked").Inc()
			s.writeError(w, r, errUnauthorized("this API key was revoked"))
			return
		}
		if ctx.Err() == nil {
			s.writeError(w, r, fmt.Errorf("server: reserve: %w", err))
		}
		return
	}
	c.start = s.now()
	if req.Stream {
		c.stream(ctx, w, r, req)
		return
	}
	resp, err := m.Client.Complete(ctx, creq)
	if err != nil {
		c.fail(ctx, err)
		if ctx.Err() == nil {
			s.writeError(w, r, upstreamError(m.Name, err))
		}
		return
	}
	truncated := c.clip(resp)
	ep, usage := c.succeed(ctx, resp)
	content := resp.Message.Content
	out := openai.ChatCompletion{
		ID: "chatcmpl-" + c.runID, Object: "chat.completion", Created: c.start.Unix(), Model: m.Name,
		Choices: []openai.Choice{{
			Message: openai.ResponseMessage{Role: "assistant", Content: &content,
				ToolCalls: openai.WireToolCalls(resp.Message.ToolCalls, false)},
			FinishReason: openai.FinishReason(resp.FinishReason, len(resp.Message.ToolCalls) > 0),
			Logprobs:     []byte("null"),
		}},
		Usage: openai.NewUsage(usage.InputTokens, usage.OutputTokens),
		Baton: runInfo(ep),
	}
	out.Baton.Truncated = truncated
	if content == "" && len(resp.Message.ToolCalls) > 0 {
		out.Choices[0].Message.Content = nil
	}
	writeJSON(w, http.StatusOK, out)
}

// stream forwards a streamed completion: content deltas as they arrive,
// tool calls, a finish chunk carrying the "baton" extension, usage when the
// client asked for it, and [DONE]. Until the first byte, a failure is still
// an HTTP error status; after it, an error message in the stream.
func (c *gatewayCall) stream(ctx context.Context, w http.ResponseWriter, r *http.Request, req *openai.ChatCompletionRequest) {
	if rf, ok := c.m.Client.(rawForwarder); ok {
		c.relay(ctx, w, r, req, rf)
		return
	}
	sw := newSSE(w)
	id := "chatcmpl-" + c.runID
	chunk := func(d openai.Delta, finish *string) openai.Chunk {
		return openai.Chunk{ID: id, Object: "chat.completion.chunk", Created: c.start.Unix(), Model: c.m.Name,
			Choices: []openai.ChunkChoice{{Delta: d, FinishReason: finish}}}
	}
	var writeErr error
	opened := false
	open := func() {
		if !opened {
			opened = true
			empty := ""
			writeErr = sw.data(chunk(openai.Delta{Role: "assistant", Content: &empty}, nil))
		}
	}
	var (
		resp *chat.Response
		err  error
	)
	if st, ok := c.m.Client.(chat.Streamer); ok {
		resp, err = st.Stream(ctx, c.req, func(d chat.Delta) {
			if d.Content == "" || writeErr != nil {
				return
			}
			open()
			text := d.Content
			if writeErr == nil {
				writeErr = sw.data(chunk(openai.Delta{Content: &text}, nil))
			}
		})
	} else {
		resp, err = c.m.Client.Complete(ctx, c.req)
		if err == nil && resp.Message.Content != "" {
			open()
			text := resp.Message.Content
			writeErr = sw.data(chunk(openai.Delta{Content: &text}, nil))
		}
	}
	if err != nil {
		c.fail(ctx, err)
		if ctx.Err() != nil {
			return
		}
		ae := upstreamError(c.m.Name, err)
		if !opened {
			c.s.writeError(w, r, ae)
			return
		}
		_ = sw.data(ae.body())
		return
	}
	ep, usage := c.succeed(ctx, resp)
	if ctx.Err() != nil || writeErr != nil {
		return
	}
	open()
	if len(resp.Message.ToolCalls) > 0 {
		_ = sw.data(chunk(openai.Delta{ToolCalls: openai.WireToolCalls(resp.Message.ToolCalls, true)}, nil))
	}
	finish := openai.FinishReason(resp.FinishReason, len(resp.Message.ToolCalls) > 0)
	last := chunk(openai.Delta{}, &finish)
	last.Baton = runInfo(ep)
	_ = sw.data(last)
	if req.IncludeUsage() {
		u := chunk(openai.Delta{}, nil)
		u.Choices = []openai.ChunkChoice{}
		u.Usage = openai.NewUsage(usage.InputTokens, usage.OutputTokens)
		_ = sw.data(u)
	}
	_ = sw.done()
}

// succeed bills the call and records the run.
func (c *gatewayCall) succeed(ctx context.Context, resp *chat.Response) (*episode.Episode, chat.Usage) {
	latency := c.s.now().Sub(c.start)
	cost, usage, estimated := c.m.cost(c.req, resp, latency)
	res := &tool.Result{Content: resp.Message.Content, Cost: cost, Latency: latency,
		Usage: tool.Usage{InputTokens: usage.InputTokens, OutputTokens: usage.OutputTokens, Estimated: estimated}}
	if c.truncated {
		res.Data, _ = json.Marshal(map[string]any{"model": resp.Model, "finish_reason": "length", "truncated": true, "usage_estimated": estimated})
	}
	ep := c.episode(episode.StatusAnswered, "", res, cost, latency)
	ep.Answer = resp.Message.Content
	c.settle(context.WithoutCancel(ctx), cost, ep)
	c.s.metrics.cost.WithLabelValues(c.m.Name, c.key.ID).Add(cost.USD())
	c.s.judge.consider(c.key.ID, ep) // in the background
	return ep, usage
}

// settle commits cost on the hold and records the finished run, in one
// store write when the store can (a busy SQLite writer is the server's
// bottleneck), else in two. The guard's reservation charges at most the
// worst case reserved; what the upstream billed beyond it is recorded as
// overage on the run and the key (which then refuses spending until an
// operator raises its budget).
func (c *gatewayCall) settle(ctx context.Context, cost money.Amount, ep *episode.Episode) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, ep.Overage = c.hold.Split(cost)
	_, err := c.hold.CommitWith(ctx, cost, func(ctx context.Context, h budget.Hold, charge money.Amount) error {
		if rc, ok := h.(store.RunCommitter); ok {
			return rc.CommitRun(ctx, charge, c.run(ep))
		}
		err := h.Commit(ctx, charge)
		c.finish(ctx, ep)
		return err
	})
	if err != nil {
		c.s.log.Warn("settling a pass-through call", "model", c.m.Name, "run", c.runID, "err", err)
	}
}

// fail settles the reservation of a failed call: a provider's HTTP error
// or a request that never left was not billed, so the hold is released;
// any other failure (a cancelled or timed-out call, a broken stream) may
// have been billed upstream, so the worst case is charged, as the
// orchestrator does ([chat.MayHaveBilled] for both).
func (c *gatewayCall) fail(ctx context.Context, err error) {
	bctx := context.WithoutCancel(ctx)
	latency := c.s.now().Sub(c.start)
	charged := money.Amount(0)
	released := !chat.MayHaveBilled(err)
	if !released {
		charged = c.worst
	}
	status := episode.StatusFailed
	if ctx.Err() != nil {
		status = episode.StatusCancelled
	}
	res := &tool.Result{Content: err.Error(), IsError: true, Cost: charged, Latency: latency}
	ep := c.episode(status, err.Error(), res, charged, latency)
	if released {
		_ = c.hold.Release(bctx)
		c.finish(bctx, ep)
	} else {
		c.settle(bctx, charged, ep)
		c.s.metrics.cost.WithLabelValues(c.m.Name, c.key.ID).Add(charged.USD())
	}
	c.s.metrics.upstreamErrors.WithLabelValues(c.m.Name).Inc()
}

func (c *gatewayCall) episode(st episode.Status, msg string, res *tool.Result, cost money.Amount, d time.Duration) *episode.Episode {
	return &episode.Episode{
		RunID:  c.runID,
		Task:   episode.Task{ID: c.runID, Prompt: promptOf(c.req.Messages), Tools: []string{c.m.Name}},
		Steps:  []episode.Step{{Turn: 1, Action: episode.Action{Tool: c.m.Name}, Result: res, Cost: cost, Latency: d}},
		Status: st, Error: msg, Cost: cost, Latency: d,
	}
}

// finish records the call as a finished run in one write: a pass-through
// run is never seen running, and one cut off by a crash leaves only its
// hold, which a live replica's sweep charges in full.
func (c *gatewayCall) finish(ctx context.Context, ep *episode.Episode) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.s.store.CreateRun(ctx, c.run(ep)); err != nil {
		c.s.log.Error("recording the end of a pass-through run failed", "run", c.runID, "err", err)
	}
}

// run is the finished run's record.
func (c *gatewayCall) run(ep *episode.Episode) store.Run {
	return store.Run{ID: c.runID, KeyID: c.key.ID, Status: string(ep.Status), Task: ep.Task, Episode: ep, Created: c.start}
}

// clip cuts a whole (non-streamed) response that ran past the output bound
// the call reserved money for: the text is cut to the bound (one token per
// four bytes, as the stream relay counts), tool calls that alone pass it
// are dropped, and the finish reason becomes "length". An upstream that
// reports more output tokens than the bound is clipped too; what it bills
// is still what is charged. It reports whether it cut.
func (c *gatewayCall) clip(resp *chat.Response) bool {
	bound := c.req.MaxTokens
	if bound <= 0 {
		return false
	}
	limit := 4 * bound
	calls := 0
	for _, tc := range resp.Message.ToolCalls {
		calls += len(tc.Name) + len(tc.Arguments)
	}
	over := len(resp.Message.Content)+calls > limit || (resp.UsageReported && resp.Usage.OutputTokens > int64(bound))
	if !over {
		return false
	}
	if calls > limit {
		resp.Message.ToolCalls = nil
		calls = 0
	}
	if keep := limit - calls; len(resp.Message.Content) > keep {
		cut := keep
		for cut > 0 && !utf8.RuneStart(resp.Message.Content[cut]) {
			cut--
		}
		resp.Message.Content = resp.Message.Content[:cut]
	}
	resp.FinishReason = "length"
	c.truncated = true
	c.s.metrics.truncated.WithLabelValues(c.m.Name).Inc()
	return true
}
