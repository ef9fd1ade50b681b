package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// conn is one session with the server: for a stdio server, one run of its
// subprocess. A Client replaces a conn whose session ended.
type conn struct {
	sess   *mcp.ClientSession
	cmd    *exec.Cmd // nil over HTTP
	stderr *tail     // nil over HTTP
	done   chan struct{}
	// waitErr is why the session ended (for a subprocess, its exit
	// status); it is written before done is closed.
	waitErr error
}

func newConn(sess *mcp.ClientSession, cmd *exec.Cmd, stderr *tail) *conn {
	cn := &conn{sess: sess, cmd: cmd, stderr: stderr, done: make(chan struct{})}
	go func() {
		// Wait returns once the session is over. The SDK closes a session
		// whose subprocess closed stdout, and that close reaps the process,
		// so no zombie is left even if nobody calls Close.
		cn.waitErr = sess.Wait()
		close(cn.done)
	}()
	return cn
}

// ended reports whether the session is over.
func (cn *conn) ended() bool {
	select {
	case <-cn.done:
		return true
	default:
		return false
	}
}

// close ends the session (stopping the subprocess) and waits until it is.
// The exit status of a subprocess we stopped is not an error, nor is an
// HTTP server that cannot be told the session is over: either way nothing
// of ours is left running.
func (cn *conn) close(log *slog.Logger) error {
	err := cn.sess.Close()
	<-cn.done
	var exit *exec.ExitError
	if err == nil || errors.As(err, &exit) {
		return nil
	}
	if cn.cmd == nil {
		log.Debug("mcp: ending the HTTP session failed", "err", err)
		return nil
	}
	return err
}

// why explains how an ended session ended, for error messages: the
// subprocess's exit status and the tail of its stderr.
func (cn *conn) why() string {
	var parts []string
	if cn.cmd != nil && cn.cmd.ProcessState != nil {
		parts = append(parts, cn.cmd.ProcessState.String())
	} else if cn.waitErr != nil {
		parts = append(parts, cn.waitErr.Error())
	}
	if cn.stderr != nil {
		if s := cn.stderr.String(); s != "" {
			parts = append(parts, "stderr: "+s)
		} else {
			parts = append(parts, "no stderr output")
		}
	}
	if len(parts) == 0 {
		return "connection closed"
	}
	return strings.Join(parts, "; ")
}

// dial starts or connects to the server and initialises a session.
func (c *Client) dial(ctx context.Context) (*conn, error) {
	if len(c.opts.Command) > 0 {
		return c.dialStdio(ctx)
	}
	return c.dialHTTP(ctx)
}

func (c *Client) dialStdio(ctx context.Context) (*conn, error) {
	o := &c.opts
	path, err := resolveCommand(o.Command[0], o.Dir)
	if err != nil {
		return nil, fmt.Errorf("mcp: server %q: %w", o.label(), err)
	}
	cmd := exec.Command(path, o.Command[1:]...)
	cmd.Dir = o.Dir
	cmd.Env = os.Environ()
	keys := make([]string, 0, len(o.Env))
	for k := range o.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+o.Env[k])
	}
	stderr := newTail(tailSize)
	cmd.Stderr = stderr
	// A server that leaves a grandchild holding stderr must not make
	// reaping it hang.
	cmd.WaitDelay = time.Second
	td := o.TerminateAfter
	if td <= 0 {
		td = 2 * time.Second
	}
	sess, err := c.client.Connect(ctx, &mcp.CommandTransport{Command: cmd, TerminateDuration: td}, nil)
	if err != nil {
		if cmd.Process == nil {
			return nil, fmt.Errorf("mcp: server %q: start %s: %w", o.label(), strings.Join(o.Command, " "), err)
		}
		// The SDK closed the session, which reaped the process, so its
		// exit status and complete stderr are known.
		why := ""
		if cmd.ProcessState != nil {
			why = "; " + cmd.ProcessState.String()
		}
		if s := stderr.String(); s != "" {
			why += "; stderr: " + s
		}
		return nil, fmt.Errorf("mcp: server %q (%s) failed to initialise: %w%s", o.label(), strings.Join(o.Command, " "), err, why)
	}
	return newConn(sess, cmd, stderr), nil
}

// resolveCommand finds the program to run: a bare name in PATH, a path
// relative to dir (the subprocess's working directory) or an absolute path.
func resolveCommand(name, dir string) (string, error) {
	if !strings.ContainsRune(name, filepath.Separator) && !strings.ContainsRune(name, '/') {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("command %q not found in PATH; install it or give its full path: %w", name, err)
		}
		return p, nil
	}
	p := name
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("command %q not found: %w", name, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return "", fmt.Errorf("command %q (%s) is not an executable file", name, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("command %q: %w", name, err)
	}
	return abs, nil
}

func (c *Client) dialHTTP(ctx context.Context) (*conn, error) {
	o := &c.opts
	hc := o.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	if len(o.Headers) > 0 {
		rt := hc.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		cp := *hc
		cp.Transport = &headerTransport{base: rt, headers: o.Headers}
		hc = &cp
	}
	tr := &mcp.StreamableClientTransport{Endpoint: o.URL, HTTPClient: hc}
	sess, err := c.client.Connect(ctx, tr, nil)
	if err != nil {
		return nil, fmt.Errorf("mcp: server %q (%s) failed to initialise: %w", o.label(), o.URL, err)
	}
	return newConn(sess, nil, nil), nil
}

// headerTransport adds fixed headers, such as credentials, to every
// request.
type headerTransport struct {
	base    http.RoundTripper
	headers http.Header
}

// RoundTrip sends req with the headers added, without modifying req.
func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	for k, vs := range t.headers {
		r.Header.Del(k)
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	return t.base.RoundTrip(r)
}
