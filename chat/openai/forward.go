package openai

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/chat/internal/wire"
)

// Forward posts body, a chat completions request in OpenAI's wire format
// (see [Client.Body]), to the upstream under the client's retry policy and
// returns the 2xx response with its body unread, so a gateway can relay a
// stream as bytes ([Relay]). Failures are shaped as Complete's are: a
// *chat.StatusError for a final HTTP error, chat.ErrTimeout,
// chat.ErrConnection or chat.ErrMalformed otherwise; a stream body is
// capped by MaxResponseBytes and bounded by the attempt's Timeout. The
// caller closes the body.
func (c *Client) Forward(ctx context.Context, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("chat: openai: base URL %q: %w", c.base, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.o.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.o.APIKey)
	}
	for k, v := range c.o.Header {
		req.Header.Set(k, v)
	}
	res, err := c.r.Middleware(req, c.o.HTTPClient.Do)
	if err != nil {
		return nil, wire.Failure(ctx, "openai", err, chat.ErrUpstream)
	}
	return res, nil
}
