package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/server"
	"github.com/batonhq/baton/store"
)

func withLease(size money.Amount, flush time.Duration) envOption {
	return func(o *server.Options) { o.BudgetLease, o.LeaseFlush = size, flush }
}

// TestLeasedLedgerIsExact: with budget leases, concurrent pass-through and
// orchestrated requests on a tight key never overspend it, and after
// shutdown the ledger is exact (spent = what the answers were told) with
// far fewer hold rows than calls.
func TestLeasedLedgerIsExact(t *testing.T) {
	unit := smallPrice.Cost(money.Usage{InputTokens: 20, OutputTokens: 10})
	// "ample" leaves room for 200 calls' worst cases in flight plus what
	// retired leases still hold for their last calls.
	for _, tc := range []struct {
		name   string
		budget money.Amount
	}{{"tight", unit.Scale(60)}, {"ample", unit.Scale(10000)}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil, withLease(money.MustParse("0.001"), time.Hour))
			k, secret := e.newKey(store.NewKey{Name: "leased", Budget: store.KeyBudget{Total: tc.budget}})
			results := runLoad(t, e.http.URL, []string{secret}, 200)
			if err := e.srv.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			var told money.Amount
			ok := 0
			for i, r := range results {
				switch {
				case r.err != nil:
					t.Fatalf("request %d lost: %v", i, r.err)
				case r.status == http.StatusOK:
					ok++
					told += r.cost
				case r.status != http.StatusPaymentRequired:
					t.Fatalf("request %d: status %d", i, r.status)
				}
			}
			sp, err := e.store.Spent(context.Background(), k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Held != 0 || sp.Total != told || sp.Total > tc.budget {
				t.Fatalf("spent %+v; answers were told %s; budget %s", sp, told, tc.budget)
			}
			db := openDB(t, e.dbPath)
			var holds int
			if err := db.QueryRow(`SELECT count(*) FROM holds WHERE key_id = ?`, k.ID).Scan(&holds); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d answered of 200, %d hold rows, spent %s of %s", ok, holds, sp.Total, tc.budget)
			if ok == 0 || holds >= ok {
				t.Fatalf("%d hold rows for %d answered calls: the ledger is still written per call", holds, ok)
			}
			if tc.name == "ample" && ok != 200 {
				t.Fatalf("%d of 200 answered under an ample budget", ok)
			}
		})
	}
}

// TestLeasedRevocationTakesEffectWithinTheFlush: a revoked key keeps no
// lease past LeaseFlush (plus the authentication cache's second).
func TestLeasedRevocationTakesEffectWithinTheFlush(t *testing.T) {
	const flush = 200 * time.Millisecond
	e := newEnv(t, nil, withLease(money.Dollar, flush))
	body := `{"model":"small","messages":[{"role":"user","content":"hi"}]}`
	if code, b, _ := e.do("POST", "/v1/chat/completions", body); code != http.StatusOK {
		t.Fatalf("%d %s", code, b)
	}
	if err := e.store.RevokeKey(context.Background(), e.key.ID); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for {
		code, b, _ := e.do("POST", "/v1/chat/completions", body)
		if code == http.StatusUnauthorized {
			break
		}
		if code != http.StatusOK {
			t.Fatalf("%d %s", code, b)
		}
		if time.Since(revoked) > 5*time.Second {
			t.Fatal("a revoked key was still served 5s later")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := time.Since(revoked); d > flush+time.Second+500*time.Millisecond {
		t.Fatalf("revocation took %s, more than the flush %s plus the auth cache's second", d, flush)
	}
	_ = e.srv.Shutdown(context.Background())
}

// BenchmarkGatewayLedger measures non-streamed pass-through requests
// through the server on SQLite, from parallel clients, with each call
// reserved in the store ("per-call") and with budget leases ("leased").
//
//	go test ./server -run '^$' -bench GatewayLedger -benchtime 3s
func BenchmarkGatewayLedger(b *testing.B) {
	for _, mode := range []string{"per-call", "leased"} {
		b.Run(mode, func(b *testing.B) {
			var opts []envOption
			if mode == "leased" {
				opts = append(opts, withLease(money.MustParse("0.01"), time.Second))
			}
			e := newEnv(b, nil, opts...)
			body := `{"model":"small","messages":[{"role":"user","content":"benchmark prompt"}]}`
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
			defer client.CloseIdleConnections()
			var mu sync.Mutex
			var fail error
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("POST", e.http.URL+"/v1/chat/completions", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+e.secret)
					resp, err := client.Do(req)
					if err == nil {
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					if err != nil {
						mu.Lock()
						fail = err
						mu.Unlock()
						return
					}
				}
			})
			b.StopTimer()
			if fail != nil {
				b.Fatal(fail)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			_ = e.srv.Shutdown(context.Background())
		})
	}
}
