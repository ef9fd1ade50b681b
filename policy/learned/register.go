package learned

import (
	"bytes"
	"context"
	_ "embed" // the default checkpoint
	"errors"
	"fmt"
	"os"

	"github.com/batonhq/baton/policy"
)

// defaultCheckpoint is the policy shipped in the binary, produced by
// `baton train`. It may be empty in a development tree.
//
//go:embed default.ckpt
var defaultCheckpoint []byte

// ErrNoDefault is returned when the binary carries no embedded checkpoint.
var ErrNoDefault = errors.New("learned: no embedded checkpoint; run baton train and pass its output as the checkpoint option")

// Default returns the embedded default policy.
func Default() (*Policy, error) {
	if len(bytes.TrimSpace(defaultCheckpoint)) == 0 {
		return nil, ErrNoDefault
	}
	p, err := decode(defaultCheckpoint)
	if err != nil {
		return nil, fmt.Errorf("learned: embedded checkpoint: %w", err)
	}
	return p, nil
}

// Options are the "learned" policy kind's options in baton.yaml.
type Options struct {
	// Checkpoint is the path of a checkpoint file; empty means the
	// embedded default.
	Checkpoint string `json:"checkpoint,omitempty"`
}

// Open builds the policy from options: the checkpoint file, or the
// embedded default.
func Open(o Options) (*Policy, error) {
	if o.Checkpoint == "" {
		return Default()
	}
	f, err := os.Open(o.Checkpoint)
	if err != nil {
		return nil, fmt.Errorf("learned: checkpoint: %w", err)
	}
	defer f.Close()
	p, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("learned: checkpoint %s: %w", o.Checkpoint, err)
	}
	return p, nil
}

func init() {
	policy.Register(policy.Kind{
		Name: "learned",
		Doc:  "Baton's embedded GRPO-trained orchestrator; option checkpoint: path of a checkpoint (default: embedded)",
		New: func(_ context.Context, cfg policy.Config) (policy.Policy, error) {
			var o Options
			if len(cfg.Options) > 0 {
				if err := cfg.Decode(&o); err != nil {
					return nil, err
				}
			}
			return Open(o)
		},
	})
}
