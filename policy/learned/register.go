package learned

import (
	"bytes"
	"context"
	embedfs "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/batonhq/baton/policy"
)

// checkpoints are the policies shipped in the binary, one per bundled
// source, each produced by `baton train --source SOURCE --seed 1` (see
// [DefaultFor]). Files are named after the source with ':' as '-'.
//
//go:embed checkpoints/*.ckpt
var checkpoints embedfs.FS

// DefaultSource is the source whose checkpoint [Default] returns: the
// multi-turn orchestrator trained on zeroeval's GSM8K replays (call a
// model, read its answer, answer or call another).
const DefaultSource = "zeroeval:gsm"

// ErrNoDefault is returned when the binary carries no embedded checkpoint
// for a source.
var ErrNoDefault = errors.New("learned: no embedded checkpoint; run baton train and pass its output as the checkpoint option")

// Default returns the embedded default policy, [DefaultFor]([DefaultSource]).
func Default() (*Policy, error) { return DefaultFor(DefaultSource) }

// DefaultFor returns the embedded policy trained on source
// ("llmrouter", "zeroeval:gsm", "zeroeval:math-l5"), or an error wrapping
// [ErrNoDefault] when none was shipped for it.
func DefaultFor(source string) (*Policy, error) {
	name := "checkpoints/" + strings.ReplaceAll(source, ":", "-") + ".ckpt"
	b, err := checkpoints.ReadFile(name)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w (source %q; shipped: %s)", ErrNoDefault, source, strings.Join(DefaultSources(), ", "))
	}
	p, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("learned: embedded checkpoint %s: %w", name, err)
	}
	return p, nil
}

// DefaultSources lists the sources with an embedded checkpoint.
func DefaultSources() []string {
	ents, _ := checkpoints.ReadDir("checkpoints")
	var out []string
	for _, e := range ents {
		n := strings.TrimSuffix(e.Name(), ".ckpt")
		if i := strings.Index(n, "-"); i > 0 && strings.HasPrefix(n, "zeroeval-") {
			n = n[:i] + ":" + n[i+1:]
		}
		out = append(out, n)
	}
	return out
}

// Options are the "learned" policy kind's options in baton.yaml.
type Options struct {
	// Checkpoint is the path of a checkpoint file, or "embedded:SOURCE"
	// for the checkpoint shipped for SOURCE (see [DefaultSources], e.g.
	// "embedded:llmrouter"); empty means the embedded default.
	Checkpoint string `json:"checkpoint,omitempty"`
}

// EmbeddedPrefix starts an [Options.Checkpoint] that names a shipped
// checkpoint by its source.
const EmbeddedPrefix = "embedded:"

// Open builds the policy from options: the checkpoint file, or the
// embedded default.
func Open(o Options) (*Policy, error) {
	if o.Checkpoint == "" {
		return Default()
	}
	if src, ok := strings.CutPrefix(o.Checkpoint, EmbeddedPrefix); ok {
		return DefaultFor(src)
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
		Doc:  "Baton's embedded multi-turn orchestrator (score head + cascade-clone warm start + GRPO); option checkpoint: path of a checkpoint (default: embedded, trained on zeroeval:gsm)",
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
