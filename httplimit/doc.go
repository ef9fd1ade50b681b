// Package httplimit keeps one client of an HTTP server from starving the
// others: a [Listener] caps concurrent connections in total and per client
// address, and [Handler] bounds each request's body (size and read time)
// and each response write, per write, so streams of any length live while a
// client that stops reading cannot hold a connection. [Server] puts them
// together with header and idle timeouts; both `baton serve` and
// `baton env serve` use it.
//
// Why not http.Server's ReadTimeout and WriteTimeout: ReadTimeout stays in
// force after the body is read, and when it fires net/http cancels the
// request's context, killing a long orchestrated run; WriteTimeout is one
// deadline for the whole response, killing any stream longer than it.
package httplimit
