package server

import (
	"fmt"
	"io"
)

// readBody reads a body already bounded by limitBody.
func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("server: reading the request body: %w", err)
	}
	return b, nil
}
