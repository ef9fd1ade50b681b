package tau2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/batonhq/baton/bench"
)

// Report file names written beside bench's results.json.
const (
	TasksFile         = "tasks.json"
	ConversationsFile = "conversations.jsonl"
)

// WriteReport writes bench's report (results.json, pareto.png,
// index.html) into dir, plus the per-task rows as tasks.json and every
// conversation, transcript included, as one JSON line in
// conversations.jsonl.
func WriteReport(dir string, res *bench.Results, rows []TaskRow, convs []*Conversation) error {
	if err := bench.WriteReport(dir, res); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	if err := bench.WriteFileAtomic(filepath.Join(dir, TasksFile), append(b, '\n')); err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, c := range convs {
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("tau2: %w", err)
		}
	}
	if err := bench.WriteFileAtomic(filepath.Join(dir, ConversationsFile), buf.Bytes()); err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	return nil
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
