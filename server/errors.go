package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/batonhq/baton/budget"
	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/httplimit"
	"github.com/batonhq/baton/server/openai"
)

// apiError is an error answered in OpenAI's error shape.
type apiError struct {
	status  int
	typ     string
	code    string
	param   string
	message string
	// retryAfter, in seconds, is sent as Retry-After when positive.
	retryAfter int
}

func (e *apiError) Error() string { return fmt.Sprintf("server: HTTP %d: %s", e.status, e.message) }

func errBadRequest(param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: param, message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, typ: "invalid_request_error", code: "not_found", message: fmt.Sprintf(format, args...)}
}

func errUnauthorized(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: "authentication_error", code: "invalid_api_key", message: msg}
}

func errBudget(msg string) *apiError {
	return &apiError{status: http.StatusPaymentRequired, typ: "insufficient_quota", code: "budget_exceeded", message: msg}
}

func errRateLimited(msg string, retryAfter int) *apiError {
	return &apiError{status: http.StatusTooManyRequests, typ: "rate_limit_error", code: "rate_limit_exceeded", message: msg, retryAfter: retryAfter}
}

func errTooLarge(limit int64) *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, typ: "invalid_request_error", code: "request_too_large",
		message: fmt.Sprintf("the request body is larger than %d bytes", limit)}
}

func errUnavailable(msg string) *apiError {
	return &apiError{status: http.StatusServiceUnavailable, typ: "server_error", code: "unavailable", message: msg}
}

func errInternal(msg string) *apiError {
	return &apiError{status: http.StatusInternalServerError, typ: "server_error", message: msg}
}

// upstreamError maps a model call's failure: a provider timeout is 504, any
// other provider failure 502, both carrying the provider's message; a
// budget refusal is 402.
func upstreamError(model string, err error) *apiError {
	var se *chat.StatusError
	switch {
	case errors.Is(err, budget.ErrExceeded):
		return errBudget(err.Error())
	case errors.Is(err, chat.ErrTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &se) && (se.StatusCode == http.StatusGatewayTimeout || se.StatusCode == http.StatusRequestTimeout):
		return &apiError{status: http.StatusGatewayTimeout, typ: "upstream_error", code: "upstream_timeout",
			message: fmt.Sprintf("model %s timed out: %v", model, err)}
	case errors.As(err, &se):
		return &apiError{status: http.StatusBadGateway, typ: "upstream_error", code: "upstream_error",
			message: fmt.Sprintf("model %s failed: %s (HTTP %d from %s)", model, se.Message, se.StatusCode, se.Provider)}
	}
	return &apiError{status: http.StatusBadGateway, typ: "upstream_error", code: "upstream_error",
		message: fmt.Sprintf("model %s failed: %v", model, err)}
}

// asAPIError turns any error into the answer for it; errors that are not
// already API errors or request errors are internal.
func asAPIError(err error) *apiError {
	var (
		ae *apiError
		re *openai.RequestError
		mb *http.MaxBytesError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mb):
		return errTooLarge(mb.Limit)
	case errors.Is(err, httplimit.ErrBodyTimeout):
		return &apiError{status: http.StatusRequestTimeout, typ: "invalid_request_error", code: "request_timeout",
			message: "the request body did not arrive in time; send it at once"}
	case errors.As(err, &re):
		return errBadRequest(re.Param, "%s", re.Message)
	}
	return errInternal("internal error; see the server log")
}

// body returns the error in OpenAI's shape.
func (e *apiError) body() openai.ErrorBody { return openai.NewError(e.typ, e.code, e.param, e.message) }

// writeError answers with err in OpenAI's error shape.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := asAPIError(err)
	if ae.status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "status", ae.status, "err", err)
	}
	switch ae.status {
	case http.StatusUnauthorized, http.StatusRequestTimeout, http.StatusRequestEntityTooLarge:
		// The body may be unread (or unreadable): close rather than let
		// net/http drain it from a client that may never send it.
		w.Header().Set("Connection", "close")
	}
	if ae.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ae.retryAfter))
	}
	writeJSON(w, ae.status, ae.body())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
