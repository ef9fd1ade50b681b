package server

import (
	"strconv"
	"sync"
	"time"
)

// limiter is a token bucket per key: RatePerMinute tokens, refilled
// continuously. It is per process: N replicas allow up to N times the rate,
// which bounds load, not money (budgets are enforced by the store).
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for key at perMinute (0: unlimited), or says how
// long until one is available.
func (l *limiter) allow(key string, perMinute int) (time.Duration, bool) {
	if perMinute <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(perMinute), last: now}
		l.buckets[key] = b
	}
	rate := float64(perMinute) / 60 // tokens per second
	b.tokens = min(float64(perMinute), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second)), false
}

func itoa(n int) string { return strconv.Itoa(n) }
