package learned

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// Checkpoint format constants.
const (
	// Magic starts every checkpoint.
	Magic = "BATONPOL"
	// FormatVersion is the checkpoint format this package writes and reads.
	FormatVersion uint32 = 1
)

// ErrCheckpoint is wrapped by every checkpoint decoding failure.
var ErrCheckpoint = errors.New("learned: bad checkpoint")

// Save writes the policy as a checkpoint (format in the package comment).
// Weights are stored as float32, so a saved and loaded policy is the
// float32 rounding of the original; saving it again gives the same bytes.
func (p *Policy) Save(w io.Writer) error {
	var buf bytes.Buffer
	buf.WriteString(Magic)
	cfg, err := json.Marshal(p.cfg)
	if err != nil {
		return fmt.Errorf("learned: save: %w", err)
	}
	le := binary.LittleEndian
	buf.Write(le.AppendUint32(nil, FormatVersion))
	buf.Write(le.AppendUint32(nil, uint32(len(cfg))))
	buf.Write(cfg)
	buf.Write(le.AppendUint64(nil, uint64(len(p.w))))
	b := make([]byte, 4*len(p.w))
	for i, v := range p.w {
		le.PutUint32(b[4*i:], math.Float32bits(float32(v)))
	}
	buf.Write(b)
	buf.Write(le.AppendUint32(nil, crc32.ChecksumIEEE(buf.Bytes())))
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("learned: save: %w", err)
	}
	return nil
}

// maxCheckpoint bounds what Load reads, far above any sane network.
const maxCheckpoint = 1 << 30

// Load reads a checkpoint written by [Policy.Save].
func Load(r io.Reader) (*Policy, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCheckpoint+1))
	if err != nil {
		return nil, fmt.Errorf("learned: read checkpoint: %w", err)
	}
	return decode(data)
}

func decode(data []byte) (*Policy, error) {
	le := binary.LittleEndian
	if len(data) > maxCheckpoint {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrCheckpoint, maxCheckpoint)
	}
	if len(data) < len(Magic)+8 || string(data[:len(Magic)]) != Magic {
		return nil, fmt.Errorf("%w: not a Baton policy checkpoint (no %q header)", ErrCheckpoint, Magic)
	}
	rest := data[len(Magic):]
	if v := le.Uint32(rest); v != FormatVersion {
		return nil, fmt.Errorf("%w: format version %d; this build reads version %d (retrain with baton train or upgrade baton)", ErrCheckpoint, v, FormatVersion)
	}
	n := int(le.Uint32(rest[4:]))
	rest = rest[8:]
	if n > len(rest) {
		return nil, fmt.Errorf("%w: truncated config", ErrCheckpoint)
	}
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(rest[:n]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%w: config: %v", ErrCheckpoint, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	rest = rest[n:]
	if len(rest) < 8 {
		return nil, fmt.Errorf("%w: truncated parameter count", ErrCheckpoint)
	}
	count := le.Uint64(rest)
	rest = rest[8:]
	p := newPolicy(cfg)
	if count != uint64(len(p.w)) {
		return nil, fmt.Errorf("%w: %d parameters, want %d for config %+v", ErrCheckpoint, count, len(p.w), cfg)
	}
	if uint64(len(rest)) != 4*count+4 {
		return nil, fmt.Errorf("%w: %d bytes of parameters and checksum, want %d (truncated or trailing data)", ErrCheckpoint, len(rest), 4*count+4)
	}
	sum := le.Uint32(rest[4*count:])
	if got := crc32.ChecksumIEEE(data[:len(data)-4]); got != sum {
		return nil, fmt.Errorf("%w: checksum %08x, want %08x (corrupted file)", ErrCheckpoint, got, sum)
	}
	for i := range p.w {
		v := float64(math.Float32frombits(le.Uint32(rest[4*i:])))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: parameter %d is %v", ErrCheckpoint, i, v)
		}
		p.w[i] = v
	}
	return p, nil
}
