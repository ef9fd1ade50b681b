package server

import (
	"testing"

	"github.com/batonhq/baton/store"
)

func TestAuthCache(t *testing.T) {
	a, b := store.Key{ID: "key_a"}, store.Key{ID: "key_b"}
	tests := []struct {
		name   string
		do     func(c *authCache)
		secret string
		want   string // key ID; "" for a miss
	}{
		{name: "miss", do: func(*authCache) {}, secret: "sk-a", want: ""},
		{name: "hit", do: func(c *authCache) { c.put("sk-a", a) }, secret: "sk-a", want: "key_a"},
		{name: "other secret misses", do: func(c *authCache) { c.put("sk-a", a) }, secret: "sk-b", want: ""},
		{name: "forget drops the key's entries", do: func(c *authCache) {
			c.put("sk-a", a)
			c.put("sk-a2", a)
			c.forget("key_a")
		}, secret: "sk-a2", want: ""},
		{name: "forget keeps other keys", do: func(c *authCache) {
			c.put("sk-a", a)
			c.put("sk-b", b)
			c.forget("key_a")
		}, secret: "sk-b", want: "key_b"},
		{name: "full cache starts afresh", do: func(c *authCache) {
			c.put("sk-a", a)
			for i := range maxAuthCache {
				c.put("sk-x"+itoa(i), b)
			}
		}, secret: "sk-a", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newAuthCache()
			tc.do(c)
			k, ok := c.get(tc.secret)
			if got := map[bool]string{true: k.ID, false: ""}[ok]; got != tc.want {
				t.Errorf("get(%q) = %q, %v; want %q", tc.secret, k.ID, ok, tc.want)
			}
			for h := range c.m {
				if string(h[:]) == tc.secret {
					t.Error("the cache holds a secret in the clear")
				}
			}
		})
	}
}
