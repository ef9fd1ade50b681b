package llm

import (
	"strconv"
	"strings"
)

// answerFunc is the synthetic function that ends an episode in native mode.
const answerFunc = "answer"

// maxFuncName is OpenAI's limit on function names.
const maxFuncName = 64

// nameMap translates Baton tool names, which may contain '.', to function
// names OpenAI accepts (^[a-zA-Z0-9_-]{1,64}$) and back. It is rebuilt from
// the same sorted tool list every turn, so a name maps the same way across
// an episode's turns. Characters outside the allowed set become '_'; a
// clash with another tool or with the reserved "answer" function gets a
// numeric suffix ("a_b_2"), which keeps the mapping one-to-one.
type nameMap struct {
	toFunc map[string]string // Baton name → function name
	toTool map[string]string // function name → Baton name
}

func newNameMap(names []string) *nameMap {
	m := &nameMap{toFunc: map[string]string{}, toTool: map[string]string{answerFunc: ""}}
	// Names that are already valid keep their spelling even if another
	// name would sanitise to them, so they are placed first.
	var rest []string
	for _, n := range names {
		if sanitizeName(n) == n && n != answerFunc {
			if _, dup := m.toTool[n]; !dup {
				m.add(n, n)
			}
			continue
		}
		rest = append(rest, n)
	}
	for _, n := range rest {
		if _, done := m.toFunc[n]; done {
			continue
		}
		base := sanitizeName(n)
		f := base
		for i := 2; ; i++ {
			if _, taken := m.toTool[f]; !taken {
				break
			}
			suf := "_" + strconv.Itoa(i)
			f = base[:min(len(base), maxFuncName-len(suf))] + suf
		}
		m.add(n, f)
	}
	delete(m.toTool, answerFunc)
	return m
}

func (m *nameMap) add(tool, fn string) {
	m.toFunc[tool] = fn
	m.toTool[fn] = tool
}

// funcName returns the function name for a Baton tool name; names of tools
// not in the map (an unknown tool a failed turn called) are sanitised.
func (m *nameMap) funcName(tool string) string {
	if f, ok := m.toFunc[tool]; ok {
		return f
	}
	return sanitizeName(tool)
}

// toolName returns the Baton tool a function name stands for. The Baton
// spelling itself is accepted too, since models copy names from the
// descriptions they read.
func (m *nameMap) toolName(fn string) (string, bool) {
	if t, ok := m.toTool[fn]; ok {
		return t, true
	}
	if _, ok := m.toFunc[fn]; ok && fn != answerFunc {
		return fn, true
	}
	return "", false
}

// sanitizeName maps any string to a valid OpenAI function name.
func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= maxFuncName {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "tool"
	}
	return b.String()
}
