package mcp

import (
	"context"
	"fmt"
	"sync"

	"github.com/batonhq/baton/tool"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// version is what Baton announces itself as to MCP servers.
const version = "v0.1.0"

// Client is a connection to one MCP server and the tools it offers. It is
// safe for concurrent use; calls share one session.
type Client struct {
	opts   Options
	client *mcp.Client
	tools  []tool.Tool
	server *mcp.Implementation

	mu     sync.Mutex
	conn   *conn // the current session; replaced when it ends
	closed bool
}

// Connect starts or connects to the server described by opts, initialises
// an MCP session and lists the server's tools. The subprocess or HTTP
// session outlives ctx, which bounds only the start-up (as does
// opts.InitTimeout); call [Client.Close] to end it.
func Connect(ctx context.Context, opts Options) (*Client, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.initTimeout())
	defer cancel()
	c := &Client{
		opts:   opts,
		client: mcp.NewClient(&mcp.Implementation{Name: "baton", Version: version}, &mcp.ClientOptions{Logger: opts.Logger}),
	}
	cn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.conn = cn
	if ir := cn.sess.InitializeResult(); ir != nil {
		c.server = ir.ServerInfo
	}
	listed, err := listTools(ctx, cn.sess)
	if err != nil {
		_ = cn.close(opts.logger())
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mcp: server %q: list tools: %w", opts.label(), ctx.Err())
		}
		return nil, fmt.Errorf("mcp: server %q: list tools: %w", opts.label(), err)
	}
	tools, err := c.makeTools(listed)
	if err != nil {
		_ = cn.close(opts.logger())
		return nil, err
	}
	c.tools = tools
	opts.logger().Debug("mcp: connected", "server", opts.label(), "tools", len(tools))
	return c, nil
}

// Tools returns the server's tools, as listed when the client connected.
func (c *Client) Tools() []tool.Tool { return append([]tool.Tool(nil), c.tools...) }

// ServerInfo returns the name and version the server announced, or nil.
func (c *Client) ServerInfo() *mcp.Implementation { return c.server }

// Close ends the session and, for a stdio server, stops the subprocess
// (closing its stdin, then signalling it if it lingers) and waits for it to
// exit. Close is idempotent; calls after it fail with [ErrClosed].
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	cn := c.conn
	c.mu.Unlock()
	if cn == nil {
		return nil
	}
	if err := cn.close(c.opts.logger()); err != nil {
		return fmt.Errorf("mcp: close server %q: %w", c.opts.label(), err)
	}
	return nil
}

// session returns a live session, restarting the server when the previous
// session ended (the subprocess died or the HTTP session was dropped).
// prev, when the previous session ended, is returned for its exit report.
func (c *Client) session(ctx context.Context) (cur, prev *conn, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, nil, ErrClosed
	}
	if !c.conn.ended() {
		return c.conn, nil, nil
	}
	prev = c.conn
	c.opts.logger().Info("mcp: server session ended; restarting", "server", c.opts.label(), "reason", prev.why())
	ctx, cancel := context.WithTimeout(ctx, c.opts.initTimeout())
	defer cancel()
	cn, err := c.dial(ctx)
	if err != nil {
		return nil, prev, err
	}
	c.conn = cn
	return cn, prev, nil
}
