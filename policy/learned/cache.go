package learned

import (
	"sync"
	"unsafe"

	"github.com/batonhq/baton/tool"
)

// maxCached bounds each cache; when full it is emptied, which is cheap and
// keeps memory flat however many distinct prompts a server sees.
const maxCached = 1 << 13

// featCache memoises weight-independent features. It is shared by a
// policy and its clones.
type featCache struct {
	mu    sync.Mutex
	texts map[string]*textFeat
	tools map[string]*toolFeat
	// buckets the cached features were hashed into.
	textBuckets, toolBuckets int
}

func newFeatCache() *featCache {
	return &featCache{texts: map[string]*textFeat{}, tools: map[string]*toolFeat{}}
}

func (c *featCache) text(prompt string, buckets int) *textFeat {
	c.mu.Lock()
	if c.textBuckets != buckets {
		c.texts, c.textBuckets = map[string]*textFeat{}, buckets
	}
	f, ok := c.texts[prompt]
	c.mu.Unlock()
	if ok {
		return f
	}
	f = newTextFeat(prompt, buckets)
	c.mu.Lock()
	if len(c.texts) >= maxCached {
		clear(c.texts)
	}
	c.texts[prompt] = f
	c.mu.Unlock()
	return f
}

func (c *featCache) tool(s tool.Spec, buckets int) *toolFeat {
	c.mu.Lock()
	if c.toolBuckets != buckets {
		c.tools, c.toolBuckets = map[string]*toolFeat{}, buckets
	}
	f, ok := c.tools[s.Name]
	c.mu.Unlock()
	if ok && sameSpec(f.spec, s) {
		return f
	}
	f = newToolFeat(s, buckets)
	c.mu.Lock()
	if len(c.tools) >= maxCached {
		clear(c.tools)
	}
	c.tools[s.Name] = f
	c.mu.Unlock()
	return f
}

// embCache memoises activations for one version of a policy's weights.
type embCache struct {
	mu      sync.Mutex
	version uint64
	texts   map[*textFeat][]float64
	tools   map[*toolFeat]*toolAct
	// scores holds the score head's ŝ per task text and tool set: every
	// turn of an episode asks for the same ones.
	scores map[scoreKey]scoreEntry
}

// scoreEntry is a cached ŝ with the tool features its key names: holding
// them keeps their addresses from being reused by other tools while the
// entry lives.
type scoreEntry struct {
	tools []*toolFeat
	s     []float64
}

// scoreKey names one task text and tool set (tools by their feature
// pointers, which the feature cache keeps stable per spec).
type scoreKey struct {
	text  *textFeat
	tools string
}

// toolsKey is dec's tool set as a comparable string.
func toolsKey(ts []*toolFeat) string {
	b := make([]byte, 0, 8*len(ts))
	for _, t := range ts {
		u := uint64(uintptr(unsafe.Pointer(t)))
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24), byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
	}
	return string(b)
}

func (c *embCache) score(version uint64, k scoreKey) ([]float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(version)
	e, ok := c.scores[k]
	return e.s, ok
}

func (c *embCache) putScore(version uint64, k scoreKey, tools []*toolFeat, v []float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return
	}
	if len(c.scores) >= maxCached {
		clear(c.scores)
	}
	c.scores[k] = scoreEntry{tools: tools, s: v}
}

// sync resets the cache if the weights changed; c.mu must be held.
func (c *embCache) sync(version uint64) {
	if c.version != version || c.texts == nil {
		c.version = version
		c.texts, c.tools = map[*textFeat][]float64{}, map[*toolFeat]*toolAct{}
		c.scores = map[scoreKey]scoreEntry{}
	}
}

func (c *embCache) text(version uint64, t *textFeat) ([]float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(version)
	v, ok := c.texts[t]
	return v, ok
}

func (c *embCache) tool(version uint64, u *toolFeat) (*toolAct, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(version)
	v, ok := c.tools[u]
	return v, ok
}

func (c *embCache) putText(version uint64, t *textFeat, v []float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return
	}
	if len(c.texts) >= maxCached {
		clear(c.texts)
	}
	c.texts[t] = v
}

func (c *embCache) putTool(version uint64, u *toolFeat, a *toolAct) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return
	}
	if len(c.tools) >= maxCached {
		clear(c.tools)
	}
	c.tools[u] = a
}
