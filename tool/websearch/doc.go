// Package websearch is Baton's web search tool, registered as the kind
// "websearch.tavily" (default tool name "web_search", opened by default).
//
// It calls Tavily's search API (POST {base_url}/search with a JSON body
// {"query", "max_results", "search_depth", "include_answer"} and the key in
// an "Authorization: Bearer" header) and returns the hits as a numbered
// list of title, URL and snippet, with the provider's short answer when one
// was asked for. Data holds the same as JSON ([Response]).
//
// # Keys and the disabled state
//
// The API key is read from the environment (TAVILY_API_KEY, or the variable
// named by the api_key_env option), never from baton.yaml; an "api_key"
// option is rejected. Because the kind is a default one, a missing key does
// not fail start-up: Open returns the tool anyway, its Spec says "disabled"
// in the description and carries the tag "disabled" (so policies and
// filters can avoid it), its price is zero, and every call returns an error
// Result: "web search is disabled: set TAVILY_API_KEY (or configure
// websearch in baton.yaml)".
//
// # Failures
//
// 429 and 5xx answers and transport errors are retried a small bounded
// number of times (max_attempts, default 3) with exponential backoff that
// honours Retry-After (in seconds or as an HTTP date, capped at 30 s). Other
// non-2xx answers, a body over max_body_bytes, and malformed JSON become
// error Results carrying the provider's own message; only a cancelled
// context is a Go error.
//
// # Price
//
// price_per_call defaults to Tavily's public pay-as-you-go price of one
// credit, $0.008, for a basic search; an advanced search costs two credits
// ($0.016) and is priced so when search_depth is "advanced".
package websearch
