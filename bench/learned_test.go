package bench

import (
	"context"
	"testing"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/replay"
	"github.com/batonhq/baton/grpo"
	"github.com/batonhq/baton/policy/learned"
)

// TestShippedPolicyOnLLMRouter evaluates the checkpoint embedded in the
// binary on the real LLMRouter test split (found beside the checkout, as
// every test finds data): it must beat the best single model's accuracy
// when accuracy comes first, and spend less when cost comes first.
func TestShippedPolicyOnLLMRouter(t *testing.T) {
	ctx := context.Background()
	e, err := replay.Open(ctx, "llmrouter", "test", dataset.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := learned.Default()
	if err != nil {
		t.Fatal(err)
	}
	best, cheapestAcc := 0.0, 0.0
	var cheapestCost float64
	for _, s := range e.Specs() {
		row, err := Evaluate(ctx, e, Entry{Name: s.Name, Policy: Single(s.Name)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		best = max(best, row.Accuracy)
		if cheapestCost == 0 || row.CostUSD < cheapestCost {
			cheapestCost, cheapestAcc = row.CostUSD, row.Accuracy
		}
	}
	rows := map[string]Row{}
	for _, pr := range grpo.Presets {
		row, err := Evaluate(ctx, e, Entry{Name: pr.Name, Policy: p, Preferences: pr.Pref}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows[pr.Name] = row
	}
	acc, cost := rows["accuracy"], rows["cost"]
	if acc.Accuracy <= best {
		t.Errorf("accuracy-first %.3f does not beat the best single model %.3f", acc.Accuracy, best)
	}
	if cost.CostUSD >= acc.CostUSD {
		t.Errorf("cost-first spends %.7f, accuracy-first %.7f", cost.CostUSD, acc.CostUSD)
	}
	if cost.Accuracy < cheapestAcc {
		t.Errorf("cost-first %.3f is less accurate than the cheapest model alone %.3f", cost.Accuracy, cheapestAcc)
	}
	t.Logf("best single %.3f; learned accuracy %.3f at $%.7f, cost %.3f at $%.7f", best, acc.Accuracy, acc.CostUSD, cost.Accuracy, cost.CostUSD)
}

// TestToolPreferenceRaisesShare: preferring a model by name makes the
// shipped policy call it more often than the same preset without it.
func TestToolPreferenceRaisesShare(t *testing.T) {
	ctx := context.Background()
	e, err := replay.Open(ctx, "llmrouter", "test", dataset.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := learned.Default()
	if err != nil {
		t.Fatal(err)
	}
	const model = "llama-3.1-8b-instruct"
	base := grpo.Balanced
	pref := base
	pref.Tools = map[string]float64{model: 0.5}
	plain, err := Evaluate(ctx, e, Entry{Name: "balanced", Policy: p, Preferences: base}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	liked, err := Evaluate(ctx, e, Entry{Name: "balanced+tool", Policy: p, Preferences: pref}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if liked.ToolShare[model] <= plain.ToolShare[model] {
		t.Fatalf("share of %s: %.3f with the preference, %.3f without", model, liked.ToolShare[model], plain.ToolShare[model])
	}
	t.Logf("share of %s: %.3f → %.3f", model, plain.ToolShare[model], liked.ToolShare[model])
}
