package tool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
)

// FuncTool is a [Tool] built from a typed Go function by [Func].
type FuncTool[In, Out any] struct {
	spec Spec
	fn   func(context.Context, In) (Out, error)
}

// Func turns fn into a Tool whose argument schema is derived from In's
// struct fields (json tags name them, `jsonschema:"..."` tags describe them;
// fields without omitempty are required). spec.Parameters is filled in
// unless already set.
//
// An error returned by fn becomes an error Result the policy reads, except
// context cancellation, which is returned as an error.
// If Out is a string it becomes the Content; otherwise Out is marshalled to
// JSON as both Data and Content.
func Func[In, Out any](spec Spec, fn func(context.Context, In) (Out, error)) (*FuncTool[In, Out], error) {
	if len(spec.Parameters) == 0 {
		s, err := jsonschema.For[In](nil)
		if err != nil {
			return nil, fmt.Errorf("tool: derive schema of %s arguments: %w", spec.Name, err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("tool: marshal schema of %s: %w", spec.Name, err)
		}
		spec.Parameters = b
	}
	return &FuncTool[In, Out]{spec: spec, fn: fn}, nil
}

// MustFunc is [Func] for package-level tools; it panics on error.
func MustFunc[In, Out any](spec Spec, fn func(context.Context, In) (Out, error)) *FuncTool[In, Out] {
	t, err := Func(spec, fn)
	if err != nil {
		panic(err)
	}
	return t
}

// Spec returns the tool's spec with its derived schema.
func (f *FuncTool[In, Out]) Spec() Spec { return f.spec }

// Call decodes args into In and calls the function.
func (f *FuncTool[In, Out]) Call(ctx context.Context, args json.RawMessage) (*Result, error) {
	var in In
	if len(args) > 0 {
		if err := json.Unmarshal(args, &in); err != nil {
			return Errorf("%s: arguments do not decode: %v", f.spec.Name, err), nil
		}
	}
	out, err := f.fn(ctx, in)
	if err != nil {
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return nil, err
		}
		return Errorf("%s: %v", f.spec.Name, err), nil
	}
	if s, ok := any(out).(string); ok {
		return Text(s), nil
	}
	if r, ok := any(out).(*Result); ok {
		return r, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("tool: %s: marshal result: %w", f.spec.Name, err)
	}
	return &Result{Content: string(b), Data: b}, nil
}
