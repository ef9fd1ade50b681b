// Package promote decides which learned checkpoint baton serve runs, from a
// checkpoints directory:
//
//	DIR/candidates/NAME   checkpoints waiting to be judged (baton train --out)
//	DIR/promoted/NAME     checkpoints that were promoted
//	DIR/refused/NAME      checkpoints that were refused
//	DIR/promotions.jsonl  every decision, one JSON object a line, fsynced
//
// The serving checkpoint is the last promoted one in promotions.jsonl (the
// embedded default when none was). [Dir.Reload] judges each candidate, in
// name order, against the serving policy by inverse propensity scoring on
// the store's logged runs with feedback ([offpolicy.IPS]): it is promoted
// only when its estimated accuracy beats the serving policy's estimate by
// the margin and the lower end of its 95% interval is above the serving
// estimate; otherwise it is refused, with the reason. The log is appended
// and fsynced before the checkpoint is moved, so a decision survives
// kill -9; a candidate left in candidates/ by a crash is judged again.
package promote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/offpolicy"
	"github.com/batonhq/baton/policy"
	"github.com/batonhq/baton/policy/explore"
	"github.com/batonhq/baton/policy/learned"
)

// DefaultMargin is the accuracy a candidate must gain to be promoted.
const DefaultMargin = 0.01

// Decision is one judged candidate, as promotions.jsonl records it.
type Decision struct {
	Time      time.Time `json:"time"`
	Candidate string    `json:"candidate"` // file name under candidates/
	Promoted  bool      `json:"promoted"`
	// Serving is the checkpoint serving when judged ("" is the default).
	Serving string `json:"serving"`
	Reason  string `json:"reason"`
	// Current and New are the IPS estimates of the serving and candidate
	// policies' accuracy (absent when the candidate could not be read or
	// the logs held nothing usable).
	Current *offpolicy.Interval `json:"current,omitempty"`
	New     *offpolicy.Interval `json:"new,omitempty"`
	Runs    int                 `json:"runs"`
}

// Logs returns the logged runs with feedback to judge on.
type Logs func(ctx context.Context) ([]offpolicy.Logged, error)

// Dir is a checkpoints directory.
type Dir struct {
	path   string
	margin float64
	eps    float64
	logs   Logs
	mu     sync.Mutex
}

// Open opens (creating its subdirectories) the checkpoints directory.
// margin is the accuracy gain required; eps the exploration rate the
// policies serve with (their probabilities are computed at it).
func Open(path string, margin, eps float64, logs Logs) (*Dir, error) {
	if margin < 0 || margin != margin {
		return nil, fmt.Errorf("promote: margin %v: want ≥ 0", margin)
	}
	for _, sub := range []string{"candidates", "promoted", "refused"} {
		if err := os.MkdirAll(filepath.Join(path, sub), 0o755); err != nil {
			return nil, fmt.Errorf("promote: %w (check the --checkpoints directory)", err)
		}
	}
	return &Dir{path: path, margin: margin, eps: eps, logs: logs}, nil
}

// History returns every recorded decision, oldest first.
func (d *Dir) History() ([]Decision, error) {
	f, err := os.Open(filepath.Join(d.path, "promotions.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("promote: %w", err)
	}
	defer f.Close()
	var out []Decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var dec Decision
		if err := json.Unmarshal(sc.Bytes(), &dec); err != nil {
			// A torn last line from a crash mid-write is dropped; the
			// candidate is still in candidates/ and is judged again.
			continue
		}
		out = append(out, dec)
	}
	return out, sc.Err()
}

// Serving returns the serving checkpoint's name ("" for the embedded
// default) and policy.
func (d *Dir) Serving() (string, *learned.Policy, error) {
	h, err := d.History()
	if err != nil {
		return "", nil, err
	}
	name := ""
	for _, dec := range h {
		if dec.Promoted {
			name = dec.Candidate
		}
	}
	if name == "" {
		p, err := learned.Default()
		return "", p, err
	}
	if filepath.Base(name) != name || name == "." || name == ".." {
		return "", nil, fmt.Errorf("promote: promotions.jsonl names %q, not a file name: fix or remove the line", name)
	}
	file := filepath.Join(d.path, "promoted", name)
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		// A crash between recording the promotion and moving the file:
		// finish the move.
		if err := os.Rename(filepath.Join(d.path, "candidates", name), file); err != nil {
			return "", nil, fmt.Errorf("promote: finishing the promotion of %s: %w", name, err)
		}
	}
	p, err := learned.Open(learned.Options{Checkpoint: file})
	if err != nil {
		return "", nil, fmt.Errorf("promote: the promoted checkpoint %s: %w", name, err)
	}
	return name, p, nil
}

// Reload judges every candidate and returns the decisions and the policy
// serving afterwards.
func (d *Dir) Reload(ctx context.Context) ([]Decision, string, *learned.Policy, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	name, cur, err := d.Serving()
	if err != nil {
		return nil, "", nil, err
	}
	ents, err := os.ReadDir(filepath.Join(d.path, "candidates"))
	if err != nil {
		return nil, "", nil, fmt.Errorf("promote: %w", err)
	}
	var files []string
	for _, e := range ents {
		if e.Type().IsRegular() && filepath.Ext(e.Name()) != ".tmp" {
			files = append(files, e.Name())
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, name, cur, nil
	}
	logs, err := d.logs(ctx)
	if err != nil {
		return nil, "", nil, fmt.Errorf("promote: reading the logged runs: %w", err)
	}
	var decs []Decision
	for _, f := range files {
		dec, cand := d.judge(ctx, f, name, cur, logs)
		if err := ctx.Err(); err != nil {
			return decs, name, cur, err
		}
		if err := d.record(dec); err != nil {
			return decs, name, cur, err
		}
		to := "refused"
		if dec.Promoted {
			to = "promoted"
		}
		if err := os.Rename(filepath.Join(d.path, "candidates", f), filepath.Join(d.path, to, f)); err != nil {
			return decs, name, cur, fmt.Errorf("promote: %w", err)
		}
		if dec.Promoted {
			name, cur = f, cand
		}
		decs = append(decs, dec)
	}
	return decs, name, cur, nil
}

func (d *Dir) judge(ctx context.Context, file, serving string, cur *learned.Policy, logs []offpolicy.Logged) (Decision, *learned.Policy) {
	dec := Decision{Time: time.Now().UTC(), Candidate: file, Serving: serving}
	cand, err := learned.Open(learned.Options{Checkpoint: filepath.Join(d.path, "candidates", file)})
	if err != nil {
		dec.Reason = fmt.Sprintf("refused: the candidate does not load: %v", err)
		return dec, nil
	}
	target := func(p *learned.Policy) offpolicy.Target {
		return func(s *policy.State, act episode.Action) (float64, error) { return explore.ProbOf(p, s, d.eps, act) }
	}
	ce, err := offpolicy.IPS(ctx, logs, target(cur))
	if err != nil {
		dec.Reason = fmt.Sprintf("refused: no off-policy estimate of the serving policy: %v", err)
		return dec, nil
	}
	ne, err := offpolicy.IPS(ctx, logs, target(cand))
	if err != nil {
		dec.Reason = fmt.Sprintf("refused: no off-policy estimate of the candidate: %v", err)
		return dec, nil
	}
	dec.Current, dec.New, dec.Runs = &ce.Accuracy, &ne.Accuracy, ne.Episodes
	switch {
	case ne.Accuracy.Mean < ce.Accuracy.Mean+d.margin:
		dec.Reason = fmt.Sprintf("refused: estimated accuracy %.4f does not beat the serving %.4f by the margin %.4f", ne.Accuracy.Mean, ce.Accuracy.Mean, d.margin)
	case ne.Accuracy.Lo <= ce.Accuracy.Mean:
		dec.Reason = fmt.Sprintf("refused: unproven: the 95%% interval's lower end %.4f is not above the serving estimate %.4f (log more traffic)", ne.Accuracy.Lo, ce.Accuracy.Mean)
	default:
		dec.Promoted = true
		dec.Reason = fmt.Sprintf("promoted: estimated accuracy %.4f [%.4f, %.4f] beats the serving %.4f by at least the margin %.4f", ne.Accuracy.Mean, ne.Accuracy.Lo, ne.Accuracy.Hi, ce.Accuracy.Mean, d.margin)
	}
	return dec, cand
}

// record appends dec to promotions.jsonl and fsyncs it.
func (d *Dir) record(dec Decision) error {
	b, err := json.Marshal(dec)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(d.path, "promotions.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("promote: recording a decision: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("promote: recording a decision: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("promote: recording a decision: %w", err)
	}
	return f.Close()
}
