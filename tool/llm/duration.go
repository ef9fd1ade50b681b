package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration that decodes from JSON as a Go duration
// string ("30s", "1m30s") or a number of seconds (30, 0.5), the two ways
// people write times in baton.yaml.
type Duration time.Duration

// UnmarshalJSON accepts "30s" or 30; negative durations are an error.
func (d *Duration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var v time.Duration
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("llm: duration: %w", err)
		}
		p, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("llm: duration %q: %w (write e.g. \"30s\" or a number of seconds)", s, err)
		}
		v = p
	} else {
		var secs float64
		if err := json.Unmarshal(b, &secs); err != nil {
			return fmt.Errorf("llm: duration %s: want a string such as \"30s\" or a number of seconds", b)
		}
		if secs > float64(1<<62)/float64(time.Second) {
			return fmt.Errorf("llm: duration %s: too long", b)
		}
		v = time.Duration(secs * float64(time.Second))
	}
	if v < 0 {
		return fmt.Errorf("llm: duration %s is negative", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }
