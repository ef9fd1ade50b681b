package replay

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// shared returns shared/data/<source> beside the checkout, or skips.
func shared(t testing.TB, source string) string {
	t.Helper()
	d := filepath.Join("..", "..", "..", "shared", "data", source)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("no %s beside the checkout", d)
	}
	return d
}

func tiny(t testing.TB, split string) *Env {
	t.Helper()
	e, err := LoadLLMRouter(filepath.Join("testdata", "tiny-llmrouter"), split)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var (
	loadedMu sync.Mutex
	loaded   = map[string]*Env{}
)

// load loads a shared source once per test binary; Envs are immutable, so
// tests can share them.
func load(t testing.TB, source, split string) *Env {
	t.Helper()
	dir := shared(t, source)
	loadedMu.Lock()
	defer loadedMu.Unlock()
	key := source + "|" + split
	if e, ok := loaded[key]; ok {
		return e
	}
	e, err := Load(context.Background(), source, dir, split)
	if err != nil {
		t.Fatal(err)
	}
	loaded[key] = e
	return e
}
