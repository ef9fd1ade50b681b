package chat

import (
	"context"
	"fmt"
	"testing"
)

func TestMayHaveBilled(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&StatusError{Provider: "openai", StatusCode: 429}, false},
		{fmt.Errorf("gave up: %w", &StatusError{StatusCode: 503}), false},
		{fmt.Errorf("%w (%w): dial tcp: connection refused", ErrConnection, ErrNotSent), false},
		{fmt.Errorf("%w after 1s", ErrTimeout), true},
		{fmt.Errorf("%w: EOF", ErrConnection), true},
		{fmt.Errorf("%w: not JSON", ErrMalformed), true},
		{fmt.Errorf("%w: body exceeds", ErrTooLarge), true},
		{context.Canceled, true},
	} {
		if got := MayHaveBilled(tt.err); got != tt.want {
			t.Errorf("MayHaveBilled(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
