package retrieval

import "errors"

// Errors of this package, for errors.Is.
var (
	// ErrConfig is wrapped when options are missing or out of range.
	ErrConfig = errors.New("retrieval: bad options")
	// ErrClosed is returned by calls on a closed [KB].
	ErrClosed = errors.New("retrieval: knowledge base is closed")
	// ErrNotSynced is returned by a search before the first [KB.Sync].
	ErrNotSynced = errors.New("retrieval: knowledge base not opened; call Sync first")
)
