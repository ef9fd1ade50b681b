package replay

import (
	"errors"
	"path/filepath"
	"testing"
)

const (
	zeGood  = `[{"id": "q1", "question": "1+2?", "answer": "# 3", "output": ["{\"answer\": \"3\"}"]}, {"id": "q2", "question": "2+2?", "answer": "# 4", "output": ["I think 5"]}]`
	zeGood2 = `[{"id": "q1", "question": "1+2?", "answer": "# 3", "output": ["{\"answer\": 3.0}"]}, {"id": "q2", "question": "2+2?", "answer": "# 4", "output": ["{\"answer\": \"4\"}"]}]`
)

// TestZeroEvalGoodFixture loads a two-model fixture and checks extraction,
// scores and the Outcome answers.
func TestZeroEvalGoodFixture(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"result_dirs/gsm/gpt-4o-2024-08-06.json":      zeGood,
		"result_dirs/gsm/claude-3-opus-20240229.json": zeGood2,
	})
	e, err := LoadZeroEval(dir, "gsm")
	if err != nil {
		t.Fatal(err)
	}
	if e.Len() != 2 || len(e.Specs()) != 2 {
		t.Fatalf("%d tasks, %d models", e.Len(), len(e.Specs()))
	}
	tests := []struct {
		task, tool, answer string
		correct            bool
	}{
		{"q1", "gpt-4o-2024-08-06", "3", true},
		{"q1", "claude-3-opus-20240229", "3", true},
		{"q2", "gpt-4o-2024-08-06", "", false},
		{"q2", "claude-3-opus-20240229", "4", true},
	}
	for _, tc := range tests {
		o, ok := e.Outcome(tc.task, tc.tool)
		if !ok || o.Answer != tc.answer || o.Correct != tc.correct {
			t.Errorf("%s %s: %+v, want answer %q correct %v", tc.task, tc.tool, o, tc.answer, tc.correct)
		}
	}
	if or, ok := e.Oracle("q2"); !ok || or.Tool != "claude-3-opus-20240229" {
		t.Errorf("oracle %+v", or)
	}
}

func TestZeroEvalMalformed(t *testing.T) {
	const file = "gsm/gpt-4o-2024-08-06.json"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"not JSON", map[string]string{file: `[{"id": "q1",`}, []string{file, "invalid JSON"}},
		{"not an array", map[string]string{file: `{"id": "q1"}`}, []string{file, "array"}},
		{"no records", map[string]string{file: `[]`}, []string{file, "no records"}},
		{"id missing", map[string]string{file: `[{"question": "q", "answer": "1", "output": ["x"]}]`}, []string{file, "record 0", `field "id": missing`}},
		{"id not text", map[string]string{file: `[{"id": true, "question": "q", "answer": "1", "output": ["x"]}]`}, []string{file, "record 0", `field "id"`}},
		{"id fractional", map[string]string{file: `[{"id": 1.5, "question": "q", "answer": "1", "output": ["x"]}]`}, []string{file, "record 0", `field "id"`}},
		{"question missing", map[string]string{file: `[{"id": "q1", "answer": "1", "output": ["x"]}]`}, []string{file, "record 0 (id q1)", `field "question": missing`}},
		{"question not a string", map[string]string{file: `[{"id": "q1", "question": 3, "answer": "1", "output": ["x"]}]`}, []string{file, "record 0", "invalid JSON"}},
		{"problem empty", map[string]string{file: `[{"id": 7, "problem": " ", "answer": "1", "output": ["x"]}]`}, []string{file, "record 0 (id 7)", `field "problem": empty`}},
		{"gold missing", map[string]string{file: `[{"id": "q1", "question": "q", "output": ["x"]}]`}, []string{file, "record 0 (id q1)", `field "answer": missing`}},
		{"output empty", map[string]string{file: `[{"id": "q1", "question": "q", "answer": "1", "output": []}]`}, []string{file, "record 0 (id q1)", `field "output"`}},
		{"output null", map[string]string{file: `[{"id": "q1", "question": "q", "answer": "1", "output": [null]}]`}, []string{file, `field "output"`}},
		{"output not a list", map[string]string{file: `[{"id": "q1", "question": "q", "answer": "1", "output": "x"}]`}, []string{file, "record 0", "invalid JSON"}},
		{"repeated id", map[string]string{file: `[{"id": "q1", "question": "q", "answer": "1", "output": ["x"]}, {"id": "q1", "question": "q", "answer": "1", "output": ["y"]}]`}, []string{file, "record 1 (id q1)", "repeats"}},
		{"question differs between models", map[string]string{
			"gsm/claude-3-opus-20240229.json": `[{"id": "q1", "question": "q", "answer": "1", "output": ["x"]}]`,
			file:                              `[{"id": "q1", "question": "other", "answer": "1", "output": ["x"]}]`,
		}, []string{file, "record 0 (id q1)", `field "question": differs`}},
		{"gold differs between models", map[string]string{
			"gsm/claude-3-opus-20240229.json": `[{"id": "q1", "question": "q", "answer": "1", "output": ["x"]}]`,
			file:                              `[{"id": "q1", "question": "q", "answer": "2", "output": ["x"]}]`,
		}, []string{file, "record 0 (id q1)", `field "answer": gold "2" differs`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files)
			_, err := LoadZeroEval(dir, "gsm")
			if err == nil {
				t.Fatal("loaded malformed data")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error does not wrap ErrMalformed: %v", err)
			}
			for _, w := range tc.want {
				if !contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestZeroEvalBadSetup covers errors that are not malformed rows: no
// files, an unpriced model, an unknown task.
func TestZeroEvalBadSetup(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"gsm/notes.txt": "x", "gsm/mystery-model-7b.json": zeGood})
	tests := []struct {
		name, dir, task, want string
	}{
		{"no files", filepath.Join(dir, "nothing"), "gsm", "no <model>.json files"},
		{"unpriced model", dir, "gsm", `model "mystery-model-7b" has no price`},
		{"unknown task", dir, "mmlu", `want "gsm" or "math-l5"`},
		{"task folder without files", dir, "math-l5", "no <model>.json files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadZeroEval(tc.dir, tc.task)
			if err == nil || !contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// FuzzZeroEvalFile loads arbitrary file contents: an error or an Env whose
// every record has a prompt and a 0/1 score, never a panic.
func FuzzZeroEvalFile(f *testing.F) {
	f.Add(zeGood)
	f.Add(zeGood2)
	f.Add(`[{"id": 3, "problem": "p", "answer": "1/2", "output": ["{\"answer\": \"0.5\"}"]}]`)
	f.Add(`[{"id": null}]`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, content string) {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"gsm/gpt-4o-2024-08-06.json": content})
		e, err := LoadZeroEval(dir, "gsm")
		if err != nil {
			return
		}
		for _, task := range e.Tasks() {
			if task.ID == "" || task.Prompt == "" {
				t.Fatalf("accepted task %+v", task)
			}
			for _, o := range e.Outcomes(task.ID) {
				if o.Score != 0 && o.Score != 1 {
					t.Fatalf("score %g", o.Score)
				}
			}
		}
	})
}
