// Package llm puts language models behind Baton's tool contract. It has two
// layers.
//
// # Clients
//
// [OpenAI] and [Anthropic] implement [chat.Client] and [chat.Streamer]: they
// translate Baton's one chat model (chat.Message, chat.ToolCall) to a
// provider's wire format and back. [NewOpenAI] speaks the OpenAI chat
// completions API, which OpenAI, vLLM, Ollama, llama.cpp and OpenRouter all
// serve; [NewAnthropic] speaks Anthropic's Messages API. Both are built on
// the official SDKs with the SDKs' own retries and environment variables
// turned off, and with one retry policy of this package installed as SDK
// middleware, so every attempt is seen once:
//
//   - each attempt is bounded by [ClientOptions].Timeout (streams included);
//   - 408, 429, 5xx (Anthropic's 529 too), connection failures and attempt
//     timeouts are retried up to MaxRetries times, after the server's
//     Retry-After (seconds or an HTTP date; Retry-After-Ms if sent), capped
//     by MaxRetryAfter, or else exponential backoff with jitter;
//   - the caller's context aborts at once, including during a wait;
//   - response bodies are capped ([ErrTooLarge]) and 2xx bodies that are
//     not JSON are rejected ([ErrMalformed]);
//   - a final HTTP failure is a *chat.StatusError with the status and the
//     provider's own message; every provider failure matches
//     chat.ErrUpstream, and the caller's cancellation never does.
//
// A response without usage has Response.UsageReported false.
//
// # Model tools
//
// [Model] is one configured model exposed as a [tool.Tool] that a policy
// calls with {"prompt", "system"?, "max_tokens"?}. The kinds "llm.openai"
// and "llm.anthropic" build one from baton.yaml ([Options]); API keys are
// read from the environment variable the options name, never from the
// file, and are optional for servers on loopback.
//
// # Costs
//
// A Model's price comes from its "price" option, else from the price catalog
// by model name; a model with neither is an error unless declared
// "free: true", so nothing is metered at zero by accident. Call returns the
// provider's token usage and leaves Result.Cost zero: the tool.Set prices it
// exactly with money.Price.Cost. When a provider reports no usage, Call
// estimates it with tool.EstimateTokens over system+prompt and over the
// reply (capped at the max_tokens sent) and sets Usage.Estimated, so the
// charge is visibly an estimate.
//
// Before a call, [Model.MaxCost] bounds its charge for budgets: at most one
// input token per byte of text plus [MessageOverheadTokens] per message and
// one more, and at most the effective max_tokens of output, which Call also
// sends to the provider, so the bound holds for every honest provider.
package llm
