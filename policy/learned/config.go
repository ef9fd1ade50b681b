package learned

import (
	"fmt"
	"math"
	"math/bits"
)

// Config sizes the network. The zero value is not valid; use
// [DefaultConfig] or fill the fields and call [Config.Validate].
type Config struct {
	// TextBuckets is the number of hash buckets for task text; a power of 2.
	TextBuckets int `json:"text_buckets"`
	// ToolBuckets is the number of hash buckets for tool specs; a power of 2.
	ToolBuckets int `json:"tool_buckets"`
	// Dim is the dimension of the text and tool embeddings.
	Dim int `json:"dim"`
	// Hidden is the number of hidden units of each head.
	Hidden int `json:"hidden"`
	// Score, when enabled, switches the policy to score mode (see the
	// package comment): the call head predicts each tool's chance of
	// answering the task correctly and the logits are the preference's
	// utility of it. The zero value keeps the direct-logit mode, so
	// checkpoints written before it load unchanged.
	Score ScoreHead `json:"score,omitzero"`
	// Decider, when non-zero, is the version of the multi-turn decider's
	// feature set ([Features]; version [DeciderVersion]): logits become
	// θ·Features over the score head's predictions and the answers
	// observed so far. It requires score mode. Zero keeps score mode's
	// fixed utilities, so older checkpoints load unchanged.
	Decider int `json:"decider,omitempty"`
	// TrainedThrough is provenance, not network: for a checkpoint trained
	// from logged traffic (baton train --from-store), the creation time,
	// in Unix milliseconds, of the newest logged run it read. A question
	// first asked after it is one the checkpoint never saw, so promotion
	// may judge it there. Zero for checkpoints trained otherwise.
	TrainedThrough int64 `json:"trained_through,omitempty"`
}

// DeciderVersion is the version of the [Features] layout this build
// reads and writes.
const DeciderVersion = 2

// ScoreHead calibrates score mode: how a tool's price and latency enter
// the utility U = a·ŝ − c·CostWeight·nominal − l·latency/LatencyScaleS + w
// of calling it, in the units of the accuracy term.
type ScoreHead struct {
	// CostWeight turns a tool's nominal cost (dollars of a typical call)
	// into utility: the measured cost per nominal dollar over the cost
	// scale of the training env.
	CostWeight float64 `json:"cost_weight"`
	// LatencyScaleS is the latency in seconds that costs one unit of
	// utility at full latency weight.
	LatencyScaleS float64 `json:"latency_scale_s"`
	// Temp divides utilities into logits; > 0 enables score mode.
	Temp float64 `json:"temp"`
}

// Enabled reports whether the policy runs in score mode.
func (h ScoreHead) Enabled() bool { return h.Temp > 0 }

func (h ScoreHead) validate() error {
	fin := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) && x >= 0 }
	if !fin(h.CostWeight) || !fin(h.LatencyScaleS) || !fin(h.Temp) {
		return fmt.Errorf("learned: config score = %+v: want finite, non-negative numbers", h)
	}
	if h.Temp > 0 && h.Temp < 1e-6 {
		return fmt.Errorf("learned: config score temp = %v: want 0 (off) or ≥ 1e-6", h.Temp)
	}
	return nil
}

// DefaultConfig is the size of the embedded policy: about 210k
// parameters, well under a megabyte as a checkpoint.
func DefaultConfig() Config {
	return Config{TextBuckets: 1 << 13, ToolBuckets: 1 << 10, Dim: 24, Hidden: 32}
}

// Validate checks the sizes.
func (c Config) Validate() error {
	pow2 := func(name string, v, lo, hi int) error {
		if v < lo || v > hi || bits.OnesCount(uint(v)) != 1 {
			return fmt.Errorf("learned: config %s = %d: want a power of two in [%d, %d]", name, v, lo, hi)
		}
		return nil
	}
	if err := pow2("text_buckets", c.TextBuckets, 16, 1<<20); err != nil {
		return err
	}
	if err := pow2("tool_buckets", c.ToolBuckets, 16, 1<<16); err != nil {
		return err
	}
	if c.Dim < 1 || c.Dim > 256 {
		return fmt.Errorf("learned: config dim = %d: want 1..256", c.Dim)
	}
	if c.Hidden < 1 || c.Hidden > 1024 {
		return fmt.Errorf("learned: config hidden = %d: want 1..1024", c.Hidden)
	}
	if c.Decider != 0 && c.Decider != DeciderVersion {
		return fmt.Errorf("learned: config decider = %d: this build reads decider version %d; retrain or use a matching baton", c.Decider, DeciderVersion)
	}
	return c.Score.validate()
}
