// Package openai is Baton's client for the OpenAI chat completions API and
// every server that speaks it (OpenAI, vLLM, Ollama, llama.cpp,
// OpenRouter). [Client] implements [chat.Client] and [chat.Streamer] by
// translating Baton's one chat model to the wire format and back. Complete
// encodes the request itself ([Client.Body]) and decodes only the fields it
// reads; Stream runs on the official SDK with the SDK's retries and
// environment variables turned off. Both go through one retry policy
// (installed as SDK middleware for Stream), so every attempt is seen once:
//
//   - each attempt is bounded by [Options].Timeout (streams included);
//   - 408, 429, 5xx and connections that failed before the request was
//     sent are retried up to MaxRetries times, after the server's
//     Retry-After (seconds or an HTTP date; Retry-After-Ms if sent), capped
//     by MaxRetryAfter, or else exponential backoff with jitter;
//   - an attempt that timed out or lost its connection after the request
//     was sent is not retried: the provider may have billed it, and the
//     caller reserved one call's worst case;
//   - the caller's context aborts at once, including during a wait;
//   - response bodies are capped (chat.ErrTooLarge) and 2xx bodies that
//     are not JSON are rejected (chat.ErrMalformed);
//   - a final HTTP failure is a *chat.StatusError with the status and the
//     provider's own message; every provider failure matches
//     chat.ErrUpstream, and the caller's cancellation never does.
//
// A response without usage has Response.UsageReported false.
//
// For a gateway, [Client.Forward] sends a request body as raw bytes, under
// the same retry policy, and hands back the upstream's response unparsed,
// so a stream can be relayed byte for byte (see [Relay]).
package openai
