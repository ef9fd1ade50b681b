package tool

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/batonhq/baton/money"
)

// Tool is anything a policy can call: a local index, a sandbox, a math
// engine, a web search API, an MCP server's tool or a model.
//
// Call receives arguments that already satisfy Spec().Parameters (a [Set]
// validates them first). A failure the policy should see and react to, such
// as a division by zero or a 404 from a search API, is returned as a Result
// with IsError set and a nil error. A non-nil error means the system failed
// (context cancelled, a bug); the orchestrator stops on it.
type Tool interface {
	// Spec describes the tool; it is constant over the tool's life.
	Spec() Spec
	// Call runs the tool once with JSON arguments matching Spec's schema.
	Call(ctx context.Context, args json.RawMessage) (*Result, error)
}

// Spec is everything a policy needs to choose a tool it has never seen:
// what it does, what it takes, what it costs and how long it usually takes.
type Spec struct {
	// Name is what a policy calls: letters, digits, '_', '-' and '.', at
	// most 64 characters, unique within a [Set].
	Name string `json:"name"`
	// Description says what the tool is good at, for humans and policies.
	Description string `json:"description"`
	// Parameters is the JSON Schema (draft 2020-12) of the arguments object.
	Parameters json.RawMessage `json:"parameters"`
	// Price is the list price of one call.
	Price money.Price `json:"price"`
	// Latency is the typical wall time of one call.
	Latency time.Duration `json:"latency"`
	// Timeout is the hard limit on one call's wall time, enforced by the
	// caller through the context; 0 means the caller's default.
	Timeout time.Duration `json:"timeout,omitempty"`
	// MaxOutputTokens bounds the tokens one call can bill for output (an LLM's
	// max_tokens); it is used to compute the worst-case cost of a call.
	MaxOutputTokens int64 `json:"max_output_tokens,omitempty"`
	// Tags classify the tool: see the Tag constants.
	Tags []string `json:"tags,omitempty"`
}

// Tags in common use.
const (
	TagLocal  = "local"  // runs on this machine
	TagRemote = "remote" // calls a network service
	TagLLM    = "llm"    // a language model
	TagCode   = "code"   // executes code
	TagSearch = "search" // retrieves documents
	TagMath   = "math"   // exact computation
	TagFree   = "free"   // costs nothing
)

// HasTag reports whether the spec carries tag.
func (s Spec) HasTag(tag string) bool {
	for _, t := range s.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// Result is what one call returned.
type Result struct {
	// Content is the text a policy reads.
	Content string `json:"content"`
	// Data is the structured result, when the tool has one.
	Data json.RawMessage `json:"data,omitempty"`
	// IsError marks a failure the policy should see (bad arguments, a tool
	// error, a refused call); Content then explains it.
	IsError bool `json:"is_error,omitempty"`
	// Usage is the tokens the call consumed (zero for tools without tokens).
	Usage Usage `json:"usage"`
	// Cost is the exact charge of the call. A tool that knows its real
	// charge (a recorded replay, a provider that bills per call) sets it;
	// otherwise a [Set] computes it from Spec().Price and Usage.
	Cost money.Amount `json:"cost"`
	// Unbilled marks a call the provider did not charge for (a request it
	// rejected, a disabled tool), so the Set does not apply the list price.
	Unbilled bool `json:"unbilled,omitempty"`
	// Latency is the wall time of the call, measured by the [Set] unless
	// the tool reports it (a replay reports the recorded latency).
	Latency time.Duration `json:"latency"`
}

// Answer returns the final answer the result offers a policy: the
// "answer" field of Data when the tool extracts one (a model's parsed
// final answer, as replayed models report it), otherwise Content. ok is
// false for an error result, for a tool that reports it could not parse
// an answer ("parsed": false), and for blank text. Policies answer with
// it and verifiers compare against it, so both read answers one way.
func (r *Result) Answer() (answer string, ok bool) {
	if r == nil || r.IsError {
		return "", false
	}
	if len(r.Data) > 0 && r.Data[0] == '{' {
		var d struct {
			Answer *string `json:"answer"`
			Parsed *bool   `json:"parsed"`
		}
		if json.Unmarshal(r.Data, &d) == nil {
			if d.Parsed != nil && !*d.Parsed {
				return "", false
			}
			if d.Answer != nil && strings.TrimSpace(*d.Answer) != "" {
				return strings.TrimSpace(*d.Answer), true
			}
		}
	}
	return r.Content, strings.TrimSpace(r.Content) != ""
}

// Usage is the token usage of a call.
type Usage struct {
	InputTokens  int64 `json:"input_tokens,omitempty"`  // tokens sent to a model
	OutputTokens int64 `json:"output_tokens,omitempty"` // tokens the model produced
	// Estimated is set when the provider reported no usage and the counts
	// were estimated (see [EstimateTokens]).
	Estimated bool `json:"estimated,omitempty"`
}

// Errorf returns an error Result with a formatted message, for failures the
// policy should read. The call is still billed at the tool's price; use
// [Rejectf] for failures the provider does not charge for.
func Errorf(format string, args ...any) *Result {
	return &Result{Content: sprintf(format, args...), IsError: true}
}

// Rejectf is [Errorf] for a call that cost nothing: it was refused before
// any paid work happened.
func Rejectf(format string, args ...any) *Result {
	r := Errorf(format, args...)
	r.Unbilled = true
	return r
}

// Text returns a Result with plain text content.
func Text(s string) *Result { return &Result{Content: s} }

// CostBounder is implemented by tools that can bound the cost of a call
// before making it more tightly than [WorstCase] can, e.g. an LLM that
// counts its prompt template. The bound must never be below the real charge:
// budgets rely on it.
type CostBounder interface {
	// MaxCost returns the most a call with args can be charged.
	MaxCost(args json.RawMessage) (money.Amount, error)
}

// WorstCase returns the most a call of t with args can cost: t's own bound
// when it implements [CostBounder]; otherwise, from its Spec, [Spec.MaxCost]
// with one input token per byte of arguments (no tokenizer emits fewer than
// one byte per token). The timeout it prices is the one [Invoke] enforces.
func WorstCase(t Tool, args json.RawMessage) (money.Amount, error) {
	if b, ok := t.(CostBounder); ok {
		return b.MaxCost(args)
	}
	return t.Spec().MaxCost(int64(len(args))), nil
}

// EstimateTokens estimates the token count of text for providers that report
// no usage: one token per four bytes, rounded up, the usual rule of thumb for
// English text with BPE tokenizers. Results priced from it carry
// Usage.Estimated.
func EstimateTokens(text string) int64 { return int64((len(text) + 3) / 4) }
