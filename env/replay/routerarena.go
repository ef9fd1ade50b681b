package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// LoadRouterArena loads a RouterArena-layout directory: one
// cached_results/<model>.jsonl per model (answer text, measured token usage,
// score and cost per question) and cost.json ($/1M-token prices). Task IDs
// are "routerarena:<global_index>", in first-seen order over the files
// sorted by name; the category is the dataset part of the id (e.g. "AIME",
// "MMLUPro"). Usage is the recorded usage and Cost the recorded
// inference_cost, rounded to the nanodollar (see [parseArenaLine]).
func LoadRouterArena(dir string) (*Env, error) {
	base := filepath.Base(filepath.Clean(dir))
	prices, err := readCostTable(filepath.Join(dir, "cost.json"), base+"/cost.json")
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "cached_results", "*.jsonl"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("replay: routerarena: no cached_results/*.jsonl in %s", dir)
	}
	sort.Strings(files)
	b := newBuilder("routerarena")
	for _, path := range files {
		stem := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		name := base + "/cached_results/" + filepath.Base(path)
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("replay: routerarena: %w", err)
		}
		err = eachLine(f, func(n int, line []byte) error {
			where := fmt.Sprintf("line %d", n)
			r, err := parseArenaLine(line)
			if err != nil {
				return malformed(name, where, err)
			}
			if r.model != stem {
				return malformed(name, where, fieldErr("llm_selected", "%q differs from the file's model %q", r.model, stem))
			}
			if _, ok := b.models[r.model]; !ok {
				p, ok := prices[r.model]
				if !ok {
					return malformed(name, where, fieldErr("llm_selected", "model %q has no price in cost.json", r.model))
				}
				b.addModel(newModel(r.model, describe(r.model, r.provider, p), p, SpeedOfSize(sizeOf(r.model))))
			}
			ti := b.task("routerarena:"+r.id, r.question, arenaCategory(r.id))
			b.set(ti, r.model, record{
				failed: r.failed,
				score:  r.score,
				text:   r.answer,
				usage:  tool.Usage{InputTokens: r.in, OutputTokens: r.out},
				cost:   r.cost,
			})
			return nil
		})
		f.Close()
		if err != nil {
			var re *rowError
			if !errors.As(err, &re) {
				return nil, fmt.Errorf("replay: %s: %w", name, err)
			}
			return nil, err
		}
	}
	return b.build()
}

// arenaCategory is the dataset part of a global_index
// "<Dataset>[_<subcategory>]_<n>".
func arenaCategory(id string) string {
	if i := strings.Index(id, "_"); i > 0 {
		return id[:i]
	}
	return id
}

// arenaRow is one cached_results line.
type arenaRow struct {
	id, question, model, provider, answer string
	failed                                bool
	in, out                               int64
	score                                 float64
	cost                                  money.Amount
}

// parseArenaLine reads one cached_results record. The recorded
// inference_cost is a float64 in the file (e.g. 0.00023725000000000002);
// it is taken as its decimal text when that is exact to the nanodollar and
// otherwise rounded to the nearest nanodollar, which recovers price × tokens
// exactly for every record in shared/data.
func parseArenaLine(line []byte) (arenaRow, error) {
	var r struct {
		GlobalIndex *string `json:"global_index"`
		Question    *string `json:"question"`
		Model       *string `json:"llm_selected"`
		Answer      *string `json:"generated_answer"`
		Provider    string  `json:"provider"`
		Success     *bool   `json:"success"`
		Error       *string `json:"error"`
		Usage       *struct {
			In  *json.Number `json:"input_tokens"`
			Out *json.Number `json:"output_tokens"`
		} `json:"token_usage"`
		Eval *struct {
			Score json.RawMessage `json:"score"`
			Cost  *json.Number    `json:"inference_cost"`
		} `json:"evaluation_result"`
	}
	if err := decodeStrict(line, &r); err != nil {
		return arenaRow{}, err
	}
	switch {
	case r.GlobalIndex == nil || *r.GlobalIndex == "":
		return arenaRow{}, fieldErr("global_index", "missing")
	case r.Question == nil:
		return arenaRow{}, fieldErr("question", "missing")
	case r.Model == nil || *r.Model == "":
		return arenaRow{}, fieldErr("llm_selected", "missing")
	case r.Success == nil:
		return arenaRow{}, fieldErr("success", "missing")
	case r.Usage == nil || r.Usage.In == nil || r.Usage.Out == nil:
		return arenaRow{}, fieldErr("token_usage", "missing input_tokens or output_tokens")
	case r.Eval == nil:
		return arenaRow{}, fieldErr("evaluation_result", "missing: the record has no score")
	case len(r.Eval.Score) == 0:
		return arenaRow{}, fieldErr("evaluation_result.score", "missing")
	case r.Eval.Cost == nil:
		return arenaRow{}, fieldErr("evaluation_result.inference_cost", "missing")
	}
	row := arenaRow{id: *r.GlobalIndex, question: *r.Question, model: *r.Model, provider: r.Provider, failed: !*r.Success}
	if r.Answer != nil {
		row.answer = *r.Answer
	}
	if row.failed {
		row.answer = "call failed"
		if r.Error != nil && *r.Error != "" {
			row.answer = "call failed: " + *r.Error
		}
	}
	var err error
	if row.in, err = tokens("token_usage.input_tokens", *r.Usage.In); err != nil {
		return arenaRow{}, err
	}
	if row.out, err = tokens("token_usage.output_tokens", *r.Usage.Out); err != nil {
		return arenaRow{}, err
	}
	if row.score, err = score("evaluation_result.score", r.Eval.Score); err != nil {
		return arenaRow{}, err
	}
	if row.cost, err = recordedCost("evaluation_result.inference_cost", *r.Eval.Cost); err != nil {
		return arenaRow{}, err
	}
	return row, nil
}

func tokens(field string, n json.Number) (int64, error) {
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil || v < 0 {
		return 0, fieldErr(field, "%q is not a token count", n.String())
	}
	return v, nil
}

// recordedCost reads a USD cost written as a JSON number.
func recordedCost(field string, n json.Number) (money.Amount, error) {
	a, err := money.Parse(n.String())
	if err != nil {
		f, ferr := strconv.ParseFloat(n.String(), 64)
		if ferr != nil || f != f || f > 1e9 || f < -1e9 {
			return 0, fieldErr(field, "cost %q is not a number of dollars", n.String())
		}
		if a, err = money.Parse(strconv.FormatFloat(f, 'f', 9, 64)); err != nil {
			return 0, fieldErr(field, "cost %q: %v", n.String(), err)
		}
	}
	if a < 0 {
		return 0, fieldErr(field, "cost %s is negative", n.String())
	}
	return a, nil
}

// readCostTable reads a RouterArena cost.json:
// {model: {input_token_price_per_million, output_token_price_per_million}}.
func readCostTable(path, name string) (map[string]money.Price, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	var entries map[string]json.RawMessage
	if err := decodeStrict(raw, &entries); err != nil {
		return nil, malformed(name, "", err)
	}
	out := make(map[string]money.Price, len(entries))
	for m, e := range entries {
		p, err := parseCostEntry(e)
		if err != nil {
			return nil, malformed(name, fmt.Sprintf("model %q", m), err)
		}
		out[m] = p
	}
	return out, nil
}

func parseCostEntry(raw []byte) (money.Price, error) {
	var e struct {
		In  json.Number `json:"input_token_price_per_million"`
		Out json.Number `json:"output_token_price_per_million"`
	}
	if err := decodeStrict(raw, &e); err != nil {
		return money.Price{}, err
	}
	if e.In == "" {
		return money.Price{}, fieldErr("input_token_price_per_million", "missing")
	}
	if e.Out == "" {
		return money.Price{}, fieldErr("output_token_price_per_million", "missing")
	}
	in, err := price("input_token_price_per_million", e.In)
	if err != nil {
		return money.Price{}, err
	}
	out, err := price("output_token_price_per_million", e.Out)
	if err != nil {
		return money.Price{}, err
	}
	return money.Price{InputPerM: in, OutputPerM: out}, nil
}
