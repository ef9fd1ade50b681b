package domain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/batonhq/baton/tool"
)

// Domain is a loaded domain: its initial database, policy, tasks and
// splits. It is immutable and safe for concurrent use; every rollout gets
// its own [Session].
type Domain struct {
	Kit    Kit                 // the domain's tools and database loader
	Dir    string              // the domain directory, e.g. .../tau2-bench/airline
	Policy string              // the agent policy document (policy.md)
	Tasks  []Task              // every task in tasks.json, in file order
	Splits map[string][]string // split name (e.g. "train", "test") → task ids, from split_tasks.json

	base   DB
	byID   map[string]int
	goldMu sync.Mutex
	gold   map[string]goldState

	schemaOnce sync.Once
	tools      []Tool
	index      map[string]int
	schemas    []*tool.Schema
}

type goldState struct {
	hash   string
	failed []error
}

// ErrNoDomainDir is returned when the data root has no directory for the
// domain.
var ErrNoDomainDir = errors.New("domain: no domain directory")

// Open loads domain name (a registered [Kit]) from root, a directory laid
// out like shared/data/tau2-bench (root/<name>/db.json, tasks.json, ...).
// The initial database is loaded once per process and directory and shared
// read-only by every Domain and Session.
func Open(ctx context.Context, root, name string) (*Domain, error) {
	kit, err := LookupKit(name)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %s (want %s/%s with the domain's db, policy and tasks)", ErrNoDomainDir, dir, root, name)
	}
	lay := kit.Layout()
	d := &Domain{Kit: kit, Dir: dir, byID: map[string]int{}, gold: map[string]goldState{}}
	if pl, ok := kit.(PolicyLoader); ok {
		if d.Policy, err = pl.Policy(dir); err != nil {
			return nil, fmt.Errorf("domain: %s policy: %w", name, err)
		}
	} else if lay.Policy != "" {
		b, err := os.ReadFile(filepath.Join(dir, lay.Policy))
		if err != nil {
			return nil, fmt.Errorf("domain: %s policy: %w", name, err)
		}
		d.Policy = string(b)
	}
	b, err := os.ReadFile(filepath.Join(dir, lay.Tasks))
	if err != nil {
		return nil, fmt.Errorf("domain: %s tasks: %w", name, err)
	}
	if d.Tasks, err = ParseTasks(b); err != nil {
		return nil, fmt.Errorf("%s/%s: %w", dir, lay.Tasks, err)
	}
	for i, t := range d.Tasks {
		d.byID[t.ID] = i
	}
	if lay.Splits != "" {
		b, err := os.ReadFile(filepath.Join(dir, lay.Splits))
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("domain: %s splits: %w", name, err)
		default:
			if d.Splits, err = ParseSplits(b); err != nil {
				return nil, fmt.Errorf("%s/%s: %w", dir, lay.Splits, err)
			}
		}
	}
	if d.base, err = loadBase(ctx, kit, dir); err != nil {
		return nil, err
	}
	return d, nil
}

var (
	baseMu sync.Mutex
	bases  = map[string]*baseEntry{}
)

type baseEntry struct {
	once sync.Once
	db   DB
	err  error
}

// loadBase loads a kit's database once per directory.
func loadBase(ctx context.Context, kit Kit, dir string) (DB, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	key := kit.Name() + "\x00" + abs
	baseMu.Lock()
	e, ok := bases[key]
	if !ok {
		e = &baseEntry{}
		bases[key] = e
	}
	baseMu.Unlock()
	e.once.Do(func() {
		e.db, e.err = kit.Load(ctx, dir)
		if e.err != nil {
			e.err = fmt.Errorf("domain: load %s database: %w", kit.Name(), e.err)
		}
	})
	if e.err != nil {
		// A failed load (a cancelled context, a file being written) is
		// retried by the next Open rather than cached forever.
		baseMu.Lock()
		if bases[key] == e {
			delete(bases, key)
		}
		baseMu.Unlock()
	}
	return e.db, e.err
}

// Task returns the task with id.
func (d *Domain) Task(id string) (*Task, bool) {
	i, ok := d.byID[id]
	if !ok {
		return nil, false
	}
	return &d.Tasks[i], true
}

// Name returns the domain name.
func (d *Domain) Name() string { return d.Kit.Name() }

// Fresh returns a fork of the initial database.
func (d *Domain) Fresh() DB { return d.base.Fork() }
