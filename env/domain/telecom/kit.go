package telecom

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/batonhq/baton/env/domain"
)

func init() { domain.Register(Kit{}) }

// Kit is the telecom domain's [domain.Kit]. It is also a
// [domain.FunctionRunner] for initialization_actions and env_assertions.
type Kit struct{}

var (
	_ domain.Kit            = Kit{}
	_ domain.FunctionRunner = Kit{}
)

// Name implements domain.Kit.
func (Kit) Name() string { return "telecom" }

// Layout implements domain.Kit. The framework reads one policy file; the
// policy tau2 gives the agent also carries the tech-support manual (see
// [Policy]).
func (Kit) Layout() domain.Layout {
	return domain.Layout{Policy: "main_policy.md", Tasks: "tasks.json", Splits: "split_tasks.json"}
}

// Load implements domain.Kit.
func (Kit) Load(ctx context.Context, dir string) (domain.DB, error) { return Load(ctx, dir) }

// Tools implements domain.Kit: the 13 agent tools, then the 30 tools of the
// user's phone. A session must hold both because telecom tasks are solved
// by the two together (the gold actions name both, by requestor) and an
// orchestrator without a user simulator can only fix the phone itself
// (tau2's solo mode gives the agent both sets the same way). Use
// [AgentTools] / [UserTools] to split them.
func (Kit) Tools() []domain.Tool { return append(AgentTools(), UserTools()...) }

// AgentTools returns tau2's telecom agent tools, sorted by name.
func AgentTools() []domain.Tool { return bind(agentSpecs) }

// UserTools returns the user's phone tools, sorted by name.
func UserTools() []domain.Tool { return bind(userSpecs) }

// IsUserTool reports whether name is one of the phone's tools (tau2's
// requestor "user").
func IsUserTool(name string) bool {
	_, ok := specByName(userSpecs, name)
	return ok
}

func bind(specs []spec) []domain.Tool {
	out := make([]domain.Tool, len(specs))
	for i, s := range specs {
		out[i] = s.tool()
	}
	return out
}

// RunFunction implements domain.FunctionRunner.
func (Kit) RunFunction(db domain.DB, call domain.FunctionCall) (any, error) {
	t, ok := db.(*DB)
	if !ok {
		return nil, fmt.Errorf("telecom: database is %T, not a telecom database", db)
	}
	return RunFunction(t, call)
}

// Policy implements domain.PolicyLoader. Baton's orchestrator gets both
// the agent's and the phone's tools (tau2's solo mode), so its policy is
// the solo main policy with the tech-support manual.
func (Kit) Policy(dir string) (string, error) { return Policy(dir, PolicySoloManual) }

// Policy modes: tau2 gives the agent the main policy plus either the
// tech-support manual or the step-by-step workflow; solo mode (no user,
// the agent operates the phone) has its own main policy and workflow.
const (
	PolicyManual       = "manual"
	PolicyWorkflow     = "workflow"
	PolicySoloManual   = "solo-manual"
	PolicySoloWorkflow = "solo-workflow"
)

// Policy returns the agent policy tau2 builds for mode from the files in
// dir: the main policy and the tech-support policy, each inside its tag.
func Policy(dir, mode string) (string, error) {
	files := map[string][2]string{
		PolicyManual:       {"main_policy.md", "tech_support_manual.md"},
		PolicyWorkflow:     {"main_policy.md", "tech_support_workflow.md"},
		PolicySoloManual:   {"main_policy_solo.md", "tech_support_manual.md"},
		PolicySoloWorkflow: {"main_policy_solo.md", "tech_support_workflow_solo.md"},
	}
	f, ok := files[mode]
	if !ok {
		return "", fmt.Errorf("telecom: unknown policy mode %q (want %s, %s, %s or %s)", mode, PolicyManual, PolicyWorkflow, PolicySoloManual, PolicySoloWorkflow)
	}
	var parts [2]string
	for i, name := range f {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("telecom: policy: %w", err)
		}
		parts[i] = string(b)
	}
	return "<main_policy>\n" + parts[0] + "\n</main_policy>\n<tech_support_policy>\n" + parts[1] + "\n</tech_support_policy>", nil
}
