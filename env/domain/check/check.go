package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/batonhq/baton/env/domain"
	// The domains checked.
	_ "github.com/batonhq/baton/env/domain/airline"
	_ "github.com/batonhq/baton/env/domain/retail"
	_ "github.com/batonhq/baton/env/domain/telecom"
)

// Report is the outcome of [Run]. Two kinds of check are counted apart:
// fidelity checks compare Baton's domains with the recordings (each
// recorded tool response, each comparable reward), determinism checks
// compare Baton with itself (a task's gold actions replayed twice give the
// same final hash and the same errors).
type Report struct {
	Domains     []DomainReport // one per domain checked, in order
	Fidelity    Count          // tool responses and rewards against the recordings, all domains
	Determinism Count          // gold replays, all domains
}

// Count is a number of checks passed and failed.
type Count struct {
	Passed int // checks that passed
	Failed int // checks that failed
}

// Total is Passed + Failed.
func (c Count) Total() int { return c.Passed + c.Failed }

// Failed is the number of failed checks of both kinds.
func (r Report) Failed() int { return r.Fidelity.Failed + r.Determinism.Failed }

// Summary is the report's last line, both kinds labelled:
// "fidelity: N passed, M failed; determinism: N passed, M failed".
func (r Report) Summary() string {
	return fmt.Sprintf("fidelity: %d passed, %d failed; determinism: %d passed, %d failed",
		r.Fidelity.Passed, r.Fidelity.Failed, r.Determinism.Passed, r.Determinism.Failed)
}

// DomainReport counts one domain's checks.
type DomainReport struct {
	Domain string // domain directory name, e.g. "airline"
	// Note says why a domain or its trajectories were skipped.
	Note string
	// Tasks is how many tasks had their gold actions replayed (twice);
	// GoldDeterministic those whose two replays ended with the same hash
	// and the same errors.
	Tasks, GoldDeterministic int
	// GoldErrors lists every gold action that returned an error, as
	// "task <id>: <action id> <tool>: <message>". tau2 logs such errors
	// and carries on (the refused call leaves the database as it was), and
	// so does the check: they are reported, not failed.
	GoldErrors []string
	// Trajectories is how many recorded simulations were replayed.
	Trajectories int
	// ToolCalls is the recorded tool calls; ToolMatched those whose
	// response equals the recording (ToolTextEqual of them byte for byte,
	// the rest as equal JSON values).
	ToolCalls, ToolMatched, ToolTextEqual int
	// Rewards is the simulations with a recorded reward; RewardMatched
	// those where our reward and db_check equal the recorded ones.
	Rewards, RewardMatched int
	// RewardsSkipped counts simulations whose task is not in the data
	// (held out) or cannot be identified; Skips says which and why.
	RewardsSkipped int
	Skips          []string
	// Mismatches describe every failed check.
	Mismatches []Mismatch
}

// Fidelity counts the domain's checks against the recordings.
func (dr DomainReport) Fidelity() Count {
	return Count{Passed: dr.ToolMatched + dr.RewardMatched, Failed: (dr.ToolCalls - dr.ToolMatched) + (dr.Rewards - dr.RewardMatched)}
}

// Determinism counts the domain's gold replay checks.
func (dr DomainReport) Determinism() Count {
	return Count{Passed: dr.GoldDeterministic, Failed: dr.Tasks - dr.GoldDeterministic}
}

// Mismatch is one failed check.
type Mismatch struct {
	// Task and Simulation say where (Simulation empty for gold checks), What
	// which check failed, Got and Want the values compared.
	Task, Simulation, What, Got, Want string
}

// ErrNothingToCheck is returned by [Run] when the directory holds no
// domain with a task or a trajectory: a check that checked nothing must
// not pass.
var ErrNothingToCheck = errors.New("check: nothing to check")

// TrajectoryPath is where a results file for domain lives under the data
// root.
func TrajectoryPath(dir, domainName string) string {
	return filepath.Join(dir, "leaderboard", "toolorchestra_trajectories", domainName+".json")
}

// Run checks every registered domain found under dir (laid out like
// shared/data/tau2-bench): (a) determinism: each task's gold actions,
// replayed twice on fresh databases, end with the same hash and the same
// errors (a gold action's error is tolerated and reported, as tau2 logs
// and ignores it); (b) fidelity: each recorded trajectory replays with
// identical tool responses and the recorded reward. It prints per-domain
// counts to w and a last line counting both kinds, labelled (see
// [Report.Summary]). A missing domain directory or trajectory file is
// skipped with a note. The error is non-nil when the checks could not run
// (unreadable or malformed files) and, wrapping [ErrNothingToCheck], when
// dir is missing or holds nothing to check.
func Run(ctx context.Context, dir string, w io.Writer) (Report, error) {
	var rep Report
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return rep, fmt.Errorf("%w: %s is not a directory; give a directory laid out like shared/data/tau2-bench (airline/, retail/, telecom/)", ErrNothingToCheck, dir)
	}
	for _, name := range domain.Kits() {
		dr, err := runDomain(ctx, dir, name)
		if err != nil {
			return rep, err
		}
		rep.Domains = append(rep.Domains, dr)
		f, d := dr.Fidelity(), dr.Determinism()
		rep.Fidelity.Passed += f.Passed
		rep.Fidelity.Failed += f.Failed
		rep.Determinism.Passed += d.Passed
		rep.Determinism.Failed += d.Failed
		printDomain(w, dr)
	}
	if rep.Fidelity.Total()+rep.Determinism.Total() == 0 {
		return rep, fmt.Errorf("%w in %s: no task or recorded trajectory of %s; give a directory laid out like shared/data/tau2-bench", ErrNothingToCheck, dir, strings.Join(domain.Kits(), ", "))
	}
	fmt.Fprintln(w, rep.Summary())
	return rep, nil
}

func printDomain(w io.Writer, dr DomainReport) {
	if dr.Note != "" {
		fmt.Fprintf(w, "%s: %s\n", dr.Domain, dr.Note)
	}
	if dr.Tasks == 0 && dr.Trajectories == 0 {
		return
	}
	f, d := dr.Fidelity(), dr.Determinism()
	fmt.Fprintf(w, "%s: fidelity %d passed, %d failed: trajectories replayed %d; tool responses matched %d/%d (%d byte-identical); rewards matched %d/%d (%d not comparable: task held out or unidentifiable)\n",
		dr.Domain, f.Passed, f.Failed, dr.Trajectories, dr.ToolMatched, dr.ToolCalls, dr.ToolTextEqual, dr.RewardMatched, dr.Rewards, dr.RewardsSkipped)
	fmt.Fprintf(w, "%s: determinism %d passed, %d failed: tasks' gold actions replayed twice %d; same hash and errors %d; gold actions that returned an error %d (tolerated, as in tau2)\n",
		dr.Domain, d.Passed, d.Failed, dr.Tasks, dr.GoldDeterministic, len(dr.GoldErrors))
	for _, e := range dr.GoldErrors {
		fmt.Fprintf(w, "  gold error: %s\n", e)
	}
	for _, m := range dr.Mismatches {
		fmt.Fprintf(w, "  MISMATCH task %s sim %s %s:\n    got:  %s\n    want: %s\n", m.Task, m.Simulation, m.What, clip(m.Got), clip(m.Want))
	}
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "..."
	}
	return s
}

func runDomain(ctx context.Context, dir, name string) (DomainReport, error) {
	dr := DomainReport{Domain: name}
	d, err := domain.Open(ctx, dir, name)
	if errors.Is(err, domain.ErrNoDomainDir) {
		dr.Note = "skipped: no directory " + filepath.Join(dir, name)
		return dr, nil
	}
	if err != nil {
		return dr, fmt.Errorf("check: %w", err)
	}
	for i := range d.Tasks {
		if err := ctx.Err(); err != nil {
			return dr, err
		}
		t := &d.Tasks[i]
		dr.Tasks++
		h1, errs1, err := replayGold(ctx, d, t)
		if err != nil {
			return dr, err
		}
		h2, errs2, err := replayGold(ctx, d, t)
		if err != nil {
			return dr, err
		}
		for _, e := range errs1 {
			dr.GoldErrors = append(dr.GoldErrors, "task "+t.ID+": "+e)
		}
		switch {
		case h1 != h2:
			dr.Mismatches = append(dr.Mismatches, Mismatch{Task: t.ID, What: "gold hash on a second replay", Got: h2, Want: h1})
		case !slices.Equal(errs1, errs2):
			dr.Mismatches = append(dr.Mismatches, Mismatch{Task: t.ID, What: "gold errors on a second replay", Got: fmt.Sprint(errs2), Want: fmt.Sprint(errs1)})
		default:
			dr.GoldDeterministic++
		}
	}
	path := TrajectoryPath(dir, name)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		dr.Note = "no trajectories at " + path
		return dr, nil
	}
	if err != nil {
		return dr, fmt.Errorf("check: %w", err)
	}
	res, err := domain.ParseResults(b)
	if err != nil {
		return dr, fmt.Errorf("check: %s: %w", path, err)
	}
	for i := range res.Simulations {
		if err := ctx.Err(); err != nil {
			return dr, err
		}
		sim := &res.Simulations[i]
		t, why := ResolveTask(d, sim)
		if err := replaySimulation(ctx, d, t, why, sim, &dr); err != nil {
			return dr, err
		}
	}
	return dr, nil
}

// replayGold runs a task's gold actions on a fresh database and returns
// the final hash and each failed action as "<action id> <tool>: <message>".
func replayGold(ctx context.Context, d *domain.Domain, t *domain.Task) (string, []string, error) {
	s, err := d.NewSession(ctx, t)
	if err != nil {
		return "", nil, fmt.Errorf("check: %w", err)
	}
	var errs []string
	if c := t.EvaluationCriteria; c != nil {
		for _, a := range c.Actions {
			if content, isErr := s.CallRaw(ctx, a.Name, a.Arguments); isErr {
				errs = append(errs, a.ActionID+" "+a.Name+": "+content)
			}
		}
	}
	return s.Hash(), errs, nil
}

// completed are the termination reasons tau2 scores; any other ends with
// reward 0 before evaluation.
var completed = map[string]bool{"agent_stop": true, "user_stop": true}

// ResolveTask finds the task a simulation really ran. The ToolOrchestra
// files' task_id does not name it (their simulations talk to other tasks'
// users), and retail's action ids are not always prefixed by their task's
// id, so the task is the one whose gold actions (names and arguments) equal
// the recorded reward_info.action_checks, with the recorded nl_assertions
// breaking ties and identifying tasks without actions. It returns nil and a
// reason when the task is held out of the data or cannot be identified.
func ResolveTask(d *domain.Domain, sim *domain.Simulation) (*domain.Task, string) {
	ri := sim.RewardInfo
	if ri == nil {
		return nil, "no reward_info to identify the task"
	}
	var nl []string
	for _, a := range ri.NLAssertions {
		nl = append(nl, a.NLAssertion)
	}
	var cands []*domain.Task
	for i := range d.Tasks {
		t := &d.Tasks[i]
		c := t.EvaluationCriteria
		if c == nil || len(c.Actions) != len(ri.ActionChecks) {
			continue
		}
		same := true
		for j, a := range c.Actions {
			r := ri.ActionChecks[j].Action
			if a.Name != r.Name || !JSONEqual(string(a.Arguments), string(r.Arguments)) {
				same = false
				break
			}
		}
		if same && (len(c.Actions) > 0 || (len(nl) > 0 && slices.Equal(c.NLAssertions, nl))) {
			cands = append(cands, t)
		}
	}
	if len(cands) > 1 && len(nl) > 0 {
		cands = slices.DeleteFunc(cands, func(t *domain.Task) bool { return !slices.Equal(t.EvaluationCriteria.NLAssertions, nl) })
	}
	switch len(cands) {
	case 1:
		return cands[0], ""
	case 0:
		return nil, "no task in the data has the recorded gold actions (held out)"
	}
	return nil, "several tasks have the recorded gold actions and assertions"
}

func replaySimulation(ctx context.Context, d *domain.Domain, t *domain.Task, why string, sim *domain.Simulation, dr *DomainReport) error {
	dr.Trajectories++
	s, err := d.NewSession(ctx, t)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	recorded := map[string]string{}
	for _, m := range sim.Messages {
		if m.Role == "tool" && m.Content != nil {
			recorded[m.ID] = *m.Content
		}
	}
	for _, m := range sim.Messages {
		if m.Role != "assistant" {
			continue
		}
		for _, tc := range m.ToolCalls {
			res, err := s.Call(ctx, tc.Name, tc.Arguments)
			if err != nil {
				return fmt.Errorf("check: %w", err)
			}
			want, ok := recorded[tc.ID]
			dr.ToolCalls++
			switch {
			case !ok:
				dr.Mismatches = append(dr.Mismatches, Mismatch{Task: t.ID, Simulation: sim.ID, What: "tool " + tc.Name + " (no recorded response)", Got: res.Content})
			case res.Content == want:
				dr.ToolMatched++
				dr.ToolTextEqual++
			case JSONEqual(res.Content, want):
				dr.ToolMatched++
			default:
				dr.Mismatches = append(dr.Mismatches, Mismatch{Task: t.ID, Simulation: sim.ID, What: "tool " + tc.Name + " " + string(tc.Arguments), Got: res.Content, Want: want})
			}
		}
	}
	ri := sim.RewardInfo
	if ri == nil {
		return nil
	}
	if t == nil {
		dr.RewardsSkipped++
		dr.Skips = append(dr.Skips, sim.ID+": "+why)
		return nil
	}
	dr.Rewards++
	v, err := d.Evaluate(ctx, t, s, sim.AssistantTexts())
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	reward := v.Reward
	if !completed[sim.TerminationReason] {
		reward = 0
	}
	dbOK := ri.DBCheck == nil || ri.DBCheck.DBMatch == v.DBMatch
	if reward == ri.Reward && dbOK {
		dr.RewardMatched++
		return nil
	}
	want := fmt.Sprintf("reward %v", ri.Reward)
	if ri.DBCheck != nil {
		want += fmt.Sprintf(" db_match %v", ri.DBCheck.DBMatch)
	}
	dr.Mismatches = append(dr.Mismatches, Mismatch{Task: t.ID, Simulation: sim.ID, What: "reward",
		Got: fmt.Sprintf("reward %v db_match %v breakdown %v missing %q", reward, v.DBMatch, v.Breakdown, v.Missing), Want: want})
	return nil
}

// JSONEqual reports whether a and b are both JSON and equal as Python
// compares json.loads results (numbers by value).
func JSONEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
