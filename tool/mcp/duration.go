package mcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// duration is a time.Duration in configuration: a Go duration string such
// as "30s" or "1m30s", or a number of seconds.
type duration time.Duration

// UnmarshalJSON reads "30s" or 30.
func (d *duration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: want a duration such as \"30s\" or \"2m\": %w", s, err)
		}
		*d = duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration %s: want a duration such as \"30s\" or a number of seconds", b)
	}
	if math.IsNaN(secs) || math.Abs(secs) > float64(math.MaxInt64)/float64(time.Second) {
		return fmt.Errorf("duration %s seconds is out of range", b)
	}
	*d = duration(secs * float64(time.Second))
	return nil
}
