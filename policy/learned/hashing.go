package learned

import (
	"math"
	"sort"
)

// sparse is a hashed, signed, L2-normalised feature vector: sorted unique
// bucket indices with their values.
type sparse struct {
	idx []int32
	val []float64
}

// hasher accumulates hashed features into buckets.
type hasher struct {
	mask uint64
	acc  []hashed
}

type hashed struct {
	b int32
	v float64
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// add hashes the salt byte and the parts (separated by a space) and adds
// weight w with a hash-derived sign, which makes collisions cancel on
// average instead of adding up.
func (h *hasher) add(w float64, salt byte, parts ...string) {
	x := uint64(fnvOffset)
	x ^= uint64(salt)
	x *= fnvPrime
	for i, p := range parts {
		if i > 0 {
			x ^= ' '
			x *= fnvPrime
		}
		for j := 0; j < len(p); j++ {
			x ^= uint64(p[j])
			x *= fnvPrime
		}
	}
	// Final avalanche so that the low bits used for the bucket are well mixed.
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	if x>>63 == 1 {
		w = -w
	}
	h.acc = append(h.acc, hashed{b: int32(x & h.mask), v: w})
}

// sparse merges duplicates and L2-normalises.
func (h *hasher) sparse() sparse {
	sort.Slice(h.acc, func(i, j int) bool { return h.acc[i].b < h.acc[j].b })
	var s sparse
	for _, e := range h.acc {
		if n := len(s.idx); n > 0 && s.idx[n-1] == e.b {
			s.val[n-1] += e.v
			continue
		}
		s.idx = append(s.idx, e.b)
		s.val = append(s.val, e.v)
	}
	norm := 0.0
	for _, v := range s.val {
		norm += v * v
	}
	if norm > 0 {
		norm = 1 / math.Sqrt(norm)
		for i := range s.val {
			s.val[i] *= norm
		}
	}
	return s
}

// Salts keep feature families apart in the hash space.
const (
	saltWord byte = iota + 1
	saltBigram
	saltChar
	saltCue
	saltName
	saltNamePart
	saltTag
)

// words splits lower-cased text into runs of letters and digits; other
// bytes separate words, and non-ASCII bytes are kept as part of words.
func words(s string, max int) []string {
	var out []string
	start := -1
	lower := make([]byte, 0, 32)
	flush := func() {
		if start >= 0 && len(lower) > 0 {
			out = append(out, string(lower))
		}
		start, lower = -1, lower[:0]
	}
	for i := 0; i < len(s) && len(out) < max; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c >= 0x80:
			if start < 0 {
				start = i
			}
			lower = append(lower, c)
		default:
			flush()
		}
	}
	flush()
	return out
}
