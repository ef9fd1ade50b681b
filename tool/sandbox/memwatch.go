package sandbox

import (
	"context"
	"fmt"
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

// watchHeap calls b.exceeded once if the heap grows more than b.limit
// bytes over the smallest size seen since the start (b.base), polling every
// period until ctx ends. An interpreter cannot account its own
// allocations, so growth of the shared heap is the signal. The reference
// is the running minimum, not the size at the start, because that size
// may include garbage which a collection frees later, and growth would
// then have to refill it before counting. Single large allocations are
// refused before they happen by the operator builtins, which read the
// same base.
func watchHeap(ctx context.Context, b *memBudget, period time.Duration) {
	b.base.Store(heapBytes())
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h := heapBytes()
			base := min(b.base.Load(), h)
			b.base.Store(base)
			if h-base > b.limit {
				b.exceeded(fmt.Sprintf("memory limit %d MiB exceeded", b.limit>>20))
				return
			}
		}
	}
}
