//go:build !unix

package sqlite

import "errors"

// ErrLocked is wrapped when another process serves the database file.
var ErrLocked = errors.New("sqlite: database is in use by another process")

// fileLock is a no-op where flock(2) does not exist: the SQLite store then
// relies on the operator running one server per file.
type fileLock struct{}

func lockFile(string) (*fileLock, error) { return &fileLock{}, nil }

func (l *fileLock) release() error { return nil }
