package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// SkipEnv is the environment variable that, set to 1, makes tests needing
// Postgres skip instead of fail.
const SkipEnv = "BATON_SKIP_POSTGRES"

// ErrNotInstalled is wrapped when no PostgreSQL server binaries are found.
var ErrNotInstalled = errors.New("pgtest: PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH; " +
	"install them (apt-get install -y postgresql), or set " + SkipEnv + "=1 to skip the tests that need them")

// Server is a running throwaway cluster, reachable over TCP on loopback as
// the trusted superuser "postgres".
type Server struct {
	dir  string // owns data/, the log and the socket
	bin  string
	port int
	cred *syscall.Credential // who runs the server when we are root

	mu  sync.Mutex
	dbs int
}

// SkipRequested reports whether BATON_SKIP_POSTGRES=1 is set.
func SkipRequested() bool { return os.Getenv(SkipEnv) == "1" }

// StartTestServer starts a cluster for tb, stopped in tb.Cleanup, and
// returns the URL of a fresh database on it. It skips tb if
// BATON_SKIP_POSTGRES=1 and fails it if Postgres is not installed.
func StartTestServer(tb testing.TB) string {
	tb.Helper()
	if SkipRequested() {
		tb.Skip(SkipEnv + "=1: skipping a test that needs a PostgreSQL server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := Start(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	url, err := srv.NewDatabase(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return url
}

// binDir finds the directory holding initdb and pg_ctl, newest version
// first. On a Debian machine where the tests run as root it installs the
// postgresql package once when it is missing, so the README's one test
// command needs nothing installed by hand.
func binDir() (string, error) {
	d, err := findBinDir()
	if !errors.Is(err, ErrNotInstalled) || os.Getenv("BATON_PG_BIN") != "" {
		return d, err
	}
	installOnce.Do(func() { installErr = aptInstall() })
	if installErr != nil {
		return "", fmt.Errorf("%w (automatic install failed: %v)", ErrNotInstalled, installErr)
	}
	return findBinDir()
}

var (
	installOnce sync.Once
	installErr  error
)

// aptInstall installs Debian's postgresql package. Concurrent test
// binaries wait for each other on dpkg's lock rather than fail.
func aptInstall() error {
	if os.Geteuid() != 0 {
		return errors.New("not root")
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return errors.New("no apt-get")
	}
	wait := []string{"-o", "DPkg::Lock::Timeout=600"}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{
		append(append([]string{}, wait...), "update", "-qq"),
		append(append([]string{}, wait...), "install", "-y", "-qq", "postgresql"),
	} {
		cmd := exec.Command(apt, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v: %s", args[len(args)-1], err, lastLines(out, 5))
		}
	}
	return nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func findBinDir() (string, error) {
	if d := os.Getenv("BATON_PG_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err != nil {
			return "", fmt.Errorf("BATON_PG_BIN=%s has no pg_ctl: %w", d, ErrNotInstalled)
		}
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "initdb")); err == nil {
			return filepath.Dir(p), nil
		}
	}
	return "", ErrNotInstalled
}

func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// Start initialises and starts a cluster in a new temporary directory.
// Running as root, it runs the server as the "postgres" OS user, since
// Postgres refuses to run as root.
func Start(ctx context.Context) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "baton-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: running as root needs the OS user \"postgres\" to run the server: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	if err := s.run(ctx, "initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// A port picked free can be taken before the server binds it; try again.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			break
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
			s.port, s.dir)
		err = s.run(ctx, "pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
		if err == nil || attempt == 2 {
			break
		}
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs one of the server's programs as the server's user.
func (s *Server) run(ctx context.Context, prog string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, prog), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pgtest: %s: %w\n%s\n%s", prog, err, out.Bytes(), log)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL returns the URL of database db on the server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("test%d", s.dbs)
	s.mu.Unlock()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return s.URL(name), nil
}

// Stop stops the server at once and deletes its files.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := s.run(ctx, "pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
	return errors.Join(err, os.RemoveAll(s.dir))
}
