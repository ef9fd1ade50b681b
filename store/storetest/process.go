package storetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// URLOpener opens a store by URL, as each process sharing it does.
type URLOpener func(ctx context.Context, url string, opts ...store.Option) (store.Store, error)

// Environment of a helper process.
const (
	envMode   = "BATON_STORETEST_HELPER" // hammer or crash
	envURL    = "BATON_STORETEST_URL"
	envKey    = "BATON_STORETEST_KEY"
	envWorker = "BATON_STORETEST_WORKER"
	envCalls  = "BATON_STORETEST_CALLS"
)

// linePrefix marks the helper's reports among the test framework's output.
const linePrefix = "storetest: "

// Helper process shape: goroutines per process and the largest call.
const (
	helperGoroutines = 4
	helperMax        = 10 * money.Microdollar
)

// IsHelperProcess reports whether this test binary was started by
// [RunProcesses]; a TestMain uses it to skip expensive set-up (such as
// starting a database server) that the helper does not need.
func IsHelperProcess() bool { return os.Getenv(envMode) != "" }

// HelperProcess is the body of the child processes [RunProcesses] starts.
// Call it from a test named TestHelperProcess in the backend's test package;
// it returns at once when the test binary was not started as a helper.
func HelperProcess(t *testing.T, open URLOpener) {
	mode := os.Getenv(envMode)
	if mode == "" {
		return
	}
	ctx := context.Background()
	s, err := open(ctx, os.Getenv(envURL))
	if mode == "open" {
		// Report whether a second process may open the store at all.
		if err != nil {
			(&reporter{w: os.Stdout}).printf("refused %s", strings.ReplaceAll(err.Error(), "\n", " "))
			os.Exit(0)
		}
		(&reporter{w: os.Stdout}).printf("opened")
		_ = s.Close()
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "storetest helper: open: %v\n", err)
		os.Exit(2)
	}
	worker, _ := strconv.Atoi(os.Getenv(envWorker))
	calls, _ := strconv.Atoi(os.Getenv(envCalls))
	out := &reporter{w: os.Stdout}
	acct := reportingAccount{Account: s.Account(os.Getenv(envKey)), r: out}
	switch mode {
	case "hammer":
		var wg sync.WaitGroup
		var mu sync.Mutex
		var granted, refused int
		for g := range helperGoroutines {
			wg.Go(func() {
				_, ok, no, err := Hammer(ctx, acct, worker*helperGoroutines+g, calls, helperMax)
				if err != nil {
					fmt.Fprintf(os.Stderr, "storetest helper: %v\n", err)
					os.Exit(3)
				}
				mu.Lock()
				granted, refused = granted+ok, refused+no
				mu.Unlock()
			})
		}
		wg.Wait()
		out.printf("done %d %d", granted, refused)
	case "crash":
		runID := fmt.Sprintf("crash-run-%d", worker)
		if err := s.CreateRun(ctx, store.Run{ID: runID}); err != nil {
			fmt.Fprintf(os.Stderr, "storetest helper: %v\n", err)
			os.Exit(3)
		}
		for i := range calls {
			h, err := acct.Reserve(ctx, helperMax)
			if err != nil {
				fmt.Fprintf(os.Stderr, "storetest helper: %v\n", err)
				os.Exit(3)
			}
			if i%2 == 0 {
				if err := h.Commit(ctx, helperMax*7/10); err != nil {
					fmt.Fprintf(os.Stderr, "storetest helper: %v\n", err)
					os.Exit(3)
				}
				continue
			}
			out.printf("held %d", int64(helperMax))
		}
		out.printf("ready")
		// Wait to be killed; a parent that died closes stdin.
		_, _ = io.Copy(io.Discard, os.Stdin)
	default:
		fmt.Fprintf(os.Stderr, "storetest helper: unknown mode %q\n", mode)
		os.Exit(2)
	}
	_ = s.Close()
	os.Exit(0)
}

// reporter writes the helper's report lines, whole, from any goroutine.
type reporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *reporter) printf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, linePrefix+format+"\n", args...)
}

// reportingAccount reports each commit after the store confirmed it, so
// the parent knows a lower bound of what was billed even if it kills us.
type reportingAccount struct {
	budget.Account
	r *reporter
}

func (a reportingAccount) Reserve(ctx context.Context, max money.Amount) (budget.Hold, error) {
	h, err := a.Account.Reserve(ctx, max)
	if err != nil {
		return nil, err
	}
	return reportingHold{Hold: h, r: a.r}, nil
}

type reportingHold struct {
	budget.Hold
	r *reporter
}

func (h reportingHold) Commit(ctx context.Context, actual money.Amount) error {
	err := h.Hold.Commit(ctx, actual)
	if err == nil {
		h.r.printf("committed %d", int64(actual))
	}
	return err
}

// child is a running helper process.
type child struct {
	cmd    *exec.Cmd
	stdin  io.Closer
	lines  chan string // report lines, without the prefix; closed at EOF
	stderr *bytes.Buffer
}

func startChild(t *testing.T, mode, url, keyID string, worker, calls int) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), envMode+"="+mode, envURL+"="+url, envKey+"="+keyID,
		envWorker+"="+strconv.Itoa(worker), envCalls+"="+strconv.Itoa(calls))
	c := &child{cmd: cmd, lines: make(chan string, 1024), stderr: new(bytes.Buffer)}
	cmd.Stderr = c.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting helper process: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = c.stdin.Close()
	})
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), linePrefix); ok {
				c.lines <- line
			}
		}
	}()
	return c
}

// tally is what a helper reported.
type tally struct {
	committed        money.Amount
	commits, held    int
	granted, refused int
	done, ready      bool
	opened           bool
	refusal          string
}

// read consumes report lines until stop says so or the output ends.
func (c *child) read(t *testing.T, stop func(tally) bool) tally {
	t.Helper()
	var tl tally
	for line := range c.lines {
		f := strings.Fields(line)
		num := func(i int) int64 {
			if len(f) <= i {
				t.Fatalf("helper reported %q", line)
			}
			n, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				t.Fatalf("helper reported %q", line)
			}
			return n
		}
		switch f[0] {
		case "committed":
			tl.committed += money.Amount(num(1))
			tl.commits++
		case "held":
			tl.held++
		case "done":
			tl.granted, tl.refused, tl.done = int(num(1)), int(num(2)), true
		case "ready":
			tl.ready = true
		case "opened":
			tl.opened = true
		case "refused":
			tl.refusal = strings.TrimPrefix(line, "refused ")
		}
		if stop != nil && stop(tl) {
			return tl
		}
	}
	return tl
}

// wait waits for a helper that is meant to exit by itself.
func (c *child) wait(t *testing.T) {
	t.Helper()
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("helper process: %v\nstderr:\n%s", err, c.stderr)
	}
}

// kill kills the helper with SIGKILL, reaps it, and returns what it
// reported after the last read: lines already in the pipe when it died
// are commits the store confirmed too.
func (c *child) kill(t *testing.T) tally {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("killing helper: %v", err)
	}
	_ = c.cmd.Wait()
	return c.read(t, nil) // also drains, so the reader goroutine ends
}

// RunProcesses checks a store used by separate processes: two helpers
// racing on one key's budget (or, for an exclusive backend, a second
// process refused while one holds the store), and helpers killed with
// SIGKILL with holds open, after which the ledger must be consistent.
// newURL returns the URL of a fresh, empty store; the backend's test
// package must call [HelperProcess] from TestHelperProcess. The parent
// watches the ledger through a store opened with [store.ForAdmin].
func RunProcesses(t *testing.T, newURL func(t *testing.T) string, open URLOpener, exclusive bool) {
	ctx := context.Background()
	openKey := func(t *testing.T, total money.Amount) (string, store.Store, store.Key) {
		url := newURL(t)
		s, err := open(ctx, url, store.ForAdmin())
		if err != nil {
			t.Fatalf("open %s: %v", url, err)
		}
		t.Cleanup(func() { _ = s.Close() })
		k, _, err := s.CreateKey(ctx, store.NewKey{Name: t.Name(), Budget: store.KeyBudget{Total: total}})
		if err != nil {
			t.Fatalf("CreateKey: %v", err)
		}
		return url, s, k
	}

	if exclusive {
		t.Run("SecondProcessRefused", func(t *testing.T) {
			url := newURL(t)
			s, err := open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			c := startChild(t, "open", url, "", 0, 0)
			tl := c.read(t, nil)
			c.wait(t)
			if tl.opened || tl.refusal == "" {
				t.Fatalf("a second process opened a store this one owns (opened %t); stderr:\n%s", tl.opened, c.stderr)
			}
			if !strings.Contains(tl.refusal, fmt.Sprintf("pid %d ", os.Getpid())) {
				t.Errorf("the refusal does not name this process (pid %d): %s", os.Getpid(), tl.refusal)
			}
			// Once the owner closes, the next process may open it.
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			c = startChild(t, "open", url, "", 0, 0)
			tl = c.read(t, nil)
			c.wait(t)
			if !tl.opened {
				t.Fatalf("after the owner closed, a new process was refused: %s", tl.refusal)
			}
		})
		runKilled(t, openKey, open)
		runTakenForDead(t, openKey, open)
		runClaimUnjudged(t, newURL, open, exclusive)
		return
	}

	t.Run("TwoProcesses", func(t *testing.T) {
		const limit = 1000 * money.Microdollar
		url, s, k := openKey(t, limit)
		children := []*child{startChild(t, "hammer", url, k.ID, 0, 50), startChild(t, "hammer", url, k.ID, 1, 50)}
		var told money.Amount
		var refused int
		for _, c := range children {
			tl := c.read(t, nil)
			c.wait(t)
			if !tl.done {
				t.Fatalf("helper did not finish; stderr:\n%s", c.stderr)
			}
			told += tl.committed
			refused += tl.refused
		}
		sp := spent(t, s, k.ID)
		if sp.Held != 0 || sp.Total > limit || sp.Total != told {
			t.Fatalf("Spent = %+v; want nothing held, at most %s spent, and exactly the %s the helpers were told", sp, limit, told)
		}
		if refused == 0 {
			t.Errorf("no reservation was refused: the budget was not contended")
		}
	})

	runKilled(t, openKey, open)
	runTakenForDead(t, openKey, open)
	runClaimUnjudged(t, newURL, open, exclusive)
}

// runTakenForDead: a live replica whose heartbeat a sweep finds expired (a
// pause longer than the TTL) has its open hold charged in full; its late
// commit charges nothing more, its late release frees nothing, and its
// next heartbeat registers it again. Over-charged, never under-charged.
func runTakenForDead(t *testing.T, openKey func(t *testing.T, total money.Amount) (string, store.Store, store.Key), open URLOpener) {
	t.Run("LiveReplicaTakenForDead", func(t *testing.T) {
		ctx := context.Background()
		url, admin, k := openKey(t, 100*money.Microdollar)
		owner, err := open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer owner.Close()
		h := reserve(t, owner, k.ID, 30*money.Microdollar)
		h2 := reserve(t, owner, k.ID, 10*money.Microdollar)
		st := sweepLater(t, url, open)
		if st.Holds != 2 || st.Charged != 40*money.Microdollar {
			t.Fatalf("Sweep = %+v, want both holds charged in full", st)
		}
		if err := h.Commit(ctx, 5*money.Microdollar); err != nil {
			t.Fatalf("late Commit: %v", err)
		}
		if err := h2.Release(ctx); err != nil {
			t.Fatalf("late Release: %v", err)
		}
		if sp := spent(t, admin, k.ID); sp.Total != 40*money.Microdollar || sp.Held != 0 {
			t.Fatalf("Spent = %+v, want the 40µ$ the sweep charged, no more and no less", sp)
		}
		if err := owner.Heartbeat(ctx); err != nil {
			t.Fatalf("Heartbeat after being swept: %v", err)
		}
		if st := sweepLater(t, url, open); st.Replicas != 1 || st.Holds != 0 {
			// An hour ahead, the re-registered replica looks dead again, but
			// it holds nothing now.
			t.Fatalf("second sweep = %+v, want the re-registered replica found, with nothing to charge", st)
		}
	})
}

// runKilled kills helpers with holds open and checks the ledger after.
func runKilled(t *testing.T, openKey func(t *testing.T, total money.Amount) (string, store.Store, store.Key), open URLOpener) {
	ctx := context.Background()
	t.Run("KilledWithHoldsOpen", func(t *testing.T) {
		const limit = 1000 * money.Microdollar
		url, s, k := openKey(t, limit)
		c := startChild(t, "crash", url, k.ID, 0, 10)
		tl := c.read(t, func(tl tally) bool { return tl.ready })
		if !tl.ready {
			t.Fatalf("helper exited early; stderr:\n%s", c.stderr)
		}
		c.kill(t)
		committed := 5 * helperMax * 7 / 10
		if sp := spent(t, s, k.ID); sp.Held != money.Amount(tl.held)*helperMax || sp.Total != committed {
			t.Fatalf("before the sweep Spent = %+v, want %d holds of %s open and %s spent", sp, tl.held, helperMax, committed)
		}
		// A sweep now must spare the helper: its heartbeat is fresh.
		if st, err := s.Sweep(ctx, time.Minute); err != nil || st != (store.SweepStats{}) {
			t.Fatalf("Sweep right after the kill = %+v, %v; want nothing swept within the TTL", st, err)
		}
		st := sweepLater(t, url, open)
		held := money.Amount(tl.held) * helperMax
		if st.Holds != tl.held || st.Charged != held || st.Runs != 1 || st.Replicas != 1 {
			t.Errorf("Sweep = %+v, want %d holds charged %s, the run marked and one replica forgotten", st, tl.held, held)
		}
		// The dead helper's calls may have been billed upstream: each open
		// hold is charged in full, none released.
		if sp := spent(t, s, k.ID); sp.Held != 0 || sp.Total != committed+held {
			t.Fatalf("after the sweep Spent = %+v, want nothing held and %s spent", sp, committed+held)
		}
		if st := sweepLater(t, url, open); st != (store.SweepStats{}) {
			t.Errorf("second sweep = %+v, want nothing left", st)
		}
		if r, err := s.GetRun(ctx, "crash-run-0"); err != nil || r.Status != "interrupted" {
			t.Errorf("the dead helper's run: %+v, %v; want interrupted", r, err)
		}
	})

	t.Run("KilledWhileHammering", func(t *testing.T) {
		const limit = 100 * money.Dollar // never reached: the helper must be killed mid-way
		url, s, k := openKey(t, limit)
		c := startChild(t, "hammer", url, k.ID, 0, 100_000)
		tl := c.read(t, func(tl tally) bool { return tl.commits >= 40 })
		if tl.commits < 40 {
			t.Fatalf("helper exited early; stderr:\n%s", c.stderr)
		}
		rest := c.kill(t)
		tl.committed += rest.committed
		sweepLater(t, url, open)
		sp := spent(t, s, k.ID)
		// Each helper goroutine may have had one commit stored but not yet
		// reported, or one hold open (charged in full by the sweep), when
		// it died; nothing else may differ.
		slack := helperGoroutines * helperMax
		if sp.Held != 0 || sp.Total < tl.committed || sp.Total > tl.committed+slack {
			t.Fatalf("after the sweep Spent = %+v; want nothing held and between the reported %s and %s more",
				sp, tl.committed, slack)
		}
		// The store still works after the crash, for a new owner.
		owner, err := open(ctx, url)
		if err != nil {
			t.Fatalf("opening after the crash: %v", err)
		}
		defer owner.Close()
		if err := reserve(t, owner, k.ID, helperMax).Commit(ctx, helperMax); err != nil {
			t.Fatalf("Commit after the crash: %v", err)
		}
	})
}

// sweepLater sweeps the store at url from a replica whose clock runs an
// hour ahead, so the dead helper's heartbeat has expired without the test
// waiting for the TTL.
func sweepLater(t *testing.T, url string, open URLOpener) store.SweepStats {
	t.Helper()
	ctx := context.Background()
	sw, err := open(ctx, url, store.ForAdmin(), store.WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	defer sw.Close()
	st, err := sw.Sweep(ctx, store.DefaultHeartbeatTTL)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	return st
}
