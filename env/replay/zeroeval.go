package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/batonhq/baton/answer"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// ZeroEvalTasks are the tasks of the zeroeval source.
var ZeroEvalTasks = []string{"gsm", "math-l5"}

// zeroEvalModel is what the data does not say about a ZeroEval model: a
// factual description and a simulated decoding speed.
type zeroEvalModel struct {
	desc string
	tps  int64
}

// zeroEvalModels describes the 17 models of shared/data/zeroeval, by file
// name. Descriptions state public facts (vendor, open weights or API only,
// parameter count where published). The tps column is a simulated decoding
// speed in output tokens per second for [SimulatedLatency]: typical
// published or hosted-inference speeds of late 2024 (provider pages and
// public speed leaderboards), rounded; they are not measurements of the
// recorded calls, which recorded no time.
var zeroEvalModels = map[string]zeroEvalModel{
	"gemma-2-2b-it":               {"Gemma 2 2B instruction-tuned, Google's open-weight model (2.6B parameters).", 200},
	"gemma-2-9b-it":               {"Gemma 2 9B instruction-tuned, Google's open-weight model (9B parameters).", 120},
	"Meta-Llama-3.1-8B-Instruct":  {"Llama 3.1 8B Instruct, Meta's open-weight model (8B parameters).", 150},
	"Qwen2-7B-Instruct":           {"Qwen2 7B Instruct, Alibaba Cloud's open-weight model (7.6B parameters).", 130},
	"Phi-3.5-mini-instruct":       {"Phi-3.5-mini-instruct, Microsoft's open-weight small model (3.8B parameters).", 150},
	"gpt-3.5-turbo-0125":          {"GPT-3.5 Turbo (2024-01-25), OpenAI's API model; parameter count unpublished.", 100},
	"claude-3-haiku-20240307":     {"Claude 3 Haiku (2024-03-07), Anthropic's fastest Claude 3 API model; parameter count unpublished.", 130},
	"gpt-4o-mini-2024-07-18":      {"GPT-4o mini (2024-07-18), OpenAI's small API model; parameter count unpublished.", 90},
	"gemini-1.5-flash":            {"Gemini 1.5 Flash, Google's fast API model; parameter count unpublished.", 180},
	"deepseek-v2.5-0908":          {"DeepSeek-V2.5 (2024-09-08), DeepSeek's open-weight mixture-of-experts model (236B parameters, 21B active).", 20},
	"Meta-Llama-3.1-70B-Instruct": {"Llama 3.1 70B Instruct, Meta's open-weight model (70B parameters).", 50},
	"Qwen2-72B-Instruct":          {"Qwen2 72B Instruct, Alibaba Cloud's open-weight model (72B parameters).", 40},
	"Mistral-Large-2":             {"Mistral Large 2 (2407), Mistral AI's flagship model with weights under a research licence (123B parameters).", 35},
	"gemini-1.5-pro":              {"Gemini 1.5 Pro, Google's large API model; parameter count unpublished.", 60},
	"gpt-4o-2024-08-06":           {"GPT-4o (2024-08-06), OpenAI's flagship API model; parameter count unpublished.", 80},
	"claude-3-5-sonnet-20240620":  {"Claude 3.5 Sonnet (2024-06-20), Anthropic's API model; parameter count unpublished.", 60},
	"claude-3-opus-20240229":      {"Claude 3 Opus (2024-02-29), Anthropic's largest Claude 3 API model; parameter count unpublished.", 25},
}

// zeroEvalDefaultTPS is the speed of a model missing from zeroEvalModels
// ([SpeedOfSize] of a 70B model).
var zeroEvalDefaultTPS = SpeedOfSize(70)

// LoadZeroEval loads one task ("gsm" or "math-l5") of ZeroEval's recorded
// completions. dir is the source root holding result_dirs/<task>/ (as in
// shared/data/zeroeval or an upstream checkout), a folder holding <task>/,
// or the task folder itself; each <model>.json in it is a JSON array of
// records {id, question or problem, answer, output: [completion]}.
//
// Task IDs are the records' ids as text; prompts the question (gsm) or
// problem (math-l5); the category is the task. Every model is a tool named
// [ToolName] of its file name, priced from [money.DefaultCatalog] (a model
// without a price there is an error). A call returns the completion as
// Content and {"model", "answer", "parsed", "chars", "input_tokens",
// "output_tokens"} as Data, where answer is [answer.ZeroEval]'s canonical
// answer ("" when none parsed); usage is estimated from the text. The
// recorded score is 1 when [answer.ZeroEvalCorrect] holds for the answer and the
// gold, else 0. The env is named "zeroeval:<task>".
func LoadZeroEval(dir, task string) (*Env, error) {
	if task != "gsm" && task != "math-l5" {
		return nil, fmt.Errorf("replay: zeroeval: task %q: want \"gsm\" or \"math-l5\" (e.g. source zeroeval:gsm)", task)
	}
	folder, err := zeroEvalFolder(dir, task)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(folder, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("replay: zeroeval: %w", err)
	}
	sort.Strings(files)
	cat := money.DefaultCatalog()
	b := newBuilder("zeroeval:" + task)
	var gold []string
	for _, path := range files {
		stem := strings.TrimSuffix(filepath.Base(path), ".json")
		rel := task + "/" + filepath.Base(path)
		p, ok := cat.Lookup(stem)
		if !ok {
			return nil, fmt.Errorf("replay: zeroeval: %s: model %q has no price in the catalog (money/catalog.json); add one there (or in baton.yaml's prices) or remove the file", rel, stem)
		}
		info, ok := zeroEvalModels[stem]
		if !ok {
			info = zeroEvalModel{desc: fmt.Sprintf("%s, a language model recorded by ZeroEval.", stem), tps: zeroEvalDefaultTPS}
		}
		b.addModel(newModel(stem, fmt.Sprintf("%s $%s/$%s per million input/output tokens.", info.desc, p.InputPerM.Decimal(), p.OutputPerM.Decimal()), p, info.tps))
		if gold, err = readZeroEvalFile(b, gold, path, rel, stem, task, p); err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("replay: zeroeval: no <model>.json files in %s", folder)
	}
	e, err := b.build()
	if err != nil {
		return nil, err
	}
	e.extracted, e.gold = true, gold
	return e, nil
}

// zeroEvalFolder finds the folder of task's <model>.json files.
func zeroEvalFolder(dir, task string) (string, error) {
	for _, d := range []string{filepath.Join(dir, "result_dirs", task), filepath.Join(dir, task), dir} {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(d, "*.json")); len(m) > 0 {
			return d, nil
		}
	}
	return "", fmt.Errorf("replay: zeroeval: no <model>.json files for task %q in %s, %s or %s; point at the source root (holding result_dirs/%s/) or the task folder",
		task, filepath.Join(dir, "result_dirs", task), filepath.Join(dir, task), dir, task)
}

// zeroEvalRecord is one record of a result file, upstream's fields that
// Baton reads.
type zeroEvalRecord struct {
	ID       json.RawMessage `json:"id"`
	Question *string         `json:"question"`
	Problem  *string         `json:"problem"`
	Answer   *string         `json:"answer"`
	Output   []*string       `json:"output"`
}

func readZeroEvalFile(b *builder, gold []string, path, rel, stem, task string, p money.Price) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return gold, fmt.Errorf("replay: zeroeval: %w", err)
	}
	records, err := splitArray(raw)
	if err != nil {
		return gold, malformed(rel, "", err)
	}
	if len(records) == 0 {
		return gold, malformed(rel, "", fmt.Errorf("no records"))
	}
	seen := map[string]bool{}
	for idx, rec := range records {
		where := fmt.Sprintf("record %d", idx)
		var r zeroEvalRecord
		if err := decodeStrict(rec, &r); err != nil {
			return gold, malformed(rel, where, err)
		}
		id, err := zeroEvalID(r.ID)
		if err != nil {
			return gold, malformed(rel, where, err)
		}
		where = fmt.Sprintf("record %d (id %s)", idx, id)
		if seen[id] {
			return gold, malformed(rel, where, fieldErr("id", "repeats an earlier record's id"))
		}
		seen[id] = true
		prompt := r.Question
		field := "question"
		if prompt == nil {
			prompt, field = r.Problem, "problem"
		}
		switch {
		case prompt == nil:
			return gold, malformed(rel, where, fieldErr("question", "missing (neither \"question\" nor \"problem\" is a string)"))
		case strings.TrimSpace(*prompt) == "":
			return gold, malformed(rel, where, fieldErr(field, "empty"))
		case r.Answer == nil:
			return gold, malformed(rel, where, fieldErr("answer", "missing (the gold answer)"))
		case len(r.Output) == 0 || r.Output[0] == nil:
			return gold, malformed(rel, where, fieldErr("output", "want a list holding the model's completion"))
		}
		n := len(b.tasks)
		ti := b.task(id, *prompt, task)
		if ti == n {
			gold = append(gold, *r.Answer)
		} else if b.tasks[ti].Prompt != *prompt {
			return gold, malformed(rel, where, fieldErr(field, "differs from the other models' files for the same id"))
		} else if gold[ti] != *r.Answer {
			return gold, malformed(rel, where, fieldErr("answer", "gold %q differs from the other models' files (%q) for the same id", *r.Answer, gold[ti]))
		}
		completion := *r.Output[0]
		ans, parsed := answer.ZeroEval(stem, completion)
		score := 0.0
		if parsed && answer.ZeroEvalCorrect(ans, *r.Answer) {
			score = 1
		}
		u := tool.Usage{InputTokens: tool.EstimateTokens(*prompt), OutputTokens: tool.EstimateTokens(completion), Estimated: true}
		b.set(ti, stem, record{
			score:  score,
			text:   completion,
			answer: ans,
			parsed: parsed,
			usage:  u,
			cost:   p.Cost(money.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens}),
		})
	}
	return gold, nil
}

// zeroEvalID reads a record id, a string (gsm) or an integer (math-l5), as
// text.
func zeroEvalID(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return "", fieldErr("id", "missing")
	}
	if t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil || strings.TrimSpace(s) == "" {
			return "", fieldErr("id", "want a non-empty string or an integer, got %s", t)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(t, &n); err != nil {
		return "", fieldErr("id", "want a string or an integer, got %s", t)
	}
	if _, err := n.Int64(); err != nil {
		return "", fieldErr("id", "want a string or an integer, got %s", t)
	}
	return n.String(), nil
}
