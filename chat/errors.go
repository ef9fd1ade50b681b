package chat

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
)

// upstreamError is a sentinel whose message stays short while errors.Is
// still finds ErrUpstream behind it.
type upstreamError string

func (e upstreamError) Error() string { return string(e) }
func (e upstreamError) Unwrap() error { return ErrUpstream }
