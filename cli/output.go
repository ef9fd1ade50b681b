package cli

import (
	"encoding/json"
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

// writeJSON writes v to w as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONFile writes v as indented JSON to path ("-" is stdout); an
// error closing the file (a full disk) is reported, not lost.
func writeJSONFile(env *Env, path string, v any) error {
	if path == "-" {
		return writeJSON(env.Stdout, v)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := writeJSON(f, v); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
