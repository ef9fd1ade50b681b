package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/batonhq/baton/store"
)

type keyCtx struct{}

// keyFrom returns the authenticated key of the request.
func keyFrom(ctx context.Context) store.Key {
	k, _ := ctx.Value(keyCtx{}).(store.Key)
	return k
}

// authenticate resolves the bearer key and applies its rate limit. The
// secret is never logged: only the key's ID travels on.
func (s *Server) authenticate(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			s.metrics.authFailures.WithLabelValues("missing").Inc()
			s.writeError(w, r, errUnauthorized("missing API key: send it as \"Authorization: Bearer <key>\" (create one with `baton keys create`)"))
			return
		}
		key, err := s.authenticateSecret(r.Context(), secret)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.metrics.authFailures.WithLabelValues("unknown").Inc()
			s.writeError(w, r, errUnauthorized("unknown API key"))
			return
		case errors.Is(err, store.ErrRevoked):
			s.metrics.authFailures.WithLabelValues("revoked").Inc()
			s.writeError(w, r, errUnauthorized("this API key was revoked"))
			return
		case err != nil:
			if r.Context().Err() != nil {
				return
			}
			s.writeError(w, r, errUnavailable("cannot check the API key: the store is unavailable"))
			s.log.ErrorContext(r.Context(), "authenticate", "err", err)
			return
		}
		if wait, ok := s.limiter.allow(key.ID, key.RatePerMinute); !ok {
			s.metrics.rateLimited.WithLabelValues(key.ID).Inc()
			secs := int(wait.Seconds()) + 1
			s.writeError(w, r, errRateLimited(
				"rate limit of "+itoa(key.RatePerMinute)+" requests per minute reached for this key; retry in "+itoa(secs)+"s", secs))
			return
		}
		setLogKey(r.Context(), key.ID)
		next(w, r.WithContext(context.WithValue(r.Context(), keyCtx{}, key)))
	}
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// authenticateSecret resolves secret through the cache, then the store.
func (s *Server) authenticateSecret(ctx context.Context, secret string) (store.Key, error) {
	if k, ok := s.auth.get(secret); ok {
		return k, nil
	}
	k, err := s.store.Authenticate(ctx, secret)
	if err == nil {
		s.auth.put(secret, k)
	}
	return k, err
}
