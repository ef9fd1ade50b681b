//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrLocked is wrapped when another process serves the database file: one
// process at a time may own a SQLite database's holds.
var ErrLocked = errors.New("sqlite: database is in use by another process")

// fileLock is an exclusive flock(2) on the sidecar file path+".lock",
// held for the store's life. The kernel drops it when the process dies, so
// a crashed server never leaves the file locked.
type fileLock struct {
	f    *os.File
	once sync.Once
}

// lockFile takes the lock of the database at path, or fails with an error
// wrapping [ErrLocked] that names the process holding it.
func lockFile(path string) (*fileLock, error) {
	lp := path + ".lock"
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock %s: %w", lp, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		who, _ := io.ReadAll(io.LimitReader(f, 512))
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := strings.TrimSpace(string(who))
			if holder == "" {
				holder = "an unknown process"
			}
			return nil, fmt.Errorf("%w: %s is held by %s (lock file %s); stop that process first, "+
				"open the database for administration only (baton keys does), or use Postgres to run several replicas",
				ErrLocked, path, holder, lp)
		}
		return nil, fmt.Errorf("sqlite: lock %s: %w", lp, err)
	}
	// Who holds it, for the error a second process shows.
	exe, _ := os.Executable()
	args := strings.Join(os.Args[1:], " ")
	if len(args) > 200 {
		args = args[:200] + "..."
	}
	info := fmt.Sprintf("pid %d (%s %s) since %s\n", os.Getpid(), exe, args, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(info), 0)
	}
	return &fileLock{f: f}, nil
}

// release drops the lock.
func (l *fileLock) release() error {
	if l == nil {
		return nil
	}
	var err error
	l.once.Do(func() { err = l.f.Close() }) // closing the descriptor releases the flock
	return err
}
