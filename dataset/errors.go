package dataset

import "errors"

// Errors wrapped by this package, for errors.Is.
var (
	// ErrUnknownSource is wrapped when a source name is not pinned.
	ErrUnknownSource = errors.New("dataset: unknown source")
	// ErrNotFound is wrapped when no step of the resolution order found
	// the source.
	ErrNotFound = errors.New("dataset: data not found")
	// ErrHashMismatch is wrapped when a downloaded file's SHA-256 differs
	// from its pin.
	ErrHashMismatch = errors.New("dataset: SHA-256 mismatch")
)
