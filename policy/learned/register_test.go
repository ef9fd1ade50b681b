package learned

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestOpenEmbedded: "embedded:SOURCE" opens the checkpoint shipped for
// SOURCE, the same bytes as DefaultFor; an unknown source names the
// shipped ones.
func TestOpenEmbedded(t *testing.T) {
	for _, src := range DefaultSources() {
		got, err := Open(Options{Checkpoint: EmbeddedPrefix + src})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, err := DefaultFor(src)
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		if err := got.Save(&a); err != nil {
			t.Fatal(err)
		}
		if err := want.Save(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: Open(embedded) differs from DefaultFor", src)
		}
	}
	_, err := Open(Options{Checkpoint: EmbeddedPrefix + "nope"})
	if !errors.Is(err, ErrNoDefault) || !strings.Contains(err.Error(), "llmrouter") {
		t.Errorf("unknown embedded source: %v", err)
	}
}
