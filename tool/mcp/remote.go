package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Tool is one tool of an MCP server, called through its [Client].
type Tool struct {
	c      *Client
	remote string // the name the server knows it by
	spec   tool.Spec
}

var (
	_ tool.Tool = (*Tool)(nil)
	_ io.Closer = (*Tool)(nil)
)

// permissive is the schema of a tool whose own schema is missing or does
// not compile: the server still validates the arguments.
var permissive = json.RawMessage(`{"type":"object"}`)

func (c *Client) makeTools(listed []*mcp.Tool) ([]tool.Tool, error) {
	tags := []string{tool.TagRemote}
	if len(c.opts.Command) > 0 {
		tags = []string{tool.TagLocal}
	}
	byName := map[string]string{}
	out := make([]tool.Tool, 0, len(listed))
	for _, mt := range listed {
		if mt == nil {
			continue
		}
		name, err := localName(c.opts.Prefix, mt.Name)
		if err != nil {
			return nil, fmt.Errorf("mcp: server %q: %w", c.opts.label(), err)
		}
		if other, dup := byName[name]; dup {
			return nil, fmt.Errorf("mcp: server %q: tools %q and %q both become %q in Baton; the server's tool names differ only in characters Baton does not allow or beyond %d characters", c.opts.label(), other, mt.Name, name, maxName)
		}
		byName[name] = mt.Name
		out = append(out, &Tool{c: c, remote: mt.Name, spec: tool.Spec{
			Name:        name,
			Description: description(mt),
			Parameters:  c.schema(mt),
			Price:       money.Price{PerCall: c.opts.PricePerCall},
			Timeout:     c.opts.Timeout,
			Tags:        append([]string(nil), tags...),
		}})
	}
	return out, nil
}

func description(mt *mcp.Tool) string {
	switch {
	case mt.Description != "":
		return mt.Description
	case mt.Title != "":
		return mt.Title
	case mt.Annotations != nil && mt.Annotations.Title != "":
		return mt.Annotations.Title
	}
	return ""
}

// schema returns the tool's input schema as JSON, or a permissive one if
// the server's does not compile, so that one odd tool does not make the
// whole tool set unusable.
func (c *Client) schema(mt *mcp.Tool) json.RawMessage {
	if mt.InputSchema == nil {
		return permissive
	}
	b, err := json.Marshal(mt.InputSchema)
	if err == nil {
		_, err = tool.CompileSchema(b)
	}
	if err != nil {
		c.opts.logger().Warn("mcp: tool input schema unusable; arguments are checked by the server only", "server", c.opts.label(), "tool", mt.Name, "err", err)
		return permissive
	}
	return b
}

// Spec returns the tool's spec.
func (t *Tool) Spec() tool.Spec { return t.spec }

// Client returns the client the tool belongs to.
func (t *Tool) Client() *Client { return t.c }

// Close closes the tool's whole [Client]: the tools of one server share one
// session, and a [tool.Set] closes every tool it holds.
func (t *Tool) Close() error { return t.c.Close() }

// Call sends args to the server. A failure of the server or the transport
// is an error Result; only the end of ctx, or a call after Close, is an
// error.
func (t *Tool) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	name, server := t.spec.Name, t.c.opts.label()
	cn, prev, err := t.c.session(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mcp: %s: %w", name, ctx.Err())
		}
		if errors.Is(err, ErrClosed) {
			return nil, fmt.Errorf("mcp: %s: %w", name, err)
		}
		return tool.Errorf("%s: MCP server %q stopped (%s) and could not be restarted: %v", name, server, prev.why(), err), nil
	}
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	res, err := cn.sess.CallTool(ctx, &mcp.CallToolParams{Name: t.remote, Arguments: args})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mcp: %s: %w", name, ctx.Err())
		}
		if refused(err) {
			// The server answered with a protocol error (unknown tool,
			// invalid params); the session is fine.
			return tool.Errorf("%s: MCP server %q refused the call: %v", name, server, err), nil
		}
		// The transport failed. A subprocess that is dying takes a moment
		// to be reaped; wait for it so the result can say why it died.
		if cn.cmd != nil && t.awaitEnd(ctx, cn) {
			return tool.Errorf("%s: MCP server %q exited during the call (%s); the next call restarts it", name, server, cn.why()), nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mcp: %s: %w", name, ctx.Err())
		}
		if cn.ended() {
			return tool.Errorf("%s: the session with MCP server %q ended during the call (%v); the next call reconnects", name, server, err), nil
		}
		return tool.Errorf("%s: could not reach MCP server %q: %v", name, server, err), nil
	}
	return toResult(name, res), nil
}

// awaitEnd waits a little for a dying subprocess to be reaped, so that its
// exit status and last stderr lines can be reported. It reports whether the
// session ended.
func (t *Tool) awaitEnd(ctx context.Context, cn *conn) bool {
	timer := time.NewTimer(3 * time.Second)
	defer timer.Stop()
	select {
	case <-cn.done:
		return true
	case <-ctx.Done():
	case <-timer.C:
	}
	return false
}

// The SDK's own JSON-RPC codes for a request that never got an answer: the
// client or server is closing, or the transport rejected the request (an
// HTTP failure). Other codes are the server's answer.
const (
	codeClientClosing = -32003
	codeServerClosing = -32004
	codeRejected      = -32005
)

// refused reports whether err is the server's answer to the call rather
// than a failure to get one.
func refused(err error) bool {
	var rpcErr *jsonrpc.Error
	if !errors.As(err, &rpcErr) {
		return false
	}
	switch rpcErr.Code {
	case codeClientClosing, codeServerClosing, codeRejected:
		return false
	}
	return true
}
