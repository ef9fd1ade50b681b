package chat

import "errors"

// Errors of the wire clients (chat/openai, chat/anthropic), for errors.Is.
// Each also matches [ErrUpstream]: the provider misbehaved, and a policy
// may try another model. Provider HTTP errors are [*StatusError] values
// instead.
var (
	// ErrTooLarge is wrapped when a response body exceeds the client's
	// MaxResponseBytes.
	ErrTooLarge error = upstreamError("chat: response too large")
	// ErrMalformed is wrapped when a response is not what the API promises
	// (bad JSON, no choices, an HTML page with status 200).
	ErrMalformed error = upstreamError("chat: malformed response")
	// ErrTimeout is wrapped when an attempt ran out of its own time (the
	// client's Timeout) while the caller's context was still live.
	ErrTimeout error = upstreamError("chat: attempt timed out")
	// ErrConnection is wrapped when a request could not be sent or its
	// response not received (refused, reset, DNS).
	ErrConnection error = upstreamError("chat: connection failed")
	// ErrNotSent is wrapped, beside ErrConnection or ErrTimeout, when an
	// attempt failed before its request was sent whole: the provider
	// cannot have billed it.
	ErrNotSent error = upstreamError("chat: request not sent")
)

// MayHaveBilled reports whether a failed call may have been billed by the
// provider for usage that never came back: it may, unless the provider
// refused it with an HTTP error status ([*StatusError]) or the request
// never left ([ErrNotSent]). Every budget path charges such a failure its
// worst case, from this one rule.
func MayHaveBilled(err error) bool {
	if err == nil {
		return false
	}
	var se *StatusError
	return !errors.As(err, &se) && !errors.Is(err, ErrNotSent)
}

// upstreamError is a sentinel whose message stays short while errors.Is
// still finds ErrUpstream behind it.
type upstreamError string

func (e upstreamError) Error() string { return string(e) }
func (e upstreamError) Unwrap() error { return ErrUpstream }
