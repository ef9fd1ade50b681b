package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
	"github.com/batonhq/baton/tool/mcp/internal/testserver/testtools"
	"github.com/google/jsonschema-go/jsonschema"
)

func TestListTools(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, _ := tr.connect(t, Options{Name: "ts", Prefix: "ts", Timeout: 30 * time.Second, PricePerCall: money.MustParse("0.001")})
			// Page size 2 makes the listing take several pages.
			specs := make([]tool.Spec, 0)
			var names []string
			for _, tl := range c.Tools() {
				specs = append(specs, tl.Spec())
				names = append(names, tl.Spec().Name)
			}
			var want []string
			for _, n := range testtools.Names(testtools.Options{Process: tr.name == "stdio"}) {
				want = append(want, "ts."+n)
			}
			slices.Sort(names)
			if !slices.Equal(names, want) {
				t.Fatalf("tool names = %v, want %v", names, want)
			}
			slices.SortFunc(specs, func(a, b tool.Spec) int { return strings.Compare(a.Name, b.Name) })
			b, err := json.MarshalIndent(specs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "specs_"+tr.name+".json", append(b, '\n'))
			// The schemas are the ones the server derived from its Go types.
			for _, tc := range []struct {
				tool string
				want any
			}{{"ts.add", testtools.AddIn{}}, {"ts.echo", testtools.EchoIn{}}, {"ts.slow", testtools.SlowIn{}}} {
				var want *jsonschema.Schema
				switch tc.want.(type) {
				case testtools.AddIn:
					want, err = jsonschema.For[testtools.AddIn](nil)
				case testtools.EchoIn:
					want, err = jsonschema.For[testtools.EchoIn](nil)
				case testtools.SlowIn:
					want, err = jsonschema.For[testtools.SlowIn](nil)
				}
				if err != nil {
					t.Fatal(err)
				}
				wantJSON, _ := json.Marshal(want)
				i := slices.IndexFunc(specs, func(s tool.Spec) bool { return s.Name == tc.tool })
				if !jsonEqual(t, specs[i].Parameters, wantJSON) {
					t.Errorf("%s schema = %s, want %s", tc.tool, specs[i].Parameters, wantJSON)
				}
			}
		})
	}
}

func TestCall(t *testing.T) {
	cases := []struct {
		name, tool, args string
		want             string
		wantData         string
		wantErr          bool
	}{
		{name: "structured", tool: "add", args: `{"a":2,"b":3}`, want: "2 + 3 = 5", wantData: `{"sum":5}`},
		{name: "text", tool: "echo", args: `{"text":"héllo\nworld"}`, want: "héllo\nworld"},
		{name: "is error", tool: "fail", args: `{}`, want: "the fail tool always fails", wantErr: true},
		{name: "no args", tool: "fail", args: ``, want: "the fail tool always fails", wantErr: true},
		{name: "mixed content", tool: "mixed", args: `{}`, want: "first\n[image image/png, 4 bytes]\nembedded notes\nlast"},
		{name: "quick slow", tool: "slow", args: `{"ms":1}`, want: "slept 1 ms"},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, _ := tr.connect(t, Options{Prefix: "x", PricePerCall: money.MustParse("0.002")})
			set := newSet(t, c)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					res, err := set.Call(context.Background(), "x."+tc.tool, json.RawMessage(tc.args))
					if err != nil {
						t.Fatalf("Call: %v", err)
					}
					if res.Content != tc.want || res.IsError != tc.wantErr {
						t.Errorf("got content %q, IsError %v; want %q, %v", res.Content, res.IsError, tc.want, tc.wantErr)
					}
					if string(res.Data) != tc.wantData {
						t.Errorf("Data = %s, want %s", res.Data, tc.wantData)
					}
					if res.Cost != money.MustParse("0.002") {
						t.Errorf("Cost = %s, want the price per call $0.002", res.Cost)
					}
				})
			}
		})
	}
}

func TestInvalidArgsNeverReachServer(t *testing.T) {
	cases := []struct{ name, args, want string }{
		{"wrong type", `{"a":"two","b":3}`, "/a"},
		{"missing field", `{"a":2}`, "b"},
		{"not an object", `[1,2]`, "object"},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, calls := tr.connect(t, Options{})
			set := newSet(t, c)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					res, err := set.Call(context.Background(), "add", json.RawMessage(tc.args))
					if err != nil {
						t.Fatal(err)
					}
					if !res.IsError || !strings.Contains(res.Content, "invalid arguments") || !strings.Contains(res.Content, tc.want) {
						t.Errorf("got %+v, want an invalid-arguments error naming %q", res, tc.want)
					}
				})
			}
			if n := calls("add"); n != 0 {
				t.Errorf("the server saw %d calls of add, want 0", n)
			}
			// The counter works: a valid call is seen.
			if _, err := set.Call(context.Background(), "add", json.RawMessage(`{"a":1,"b":1}`)); err != nil {
				t.Fatal(err)
			}
			if n := calls("add"); n != 1 {
				t.Errorf("after one valid call the server saw %d calls of add, want 1", n)
			}
		})
	}
}

func TestSlowTimeoutCancelsServerWork(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, _ := tr.connect(t, Options{Timeout: 50 * time.Millisecond})
			set := newSet(t, c)
			res, err := set.Call(context.Background(), "slow", json.RawMessage(`{"ms":600000}`))
			if err != nil {
				t.Fatal(err)
			}
			if !res.IsError || !strings.Contains(res.Content, "timed out") {
				t.Fatalf("got %+v, want a timed-out error result", res)
			}
			// The cancellation reaches the server, which stops sleeping.
			waitFor(t, "the server to see the cancellation", func() bool { return cancelled(t, set) >= 1 })
			// The session is still usable.
			echo, _ := set.Get("echo")
			res, err = echo.Call(context.Background(), json.RawMessage(`{"text":"still here"}`))
			if err != nil || res.Content != "still here" {
				t.Fatalf("after timeout: %v %+v", err, res)
			}
		})
	}
}

func TestCallerCancelIsAnError(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, _ := tr.connect(t, Options{})
			set := newSet(t, c)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				// Cancel once the call is in flight at the server.
				waitFor(t, "slow to start", func() bool { return remoteCallsSet(t, set, "slow") >= 1 })
				cancel()
			}()
			res, err := set.Call(ctx, "slow", json.RawMessage(`{"ms":600000}`))
			<-done
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Call = %+v, %v; want an error wrapping context.Canceled", res, err)
			}
			waitFor(t, "the server to see the cancellation", func() bool { return cancelled(t, set) >= 1 })
		})
	}
}

func TestCloseStopsSubprocess(t *testing.T) {
	for _, via := range []string{"client", "set"} {
		t.Run(via, func(t *testing.T) {
			c, err := Connect(context.Background(), Options{Command: []string{serverBin}})
			if err != nil {
				t.Fatal(err)
			}
			set := newSet(t, c)
			pid := callPID(t, set)
			if err := syscall.Kill(pid, 0); err != nil {
				t.Fatalf("server process %d not running before Close: %v", pid, err)
			}
			if via == "client" {
				err = c.Close()
			} else {
				err = set.Close()
			}
			if err != nil {
				t.Fatalf("Close: %v", err)
			}
			// ESRCH means the process is gone and was reaped: a zombie
			// still answers signal 0.
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("after Close, kill(%d, 0) = %v; want ESRCH (process gone)", pid, err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			echo, _ := set.Get("echo")
			if _, err := echo.Call(context.Background(), json.RawMessage(`{"text":"x"}`)); !errors.Is(err, ErrClosed) {
				t.Errorf("call after Close: err = %v, want ErrClosed", err)
			}
			// Through a Set the policy reads why.
			res, err := set.Call(context.Background(), "echo", json.RawMessage(`{"text":"x"}`))
			if err != nil || !res.IsError || !strings.Contains(res.Content, "closed") {
				t.Errorf("call after Close through a Set = %+v, %v; want an error result saying the client is closed", res, err)
			}
		})
	}
}

func TestCrashedServerIsReportedThenRestarted(t *testing.T) {
	c := connect(t, Options{Name: "crashy", Command: []string{serverBin}})
	set := newSet(t, c)
	pid := callPID(t, set)
	res, err := set.Call(context.Background(), "crash", json.RawMessage(`{"code":7}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`MCP server "crashy" exited`, "exit status 7", "crashing on request with status 7", "next call restarts it"} {
		if !res.IsError || !strings.Contains(res.Content, want) {
			t.Errorf("crash result %+v does not contain %q", res, want)
		}
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("crashed process %d not reaped: kill = %v", pid, err)
	}
	if pid2 := callPID(t, set); pid2 == pid {
		t.Errorf("after the crash the server still has pid %d; want a new process", pid)
	}
}

func TestServerExitingAtStartIsExplained(t *testing.T) {
	_, err := Connect(context.Background(), Options{Name: "broken", Command: []string{serverBin, "-exit", "3"}})
	if err == nil {
		t.Fatal("Connect succeeded with a server that exits at start")
	}
	for _, want := range []string{`"broken"`, "failed to initialise", "exit status 3", "cannot open database"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestSessionOutlivesConnectContext(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			o := Options{}
			ctx, cancel := context.WithCancel(context.Background())
			var c *Client
			if tr.name == "stdio" {
				o.Command = []string{serverBin}
			} else {
				o.URL = serveHTTP(t, nil).ts.URL
			}
			c, err := Connect(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			cancel()
			res, err := newSet(t, c).Call(context.Background(), "echo", json.RawMessage(`{"text":"alive"}`))
			if err != nil || res.Content != "alive" {
				t.Fatalf("call after the Connect context ended: %v %+v", err, res)
			}
		})
	}
}

func TestHTTPServerGoneIsAnErrorResult(t *testing.T) {
	s := serveHTTP(t, nil)
	c := connect(t, Options{Name: "far", URL: s.ts.URL})
	set := newSet(t, c)
	// The server goes away: no new connections, and the open ones drop.
	s.ts.Listener.Close()
	s.ts.CloseClientConnections()
	res, err := set.Call(context.Background(), "echo", json.RawMessage(`{"text":"x"}`))
	if err != nil {
		t.Fatalf("Call: %v, want an error Result", err)
	}
	t.Logf("result: %s", res.Content)
	if !res.IsError || !strings.Contains(res.Content, `could not reach MCP server "far"`) {
		t.Errorf("got %+v, want an error result naming the server", res)
	}
}

func callPID(t *testing.T, set *tool.Set) int {
	t.Helper()
	res, err := set.Call(context.Background(), "pid", nil)
	if err != nil || res.IsError {
		t.Fatalf("pid: %v %+v", err, res)
	}
	pid, err := strconv.Atoi(res.Content)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// snapshot asks the server what it saw, calling the tool directly so that
// a short timeout configured for the test does not apply.
func snapshot(t *testing.T, set *tool.Set) testtools.Snapshot {
	calls, err := set.Get("calls")
	if err != nil {
		t.Fatal(err)
	}
	res, err := calls.Call(context.Background(), nil)
	if err != nil || res.IsError {
		t.Errorf("calls: %v %+v", err, res)
		return testtools.Snapshot{}
	}
	var s testtools.Snapshot
	if err := json.Unmarshal(res.Data, &s); err != nil {
		t.Errorf("calls: %v", err)
	}
	return s
}

func cancelled(t *testing.T, set *tool.Set) int { return snapshot(t, set).Cancelled }

func remoteCallsSet(t *testing.T, set *tool.Set, name string) int {
	return snapshot(t, set).Calls[name]
}

// waitFor polls cond until it holds; the test's own deadline bounds it.
func waitFor(t *testing.T, what string, cond func() bool) {
	for i := 0; !cond(); i++ {
		if i == 2000 {
			t.Errorf("gave up waiting for %s", what)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestToolRemovedAtServerIsRefused(t *testing.T) {
	s := serveHTTP(t, nil)
	c := connect(t, Options{Name: "shrinking", URL: s.ts.URL})
	set := newSet(t, c)
	s.srv.RemoveTools("echo")
	res, err := set.Call(context.Background(), "echo", json.RawMessage(`{"text":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(res.Content, `MCP server "shrinking" refused the call`) {
		t.Errorf("got %+v, want an error result saying the server refused the call", res)
	}
	// The session survives a refused call.
	res, err = set.Call(context.Background(), "add", json.RawMessage(`{"a":1,"b":2}`))
	if err != nil || string(res.Data) != `{"sum":3}` {
		t.Errorf("after a refused call: %+v, %v", res, err)
	}
}

func TestServerThatNeverAnswersTimesOut(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	// sleep reads no stdin and ignores its closing, so it must be signalled.
	_, err = Connect(context.Background(), Options{Name: "mute", Command: []string{sleep, "600"}, InitTimeout: 100 * time.Millisecond, TerminateAfter: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "failed to initialise") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Connect = %v; want a failed-to-initialise error wrapping the deadline", err)
	}
	if !strings.Contains(err.Error(), "signal: terminated") {
		t.Errorf("error %q does not say the process was terminated", err)
	}
}
