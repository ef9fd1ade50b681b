package duration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Duration is a time.Duration as people write it in baton.yaml: a Go
// duration string ("90s", "1m30s") or a number of seconds (90, 0.5). Every
// package decoding options uses it, so all of them read times alike.
type Duration time.Duration

// UnmarshalJSON accepts "90s" or 90; negative or out-of-range values are
// errors.
func (d *Duration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var v time.Duration
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("duration: %w", err)
		}
		p, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w (write e.g. \"30s\" or a number of seconds)", s, err)
		}
		v = p
	} else {
		var secs float64
		if err := json.Unmarshal(b, &secs); err != nil {
			return fmt.Errorf("duration %s: want a string such as \"30s\" or a number of seconds", b)
		}
		if math.IsNaN(secs) || math.Abs(secs) > float64(math.MaxInt64)/float64(time.Second) {
			return fmt.Errorf("duration %s seconds is out of range", b)
		}
		v = time.Duration(secs * float64(time.Second))
	}
	if v < 0 {
		return fmt.Errorf("duration %s is negative", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }
