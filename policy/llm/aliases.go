package llm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// The three functions Orchestrator-8B calls.
const (
	fnSearch  = "search"
	fnReason  = "enhance_reasoning"
	fnAnswer  = "answer"
	aliasSrch = "search-"
	aliasRsn  = "reasoner-"
	aliasAns  = "answer-"
)

// fnOrder is the order of the functions in ToolOrchestra's tools.json.
var fnOrder = []string{fnReason, fnAnswer, fnSearch}

// alias is one expert the 8B model can pick: the alias it writes, the
// function it belongs to and the Baton tool it stands for.
type alias struct {
	Name string
	Func string
	Spec tool.Spec
	// Writer is the model that writes the code for a code tool's alias.
	Writer string
}

// aliasFunc returns the function an alias belongs to, from its prefix
// ("search-1" → search, "reasoner-2" → enhance_reasoning, "answer-1" and
// "answer-math-1" → answer).
func aliasFunc(name string) (string, error) {
	switch {
	case strings.HasPrefix(name, aliasSrch) && len(name) > len(aliasSrch):
		return fnSearch, nil
	case strings.HasPrefix(name, aliasRsn) && len(name) > len(aliasRsn):
		return fnReason, nil
	case strings.HasPrefix(name, aliasAns) && len(name) > len(aliasAns):
		return fnAnswer, nil
	}
	return "", fmt.Errorf("alias %q must start with %q, %q or %q (e.g. search-1, reasoner-2, answer-math-1)", name, aliasSrch, aliasRsn, aliasAns)
}

// checkAliases validates a configured alias table.
func checkAliases(m map[string]string) error {
	for a, t := range m {
		if _, err := aliasFunc(a); err != nil {
			return err
		}
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("alias %q maps to an empty tool name", a)
		}
	}
	return nil
}

// resolveAliases returns the alias table for a run, sorted by function then
// alias. A configured table is filtered to the tools of the run, since a
// task may restrict its tools; without one, aliases are derived from the
// tools' tags (see [Orchestrator8B]).
func resolveAliases(configured map[string]string, specs []tool.Spec) []alias {
	var out []alias
	if len(configured) > 0 {
		byName := map[string]tool.Spec{}
		for _, s := range specs {
			byName[s.Name] = s
		}
		for a, t := range configured {
			s, ok := byName[t]
			if !ok {
				continue
			}
			fn, err := aliasFunc(a)
			if err != nil {
				continue
			}
			out = append(out, alias{Name: a, Func: fn, Spec: s})
		}
	} else {
		out = deriveAliases(specs)
	}
	if w, ok := cheapestModel(specs); ok {
		for i := range out {
			if isCodeTool(out[i].Spec) {
				out[i].Writer = w.Name
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Func != out[j].Func {
			return out[i].Func < out[j].Func
		}
		return aliasLess(out[i].Name, out[j].Name)
	})
	return out
}

// aliasLess orders "answer-2" before "answer-10" and plain aliases before
// "answer-math-1".
func aliasLess(a, b string) bool {
	pa, na := splitAlias(a)
	pb, nb := splitAlias(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

func splitAlias(s string) (string, int) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return s, 0
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s, 0
	}
	return s[:i], n
}

// deriveAliases numbers the tools of a run: language models become both
// answer-N and reasoner-N, code tools further reasoner-N, search tools
// search-N, each group from the most to the least expensive, as
// ToolOrchestra numbers its experts from the strongest.
func deriveAliases(specs []tool.Spec) []alias {
	var llms, code, search []tool.Spec
	for _, s := range specs {
		switch {
		case s.HasTag(tool.TagLLM):
			llms = append(llms, s)
		case s.HasTag(tool.TagCode):
			code = append(code, s)
		case s.HasTag(tool.TagSearch):
			search = append(search, s)
		}
	}
	for _, g := range [][]tool.Spec{llms, code, search} {
		sortByPriceDesc(g)
	}
	var out []alias
	for i, s := range llms {
		out = append(out, alias{Name: aliasAns + strconv.Itoa(i+1), Func: fnAnswer, Spec: s})
	}
	for i, s := range append(append([]tool.Spec(nil), llms...), code...) {
		out = append(out, alias{Name: aliasRsn + strconv.Itoa(i+1), Func: fnReason, Spec: s})
	}
	for i, s := range search {
		out = append(out, alias{Name: aliasSrch + strconv.Itoa(i+1), Func: fnSearch, Spec: s})
	}
	return out
}

// typicalUsage prices tools against each other: a call with a thousand
// tokens in and five hundred out lasting the tool's typical latency.
var typicalUsage = money.Usage{InputTokens: 1000, OutputTokens: 500}

func typicalCost(s tool.Spec) money.Amount {
	u := typicalUsage
	u.Duration = s.Latency
	return s.Price.Cost(u)
}

func sortByPriceDesc(specs []tool.Spec) {
	sort.SliceStable(specs, func(i, j int) bool {
		ci, cj := typicalCost(specs[i]), typicalCost(specs[j])
		if ci != cj {
			return ci > cj
		}
		return specs[i].Name < specs[j].Name
	})
}
