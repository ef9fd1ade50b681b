package mcp

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/tool"
	"github.com/batonhq/baton/tool/mcp/internal/testserver/testtools"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// serverBin is the testserver program, built once for the test binary.
var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "baton-mcp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	serverBin = filepath.Join(dir, "testserver")
	out, err := exec.Command("go", "build", "-o", serverBin, "./internal/testserver").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build testserver: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// transport is one way of reaching the test tools; the same tests run over
// each.
type transport struct {
	name string
	// connect returns a client and a function reporting how many calls
	// of a tool reached the server.
	connect func(t *testing.T, o Options) (*Client, func(name string) int)
}

var transports = []transport{
	{"stdio", func(t *testing.T, o Options) (*Client, func(string) int) {
		o.Command = []string{serverBin, "-page-size", "2"}
		c := connect(t, o)
		return c, func(name string) int { return remoteCalls(t, c, name) }
	}},
	{"http", func(t *testing.T, o Options) (*Client, func(string) int) {
		s := serveHTTP(t, nil)
		o.URL = s.ts.URL
		return connect(t, o), s.rec.Calls
	}},
}

func connect(t *testing.T, o Options) *Client {
	t.Helper()
	c, err := Connect(context.Background(), o)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// httpServer is the test tools served in-process over streamable HTTP.
type httpServer struct {
	ts  *httptest.Server
	srv *mcp.Server
	rec *testtools.Recorder
}

// serveHTTP serves the test tools in-process over streamable HTTP, behind
// wrap if it is not nil.
func serveHTTP(t testing.TB, wrap func(http.Handler) http.Handler) *httpServer {
	t.Helper()
	srv, rec := testtools.New(testtools.Options{PageSize: 2})
	var h http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &httpServer{ts: ts, srv: srv, rec: rec}
}

// remoteCalls asks a stdio test server, through its calls tool, how many
// calls of name it received.
func remoteCalls(t *testing.T, c *Client, name string) int {
	t.Helper()
	var calls *Tool
	for _, tl := range c.Tools() {
		if mt := tl.(*Tool); mt.remote == "calls" {
			calls = mt
		}
	}
	res, err := calls.Call(context.Background(), nil)
	if err != nil || res.IsError {
		t.Fatalf("calls: %v %+v", err, res)
	}
	var snap testtools.Snapshot
	if err := jsonUnmarshal(res.Data, &snap); err != nil {
		t.Fatalf("calls: %v", err)
	}
	return snap.Calls[name]
}

func newSet(t testing.TB, c *Client) *tool.Set {
	t.Helper()
	s, err := tool.NewSet(c.Tools()...)
	if err != nil {
		t.Fatalf("NewSet: %v", err)
	}
	return s
}
