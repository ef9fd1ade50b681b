// Package anthropic is Baton's client for Anthropic's Messages API.
// [Client] implements [chat.Client] and [chat.Streamer]: system messages
// become the top-level system prompt, tools carry input_schema, assistant
// tool calls become tool_use blocks and tool messages tool_result blocks.
// It runs on the official SDK with the SDK's retries and environment
// variables off and the retry policy of chat/openai installed as middleware
// (408, 429, 5xx and Anthropic's 529 retried after Retry-After or backoff;
// bodies capped; final HTTP failures as *chat.StatusError).
package anthropic
