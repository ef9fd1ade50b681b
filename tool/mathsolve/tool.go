package mathsolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/tool"
)

// KindID is the kind under which the math engine registers.
const KindID = "mathsolve"

// DefaultName is the tool's name unless the configuration gives another.
const DefaultName = "math"

func init() {
	tool.Register(tool.Kind{
		ID:      KindID,
		Doc:     "exact arithmetic over big rationals: fractions, huge integers, modular powers, gcd, factorisation",
		Default: true,
		Open: func(ctx context.Context, cfg tool.Config) ([]tool.Tool, error) {
			var opts Options
			if err := cfg.Decode(&opts); err != nil {
				return nil, fmt.Errorf("mathsolve: %w", err)
			}
			t, err := New(cfg.Name, opts)
			if err != nil {
				return nil, err
			}
			return []tool.Tool{t}, nil
		},
	})
}

// Options configure the math tool in baton.yaml: the [Limits] of each
// evaluation, by their JSON names (max_digits, max_factorial, ...).
type Options struct {
	Limits
}

// Args are the tool's arguments.
type Args struct {
	Expression string `json:"expression" jsonschema:"the arithmetic expression to evaluate exactly, e.g. 2^200 mod 1000000007 or 1/3 + 1/6 or binomial(50, 25)"` // the expression, in the syntax the package doc describes
}

// Tool is the math engine as a [tool.Tool].
type Tool struct {
	eval  Evaluator
	inner tool.Tool
}

var _ tool.Tool = (*Tool)(nil)

// New builds the tool; an empty name means [DefaultName].
func New(name string, opts Options) (*Tool, error) {
	if name == "" {
		name = DefaultName
	}
	if opts.MaxDigits < 0 || opts.MaxLength < 0 || opts.MaxDepth < 0 || opts.MaxFactorial < 0 || opts.MaxFib < 0 || opts.MaxFactorDigits < 0 {
		return nil, fmt.Errorf("mathsolve: options of %q: limits must not be negative (0 means the default)", name)
	}
	t := &Tool{eval: Evaluator{Limits: opts.Limits}}
	spec := tool.Spec{
		Name:        name,
		Description: description(),
		Latency:     time.Millisecond,
		Timeout:     10 * time.Second,
		Tags:        []string{tool.TagLocal, tool.TagMath, tool.TagFree},
	}
	inner, err := tool.Func(spec, t.run)
	if err != nil {
		return nil, fmt.Errorf("mathsolve: %w", err)
	}
	t.inner = inner
	return t, nil
}

func description() string {
	names := strings.ReplaceAll(functionNames(), ", ", " ")
	return "Exact arithmetic: evaluates one expression over arbitrary-precision integers and fractions " +
		"(1/3 + 1/6 = 1/2, 0.1 + 0.2 = 3/10), with + - * / ^ ! % (mod), comparisons, and fast modular " +
		"powers (2^200 mod 1000000007, pow(x, y, m)). Functions: " + names + ". " +
		"pi, e and non-square roots are approximate (marked ≈). No variables, calculus or equation solving."
}

// Spec describes the tool.
func (t *Tool) Spec() tool.Spec { return t.inner.Spec() }

// Call evaluates {"expression": "..."}. A bad expression is an error
// Result naming the column; only a cancelled context is an error.
func (t *Tool) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	return t.inner.Call(ctx, args)
}

func (t *Tool) run(ctx context.Context, in Args) (*tool.Result, error) {
	ans, err := t.eval.Eval(ctx, in.Expression)
	if err != nil {
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return nil, err
		}
		return &tool.Result{Content: err.Error(), IsError: true}, nil
	}
	data, err := json.Marshal(ans)
	if err != nil {
		return nil, fmt.Errorf("mathsolve: marshal answer: %w", err)
	}
	return &tool.Result{Content: ans.String(), Data: data}, nil
}
