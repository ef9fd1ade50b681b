package domain

import "encoding/json"

// Schema builds a JSON Schema for an object with the given properties
// (name to schema) and required names.
func Schema(props map[string]any, required ...string) json.RawMessage {
	if required == nil {
		required = []string{}
	}
	b, err := json.Marshal(map[string]any{"type": "object", "properties": props, "required": required})
	if err != nil {
		panic("domain: schema: " + err.Error())
	}
	return b
}

// Str is the schema of a string parameter.
func Str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

// IntParam is the schema of an integer parameter.
func IntParam(desc string) map[string]any {
	return map[string]any{"type": "integer", "description": desc}
}

// Enum is the schema of a string parameter with fixed values.
func Enum(desc string, values ...string) map[string]any {
	return map[string]any{"type": "string", "enum": values, "description": desc}
}

// CalculateTool is tau2's calculate tool.
func CalculateTool() Tool {
	return Tool{
		Name:        "calculate",
		Description: "Calculate the result of a mathematical expression.",
		Parameters: Schema(map[string]any{
			"expression": Str("The mathematical expression to calculate, such as '2 + 2'. The expression can contain numbers, operators (+, -, *, /), parentheses, and spaces."),
		}, "expression"),
		Call: func(_ DB, args json.RawMessage) (string, error) {
			var in struct {
				Expression string `json:"expression"`
			}
			if err := DecodeArgs("calculate", args, &in); err != nil {
				return "", err
			}
			return Calculate(in.Expression)
		},
	}
}

// TransferTool is tau2's transfer_to_human_agents tool.
func TransferTool() Tool {
	return Tool{
		Name: "transfer_to_human_agents",
		Description: "Transfer the user to a human agent, with a summary of the user's issue.\n" +
			"Only transfer if\n -  the user explicitly asks for a human agent\n" +
			" -  given the policy and the available tools, you cannot solve the user's issue.",
		Parameters: Schema(map[string]any{"summary": Str("A summary of the user's issue.")}, "summary"),
		Call: func(_ DB, args json.RawMessage) (string, error) {
			var in struct {
				Summary string `json:"summary"`
			}
			if err := DecodeArgs("transfer_to_human_agents", args, &in); err != nil {
				return "", err
			}
			return "Transfer successful", nil
		},
	}
}

// ThinkTool is tau2's think tool: it records nothing and returns "".
func ThinkTool() Tool {
	return Tool{
		Name:        "think",
		Description: "Use the tool to think about something. It will not obtain new information or change the database, but just append the thought to the log. Use it when complex reasoning is needed.",
		Parameters:  Schema(map[string]any{"thought": Str("A thought to think about.")}, "thought"),
		Call:        func(DB, json.RawMessage) (string, error) { return "", nil },
	}
}
