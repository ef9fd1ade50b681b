package toolscale

import (
	"encoding/json"
	"fmt"
	"strings"
)

// pipelineSystem frames every step of the LLM pipeline.
const pipelineSystem = `You design customer-service domains for evaluating tool-using agents, in the
style of tau2-bench: a database, tools over it, a policy the agent follows, and
tasks with golden tool calls. Each message asks for one step. Reply with JSON
only, in exactly the format asked for; it is checked by a program.`

// pipelineExample renders part of a built-in domain as a format example.
func pipelineExample(what string) string {
	spec := blueprints["bank"].spec()
	var v any
	switch what {
	case "collection":
		v = spec.Collections[0]
	case "tools":
		var ts []ToolSpec
		for _, t := range spec.Tools {
			if t.Kind == KindGet || (t.Kind == KindUpdate && len(t.Require) > 0 && len(ts) < 3) {
				ts = append(ts, t)
			}
			if len(ts) == 3 {
				break
			}
		}
		v = ts
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func domainPrompt(topic string) string {
	return fmt.Sprintf(`Step: domain.
Invent a customer-service domain about: %s.
Reply {"domain": "<name: lower-case letters, digits, _>", "description": "<two sentences>",
"policy": "<the agent policy in Markdown: who may do what, when actions are refused, what must be confirmed>"}.`, topic)
}

func schemaPrompt(domain, description string) string {
	return fmt.Sprintf(`Step: schema.
Domain %s: %s
Design 2 to 4 collections of records. Field types: string, integer, number, boolean; "enum"
lists allowed values; "ref" names the collection a field's id points to; "key" is the string id
field. Example collection: %s
Reply {"collections": [...]}.`, domain, description, pipelineExample("collection"))
}

func databasePrompt(spec *Spec) string {
	cols, _ := json.Marshal(spec.Collections)
	return fmt.Sprintf(`Step: database.
Write 3 to 6 records per collection, every field filled, ids following id_prefix and id_width,
every ref naming an existing record. Collections: %s
Reply {"<collection>": {"<id>": {<record>}, ...}, ...}.`, cols)
}

func toolsPrompt(spec *Spec, policy string) string {
	cols, _ := json.Marshal(spec.Collections)
	return fmt.Sprintf(`Step: tools.
Write the agent's tools as declarative specs over these collections: %s
Kinds: get (record by key_param), find (records whose fields equal "match" params), list, update
("require" preconditions, "set" assignments, "adjust" numeric changes), create, delete. Include
read tools and the write tools the policy allows. Policy:
%s
Example tools: %s
Reply {"tools": [...]}.`, cols, policy, pipelineExample("tools"))
}

func intentsPrompt(spec *Spec, policy string) string {
	var names []string
	for _, t := range spec.Tools {
		names = append(names, t.Name)
	}
	return fmt.Sprintf(`Step: intents.
List what users of domain %s call about. Each intent names the tools a correct agent uses, at
least one of them changing the database. Tools: %s. Policy:
%s
Reply {"intents": [{"name": "...", "description": "...", "tools": ["..."]}]}.`, spec.Domain, strings.Join(names, ", "), policy)
}

func tasksPrompt(spec *Spec, db *DB, policy, intents string, n int) string {
	return "Step: tasks.\nIntents: " + intents + "\n\n" + llmSystem + "\n\n" + llmPrompt(spec, db, policy, n)
}

func evolvePrompt(spec *Spec, policy, tasks string) string {
	return fmt.Sprintf(`Step: evolve.
Make each task below harder: the same user with a further goal (another write the policy allows,
or a request the policy refuses), up to 6 golden actions, ending in a different database state
than the original. Domain %s. Policy:
%s
Tasks: %s
Reply {"tasks": [...]} in the same format as the tasks (reason_for_call, known_info,
task_instructions, actions, communicate_info, nl_assertions).`, spec.Domain, policy, tasks)
}
