package server

import (
	"net/http"
	"sync"
)

// maxIdleUpstreamConns is how many idle connections the gateway keeps per
// upstream host. net/http's default of 2 makes a server with hundreds of
// concurrent streams dial (and, for HTTPS, handshake) almost every call
// anew; a gateway's load is exactly many concurrent calls to few hosts.
const maxIdleUpstreamConns = 1024

var (
	upstreamOnce   sync.Once
	upstreamClient *http.Client
)

// gatewayHTTPClient is the HTTP client pass-through models share: one
// connection pool per process, sized for a gateway. It has no client-wide
// timeout; tool/llm bounds each attempt.
func gatewayHTTPClient() *http.Client {
	upstreamOnce.Do(func() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 4 * maxIdleUpstreamConns
		t.MaxIdleConnsPerHost = maxIdleUpstreamConns
		upstreamClient = &http.Client{Transport: t}
	})
	return upstreamClient
}
