package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/batonhq/baton/chat"
)

// Failure shapes an error of a call: the caller's cancellation as itself,
// provider HTTP errors as *chat.StatusError, this package's errors as they
// are, and anything else the SDK reports as kind (chat.ErrMalformed for a
// response that did not decode, chat.ErrUpstream for an error event in a
// stream).
func Failure(ctx context.Context, provider string, err, kind error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("chat: %s: %w", provider, ctxErr)
	}
	var se *chat.StatusError
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, chat.ErrUpstream) {
		return err
	}
	return fmt.Errorf("chat: %s: %w: %w", provider, kind, err)
}

// SchemaObject decodes a tool's JSON Schema; an empty one accepts any
// object.
func SchemaObject(raw json.RawMessage) (map[string]any, error) {
	if len(strings.TrimSpace(string(raw))) == 0 {
		return map[string]any{"type": "object"}, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parameters are not a JSON object: %w", err)
	}
	return m, nil
}

// SortedKeys returns m's keys in order, so headers are set
// deterministically.
func SortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
