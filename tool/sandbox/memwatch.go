package sandbox

import (
	"context"
	"runtime/metrics"
	"time"
)

const heapMetric = "/memory/classes/heap/objects:bytes"

// heapBytes returns the bytes of heap objects, live or not yet swept. It
// is cheap (no stop-the-world), unlike runtime.ReadMemStats.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// watchHeap calls exceeded once if the heap grows more than limit bytes
// over the smallest size seen since the start, polling every period until
// ctx ends. An interpreter cannot account its own allocations, so growth
// of the shared heap is the signal. The reference is the running minimum,
// not the size at the start, because that size may include garbage which a
// collection frees later, and growth would then have to refill it before
// counting. A single allocation is still bounded only by Starlark's own
// caps (1 GiB for a repeated string).
func watchHeap(ctx context.Context, limit uint64, period time.Duration, exceeded func()) {
	base := heapBytes()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h := heapBytes()
			base = min(base, h)
			if h-base > limit {
				exceeded()
				return
			}
		}
	}
}
