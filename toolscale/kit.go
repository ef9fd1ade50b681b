package toolscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/batonhq/baton/env/domain"
)

// File names of a synthesised domain directory.
const (
	FileDB     = "db.json"
	FileTools  = "tools.json"
	FilePolicy = "policy.md"
	FileTasks  = "tasks.json"
	FileSplits = "split_tasks.json"
)

// Kit is env/domain's Kit for synthesised domains: the database and the
// tool specs both come from the domain directory. env/domain asks a kit
// for its tools without a directory, so a Kit remembers the tools.json of
// the first directory it loads and refuses a later directory of the same
// name whose tools.json differs.
type Kit struct {
	name string

	mu       sync.Mutex
	spec     *Spec
	specJSON []byte
}

var _ domain.Kit = (*Kit)(nil)

// Name implements domain.Kit.
func (k *Kit) Name() string { return k.name }

// Layout implements domain.Kit: the τ²-bench file names.
func (k *Kit) Layout() domain.Layout {
	return domain.Layout{Policy: FilePolicy, Tasks: FileTasks, Splits: FileSplits}
}

// Load implements domain.Kit: tools.json, then db.json typed by it.
func (k *Kit) Load(ctx context.Context, dir string) (domain.DB, error) {
	db, err := LoadDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	canon, _ := json.Marshal(db.spec)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.spec == nil {
		k.spec, k.specJSON = db.spec, canon
	} else if !bytes.Equal(k.specJSON, canon) {
		return nil, fmt.Errorf("%w: %q is already loaded from another directory with a different %s; give this directory another name", ErrSpecConflict, k.name, FileTools)
	}
	db.spec = k.spec
	return db, nil
}

// ErrSpecConflict is returned when two directories of one domain name
// have different tools.json files in one process.
var ErrSpecConflict = errors.New("toolscale: conflicting tool specs")

// LoadDir reads a synthesised domain directory's tools.json and db.json.
func LoadDir(ctx context.Context, dir string) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, FileTools))
	if err != nil {
		return nil, fmt.Errorf("toolscale: %w (is %s a synthesised domain directory?)", err, dir)
	}
	spec, err := ParseSpec(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, FileTools), err)
	}
	b, err = os.ReadFile(filepath.Join(dir, FileDB))
	if err != nil {
		return nil, fmt.Errorf("toolscale: %w", err)
	}
	db, err := LoadDB(spec, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, FileDB), err)
	}
	return db, nil
}

// Tools implements domain.Kit: one domain.Tool per [ToolSpec] of the
// loaded tools.json (none before a Load).
func (k *Kit) Tools() []domain.Tool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.spec == nil {
		return nil
	}
	return DomainTools(k.spec)
}

// DomainTools returns spec's tools as env/domain tools; each runs on the
// *DB it is given.
func DomainTools(spec *Spec) []domain.Tool {
	eng := NewEngine(spec)
	out := make([]domain.Tool, len(spec.Tools))
	for i := range spec.Tools {
		t := &spec.Tools[i]
		out[i] = domain.Tool{
			Name:        t.Name,
			Description: t.Description,
			Parameters:  t.Schema(),
			Mutates:     t.Mutates(),
			Call: func(d domain.DB, args json.RawMessage) (string, error) {
				db, ok := d.(*DB)
				if !ok {
					return "", fmt.Errorf("toolscale: tool %s given a %T, want a *toolscale.DB", t.Name, d)
				}
				return eng.Call(db, t.Name, args)
			},
		}
	}
	return out
}

var registerMu sync.Mutex

// ErrNameTaken is returned when a synthesised domain's directory name is
// already a built-in domain (airline, retail).
var ErrNameTaken = errors.New("toolscale: domain name taken by a built-in domain")

// OpenDomain loads the synthesised domain in dir with env/domain: it
// registers a [Kit] named after the directory on first use (env/domain
// looks kits up by directory name) and calls domain.Open.
func OpenDomain(ctx context.Context, dir string) (*domain.Domain, error) {
	dir = filepath.Clean(dir)
	name := filepath.Base(dir)
	if err := ensureKit(name); err != nil {
		return nil, err
	}
	return domain.Open(ctx, filepath.Dir(dir), name)
}

func ensureKit(name string) error {
	registerMu.Lock()
	defer registerMu.Unlock()
	k, err := domain.LookupKit(name)
	if err == nil {
		if _, ours := k.(*Kit); !ours {
			return fmt.Errorf("%w: %q; rename the directory", ErrNameTaken, name)
		}
		return nil
	}
	if !errors.Is(err, domain.ErrUnknownDomain) {
		return err
	}
	domain.Register(&Kit{name: name})
	return nil
}

// OpenEnv loads the synthesised domain in dir as an env.Env (split "" for
// every task): tau2's scoring, golden replay plus DB hash compare plus
// communicate_info.
func OpenEnv(ctx context.Context, dir, split string) (*domain.Env, error) {
	d, err := OpenDomain(ctx, dir)
	if err != nil {
		return nil, err
	}
	return domain.NewEnv(d, split)
}
