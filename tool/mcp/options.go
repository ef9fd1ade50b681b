package mcp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/batonhq/baton/money"
)

// Options configures [Connect]. Exactly one of Command and URL is set.
type Options struct {
	// Name names the server in error messages and logs, e.g. "github".
	Name string
	// Prefix, when not empty, is prepended with a "." to every tool name,
	// so that "search" from server "github" becomes "github.search".
	Prefix string

	// Command is the program and arguments of a server speaking MCP over
	// stdio. A program without a path separator is looked up in PATH.
	Command []string
	// Env is added to the inherited environment of the subprocess.
	Env map[string]string
	// Dir is the working directory of the subprocess; empty means ours.
	Dir string
	// TerminateAfter is how long Close waits for the subprocess to exit
	// after closing its stdin before signalling it; 0 means 2s.
	TerminateAfter time.Duration

	// URL is the endpoint of a server speaking MCP over streamable HTTP.
	URL string
	// Headers are sent with every HTTP request, e.g. Authorization.
	Headers http.Header
	// HTTPClient makes the HTTP requests; nil means http.DefaultClient.
	HTTPClient *http.Client

	// InitTimeout bounds starting the server, the MCP handshake and the
	// tool listing, so that a server that never answers cannot hang
	// start-up; 0 means 60s, enough for a package runner such as npx to
	// fetch the server on first use.
	InitTimeout time.Duration

	// Timeout is each tool's Spec.Timeout; 0 leaves the caller's default.
	Timeout time.Duration
	// PricePerCall is each tool's price of one call.
	PricePerCall money.Amount
	// Logger receives the client's logs; nil means slog.Default().
	Logger *slog.Logger
}

// ErrClosed is wrapped by calls made after [Client.Close].
var ErrClosed = errors.New("mcp: client is closed")

func (o *Options) validate() error {
	switch {
	case len(o.Command) == 0 && o.URL == "":
		return fmt.Errorf("mcp: server %q: set either command (a stdio server to start) or url (a streamable HTTP endpoint)", o.label())
	case len(o.Command) > 0 && o.URL != "":
		return fmt.Errorf("mcp: server %q: set only one of command and url, not both", o.label())
	case len(o.Command) > 0 && o.Command[0] == "":
		return fmt.Errorf("mcp: server %q: command: the program name is empty", o.label())
	}
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil {
			return fmt.Errorf("mcp: server %q: url: %w", o.label(), err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("mcp: server %q: url %q: want an http:// or https:// URL with a host", o.label(), o.URL)
		}
	}
	if o.Timeout < 0 {
		return fmt.Errorf("mcp: server %q: timeout %s is negative", o.label(), o.Timeout)
	}
	if o.PricePerCall < 0 {
		return fmt.Errorf("mcp: server %q: price per call %s is negative", o.label(), o.PricePerCall)
	}
	return nil
}

func (o *Options) initTimeout() time.Duration {
	if o.InitTimeout > 0 {
		return o.InitTimeout
	}
	return 60 * time.Second
}

func (o *Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

// label names the server for messages: its name, else its command or URL.
func (o *Options) label() string {
	if o.Name != "" {
		return o.Name
	}
	if o.URL != "" {
		return o.URL
	}
	if len(o.Command) > 0 {
		return o.Command[0]
	}
	return "?"
}
