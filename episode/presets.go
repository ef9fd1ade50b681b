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

// presets is the table: every name --prefer accepts, aliases last.
var presets = []struct {
	name string
	pref Preferences
}{
	{"accuracy", PreferAccuracy},
	{"balanced", PreferBalanced},
	{"cost", PreferCost},
	{"fast", PreferFast},
	{"local", PreferLocal},
	{"cheap", PreferCost},
	{"latency", PreferFast},
}

// PresetNames returns the names [Preset] knows, aliases last.
func PresetNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.name
	}
	return names
}

// Preset returns the named preference (a copy: its Tools map is the
// caller's to change) and whether the name is known.
func Preset(name string) (Preferences, bool) {
	for _, p := range presets {
		if p.name == name {
			q := p.pref
			q.Tools = maps.Clone(q.Tools)
			return q, true
		}
	}
	return Preferences{}, false
}
