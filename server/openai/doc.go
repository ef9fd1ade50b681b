// Package openai is the OpenAI chat completions wire format of `baton serve`:
// the request, response, chunk and error objects, a strict request decoder
// that accepts every documented request field and rejects unknown ones by
// name, and the translation between those objects and Baton's internal
// message model ([chat.Message], [chat.Request]).
//
// Nothing here does I/O beyond reading a request body; the server's handlers
// decode with [DecodeChatRequest], translate with [ChatCompletionRequest.Internal]
// and answer with [NewCompletion], [Chunk] values and [ErrorBody].
package openai
