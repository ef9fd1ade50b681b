package server

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/batonhq/baton/store"
)

// authCacheTTL is how long a successful authentication is reused without
// asking the store. It is also the revocation delay for what spends
// nothing: for up to this long after `baton keys revoke` (in any process)
// the key may still list models and read its runs. It cannot spend: every
// reservation re-checks revocation in the store, inside the transaction
// that holds the money, and a revoked key's pass-through call gets 401 on
// the spot. An orchestrated run started in that window fails at its first
// paid call.
const authCacheTTL = time.Second

// maxAuthCache bounds the cache; past it, the cache starts afresh. Only
// valid secrets are cached, so the bound is only reached by a deployment
// with that many keys in use within one TTL.
const maxAuthCache = 10_000

// authCache remembers recent successful authentications by the SHA-256 of
// the secret (the secret itself is not kept). A busy server authenticates
// the same few keys thousands of times a second; each was a store read.
type authCache struct {
	mu sync.RWMutex
	m  map[[sha256.Size]byte]authEntry
}

type authEntry struct {
	key     store.Key
	expires time.Time
}

func newAuthCache() *authCache { return &authCache{m: map[[sha256.Size]byte]authEntry{}} }

// get returns the cached key of secret, if still fresh.
func (c *authCache) get(secret string) (store.Key, bool) {
	h := sha256.Sum256([]byte(secret))
	c.mu.RLock()
	e, ok := c.m[h]
	c.mu.RUnlock()
	if !ok || !time.Now().Before(e.expires) {
		return store.Key{}, false
	}
	return e.key, true
}

// put caches k, which secret authenticated just now.
func (c *authCache) put(secret string, k store.Key) {
	h := sha256.Sum256([]byte(secret))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxAuthCache {
		clear(c.m)
	}
	c.m[h] = authEntry{key: k, expires: time.Now().Add(authCacheTTL)}
}

// forget drops every entry of the key with id, once the store said it is
// revoked or gone.
func (c *authCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.key.ID == id {
			delete(c.m, h)
		}
	}
}
