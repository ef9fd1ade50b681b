package httplimit_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/httplimit"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// start serves h with l on a loopback port and returns its address and
// listener.
func start(t *testing.T, h http.Handler, l httplimit.Limits) (string, *httplimit.Listener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs, lim, _ := httplimit.Serve(ln, h, l, quiet)
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String(), lim
}

func dialFrom(t *testing.T, local, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// slowBody starts a POST whose body never finishes arriving.
func slowBody(t *testing.T, c net.Conn) {
	t.Helper()
	if _, err := fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab"); err != nil {
		t.Fatal(err)
	}
}

// status reads one response's status code from c, or 0 if the connection
// closed without one.
func status(c net.Conn, within time.Duration) int {
	_ = c.SetReadDeadline(time.Now().Add(within))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// readAll is a handler that reads the body as servers do and answers 408
// or 413 for the limits.
var readAll = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, err := io.ReadAll(r.Body)
	var mb *http.MaxBytesError
	switch {
	case errors.Is(err, httplimit.ErrBodyTimeout):
		http.Error(w, err.Error(), http.StatusRequestTimeout)
	case errors.As(err, &mb):
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
	default:
		io.WriteString(w, "ok")
	}
})

func TestSlowBodyClientsHoldAtMostTheirCap(t *testing.T) {
	ok := readAll
	addr, lim := start(t, ok, httplimit.Limits{MaxConns: 6, MaxConnsPerClient: 4, BodyTimeout: 300 * time.Millisecond})
	var conns []net.Conn
	for range 20 {
		c := dialFrom(t, "127.0.0.1", addr)
		slowBody(t, c)
		conns = append(conns, c)
	}
	// The first four are held (until their body times out); the other
	// sixteen are refused at once with 503.
	refused := 0
	for _, c := range conns[4:] {
		if st := status(c, 2*time.Second); st == http.StatusServiceUnavailable {
			refused++
		}
	}
	if refused != 16 || lim.Refused() != 16 {
		t.Fatalf("%d of 16 over-cap connections refused with 503 (listener counted %d)", refused, lim.Refused())
	}
	if n := lim.Open(); n > 4 {
		t.Fatalf("%d connections open from one address, cap 4", n)
	}
	// Another address still gets in while 127.0.0.1 is at its cap...
	other := dialFrom(t, "127.0.0.2", addr)
	fmt.Fprintf(other, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if st := status(other, 2*time.Second); st != http.StatusOK {
		t.Fatalf("a second client got %d while the first was at its cap", st)
	}
	// ...and the held slow bodies are cut off by the body timeout (408).
	for i, c := range conns[:4] {
		if st := status(c, 3*time.Second); st != http.StatusRequestTimeout {
			t.Fatalf("slow body %d: status %d, want 408", i, st)
		}
	}
}

func TestTotalCap(t *testing.T) {
	ok := readAll
	addr, lim := start(t, ok, httplimit.Limits{MaxConns: 3, MaxConnsPerClient: 2, BodyTimeout: 5 * time.Second})
	for _, ip := range []string{"127.0.0.1", "127.0.0.1", "127.0.0.2"} {
		slowBody(t, dialFrom(t, ip, addr))
	}
	deadline := time.Now().Add(2 * time.Second)
	for lim.Open() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	c := dialFrom(t, "127.0.0.3", addr)
	if st := status(c, 2*time.Second); st != http.StatusServiceUnavailable {
		t.Fatalf("fourth connection over a total cap of 3: status %d, want 503", st)
	}
}

func TestIdleKeepAliveCloses(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	addr, lim := start(t, ok, httplimit.Limits{IdleTimeout: 200 * time.Millisecond})
	c := dialFrom(t, "127.0.0.1", addr)
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 || resp.Close {
		t.Fatalf("keep-alive response: %v %+v", err, resp)
	}
	io.Copy(io.Discard, resp.Body)
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle keep-alive connection still open after 3s with a 200ms idle timeout: %v", err)
	}
	deadline := time.Now().Add(time.Second)
	for lim.Open() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if lim.Open() != 0 {
		t.Fatalf("%d connections still counted open", lim.Open())
	}
}

func TestLongStreamAndLongRunSurvive(t *testing.T) {
	const stall = 200 * time.Millisecond
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		// A long run: longer than every timeout, and the request's context
		// must not be cancelled by any of them.
		select {
		case <-time.After(4 * stall):
		case <-r.Context().Done():
			http.Error(w, "context cancelled during the run", 500)
			return
		}
		rc := http.NewResponseController(w)
		for i := range 8 { // a stream lasting 8 stalls, one write per half stall
			fmt.Fprintf(w, "%s %d\n", body, i)
			_ = rc.Flush()
			time.Sleep(stall / 2)
		}
	})
	addr, _ := start(t, h, httplimit.Limits{BodyTimeout: stall, WriteStall: stall, IdleTimeout: stall, HeaderTimeout: stall})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/", strings.NewReader("chunk"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || strings.Count(string(b), "chunk") != 8 {
		t.Fatalf("status %d, err %v, body %q: want all 8 lines", resp.StatusCode, err, b)
	}
}

func TestBodyTooLarge(t *testing.T) {
	addr, _ := start(t, readAll, httplimit.Limits{MaxBodyBytes: 10})
	resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader(strings.Repeat("x", 11)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestClientThatStopsReadingIsCut(t *testing.T) {
	failed := make(chan time.Duration, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		chunk := []byte(strings.Repeat("x", 64<<10))
		for time.Since(start) < 10*time.Second {
			if _, err := w.Write(chunk); err != nil {
				failed <- time.Since(start)
				return
			}
		}
		failed <- -1
	})
	addr, _ := start(t, h, httplimit.Limits{WriteStall: 300 * time.Millisecond})
	c := dialFrom(t, "127.0.0.1", addr)
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") // and never read
	if d := <-failed; d < 0 || d > 5*time.Second {
		t.Fatalf("a writer to a client that stopped reading ran for %v; want it cut after the 300ms write stall", d)
	}
}
