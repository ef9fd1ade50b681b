package replay

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/dataset"
)

// Load loads source ("llmrouter", "routerarena", "routellm" or "zeroeval")
// from dir. split selects the llmrouter split ("train" when empty), the
// routellm subset ("gsm8k", "mmlu", "" for both) or the zeroeval task
// ("gsm" or "math-l5"); routerarena has no split and takes "".
func Load(ctx context.Context, source, dir, split string) (*Env, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch source {
	case "llmrouter":
		if split == "" {
			split = "train"
		}
		return LoadLLMRouter(dir, split)
	case "routerarena":
		if split != "" {
			return nil, fmt.Errorf("replay: routerarena has no split (got %q); pass \"\"", split)
		}
		return LoadRouterArena(dir)
	case "routellm":
		return LoadRouteLLM(dir, split)
	case "zeroeval":
		return LoadZeroEval(dir, split)
	}
	return nil, fmt.Errorf("replay: unknown source %q; want llmrouter, routerarena, routellm or zeroeval", source)
}

// Open finds source with [dataset.Resolve] (the --data flag, BATON_DATA,
// ../shared/data, then the pinned download) and loads it with [Load].
func Open(ctx context.Context, source, split string, o dataset.Options) (*Env, error) {
	dir, err := dataset.Resolve(ctx, source, o)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return Load(ctx, source, dir, split)
}
