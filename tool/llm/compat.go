package llm

import (
	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/anthropic"
	"github.com/batonhq/baton/chat/openai"
)

// The wire clients moved to chat/openai and chat/anthropic. These names
// forward to them so code written against the old ones keeps building;
// new code should import the client packages.

// ClientOptions is openai.Options (and anthropic.Options).
//
// Deprecated: use openai.Options or anthropic.Options.
type ClientOptions = openai.Options

// NewOpenAI returns openai.New(o).
//
// Deprecated: use openai.New.
func NewOpenAI(o ClientOptions) *openai.Client { return openai.New(o) }

// NewAnthropic returns anthropic.New(o).
//
// Deprecated: use anthropic.New.
func NewAnthropic(o ClientOptions) *anthropic.Client { return anthropic.New(o) }

// Errors of the wire clients, now in chat.
//
// Deprecated: use chat.ErrTooLarge, chat.ErrMalformed, chat.ErrTimeout and
// chat.ErrConnection.
var (
	ErrTooLarge   = chat.ErrTooLarge
	ErrMalformed  = chat.ErrMalformed
	ErrTimeout    = chat.ErrTimeout
	ErrConnection = chat.ErrConnection
)
