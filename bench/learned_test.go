package bench

import (
	"context"
	"testing"

	"github.com/batonhq/baton/env"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/grpo"
	"github.com/batonhq/baton/policy/learned"
)

// llmrouterVal is the LLMRouter validation split of the protocol: what a
// shipped checkpoint may be checked on. The test split is for reports.
func llmrouterVal(t *testing.T) env.Env {
	t.Helper()
	sp, err := LoadSplits(context.Background(), "llmrouter", SplitOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	return sp.Val
}

// TestShippedPolicyBehaviour checks how the checkpoint embedded in the
// binary responds to preferences on LLMRouter's validation split (never
// the test split, which is reported, not gated on): putting cost first
// spends less than putting accuracy first, and is no less accurate than
// always calling the cheapest model.
func TestShippedPolicyBehaviour(t *testing.T) {
	ctx := context.Background()
	e := llmrouterVal(t)
	p, err := learned.DefaultFor("llmrouter")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]Row{}
	for _, pr := range grpo.Presets {
		row, err := Evaluate(ctx, e, Entry{Name: pr.Name, Policy: p, Preferences: pr.Pref}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows[pr.Name] = row
	}
	cheapest, err := Evaluate(ctx, e, Entry{Name: "cheapest", Policy: cheapestPolicy()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	acc, cost := rows["accuracy"], rows["cost"]
	if cost.CostUSD >= acc.CostUSD {
		t.Errorf("cost-first spends %.7f, accuracy-first %.7f", cost.CostUSD, acc.CostUSD)
	}
	if cost.Accuracy < cheapest.Accuracy {
		t.Errorf("cost-first %.3f is less accurate than the cheapest model alone %.3f", cost.Accuracy, cheapest.Accuracy)
	}
	t.Logf("validation: learned accuracy %.3f at $%.7f, cost %.3f at $%.7f; cheapest %.3f", acc.Accuracy, acc.CostUSD, cost.Accuracy, cost.CostUSD, cheapest.Accuracy)
}

// TestToolPreferenceRaisesShare: preferring a model by name makes the
// shipped policy call it more often than the same preset without it.
func TestToolPreferenceRaisesShare(t *testing.T) {
	ctx := context.Background()
	e := llmrouterVal(t)
	p, err := learned.DefaultFor("llmrouter")
	if err != nil {
		t.Fatal(err)
	}
	const model = "llama-3.1-8b-instruct"
	base := episode.PreferBalanced
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
