package qa

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Item is one question with its reference answer.
type Item struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// ErrBadSet marks a question file that cannot be read as a set.
var ErrBadSet = errors.New("qa: bad question set")

// Column names accepted, compared case-insensitively, in order of
// preference.
var (
	idKeys       = []string{"id", "uid", "qid", "question_id"}
	questionKeys = []string{"question", "prompt", "problem", "query"}
	answerKeys   = []string{"answer", "gold", "reference", "target", "solution"}
)

// FramesFile is FRAMES's test set inside the "frames" dataset directory.
const FramesFile = "frames_test_set.csv"

// LoadFRAMES reads FRAMES's 824 questions from dir, the directory the
// dataset resolver returns for the "frames" source.
func LoadFRAMES(dir string) ([]Item, error) {
	return LoadFile(filepath.Join(dir, FramesFile))
}

// LoadFile reads a question set: JSONL (".jsonl", ".json": one object per
// line) or CSV (".csv", with a header row). Each row needs a question
// (column question, prompt, problem or query) and an answer (answer,
// gold, reference, target or solution); an id (id, uid, qid,
// question_id) is optional and defaults to the row's position. Numbers
// are accepted as answers and ids. A GSM8K answer is cut to what follows
// its "#### " line. A row without a question or an answer is an error
// naming the line; nothing is skipped silently.
func LoadFile(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("qa: open question set: %w (give a JSONL or CSV file with question and answer columns)", err)
	}
	defer f.Close()
	var items []Item
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		items, err = ParseCSV(f)
	case ".jsonl", ".json", ".ndjson":
		items, err = ParseJSONL(f)
	default:
		return nil, fmt.Errorf("%w: %s: unknown extension %q; want .jsonl or .csv", ErrBadSet, path, filepath.Ext(path))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

// maxLine bounds one JSONL row (HLE questions with inline images are
// large).
const maxLine = 64 << 20

// ParseJSONL reads one JSON object per non-blank line (see [LoadFile]).
func ParseJSONL(r io.Reader) ([]Item, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var items []Item
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var row map[string]any
		if err := json.Unmarshal(b, &row); err != nil {
			return nil, fmt.Errorf("%w: line %d: not a JSON object: %v", ErrBadSet, line, err)
		}
		names := make([]string, 0, len(row))
		for k := range row {
			names = append(names, k)
		}
		sort.Strings(names)
		get := func(keys []string) (string, bool) {
			for _, k := range keys {
				if s, ok := scalarText(row[k]); ok {
					return s, true
				}
				for _, rk := range names {
					if strings.EqualFold(rk, k) {
						if s, ok := scalarText(row[rk]); ok {
							return s, true
						}
					}
				}
			}
			return "", false
		}
		id, _ := get(idKeys)
		q, _ := get(questionKeys)
		a, _ := get(answerKeys)
		it, err := makeItem(id, q, a, len(items), line)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: after line %d: %v", ErrBadSet, line, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no questions", ErrBadSet)
	}
	return items, nil
}

// scalarText returns a string or number field as text.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// ParseCSV reads a CSV file with a header row (see [LoadFile]).
func ParseCSV(r io.Reader) ([]Item, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header row: %v", ErrBadSet, err)
	}
	col := func(keys []string) int {
		for _, k := range keys {
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), k) {
					return i
				}
			}
		}
		return -1
	}
	qi, ai, ii := col(questionKeys), col(answerKeys), col(idKeys)
	if qi < 0 || ai < 0 {
		return nil, fmt.Errorf("%w: header %q needs a question column (%s) and an answer column (%s)", ErrBadSet, header, strings.Join(questionKeys, ", "), strings.Join(answerKeys, ", "))
	}
	var items []Item
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadSet, err)
		}
		line, _ := cr.FieldPos(0)
		field := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return rec[i]
		}
		it, err := makeItem(field(ii), field(qi), field(ai), len(items), line)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no questions", ErrBadSet)
	}
	return items, nil
}

// makeItem builds the item of one row from its fields.
func makeItem(id, q, a string, pos, line int) (Item, error) {
	if strings.TrimSpace(q) == "" {
		return Item{}, fmt.Errorf("%w: line %d: no question (want a non-empty %s field)", ErrBadSet, line, strings.Join(questionKeys, "/"))
	}
	a = gsm8kFinal(a)
	if strings.TrimSpace(a) == "" {
		return Item{}, fmt.Errorf("%w: line %d: no answer (want a non-empty %s field)", ErrBadSet, line, strings.Join(answerKeys, "/"))
	}
	if strings.TrimSpace(id) == "" {
		id = strconv.Itoa(pos)
	}
	return Item{ID: strings.TrimSpace(id), Question: q, Answer: a}, nil
}

// gsm8kFinal cuts a GSM8K solution to its final answer, the text after
// the last "#### "; other answers are returned as they are.
func gsm8kFinal(a string) string {
	i := strings.LastIndex(a, "#### ")
	if i < 0 || (i > 0 && a[i-1] != '\n') {
		return a
	}
	return strings.TrimSpace(a[i+len("#### "):])
}
