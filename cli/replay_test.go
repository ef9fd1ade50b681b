package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplayServe(t *testing.T) {
	data, _ := filepath.Abs(filepath.Join("..", "..", "shared", "data", "zeroeval"))
	if _, err := os.Stat(data); err != nil {
		t.Skipf("no %s beside the checkout", data)
	}
	base := startCommand(t, nil, "replay", "serve", "--data", data, "--addr", "127.0.0.1:0")
	resp, err := http.Get(base + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Data []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Data) != 17 {
		t.Fatalf("models: %d listed, %v", len(out.Data), err)
	}
}

func TestReplayServeMisuse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"replay"}, 2, "want baton replay serve"},
		{[]string{"replay", "play"}, 2, "want baton replay serve"},
		{[]string{"replay", "serve", "--addr", "nonsense"}, 2, "--addr"},
		{[]string{"replay", "serve", "--max-body", "0"}, 2, "--max-body"},
		{[]string{"replay", "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, 1, "check --data"},
	} {
		code, _, errs := run(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d saying %q", tc.args, code, errs, tc.code, tc.says)
		}
	}
}
