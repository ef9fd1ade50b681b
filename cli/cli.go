package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// Command is one subcommand of baton.
type Command struct {
	Name  string // what the user types after baton
	Short string // one-line summary for the usage listing
	// Run executes the command with its arguments (after the name).
	Run func(ctx context.Context, env *Env, args []string) error
}

// Env is what commands read and write, so tests can run them in-process.
type Env struct {
	Stdout, Stderr io.Writer           // where output and diagnostics go
	Stdin          io.Reader           // input for commands that read it
	Getenv         func(string) string // environment lookup (os.Getenv in production)
}

var commands = map[string]Command{}

func register(c Command) { commands[c.Name] = c }

// ErrUsage marks errors caused by how the command was invoked; Main exits
// with status 2 for them.
var ErrUsage = errors.New("usage")

// ExitError carries a specific exit status (e.g. a failed tool call).
type ExitError struct {
	Code int // the process exit status Main uses
}

// Error renders the status as the shell would report it.
func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Main runs baton with os.Args and exits.
func Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv}
	code := Run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// Run runs baton with args and returns the exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	level := slog.LevelWarn
	if v := env.Getenv("BATON_LOG"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level})))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			args = []string{args[1], "--help"}
		} else {
			usage(env.Stdout)
			return 0
		}
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "baton", Version)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(env.Stderr, "baton: unknown command %q; commands: %s (see baton --help)\n", args[0], strings.Join(names, ", "))
		return 2
	}
	err := c.Run(ctx, env, args[1:])
	var ee ExitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		return ee.Code
	case errors.Is(err, ErrUsage):
		msg := strings.TrimPrefix(err.Error(), ErrUsage.Error()+": ")
		fmt.Fprintf(env.Stderr, "baton %s: %s (see baton %s --help)\n", c.Name, msg, c.Name)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "baton %s: %v\n", c.Name, err)
		return 1
	}
}

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

func usage(w io.Writer) {
	fmt.Fprint(w, `baton: a learned orchestrator that picks, turn by turn, which tool or model
to call under a budget and your preferences.

Usage: baton <command> [flags] [args]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].Short)
	}
	fmt.Fprint(w, `
Run "baton <command> --help" for a command's flags.
Environment: BATON_CONFIG (config file, default ./baton.yaml), BATON_DATA (data
root), BATON_LOG (debug|info|warn|error), BATON_ENV_TOKEN (env serve's bearer
token); API keys as each tool's config names. Misuse exits 2, failure 1.
`)
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("baton run 'task' --max-cost 0.05") and returns the positionals.
// A flag error is a usage error (exit 2), reported once by Run with a
// pointer to --help; --help prints the command's help and returns
// flag.ErrHelp. Numeric flags are read strictly (see strictNumber).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	strictNumbers(fs)
	help := helpOf(fs)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if help != nil {
					help()
				}
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

var (
	helpMu sync.Mutex
	helps  = map[*flag.FlagSet]func(){}
)

func helpOf(fs *flag.FlagSet) func() {
	helpMu.Lock()
	defer helpMu.Unlock()
	h := helps[fs]
	delete(helps, fs)
	return h
}

// newFlags returns a FlagSet whose errors are returned, not printed (Run
// prints one line), and whose --help prints the synopsis, about and flags.
func newFlags(env *Env, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	helpMu.Lock()
	helps[fs] = func() {
		fs.SetOutput(env.Stderr)
		fmt.Fprintf(env.Stderr, "Usage: baton %s\n\n%s\n\nFlags:\n", synopsis, strings.TrimSpace(about))
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	helpMu.Unlock()
	return fs
}
