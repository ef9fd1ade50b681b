package replay

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
)

// Split names returned by [SplitOf].
const (
	SplitTrain = "train"
	SplitVal   = "val"
	SplitTest  = "test"
)

// SplitOf assigns a task to "train", "val" or "test" by a fixed rule of its
// ID alone: h = the first 8 bytes of sha256("baton-split:" + taskID) as a
// big-endian uint64; h mod 20 in 0–12 is train (65%), 13–15 val (15%),
// 16–19 test (20%). The salt keeps it independent of upstream ZeroEval's
// hold-out rule (sha256(id) mod 5).
func SplitOf(taskID string) string {
	sum := sha256.Sum256([]byte("baton-split:" + taskID))
	switch h := binary.BigEndian.Uint64(sum[:8]) % 20; {
	case h <= 12:
		return SplitTrain
	case h <= 15:
		return SplitVal
	}
	return SplitTest
}

// Subset returns a view of e holding only the tasks keep accepts, in e's
// order, named name; tools, scoring and outcomes are e's. For example
// e.Subset(e.Name()+":test", func(id string) bool { return SplitOf(id) == SplitTest }).
func (e *Env) Subset(name string, keep func(taskID string) bool) env.Env {
	var tasks []episode.Task
	for _, t := range e.tasks {
		if keep(t.ID) {
			tasks = append(tasks, t)
		}
	}
	return &subset{Env: e, name: name, tasks: tasks}
}

// subset is an [Env] restricted to some tasks.
type subset struct {
	*Env
	name  string
	tasks []episode.Task
}

func (s *subset) Name() string          { return s.name }
func (s *subset) Tasks() []episode.Task { return s.tasks }
func (s *subset) Len() int              { return len(s.tasks) }
