package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/chat"
)

// Backoff between retries when the server gives no Retry-After: the n-th
// retry waits a random time in [d/2, d] with d = BackoffBase·2ⁿ, at most
// BackoffMax.
const (
	BackoffBase = 500 * time.Millisecond
	BackoffMax  = 8 * time.Second
	// maxErrorBody bounds how much of an error response is read for its
	// message.
	maxErrorBody = 64 << 10
)

// Retrier is the single retry policy of both clients. It runs as SDK
// middleware with the SDKs' own retries disabled, so it sees every attempt:
// it bounds each with the per-attempt timeout, retries 408, 429, 5xx and
// connections that failed before the request was sent, with backoff or
// the server's Retry-After, caps response bodies, turns final HTTP errors
// into *chat.StatusError and rejects 2xx bodies that are not JSON.
//
// An attempt that fails after its request was sent without a status to
// say it was refused (its timeout, a connection dropped mid-way) is not
// retried: the provider may have run and billed it, and a caller reserves
// the worst case of one call (package budget), so a second billed attempt
// would spend money no reservation holds. The error says it was not
// retried; the caller decides whether to pay for another try.
type Retrier struct {
	provider string
	o        Options
	// Sleep waits between attempts; it must return early with ctx's error
	// when ctx is done. Tests replace it to observe requested delays.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock Retry-After dates are read against.
	Now func() time.Time
	// Jitter returns a uniform random duration in [0, n].
	Jitter func(n time.Duration) time.Duration
}

// NewRetrier returns the retry policy for provider ("openai") with the
// options o, which must already have their defaults filled in.
func NewRetrier(provider string, o Options) *Retrier {
	return &Retrier{
		provider: provider,
		o:        o,
		Sleep:    SleepCtx,
		Now:      time.Now,
		Jitter:   func(n time.Duration) time.Duration { return rand.N(n + 1) },
	}
}

// SleepCtx waits d or until ctx is done, returning ctx's error then.
func SleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable marks an attempt's failure as worth another attempt after wait
// (negative: use backoff).
type retryable struct {
	err  error
	wait time.Duration
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// Middleware has the signature of both SDKs' option.Middleware, and
// serves as a plain http.RoundTripper-style wrapper too.
func (r *Retrier) Middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	ctx := req.Context()
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := r.attempt(ctx, req, next)
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var rt *retryable
		if !errors.As(err, &rt) {
			return nil, err
		}
		if attempt >= r.o.MaxRetries || !replayable {
			return nil, r.exhausted(rt.err, attempt+1)
		}
		wait := rt.wait
		if wait < 0 {
			wait = r.backoff(attempt)
		}
		slog.Debug("chat: retrying", "provider", r.provider, "attempt", attempt+1, "wait", wait, "error", rt.err)
		if err := r.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (r *Retrier) exhausted(err error, attempts int) error {
	var se *chat.StatusError
	if errors.As(err, &se) {
		return se
	}
	if attempts == 1 {
		return fmt.Errorf("chat: %s: %w", r.provider, err)
	}
	return fmt.Errorf("chat: %s: gave up after %d attempts: %w", r.provider, attempts, err)
}

func (r *Retrier) backoff(attempt int) time.Duration {
	d := BackoffMax
	if attempt < 16 {
		d = min(BackoffBase<<attempt, BackoffMax)
	}
	return d/2 + r.Jitter(d/2)
}

// attempt sends one attempt under its own timeout. The timeout's cancel is
// released when the body has been read (JSON) or closed (streams).
func (r *Retrier) attempt(ctx context.Context, req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	actx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	areq := req.Clone(actx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, fmt.Errorf("chat: %s: replay request body: %w", r.provider, err)
		}
		areq.Body = body
	}
	var sent atomic.Bool
	areq = areq.WithContext(httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		// A request whose write failed never reached the provider whole.
		WroteRequest: func(i httptrace.WroteRequestInfo) { sent.Store(i.Err == nil) },
	}))
	res, err := next(areq)
	if err != nil {
		cancel()
		return nil, r.transient(ctx, actx, err, sent.Load())
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		defer cancel()
		return nil, r.statusError(res)
	}
	if isEventStream(res.Header) {
		res.Body = &streamBody{rc: res.Body, left: r.o.MaxResponseBytes, ctx: ctx, actx: actx, cancel: cancel, r: r}
		return res, nil
	}
	defer cancel()
	body, err := readCapped(res.Body, r.o.MaxResponseBytes)
	_ = res.Body.Close()
	if errors.Is(err, chat.ErrTooLarge) {
		return nil, fmt.Errorf("chat: %s: %w: body exceeds %d bytes", r.provider, chat.ErrTooLarge, r.o.MaxResponseBytes)
	}
	if err != nil {
		return nil, r.transient(ctx, actx, err, true)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("chat: %s: %w: HTTP %d body (Content-Type %q) is not JSON: %q",
			r.provider, chat.ErrMalformed, res.StatusCode, res.Header.Get("Content-Type"), Truncate(string(body), 200))
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	return res, nil
}

// transient classifies a transport failure: the attempt's own timeout, or
// a connection problem. Only a failure before the request was sent is
// retried; after it, the provider may have billed the attempt (see
// [Retrier]).
func (r *Retrier) transient(ctx, actx context.Context, err error, sent bool) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w after %s", chat.ErrTimeout, r.o.Timeout)
	} else {
		err = fmt.Errorf("%w: %w", chat.ErrConnection, err)
	}
	if sent {
		return fmt.Errorf("chat: %s: %w; not retried, as the provider may have billed it: raise the timeout or try again", r.provider, err)
	}
	return &retryable{err: fmt.Errorf("%w (%w)", err, chat.ErrNotSent), wait: -1}
}

// statusError reads an error response into a *chat.StatusError, wrapped as
// retryable when the status is transient.
func (r *Retrier) statusError(res *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	_ = res.Body.Close()
	se := &chat.StatusError{Provider: r.provider, StatusCode: res.StatusCode, Message: providerMessage(body)}
	wait := time.Duration(-1)
	if d, ok := retryAfter(res.Header, r.Now()); ok {
		se.RetryAfter = min(d, r.o.MaxRetryAfter)
		wait = se.RetryAfter
	}
	if retryableStatus(res.StatusCode) {
		return &retryable{err: se, wait: wait}
	}
	return se
}

// retryableStatus reports statuses worth another attempt: request timeout,
// rate limits and server errors (Anthropic's 529 "overloaded" included).
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

func isEventStream(h http.Header) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Get("Content-Type"))), "text/event-stream")
}

// readCapped reads all of rc, failing with chat.ErrTooLarge past limit bytes.
func readCapped(rc io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, chat.ErrTooLarge
	}
	return b, nil
}

// streamBody caps a streamed body, names attempt timeouts, and releases the
// attempt's timeout when closed.
type streamBody struct {
	rc     io.ReadCloser
	left   int64
	ctx    context.Context // the caller's
	actx   context.Context // the attempt's
	cancel context.CancelFunc
	r      *Retrier
}

func (b *streamBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if b.left <= 0 {
		// At the cap: the body is too large unless it ends right here.
		var probe [1]byte
		n, err := b.rc.Read(probe[:])
		if n == 0 && errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("chat: %s: %w: stream exceeds %d bytes", b.r.provider, chat.ErrTooLarge, b.r.o.MaxResponseBytes)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) && b.ctx.Err() == nil && errors.Is(b.actx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("chat: %s: %w after %s", b.r.provider, chat.ErrTimeout, b.r.o.Timeout)
	}
	return n, err
}

func (b *streamBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
