package cli

import (
	"context"
	"fmt"
)

// runEnvServe is replaced when the environment server lands.
func runEnvServe(ctx context.Context, env *Env, args []string) error {
	return fmt.Errorf("baton env serve is not built yet")
}
