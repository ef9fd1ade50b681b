package sandbox

import (
	"context"

	"github.com/batonhq/baton/tool"
)

func init() {
	tool.Register(tool.Kind{
		ID:      "sandbox.python",
		Doc:     "Python 3 in a subprocess with rlimits, no network, a private read-only root with its own tmpfs and /proc, and a uid per call",
		Default: true,
		Open: func(ctx context.Context, cfg tool.Config) ([]tool.Tool, error) {
			var opts PythonOptions
			if err := cfg.Decode(&opts); err != nil {
				return nil, err
			}
			t, err := NewPython(ctx, cfg.Name, opts)
			if err != nil {
				return nil, err
			}
			return []tool.Tool{t}, nil
		},
	})
	tool.Register(tool.Kind{
		ID:      "sandbox.starlark",
		Doc:     "embedded Starlark (a Python dialect) with step and output limits and no I/O",
		Default: true,
		Open: func(_ context.Context, cfg tool.Config) ([]tool.Tool, error) {
			var opts StarlarkOptions
			if err := cfg.Decode(&opts); err != nil {
				return nil, err
			}
			t, err := NewStarlark(cfg.Name, opts)
			if err != nil {
				return nil, err
			}
			return []tool.Tool{t}, nil
		},
	})
}
