// Package mcp imports the tools of Model Context Protocol servers as Baton
// tools, using the official MCP Go SDK.
//
// [Connect] starts a server as a subprocess speaking MCP over stdio
// ([Options.Command]) or connects to one over streamable HTTP
// ([Options.URL]), lists its tools (following pagination) and exposes each as
// a [tool.Tool] through [Client.Tools]. Each tool's Spec carries the MCP
// name (with an optional "prefix." so names from several servers stay
// unique), the description and the input JSON Schema; it is tagged
// [tool.TagLocal] for a subprocess and [tool.TagRemote] for a URL, and
// priced per call as configured.
//
// A call maps the MCP result onto a [tool.Result]: text content joined by
// newlines as Content, structuredContent as Data, isError as IsError. A
// failure of the server or transport (the subprocess died, the HTTP server
// refused the request) is an error Result the policy can read; only the
// caller's context ending is a Go error. A subprocess that died is restarted
// by the next call.
//
// Lifecycle: Connect, then Tools, then [Client.Close], which closes the
// session and stops and reaps the subprocess. Closing any of the client's
// tools (as [tool.Set.Close] does) closes the whole client.
//
// The package registers the kind "mcp" with the options command, url, env,
// headers_env, dir, prefix, timeout and price_per_call; see [Open].
package mcp
