package cli

import (
	"fmt"
	"io"
	"os"
)

// createOutput opens path for writing; "-" is stdout.
func createOutput(env *Env, path string) (io.Writer, func(), error) {
	if path == "-" {
		return env.Stdout, func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, func() { _ = f.Close() }, nil
}
