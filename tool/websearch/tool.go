package websearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// KindID is the kind under which the Tavily adapter registers.
const KindID = "websearch.tavily"

// DefaultName is the tool's name unless the configuration gives another.
const DefaultName = "web_search"

// TagDisabled marks a tool that cannot work here (no API key); every call
// returns an error Result.
const TagDisabled = "disabled"

func init() {
	tool.Register(tool.Kind{
		ID:      KindID,
		Doc:     "web search through Tavily (needs TAVILY_API_KEY; disabled without it)",
		Default: true,
		Open: func(ctx context.Context, cfg tool.Config) ([]tool.Tool, error) {
			var opts Options
			if err := cfg.Decode(&opts); err != nil {
				return nil, fmt.Errorf("websearch: %w", err)
			}
			env := opts.APIKeyEnv
			if env == "" {
				env = DefaultAPIKeyEnv
			}
			s, err := New(cfg.Name, opts, cfg.Env(env))
			if err != nil {
				return nil, err
			}
			return []tool.Tool{s}, nil
		},
	})
}

// Args are the tool's arguments.
type Args struct {
	Query      string `json:"query"`                 // what to search the web for
	MaxResults int    `json:"max_results,omitempty"` // results wanted; 0 or above the configured max_results means that maximum
}

// parameters is the JSON Schema of [Args].
const parameters = `{
  "type": "object",
  "properties": {
    "query": {"type": "string", "minLength": 1, "description": "what to search the web for, as a search-engine query"},
    "max_results": {"type": "integer", "minimum": 1, "maximum": 20, "description": "how many results to return (default set by the configuration)"}
  },
  "required": ["query"],
  "additionalProperties": false
}`

// Search is the web search tool. Build it with [New] or tool.Open.
type Search struct {
	opts   Options
	key    string
	spec   tool.Spec
	client *http.Client
	// sleep and now are replaced in tests so that backoff is observed, not
	// waited for.
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

var _ tool.Tool = (*Search)(nil)

// New builds the tool from its options and the API key read from the
// environment; an empty key yields a disabled tool (see the package doc),
// not an error. An empty name means [DefaultName].
func New(name string, opts Options, key string) (*Search, error) {
	if name == "" {
		name = DefaultName
	}
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("%w (tool %q)", err, name)
	}
	s := &Search{
		opts:   opts,
		key:    strings.TrimSpace(key),
		client: &http.Client{},
		sleep:  sleepCtx,
		now:    time.Now,
	}
	s.spec = tool.Spec{
		Name:       name,
		Parameters: json.RawMessage(parameters),
		Price:      money.Price{PerCall: *opts.PricePerCall},
		Latency:    1500 * time.Millisecond,
		Timeout:    time.Duration(opts.Timeout),
		Tags:       []string{tool.TagRemote, tool.TagSearch},
	}
	s.spec.Description = "Searches the web (Tavily) and returns the top results as title, URL and snippet. " +
		"Use for recent events, facts not in local documents, and sources to cite."
	if s.Disabled() {
		s.spec.Description = "DISABLED (no API key): " + s.disabledMessage() + ". " + s.spec.Description
		s.spec.Tags = append(s.spec.Tags, TagDisabled)
		s.spec.Price = money.Price{} // calls never reach the provider
	}
	return s, nil
}

// Disabled reports whether the tool has no API key.
func (s *Search) Disabled() bool { return s.key == "" }

func (s *Search) disabledMessage() string {
	return fmt.Sprintf("web search is disabled: set %s (or configure websearch in baton.yaml)", s.opts.APIKeyEnv)
}

// Spec describes the tool.
func (s *Search) Spec() tool.Spec { return s.spec }

// Call runs one search. Provider failures are error Results; only the
// caller's cancelled context is a Go error.
func (s *Search) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	if s.Disabled() {
		return tool.Rejectf("%s: %s", s.spec.Name, s.disabledMessage()), nil
	}
	var in Args
	if err := json.Unmarshal(args, &in); err != nil {
		return tool.Rejectf("%s: arguments do not decode: %v", s.spec.Name, err), nil
	}
	in.Query = strings.TrimSpace(in.Query)
	if in.Query == "" {
		return tool.Rejectf("%s: /query is empty; say what to search for", s.spec.Name), nil
	}
	n := in.MaxResults
	if n <= 0 || n > s.opts.MaxResults {
		n = s.opts.MaxResults
	}
	cctx, cancel := context.WithTimeout(ctx, time.Duration(s.opts.Timeout))
	defer cancel()
	body, err := s.post(cctx, tavilyRequest{Query: in.Query, MaxResults: n, SearchDepth: s.opts.SearchDepth, IncludeAnswer: s.opts.IncludeAnswer})
	if err != nil {
		var ce *callError
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("websearch: %w", ctx.Err())
		case errors.As(err, &ce):
			return tool.Rejectf("%s: %s", s.spec.Name, ce.msg), nil
		case cctx.Err() != nil:
			return tool.Rejectf("%s: timed out after %s", s.spec.Name, s.opts.Timeout), nil
		}
		return nil, err
	}
	resp, err := parseResponse(body)
	if err != nil {
		return tool.Errorf("%s: %v", s.spec.Name, err), nil
	}
	if resp.Query == "" {
		resp.Query = in.Query
	}
	if len(resp.Results) > n {
		resp.Results = resp.Results[:n]
	}
	data, err := json.Marshal(resp)
	if err != nil {
		return nil, fmt.Errorf("websearch: marshal results: %w", err)
	}
	return &tool.Result{Content: render(in.Query, resp), Data: data}, nil
}
