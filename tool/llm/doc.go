// Package llm puts language models behind Baton's tool contract. It is a
// thin adapter: the wire clients live at the edge, in chat/openai (the
// OpenAI chat completions API, which OpenAI, vLLM, Ollama, llama.cpp and
// OpenRouter serve) and chat/anthropic (Anthropic's Messages API), with
// their retries, timeouts and body caps; this package turns one configured
// model into a priced [tool.Tool].
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
