package httplimit

import (
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Listener wraps a net.Listener and caps the connections open at once, in
// total and per client IP address. A connection past a cap is answered
// with a short HTTP 503 and closed at once, so a client that opens many
// slow connections holds at most its share.
type Listener struct {
	net.Listener
	total, perClient int
	log              *slog.Logger

	mu       sync.Mutex
	open     int
	byClient map[string]int
	refused  atomic.Int64
}

// Listen wraps ln. total and perClient <= 0 mean no cap of that kind.
func Listen(ln net.Listener, total, perClient int, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	return &Listener{Listener: ln, total: total, perClient: perClient, log: log, byClient: map[string]int{}}
}

// Refused returns how many connections the caps have refused so far.
func (l *Listener) Refused() int64 { return l.refused.Load() }

// Open returns the number of connections open now.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Accept implements net.Listener; connections past a cap are refused
// without being returned.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client := clientOf(c.RemoteAddr())
		l.mu.Lock()
		over := ""
		switch {
		case l.total > 0 && l.open >= l.total:
			over = "total"
		case l.perClient > 0 && l.byClient[client] >= l.perClient:
			over = "per-client"
		}
		if over == "" {
			l.open++
			l.byClient[client]++
		}
		l.mu.Unlock()
		if over != "" {
			l.refused.Add(1)
			l.log.Warn("httplimit: connection refused: too many open", "client", client, "cap", over)
			go refuse(c)
			continue
		}
		return &conn{Conn: c, l: l, client: client}, nil
	}
}

const refusalBody = "too many open connections from this address; close some and retry\n"

var refusal = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalBody)) + "\r\n\r\n" + refusalBody

// refuse tells an over-cap client why, briefly, and closes.
func refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write([]byte(refusal))
	_ = c.Close()
}

func (l *Listener) release(client string) {
	l.mu.Lock()
	l.open--
	if l.byClient[client]--; l.byClient[client] <= 0 {
		delete(l.byClient, client)
	}
	l.mu.Unlock()
}

func clientOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

type conn struct {
	net.Conn
	l      *Listener
	client string
	once   sync.Once
}

// Close implements net.Conn; the first Close frees the slot.
func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.client) })
	return err
}

// Serve serves h on ln with l's caps and timeouts until ctx-less shutdown
// by the caller through the returned server: it wraps ln with [Listen] and
// returns the server (for Shutdown) and a channel with Serve's result.
func Serve(ln net.Listener, h http.Handler, l Limits, log *slog.Logger) (*http.Server, *Listener, <-chan error) {
	l = l.WithDefaults()
	lim := Listen(ln, l.MaxConns, l.MaxConnsPerClient, log)
	hs := Server(h, l, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(lim) }()
	return hs, lim, errc
}
