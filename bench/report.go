package bench

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// PrintTable writes the results as an aligned text table.
func PrintTable(w io.Writer, r *Results) error {
	fmt.Fprintf(w, "%s: %d evaluation tasks", r.Dataset, r.NEval)
	if r.NTrain > 0 {
		fmt.Fprintf(w, " (fitted on %d, chosen on %d)", r.NTrain, r.NVal)
	}
	fmt.Fprintln(w)
	if len(r.Holdout) > 0 {
		fmt.Fprintf(w, "Held out of training, present at evaluation: %s\n", strings.Join(r.Holdout, ", "))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "POLICY\tACCURACY\tCOST/TASK (USD)\tLATENCY (s)\tCALLS/TASK\tTOP TOOLS\t")
	for _, row := range r.Rows {
		est := ""
		if row.UsageEstimated {
			est = "*"
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.7f%s\t%.2f\t%.2f\t%s\t\n", row.Policy, row.Accuracy, row.CostUSD, est, row.LatencyS, row.CallsPerTask, topTools(row, 3))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.AUC) > 0 {
		keys := make([]string, 0, len(r.AUC))
		for k := range r.AUC {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(w, "\nArea under the accuracy-cost curve:")
		for _, k := range keys {
			fmt.Fprintf(w, " %s %.4f", k, r.AUC[k])
		}
		fmt.Fprintln(w)
	}
	versusBest(w, r, "learned:accuracy", "learned:balanced", "learned:cost", "learned-warm:balanced", "frugal", "cascade:agree2", "cascade:agree3", "vote:3", "oracle")
	if r.UsageEstimated {
		fmt.Fprintln(w, "* cost from token usage estimated from the text (characters / 4) × list prices")
	}
	return nil
}

func topTools(row Row, n int) string {
	names := row.SortedTools()
	sort.SliceStable(names, func(i, j int) bool { return row.ToolShare[names[i]] > row.ToolShare[names[j]] })
	var parts []string
	for i, name := range names {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.0f%%", name, 100*row.ToolShare[name]))
	}
	return strings.Join(parts, ", ")
}

// WriteReport writes results.json, pareto.png and index.html into dir.
func WriteReport(dir string, r *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: report dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "results.json"), append(b, '\n')); err != nil {
		return err
	}
	if err := ParetoPlot(filepath.Join(dir, "pareto.png"), r); err != nil {
		return err
	}
	var sb strings.Builder
	if err := page.Execute(&sb, r); err != nil {
		return fmt.Errorf("bench: render report: %w", err)
	}
	return WriteFileAtomic(filepath.Join(dir, "index.html"), []byte(sb.String()))
}

// WriteFileAtomic writes b to path through a temporary file in the same
// directory and a rename, so an interrupted run leaves either the old file
// or the new one, never half of one. The file is readable by all (0644),
// as a report is meant to be shared.
func WriteFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("bench: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("bench: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("bench: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":   func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"f3":    func(f float64) string { return fmt.Sprintf("%.3f", f) },
	"usd":   func(f float64) string { return fmt.Sprintf("$%.7f", f) },
	"tools": func(r Row) string { return topTools(r, 4) },
	"dist":  callsDist,
	"vsBest": func(r *Results) string {
		var sb strings.Builder
		versusBest(&sb, r, "learned:accuracy", "learned:balanced", "learned:cost", "learned-warm:balanced", "frugal", "cascade:agree2", "cascade:agree3", "vote:3", "oracle")
		return strings.TrimSpace(sb.String())
	},
	"join": func(s []string) string { return strings.Join(s, ", ") },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton bench: {{.Dataset}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse}
td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #eee}.ex td{text-align:left;font-size:90%}.warn{background:#fff4d6;padding:.5em}</style></head><body>
<h1>Baton bench: {{.Dataset}}</h1>
<p>{{.NEval}} test tasks{{if .NTrain}}; policies were fitted on {{.NTrain}} training tasks and chosen on {{.NVal}} validation tasks{{end}}.
Accuracy is the mean score of the adopted answer; cost is the mean cost per task; latency is the mean summed latency of a task's calls.</p>
{{if .Holdout}}<p class="warn">Unseen models: <b>{{join .Holdout}}</b> were hidden from every fitting step (learned policy, kNN, votes, frugal)
and are present at evaluation, in every row below (the fixed cascades, fitted on nothing, may call them).</p>{{end}}
{{if .UsageEstimated}}<p class="warn">Costs marked * rest on token usage estimated from the text (characters / 4) × list prices: the source records no usage.</p>{{end}}
<img src="pareto.png" alt="cost-accuracy Pareto plot">
<table><tr><th>policy</th><th>accuracy</th><th>cost / task</th><th>latency (s)</th><th>calls / task</th><th>calls per task (share of tasks)</th><th>top tools</th></tr>
{{range .Rows}}<tr><td>{{.Policy}}</td><td>{{pct .Accuracy}}</td><td>{{usd .CostUSD}}{{if .UsageEstimated}}*{{end}}</td><td>{{f3 .LatencyS}}</td><td>{{f3 .CallsPerTask}}</td><td>{{dist .}}</td><td>{{tools .}}</td></tr>
{{end}}</table>
{{with vsBest .}}<h2>Against the best single model</h2><pre>{{.}}</pre>{{end}}
{{if .AUC}}<h2>Area under the accuracy-cost curve, by family</h2><ul>{{range $k, $v := .AUC}}<li>{{$k}}: {{f3 $v}}</li>{{end}}</ul>{{end}}
<h2>One episode per policy</h2>
<p>For each row, the first test task on which it made the most calls: the calls in order with the answer each returned, then the final pick.</p>
<table class="ex"><tr><th>policy</th><th>task</th><th>calls (answer seen)</th><th>final pick</th><th>score</th></tr>
{{range .Rows}}{{$p := .Policy}}{{with .Example}}<tr><td>{{$p}}</td><td title="{{.Question}}">{{.Task}}</td><td>{{range $i, $c := .Calls}}{{if $i}} → {{end}}{{$c.Tool}} ({{$c.Answer}}){{end}}</td><td>{{.Answer}}</td><td>{{f3 .Outcome}}</td></tr>
{{end}}{{end}}</table>
{{if .Notes}}<h2>Notes</h2><ul>{{range $k, $v := .Notes}}<li>{{$k}}: {{$v}}</li>{{end}}</ul>{{end}}
</body></html>
`))

// callsDist renders a row's calls-per-task distribution, e.g. "1: 62%, 2: 30%".
func callsDist(r Row) string {
	if len(r.CallsDist) == 0 {
		return ""
	}
	keys := make([]string, 0, len(r.CallsDist))
	for k := range r.CallsDist {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %.0f%%", k, 100*r.CallsDist[k]))
	}
	return strings.Join(parts, ", ")
}

// BestSingle returns the most accurate single-model row (ties: the
// cheaper), the yardstick of the targets, and false when the
// results hold no single-model row.
func (r *Results) BestSingle() (Row, bool) {
	var best Row
	found := false
	for _, row := range r.Rows {
		if !strings.HasPrefix(row.Policy, "single:") {
			continue
		}
		if !found || row.Accuracy > best.Accuracy || (row.Accuracy == best.Accuracy && row.CostUSD < best.CostUSD) {
			best, found = row, true
		}
	}
	return best, found
}

// versusBest writes, for the named rows, accuracy and cost relative to
// the best single model on the same test tasks.
func versusBest(w io.Writer, r *Results, names ...string) {
	best, ok := r.BestSingle()
	if !ok || best.CostUSD <= 0 {
		return
	}
	fmt.Fprintf(w, "\nAgainst the best single model on these tasks, %s (%.3f at $%.7f):\n", strings.TrimPrefix(best.Policy, "single:"), best.Accuracy, best.CostUSD)
	for _, n := range names {
		row, ok := r.Row(n)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "  %-22s %+6.1f points at %6.1f%% of its cost, %.2f calls per task\n", n, 100*(row.Accuracy-best.Accuracy), 100*row.CostUSD/best.CostUSD, row.CallsPerTask)
	}
}
