package wire

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxParsedWait bounds a parsed wait before it is capped by
// Options.MaxRetryAfter, so absurd values cannot overflow a Duration.
const maxParsedWait = 24 * time.Hour

// retryAfter returns how long the server asked us to wait before the next
// attempt, from the non-standard but common Retry-After-Ms header (OpenAI
// sends it) or the standard Retry-After header (RFC 9110: delay-seconds or
// an HTTP-date, relative to now). ok is false when neither is present and
// valid.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return clampWait(ms / 1000), true
		}
	}
	return parseRetryAfter(h.Get("Retry-After"), now)
}

// parseRetryAfter parses a Retry-After value. Delay-seconds are usually an
// integer, but some servers send a fraction ("1.5"), which is accepted. A
// date in the past means "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) || !isDecimal(v) {
			return 0, false
		}
		return clampWait(secs), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return min(d, maxParsedWait), true
}

// isDecimal rejects the forms ParseFloat accepts but no server means as a
// delay: hex floats, exponents, "Inf", signs.
func isDecimal(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

func clampWait(secs float64) time.Duration {
	if secs >= maxParsedWait.Seconds() {
		return maxParsedWait
	}
	return time.Duration(secs * float64(time.Second))
}
