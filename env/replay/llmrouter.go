package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/batonhq/baton/money"
)

// LoadLLMRouter loads an LLMRouter-layout directory: dcrouter_<split>.json
// (questions with per-model scores), default_query_<split>.jsonl (task name
// per query, joined by exact query text; the first row wins) and
// default_llm.json (description, size and $/1M-token prices per model).
// split is "train" or "test" in shared/data. Task IDs are
// "llmrouter:<split>:<index>" with the 0-based record index; categories are
// the task_name (e.g. "gsm8k", "mmlu").
func LoadLLMRouter(dir, split string) (*Env, error) {
	if split == "" || strings.ContainsAny(split, `/\`) {
		return nil, fmt.Errorf("replay: llmrouter: split %q: want \"train\" or \"test\" (the suffix of dcrouter_<split>.json)", split)
	}
	base := filepath.Base(filepath.Clean(dir))
	rel := func(f string) string { return base + "/" + f }

	models, err := readLLMList(filepath.Join(dir, "default_llm.json"), rel("default_llm.json"))
	if err != nil {
		return nil, err
	}
	qf := "default_query_" + split + ".jsonl"
	cats, err := readQueryTasks(filepath.Join(dir, qf), rel(qf))
	if err != nil {
		return nil, err
	}
	sf := "dcrouter_" + split + ".json"
	raw, err := os.ReadFile(filepath.Join(dir, sf))
	if err != nil {
		return nil, fmt.Errorf("replay: llmrouter: %w", err)
	}
	records, err := splitArray(raw)
	if err != nil {
		return nil, malformed(rel(sf), "", err)
	}
	b := newBuilder("llmrouter:" + split)
	for idx, rec := range records {
		where := fmt.Sprintf("record %d", idx)
		row, err := parseScoreRecord(rec)
		if err != nil {
			return nil, malformed(rel(sf), where, err)
		}
		ti := b.task(fmt.Sprintf("llmrouter:%s:%d", split, idx), row.question, cats[row.question])
		for _, s := range row.scores {
			m, ok := models[s.model]
			if !ok {
				return nil, malformed(rel(sf), where, fieldErr(s.model, "model is not listed in default_llm.json"))
			}
			b.addModel(m)
			u, cost := estimate(m.spec.Price, row.question, "")
			b.set(ti, s.model, record{score: s.score, usage: u, cost: cost})
		}
	}
	return b.build()
}

// llmEntry is one model of default_llm.json.
type llmEntry struct {
	Size        string      `json:"size"`
	Feature     string      `json:"feature"`
	InputPrice  json.Number `json:"input_price"`
	OutputPrice json.Number `json:"output_price"`
}

// readLLMList reads default_llm.json into models by name.
func readLLMList(path, name string) (map[string]*model, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("replay: llmrouter: %w", err)
	}
	var entries map[string]json.RawMessage
	if err := decodeStrict(raw, &entries); err != nil {
		return nil, malformed(name, "", err)
	}
	out := make(map[string]*model, len(entries))
	for n, e := range entries {
		m, err := parseLLMEntry(n, e)
		if err != nil {
			return nil, malformed(name, fmt.Sprintf("model %q", n), err)
		}
		out[n] = m
	}
	return out, nil
}

func parseLLMEntry(name string, raw []byte) (*model, error) {
	var e llmEntry
	if err := decodeStrict(raw, &e); err != nil {
		return nil, err
	}
	if e.InputPrice == "" {
		return nil, fieldErr("input_price", "missing")
	}
	if e.OutputPrice == "" {
		return nil, fieldErr("output_price", "missing")
	}
	in, err := price("input_price", e.InputPrice)
	if err != nil {
		return nil, err
	}
	out, err := price("output_price", e.OutputPrice)
	if err != nil {
		return nil, err
	}
	size, err := parseSize(e.Size)
	if err != nil {
		return nil, fieldErr("size", "%v", err)
	}
	p := money.Price{InputPerM: in, OutputPerM: out}
	desc := strings.TrimSpace(e.Feature)
	if desc == "" {
		desc = describe(name, "an unnamed provider", p)
	}
	return newModel(name, desc, p, SpeedOfSize(size)), nil
}

// scoreRow is one element of dcrouter_<split>.json.
type scoreRow struct {
	question string
	scores   []modelScore // sorted by model name
}

type modelScore struct {
	model string
	score float64
}

// parseScoreRecord reads {question, scores{model: number}, ...}.
func parseScoreRecord(raw []byte) (scoreRow, error) {
	var r struct {
		Question *string                    `json:"question"`
		Scores   map[string]json.RawMessage `json:"scores"`
	}
	if err := decodeStrict(raw, &r); err != nil {
		return scoreRow{}, err
	}
	if r.Question == nil {
		return scoreRow{}, fieldErr("question", "missing")
	}
	if strings.TrimSpace(*r.Question) == "" {
		return scoreRow{}, fieldErr("question", "empty")
	}
	if len(r.Scores) == 0 {
		return scoreRow{}, fieldErr("scores", "missing or empty")
	}
	row := scoreRow{question: *r.Question}
	for m, v := range r.Scores {
		s, err := score(m, v)
		if err != nil {
			return scoreRow{}, err
		}
		row.scores = append(row.scores, modelScore{m, s})
	}
	sort.Slice(row.scores, func(a, b int) bool { return row.scores[a].model < row.scores[b].model })
	return row, nil
}

// readQueryTasks maps each query text of a default_query JSONL file to its
// task_name; the first row of a repeated query wins.
func readQueryTasks(path, name string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay: llmrouter: %w", err)
	}
	defer f.Close()
	out := map[string]string{}
	err = eachLine(f, func(n int, line []byte) error {
		q, err := parseQueryLine(line)
		if err != nil {
			return malformed(name, fmt.Sprintf("line %d", n), err)
		}
		if _, seen := out[q.query]; !seen {
			out[q.query] = q.taskName
		}
		return nil
	})
	if err != nil {
		var re *rowError
		if !errors.As(err, &re) {
			return nil, fmt.Errorf("replay: %s: %w", name, err)
		}
		return nil, err
	}
	return out, nil
}

type queryRow struct{ taskName, query string }

// parseQueryLine reads one default_query line: task_name and query are
// required.
func parseQueryLine(line []byte) (queryRow, error) {
	var r struct {
		TaskName *string `json:"task_name"`
		Query    *string `json:"query"`
	}
	if err := decodeStrict(line, &r); err != nil {
		return queryRow{}, err
	}
	if r.TaskName == nil {
		return queryRow{}, fieldErr("task_name", "missing")
	}
	if r.Query == nil {
		return queryRow{}, fieldErr("query", "missing")
	}
	return queryRow{taskName: *r.TaskName, query: *r.Query}, nil
}

// splitArray splits a JSON array into its elements without decoding them,
// so a bad element is reported by index.
func splitArray(raw []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	if json.Unmarshal(raw, &out) == nil {
		return out, nil
	}
	// Walk the array again to say which record is broken.
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("want a JSON array of records, got %v", tok)
	}
	out = out[:0]
	for dec.More() {
		var m json.RawMessage
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("record %d: invalid JSON: %w", len(out), err)
		}
		out = append(out, m)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON after record %d: %w", len(out)-1, err)
	}
	return out, nil
}
