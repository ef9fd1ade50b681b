package replay

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/batonhq/baton/money"
)

// routeLLMModels maps each RouteLLM model column to its maker and its key
// in RouterArena's cost.json, with the list price used when that file is
// not beside the RouteLLM directory (the same values as cost.json).
var routeLLMModels = map[string]struct {
	maker, costKey string
	in, out        string
}{
	"gpt-4-1106-preview":                   {"OpenAI", "gpt-4-1106-preview", "10", "30"},
	"mistralai/Mixtral-8x7B-Instruct-v0.1": {"Mistral AI", "open-mixtral-8x7b", "0.6", "0.6"},
}

// LoadRouteLLM loads a RouteLLM-layout directory: gsm8k/gsm8k_responses.csv
// (correctness and full answer texts) and mmlu/responses/mmlu_*.csv
// (correctness only). subset is "gsm8k", "mmlu" or "" for both (GSM8K
// first, then MMLU subjects by file name). Prices come from
// ../routerarena/cost.json beside dir when present, else from the same list
// prices built in. Task IDs are "routellm:gsm8k:<row>" and
// "routellm:mmlu:<subject>:<row>" (0-based data rows); categories "gsm8k"
// and "mmlu". Scores are 1 for True and 0 for False.
func LoadRouteLLM(dir, subset string) (*Env, error) {
	var files []string
	switch subset {
	case "gsm8k", "":
		files = append(files, filepath.Join(dir, "gsm8k", "gsm8k_responses.csv"))
	}
	switch subset {
	case "mmlu", "":
		mm, err := filepath.Glob(filepath.Join(dir, "mmlu", "responses", "mmlu_*.csv"))
		if err != nil || len(mm) == 0 {
			return nil, fmt.Errorf("replay: routellm: no mmlu/responses/mmlu_*.csv in %s", dir)
		}
		sort.Strings(mm)
		files = append(files, mm...)
	case "gsm8k":
	default:
		return nil, fmt.Errorf("replay: routellm: subset %q: want \"gsm8k\", \"mmlu\" or \"\" for both", subset)
	}
	prices, err := routeLLMPrices(dir)
	if err != nil {
		return nil, err
	}
	name := "routellm"
	if subset != "" {
		name += ":" + subset
	}
	b := newBuilder(name)
	base := filepath.Base(filepath.Clean(dir))
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		if err := readRouteLLMFile(b, path, base+"/"+filepath.ToSlash(rel), prices); err != nil {
			return nil, err
		}
	}
	return b.build()
}

func routeLLMPrices(dir string) (map[string]money.Price, error) {
	table := map[string]money.Price{}
	costPath := filepath.Join(dir, "..", "routerarena", "cost.json")
	if _, err := os.Stat(costPath); err == nil {
		if table, err = readCostTable(costPath, "routerarena/cost.json"); err != nil {
			return nil, err
		}
	}
	out := map[string]money.Price{}
	for m, info := range routeLLMModels {
		p, ok := table[info.costKey]
		if !ok {
			p = money.Price{InputPerM: money.MustParse(info.in), OutputPerM: money.MustParse(info.out)}
		}
		out[m] = p
	}
	return out, nil
}

func readRouteLLMFile(b *builder, path, name string, prices map[string]money.Price) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("replay: routellm: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return malformed(name, "header", err)
	}
	cols, err := parseRouteLLMHeader(header)
	if err != nil {
		return malformed(name, "header", err)
	}
	for _, m := range cols.models {
		if _, ok := b.models[m.name]; ok {
			continue
		}
		p, ok := prices[m.name]
		if !ok {
			return malformed(name, "header", fieldErr(m.name, "unknown model column: no price is known for it"))
		}
		b.addModel(newModel(m.name, describe(m.name, routeLLMModels[m.name].maker, p), p, SpeedOfSize(sizeOf(m.name))))
	}
	category, prefix := "gsm8k", "routellm:gsm8k:"
	if stem := strings.TrimSuffix(filepath.Base(path), ".csv"); strings.HasPrefix(stem, "mmlu_") {
		category, prefix = "mmlu", "routellm:mmlu:"+strings.TrimPrefix(stem, "mmlu_")+":"
	}
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return malformed(name, fmt.Sprintf("row %d", i), err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseRouteLLMRow(cols, rec)
		if err != nil {
			return malformed(name, fmt.Sprintf("row %d (line %d)", i, line), err)
		}
		ti := b.task(prefix+strconv.Itoa(i), row.prompt, category)
		for j, m := range cols.models {
			p := prices[m.name]
			u, cost := estimate(p, row.prompt, row.answers[j])
			b.set(ti, m.name, record{score: row.scores[j], text: row.answers[j], usage: u, cost: cost})
		}
	}
}

// routeLLMColumns locates the prompt and each model's columns in a header.
type routeLLMColumns struct {
	prompt int
	models []routeLLMModel
}

type routeLLMModel struct {
	name     string
	correct  int // column of True/False
	response int // column of the answer text; -1 when absent
}

// parseRouteLLMHeader reads a header such as "prompt, <model>, ...,
// <model>_response, ...": every column other than prompt and *_response
// is a model's correctness column.
func parseRouteLLMHeader(h []string) (routeLLMColumns, error) {
	c := routeLLMColumns{prompt: -1}
	idx := map[string]int{}
	for i, n := range h {
		if _, dup := idx[n]; dup {
			return c, fmt.Errorf("column %q appears twice", n)
		}
		idx[n] = i
	}
	for i, n := range h {
		switch {
		case n == "prompt":
			c.prompt = i
		case strings.HasSuffix(n, "_response"):
			if _, ok := idx[strings.TrimSuffix(n, "_response")]; !ok {
				return c, fmt.Errorf("column %q has no correctness column %q", n, strings.TrimSuffix(n, "_response"))
			}
		case n == "":
			return c, fmt.Errorf("column %d has no name", i)
		default:
			m := routeLLMModel{name: n, correct: i, response: -1}
			if r, ok := idx[n+"_response"]; ok {
				m.response = r
			}
			c.models = append(c.models, m)
		}
	}
	if c.prompt < 0 {
		return c, fieldErr("prompt", "missing column")
	}
	if len(c.models) == 0 {
		return c, errors.New("no model columns")
	}
	return c, nil
}

// routeLLMRow is one data row: the prompt and per model (in column order)
// a 0/1 score and the answer text ("" when not recorded).
type routeLLMRow struct {
	prompt  string
	scores  []float64
	answers []string
}

func parseRouteLLMRow(c routeLLMColumns, rec []string) (routeLLMRow, error) {
	need := c.prompt
	for _, m := range c.models {
		need = max(need, m.correct, m.response)
	}
	if len(rec) <= need {
		return routeLLMRow{}, fmt.Errorf("%d fields, want at least %d", len(rec), need+1)
	}
	row := routeLLMRow{prompt: rec[c.prompt]}
	if strings.TrimSpace(row.prompt) == "" {
		return routeLLMRow{}, fieldErr("prompt", "empty")
	}
	for _, m := range c.models {
		var s float64
		switch rec[m.correct] {
		case "True":
			s = 1
		case "False":
		default:
			return routeLLMRow{}, fieldErr(m.name, "%q is not True or False", rec[m.correct])
		}
		row.scores = append(row.scores, s)
		ans := ""
		if m.response >= 0 {
			ans = rec[m.response]
		}
		row.answers = append(row.answers, ans)
	}
	return row, nil
}
