// Package wire is what the wire clients chat/openai and chat/anthropic
// share: [Options] with their defaults, the one retry policy [Retrier]
// (installed as SDK middleware, or wrapped around a raw request), body
// caps, and the parsing of providers' error bodies and Retry-After
// headers. It is internal: callers configure clients through
// openai.Options and anthropic.Options, which are aliases of [Options].
package wire
