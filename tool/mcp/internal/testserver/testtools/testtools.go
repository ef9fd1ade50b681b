// Package testtools defines the tools of the MCP test server, so that tests
// can serve them in-process over streamable HTTP and the testserver program
// can serve the same tools over stdio.
package testtools

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Options selects the optional behaviour of the server.
type Options struct {
	// PageSize is the tools/list page size; small values force clients to
	// paginate.
	PageSize int
	// Process adds tools that only make sense in a separate process: pid,
	// env, cwd and crash (which exits the process).
	Process bool
}

// Recorder counts the tools/call requests the server received, before the
// server validates their arguments, so tests can tell whether a call
// reached the server at all.
type Recorder struct {
	mu        sync.Mutex
	calls     map[string]int
	cancelled int
}

// Calls returns how many tools/call requests named name arrived.
func (r *Recorder) Calls(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[name]
}

// Cancelled returns how many slow calls ended because their context was
// cancelled.
func (r *Recorder) Cancelled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cancelled
}

// Snapshot is what the calls tool reports.
type Snapshot struct {
	Calls     map[string]int `json:"calls"`     // tools/call requests received per tool name
	Cancelled int            `json:"cancelled"` // slow calls ended by cancellation
}

func (r *Recorder) snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Calls: map[string]int{}, Cancelled: r.cancelled}
	for k, v := range r.calls {
		s.Calls[k] = v
	}
	return s
}

// AddIn is the argument of add.
type AddIn struct {
	A int `json:"a" jsonschema:"the first addend"`  // first addend
	B int `json:"b" jsonschema:"the second addend"` // second addend
}

// AddOut is the structured result of add.
type AddOut struct {
	Sum int `json:"sum"` // A + B
}

// EchoIn is the argument of echo.
type EchoIn struct {
	Text string `json:"text" jsonschema:"the text to return"` // returned unchanged
}

// SlowIn is the argument of slow.
type SlowIn struct {
	MS int `json:"ms" jsonschema:"how long to sleep, in milliseconds"` // sleep, in milliseconds
}

// NameIn is the argument of env.
type NameIn struct {
	Name string `json:"name" jsonschema:"an environment variable"` // environment variable to read
}

// CodeIn is the argument of crash.
type CodeIn struct {
	Code int `json:"code" jsonschema:"the exit status"` // exit status the server dies with
}

// Empty is the argument of tools without arguments.
type Empty struct{}

// New returns a server with the test tools and the recorder that watches
// it.
func New(opts Options) (*mcp.Server, *Recorder) {
	rec := &Recorder{calls: map[string]int{}}
	s := mcp.NewServer(&mcp.Implementation{Name: "baton-testserver", Version: "v0.0.1"}, &mcp.ServerOptions{PageSize: opts.PageSize})
	s.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if p, ok := req.GetParams().(*mcp.CallToolParamsRaw); ok && method == "tools/call" {
				rec.mu.Lock()
				rec.calls[p.Name]++
				rec.mu.Unlock()
			}
			return next(ctx, method, req)
		}
	})

	mcp.AddTool(s, &mcp.Tool{Name: "add", Description: "Adds two integers."},
		func(_ context.Context, _ *mcp.CallToolRequest, in AddIn) (*mcp.CallToolResult, AddOut, error) {
			sum := in.A + in.B
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf("%d + %d = %d", in.A, in.B, sum)}}}, AddOut{Sum: sum}, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Returns its text."},
		func(_ context.Context, _ *mcp.CallToolRequest, in EchoIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "fail", Description: "Always fails."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, any, error) {
			return nil, nil, errors.New("the fail tool always fails")
		})
	mcp.AddTool(s, &mcp.Tool{Name: "slow", Description: "Sleeps, unless cancelled."},
		func(ctx context.Context, _ *mcp.CallToolRequest, in SlowIn) (*mcp.CallToolResult, any, error) {
			select {
			case <-time.After(time.Duration(in.MS) * time.Millisecond):
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf("slept %d ms", in.MS)}}}, nil, nil
			case <-ctx.Done():
				rec.mu.Lock()
				rec.cancelled++
				rec.mu.Unlock()
				return nil, nil, ctx.Err()
			}
		})
	mcp.AddTool(s, &mcp.Tool{Name: "calls", Description: "Reports the calls this server received."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, Snapshot, error) {
			return nil, rec.snapshot(), nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "mixed", Description: "Returns text, an image and an embedded resource."},
		func(_ context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{
				&mcp.TextContent{Text: "first"},
				&mcp.ImageContent{MIMEType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}},
				&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: "file:///notes.txt", MIMEType: "text/plain", Text: "embedded notes"}},
				&mcp.TextContent{Text: "last"},
			}}, nil, nil
		})

	if opts.Process {
		mcp.AddTool(s, &mcp.Tool{Name: "pid", Description: "Reports the server's process ID."},
			func(_ context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, any, error) {
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprint(os.Getpid())}}}, nil, nil
			})
		mcp.AddTool(s, &mcp.Tool{Name: "env", Description: "Reports an environment variable."},
			func(_ context.Context, _ *mcp.CallToolRequest, in NameIn) (*mcp.CallToolResult, any, error) {
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: os.Getenv(in.Name)}}}, nil, nil
			})
		mcp.AddTool(s, &mcp.Tool{Name: "cwd", Description: "Reports the working directory."},
			func(_ context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, any, error) {
				d, err := os.Getwd()
				if err != nil {
					return nil, nil, err
				}
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: d}}}, nil, nil
			})
		mcp.AddTool(s, &mcp.Tool{Name: "crash", Description: "Exits the server process."},
			func(_ context.Context, _ *mcp.CallToolRequest, in CodeIn) (*mcp.CallToolResult, any, error) {
				fmt.Fprintf(os.Stderr, "testserver: crashing on request with status %d\n", in.Code)
				os.Exit(in.Code)
				return nil, nil, nil
			})
	}
	return s, rec
}

// Names returns the names of the tools New(opts) serves, sorted.
func Names(opts Options) []string {
	n := []string{"add", "calls", "echo", "fail", "mixed", "slow"}
	if opts.Process {
		n = append(n, "crash", "cwd", "env", "pid")
	}
	sort.Strings(n)
	return n
}
