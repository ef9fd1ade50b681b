package telecom

import (
	"slices"

	"github.com/BurntSushi/toml"

	"github.com/batonhq/baton/env/domain"
)

// appsInOrder keeps the apps in the order the file lists them, as a Python
// dict loaded from it would.
func appsInOrder(md toml.MetaData, apps map[string]rawApp, f *fieldErrs) domain.OrderedMap[*AppStatus] {
	var order []string
	for _, k := range md.Keys() {
		if len(k) >= 3 && k[0] == "device" && k[1] == "app_statuses" && !slices.Contains(order, k[2]) {
			order = append(order, k[2])
		}
	}
	var out domain.OrderedMap[*AppStatus]
	for _, name := range order {
		a, ok := apps[name]
		if !ok {
			continue
		}
		st := &AppStatus{AppName: f.str("device.app_statuses."+name+".app_name", a.AppName)}
		if a.Permissions != nil {
			st.Permissions = *a.Permissions
		}
		out.Set(name, st)
	}
	return out
}

// orderedSignals orders a signal map by technology, the order of tau2's
// default.
func orderedSignals(m map[string]string, f *fieldErrs) domain.OrderedMap[string] {
	var out domain.OrderedMap[string]
	for _, t := range techs {
		if v, ok := m[t]; ok {
			if !slices.Contains(signals, v) {
				f.fail("surroundings.signal_strength.%s: %q is not a signal strength", t, v)
			}
			out.Set(t, v)
		}
	}
	for k := range m {
		if !slices.Contains(techs, k) {
			f.fail("surroundings.signal_strength: %q is not a network technology", k)
		}
	}
	return out
}
