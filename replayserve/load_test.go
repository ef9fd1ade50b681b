package replayserve

import (
	"context"
	"strings"
	"testing"
)

// TestLoadNeedsData: a folder without the zeroeval files is an error that
// says what to point at; New with no env is one too.
func TestLoadNeedsData(t *testing.T) {
	if _, err := Load(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "result_dirs") {
		t.Errorf("Load(empty dir) = %v", err)
	}
	if _, err := New(context.Background()); err == nil || !strings.Contains(err.Error(), "--data") {
		t.Errorf("New() = %v", err)
	}
}
