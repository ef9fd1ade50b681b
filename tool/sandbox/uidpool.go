package sandbox

import (
	"fmt"
	"sync"
)

// Defaults of the per-call uid range, see [PythonOptions.FirstUID]. The
// range sits far above the ids that distributions, useradd and the usual
// subordinate-id ranges hand out.
const (
	DefaultFirstUID = 1_900_000_000
	DefaultUIDCount = 1024
)

// uidPool hands each concurrent call a uid no other running call holds.
// It is process-wide, so two tools configured with overlapping ranges
// still never share a uid at the same time.
var uidPool = struct {
	sync.Mutex
	busy map[int]bool
	next int
}{busy: map[int]bool{}}

// acquireUID returns a free uid in [first, first+count) and the function
// that frees it, or an error when every uid of the range is in use.
func acquireUID(first, count int) (int, func(), error) {
	uidPool.Lock()
	defer uidPool.Unlock()
	for i := range count {
		uid := first + (uidPool.next+i)%count
		if uidPool.busy[uid] {
			continue
		}
		uidPool.busy[uid] = true
		uidPool.next = (uidPool.next + i + 1) % count
		return uid, func() {
			uidPool.Lock()
			delete(uidPool.busy, uid)
			uidPool.Unlock()
		}, nil
	}
	return 0, nil, fmt.Errorf("sandbox: all %d uids of the range starting at %d are in use by running calls; retry later or raise uid_count", count, first)
}
