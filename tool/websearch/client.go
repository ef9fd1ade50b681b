package websearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// callError is a failure the policy should read: it becomes an error
// Result, not a Go error.
type callError struct{ msg string }

func (e *callError) Error() string { return e.msg }

func failf(format string, args ...any) error {
	return &callError{msg: fmt.Sprintf(format, args...)}
}

// post sends one search, retrying 429, 5xx and transport errors up to
// MaxAttempts times. It returns the 2xx body, a *callError for failures the
// policy should see, or the context's error.
func (s *Search) post(ctx context.Context, req tavilyRequest) ([]byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("websearch: encode request: %w", err)
	}
	url := s.opts.BaseURL + "/search"
	var last error
	for attempt := 1; attempt <= s.opts.MaxAttempts; attempt++ {
		b, retryAfter, err := s.attempt(ctx, url, body)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("websearch: %w", ctx.Err())
		}
		last = err
		var re *retryable
		if !errors.As(err, &re) {
			return nil, err
		}
		if attempt == s.opts.MaxAttempts {
			break
		}
		wait := s.backoff(attempt)
		if retryAfter > 0 {
			wait = retryAfter
		}
		if wait > maxRetryAfter {
			return nil, failf("web search: %v; the provider asks to wait %s, longer than Baton waits", re.cause, wait.Round(time.Second))
		}
		slog.Debug("websearch: retrying", "attempt", attempt, "wait", wait, "cause", re.cause)
		if err := s.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("websearch: %w", err)
		}
	}
	var re *retryable
	if errors.As(last, &re) {
		return nil, failf("web search: %v (gave up after %d attempts)", re.cause, s.opts.MaxAttempts)
	}
	return nil, last
}

// retryable wraps a failure worth another attempt.
type retryable struct{ cause error }

func (r *retryable) Error() string { return r.cause.Error() }

// attempt makes one HTTP request. It returns the body of a 2xx answer, or
// an error that is *retryable (with the Retry-After delay, if any), a
// *callError, or the context's error.
func (s *Search) attempt(ctx context.Context, url string, body []byte) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, failf("web search: bad base_url: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.key)
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, &retryable{cause: fmt.Errorf("request failed: %w", err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxBodyBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, &retryable{cause: fmt.Errorf("reading the response failed: %w", err)}
	}
	if int64(len(b)) > s.opts.MaxBodyBytes {
		return nil, 0, failf("web search: the response is larger than %d bytes (max_body_bytes); not read", s.opts.MaxBodyBytes)
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return b, 0, nil
	case code == http.StatusTooManyRequests || code >= 500:
		return nil, s.retryAfter(resp.Header.Get("Retry-After")),
			&retryable{cause: fmt.Errorf("HTTP %d from the provider: %s", code, providerMessage(b))}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, 0, failf("web search: HTTP %d from the provider: %s (check %s)", code, providerMessage(b), s.opts.APIKeyEnv)
	default:
		return nil, 0, failf("web search: HTTP %d from the provider: %s", code, providerMessage(b))
	}
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func (s *Search) retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(s.now()); d > 0 {
			return d
		}
	}
	return 0
}

// backoff is 500ms, 1s, 2s, ... for attempts 1, 2, 3, ...
func (s *Search) backoff(attempt int) time.Duration {
	return 500 * time.Millisecond << (attempt - 1)
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
