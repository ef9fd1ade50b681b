package mcp

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/batonhq/baton/duration"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// KindID is the kind under which this package registers: one configured
// instance is one MCP server and yields all its tools.
const KindID = "mcp"

func init() {
	tool.Register(tool.Kind{
		ID:   KindID,
		Doc:  "the tools of an MCP server, started over stdio (command) or reached over streamable HTTP (url)",
		Open: Open,
	})
}

// kindOptions is the options of one "mcp" instance in baton.yaml.
type kindOptions struct {
	// Command starts a stdio server, e.g. ["npx", "-y", "@x/server"].
	Command []string `json:"command"`
	// URL is a streamable HTTP endpoint.
	URL string `json:"url"`
	// Env is added to the subprocess's environment; values may contain
	// ${VAR} references to Baton's environment.
	Env map[string]string `json:"env"`
	// HeadersEnv maps an HTTP header to the environment variable holding
	// its value, so secrets stay out of the file; a value containing ${VAR}
	// is a template instead, e.g. "Bearer ${GITHUB_TOKEN}".
	HeadersEnv map[string]string `json:"headers_env"`
	// Dir is the subprocess's working directory, relative to the config
	// file; empty means the config file's directory.
	Dir string `json:"dir"`
	// Prefix is prepended with "." to tool names; absent means the
	// instance's name, "" means no prefix.
	Prefix *string `json:"prefix"`
	// Timeout bounds each call, e.g. "30s".
	Timeout duration.Duration `json:"timeout"`
	// PricePerCall is the price of one call in dollars.
	PricePerCall money.Amount `json:"price_per_call"`
}

// Open is the kind's Open: it decodes cfg.Options strictly, connects to the
// server and returns its tools. The tools share one [Client]; closing any
// of them closes it.
func Open(ctx context.Context, cfg tool.Config) ([]tool.Tool, error) {
	opts, err := optionsFromConfig(cfg)
	if err != nil {
		return nil, err
	}
	c, err := Connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	ts := c.Tools()
	if len(ts) == 0 {
		opts.logger().Warn("mcp: server offers no tools; closing it", "server", opts.label())
		_ = c.Close()
	}
	return ts, nil
}

func optionsFromConfig(cfg tool.Config) (Options, error) {
	var k kindOptions
	if err := cfg.Decode(&k); err != nil {
		return Options{}, fmt.Errorf("mcp: %w", err)
	}
	o := Options{
		Name:         cfg.Name,
		Prefix:       cfg.Name,
		Command:      k.Command,
		URL:          k.URL,
		Timeout:      time.Duration(k.Timeout),
		PricePerCall: k.PricePerCall,
	}
	if k.Prefix != nil {
		o.Prefix = *k.Prefix
	}
	if err := o.validate(); err != nil {
		return Options{}, err
	}
	if len(k.Env) > 0 && o.URL != "" {
		return Options{}, fmt.Errorf("mcp: server %q: env applies only to a command; use headers_env to pass credentials to a url", o.label())
	}
	if len(k.HeadersEnv) > 0 && len(o.Command) > 0 {
		return Options{}, fmt.Errorf("mcp: server %q: headers_env applies only to a url; use env to pass credentials to a command", o.label())
	}
	if k.Dir != "" && o.URL != "" {
		return Options{}, fmt.Errorf("mcp: server %q: dir applies only to a command", o.label())
	}
	if len(k.Env) > 0 {
		o.Env = make(map[string]string, len(k.Env))
		for name, v := range k.Env {
			if !validEnvName(name) {
				return Options{}, fmt.Errorf("mcp: server %q: env: %q is not an environment variable name", o.label(), name)
			}
			ev, err := expand(v, cfg.Env)
			if err != nil {
				return Options{}, fmt.Errorf("mcp: server %q: env %s: %w", o.label(), name, err)
			}
			o.Env[name] = ev
		}
	}
	if len(k.HeadersEnv) > 0 {
		o.Headers = http.Header{}
		for h, envName := range k.HeadersEnv {
			v, err := headerValue(envName, cfg.Env)
			if err != nil {
				return Options{}, fmt.Errorf("mcp: server %q: headers_env %s: %w", o.label(), h, err)
			}
			o.Headers.Set(h, v)
		}
	}
	if len(o.Command) > 0 {
		o.Dir = cfg.Dir
		if k.Dir != "" {
			o.Dir = k.Dir
			if !filepath.IsAbs(k.Dir) && cfg.Dir != "" {
				o.Dir = filepath.Join(cfg.Dir, k.Dir)
			}
		}
	}
	return o, nil
}

// headerValue reads a header's value: the variable named ref, or ref
// expanded as a template when it contains ${VAR}.
func headerValue(ref string, getenv func(string) string) (string, error) {
	if strings.Contains(ref, "${") {
		return expand(ref, getenv)
	}
	if !validEnvName(ref) {
		return "", fmt.Errorf("%q is neither an environment variable name nor a template such as \"Bearer ${TOKEN}\"", ref)
	}
	v := getenv(ref)
	if v == "" {
		return "", fmt.Errorf("environment variable %s is not set", ref)
	}
	return v, nil
}
