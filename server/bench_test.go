package server_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkStreamOverhead measures what the server adds to a streamed
// completion: each op is one round of C concurrent streaming requests,
// either straight to the scripted upstream ("direct") or through the
// server as a metered pass-through ("server": auth, reservation, run
// record, commit, SSE re-encoding). It reports the p50 and p99 latency of
// single requests over all rounds.
//
//	go test ./server -run '^$' -bench StreamOverhead -benchtime 20x
func BenchmarkStreamOverhead(b *testing.B) {
	for _, c := range []int{100, 500} {
		for _, target := range []string{"direct", "server"} {
			b.Run(fmt.Sprintf("%s/streams=%d", target, c), func(b *testing.B) {
				e := newBenchEnv(b)
				url, secret, model := e.http.URL, e.secret, "small"
				if target == "direct" {
					url, secret, model = e.up.URL, "", "small-1"
				}
				body := fmt.Sprintf(`{"model":%q,"stream":true,"messages":[{"role":"user","content":"benchmark prompt"}]}`, model)
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}}
				defer client.CloseIdleConnections()
				var (
					mu  sync.Mutex
					lat []time.Duration
				)
				b.ResetTimer()
				for range b.N {
					var wg sync.WaitGroup
					for range c {
						wg.Go(func() {
							t0 := time.Now()
							req, _ := http.NewRequest("POST", url+"/v1/chat/completions", strings.NewReader(body))
							if secret != "" {
								req.Header.Set("Authorization", "Bearer "+secret)
							}
							resp, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							got, _ := io.ReadAll(resp.Body)
							resp.Body.Close()
							if resp.StatusCode != 200 || !strings.Contains(string(got), "[DONE]") {
								b.Errorf("status %d: %s", resp.StatusCode, got)
								return
							}
							d := time.Since(t0)
							mu.Lock()
							lat = append(lat, d)
							mu.Unlock()
						})
					}
					wg.Wait()
				}
				b.StopTimer()
				slices.Sort(lat)
				if len(lat) > 0 {
					b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds())/1000, "p50_ms")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
				}
			})
		}
	}
}

// newBenchEnv is newEnv for benchmarks.
func newBenchEnv(b *testing.B) *env {
	b.Helper()
	return newEnv(b, nil)
}
