package episode

import "maps"

// The named preferences. They are the one table that --prefer
// (config.ParsePreferences), training (grpo) and bench's learned:<name>
// rows read, so a policy trained and measured at "accuracy" serves at the
// same weights when a user asks for "accuracy".
var (
	// PreferBalanced weighs accuracy, cost and latency equally; the
	// reward uses it when no preference is given.
	PreferBalanced = Preferences{Accuracy: 1, Cost: 1, Latency: 1}
	// PreferAccuracy cares about being right and a little about cost.
	PreferAccuracy = Preferences{Accuracy: 1, Cost: 0.1}
	// PreferCost cares most about cost.
	PreferCost = Preferences{Accuracy: 1, Cost: 3, Latency: 1}
	// PreferFast cares most about latency.
	PreferFast = Preferences{Accuracy: 1, Cost: 0.2, Latency: 1}
	// PreferLocal adds no weights: it favours tools tagged local.
	PreferLocal = Preferences{Text: "Prefer local tools over remote ones.", Tools: map[string]float64{"tag:local": 1}}
)

// presets maps each preset name, aliases included, to its preference.
var presets = map[string]Preferences{
	"accuracy": PreferAccuracy,
	"balanced": PreferBalanced,
	"cost":     PreferCost,
	"cheap":    PreferCost,
	"fast":     PreferFast,
	"latency":  PreferFast,
	"local":    PreferLocal,
}

// PresetNames lists the preset names --prefer accepts, aliases last.
var PresetNames = []string{"accuracy", "balanced", "cost", "fast", "local", "cheap", "latency"}

// Preset returns the named preference (a copy: its Tools map is the
// caller's to change) and whether the name is known.
func Preset(name string) (Preferences, bool) {
	p, ok := presets[name]
	p.Tools = maps.Clone(p.Tools)
	return p, ok
}
