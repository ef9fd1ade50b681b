package llm

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/money"
)

// The 8B model's fixed prompt parts, from ToolOrchestra's evaluation code.
const (
	system8B     = "You are good at using tools."
	choosePrompt = "Choose an appropriate tool."
	codeHeader   = "\npython code and execution outputs:\n"
	docsHeader   = "Documents:\n"
)

// Function descriptions and the opening of each model parameter's
// description, as in ToolOrchestra's tools.json.
var (
	fnDescription = map[string]string{
		fnReason: "tool to enhance answer model reasoning. analyze the problem, write code, execute it and return intermidiate results that will help solve the problem",
		fnAnswer: "give the final answer. Not allowed to call if documents is empty.",
		fnSearch: "Search for missing information",
	}
	modelDescription = map[string]string{
		fnReason: "The model used to reason.",
		fnAnswer: "The model used to answer.",
		fnSearch: "The model used to search for missing information.",
	}
)

// tools8B writes the function definitions offered, in tools.json's order,
// for the functions that have aliases and are not excluded.
func tools8B(aliases []alias, exclude map[string]bool) []chat.ToolDef {
	var defs []chat.ToolDef
	for _, fn := range fnOrder {
		if exclude[fn] {
			continue
		}
		var as []alias
		for _, a := range aliases {
			if a.Func == fn {
				as = append(as, a)
			}
		}
		if len(as) == 0 {
			continue
		}
		defs = append(defs, chat.ToolDef{Name: fn, Description: fnDescription[fn], Parameters: modelParams(fn, as)})
	}
	return defs
}

// modelParams is the schema of the single "model" argument, whose
// description lists the aliases, what each is, and a price table.
func modelParams(fn string, as []alias) json.RawMessage {
	var b strings.Builder
	b.WriteString(modelDescription[fn])
	b.WriteString(" Choices: [")
	for i, a := range as {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + a.Name + "'")
	}
	b.WriteString("].")
	for _, a := range as {
		if d := oneLine(a.Spec.Description); d != "" {
			fmt.Fprintf(&b, " %s: %s", a.Name, d)
			if !strings.HasSuffix(d, ".") {
				b.WriteString(".")
			}
		}
		if a.Writer != "" {
			fmt.Fprintf(&b, " %s's code is written by %s, billed at its price.", a.Name, a.Writer)
		}
	}
	b.WriteString(" The table below shows the pricing and latency of each model:\nModel | price per million input tokens | price per million output tokens | average latency")
	var extra []string
	for _, a := range as {
		p := a.Spec.Price
		fmt.Fprintf(&b, "\n%s | %s | %s | %s", a.Name, p.InputPerM, p.OutputPerM, latencyText(a.Spec.Latency))
		if p.PerCall > 0 || p.PerSecond > 0 {
			extra = append(extra, fmt.Sprintf("%s also costs %s.", a.Name, priceText(money.Price{PerCall: p.PerCall, PerSecond: p.PerSecond})))
		}
	}
	if len(extra) > 0 {
		b.WriteString("\n" + strings.Join(extra, " "))
	}
	// A struct keeps the keys in tools.json's order, so the request body is
	// stable byte for byte.
	type prop struct {
		Description string `json:"description"`
		Type        string `json:"type"`
	}
	out, _ := json.Marshal(struct {
		Properties struct {
			Model prop `json:"model"`
		} `json:"properties"`
		Required []string `json:"required"`
		Title    string   `json:"title"`
		Type     string   `json:"type"`
	}{
		Properties: struct {
			Model prop `json:"model"`
		}{prop{Description: b.String(), Type: "string"}},
		Required: []string{"model"},
		Title:    "parameters",
		Type:     "object",
	})
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
