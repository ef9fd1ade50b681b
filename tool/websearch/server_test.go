package websearch

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// reply is one scripted answer of the fake Tavily server.
type reply struct {
	status  int
	headers map[string]string
	body    string
	// block makes the handler wait until the client gives up.
	block bool
}

// received is what the server saw of one request.
type received struct {
	method, path, auth, contentType string
	body                            tavilyRequest
	decodeErr                       error
}

// fakeTavily speaks Tavily's wire format from a script: the n-th request
// gets the n-th reply (the last one repeats).
type fakeTavily struct {
	*httptest.Server
	mu      sync.Mutex
	script  []reply
	reqs    []received
	started chan struct{}
}

func newFakeTavily(t *testing.T, script ...reply) *fakeTavily {
	t.Helper()
	f := &fakeTavily{script: script, started: make(chan struct{}, 16)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTavily) handle(w http.ResponseWriter, r *http.Request) {
	rec := received{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type")}
	b, _ := io.ReadAll(r.Body)
	dec := json.NewDecoder(jsonReader(b))
	dec.DisallowUnknownFields()
	rec.decodeErr = dec.Decode(&rec.body)
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, rec)
	rp := f.script[min(n, len(f.script)-1)]
	f.mu.Unlock()
	f.started <- struct{}{}
	if rp.block {
		<-r.Context().Done()
		return
	}
	for k, v := range rp.headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rp.status)
	io.WriteString(w, rp.body)
}

func (f *fakeTavily) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.reqs...)
}

// sleepRecorder replaces the backoff sleep: it records the waits and
// returns at once, so no test waits for real time.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

const successBody = `{
  "query": "who wrote the go memory model",
  "follow_up_questions": null,
  "answer": "Russ Cox wrote the current revision.",
  "images": [],
  "results": [
    {"title": "The Go Memory Model", "url": "https://go.dev/ref/mem", "content": "The Go memory model specifies the conditions under which reads of a variable in one goroutine can be guaranteed to observe values produced by writes to the same variable in a different goroutine.", "score": 0.98, "raw_content": null},
    {"title": "Updating the Go Memory Model", "url": "https://research.swtch.com/gomm", "content": "  Russ   Cox,\n July 2021.  ", "score": 0.87}
  ],
  "response_time": 1.42
}`
