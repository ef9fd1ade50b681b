package tau2

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
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
//
// bench's Pareto plot needs at least two distinct positive costs (its log
// axis panics on a degenerate range); with fewer, as in a run of one
// policy, only results.json is written of bench's three files.
func WriteReport(dir string, res *bench.Results, rows []TaskRow, convs []*Conversation) error {
	if plottable(res) {
		if err := bench.WriteReport(dir, res); err != nil {
			return err
		}
	} else if err := writeResults(dir, res); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, TasksFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, ConversationsFile))
	if err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, c := range convs {
		if err := enc.Encode(c); err != nil {
			f.Close()
			return fmt.Errorf("tau2: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("tau2: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	return nil
}

// plottable reports whether bench.ParetoPlot can draw res.
func plottable(res *bench.Results) bool {
	costs := map[float64]bool{}
	for _, r := range res.Rows {
		if r.CostUSD > 0 {
			costs[r.CostUSD] = true
		}
	}
	return len(costs) >= 2
}

// writeResults writes results.json as bench.WriteReport does.
func writeResults(dir string, res *bench.Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("tau2: report dir: %w", err)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("tau2: %w", err)
	}
	return nil
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
