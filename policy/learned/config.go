package learned

import (
	"fmt"
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
	return nil
}
