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
// over its size at the start, polling every period until ctx ends. An
// interpreter cannot account its own allocations, so growth of the shared
// heap is the signal; a single allocation is still bounded by Starlark's
// own 1 GiB cap on repeats.
func watchHeap(ctx context.Context, limit uint64, period time.Duration, exceeded func()) {
	base := heapBytes()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if h := heapBytes(); h > base && h-base > limit {
				exceeded()
				return
			}
		}
	}
}
