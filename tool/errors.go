package tool

import (
	"errors"
	"fmt"
)

var sprintf = fmt.Sprintf

// Errors of this package, for errors.Is.
var (
	// ErrUnknownTool is wrapped when a name or kind is not registered.
	ErrUnknownTool = errors.New("tool: unknown tool")
	// ErrInvalidArgs is wrapped when arguments violate a tool's schema.
	ErrInvalidArgs = errors.New("tool: invalid arguments")
	// ErrDisabled is wrapped by tools that cannot work in this environment,
	// such as a web search without an API key.
	ErrDisabled = errors.New("tool: disabled")
)
