package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// TestUpstreamOverbillingNeverPassesTheKeyBudget is issue 10's second
// overspend: an upstream that reports far more usage than was asked for (it
// ignores max_tokens, or bills hidden reasoning tokens) drove a key with a
// $0.01/day budget to $16. Now each call is charged at most the bound the
// gateway reserved; the excess is overage on the run and the key, the key
// is refused until its budget is set again, and a metric counts it.
func TestUpstreamOverbillingNeverPassesTheKeyBudget(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			// 8M completion tokens at $2/M: $16 a call, on a 100-token cap.
			e := newEnv(t, func(chattest.Request) chattest.Reply {
				return chattest.Reply{Content: "a very long answer", Usage: chattest.Usage{PromptTokens: 20, CompletionTokens: 8_000_000}}
			})
			budget := money.MustParse("0.01")
			k, secret := e.newKey(store.NewKey{Name: "tight", Budget: store.KeyBudget{PerDay: budget}})
			body := fmt.Sprintf(`{"model":"small","stream":%t,"messages":[{"role":"user","content":"hi"}]}`, stream)
			var ok, refused int
			for i := 0; i < 5; i++ {
				code, b, _ := doReq(t, e.http.URL, secret, "POST", "/v1/chat/completions", body)
				switch code {
				case http.StatusOK:
					ok++
					if !stream {
						checkRunOverage(t, e, b)
					}
				case http.StatusPaymentRequired:
					refused++
					if !strings.Contains(string(b), "set-budget") {
						t.Errorf("refusal does not say how to unfreeze the key: %s", b)
					}
				default:
					t.Fatalf("status %d: %s", code, b)
				}
			}
			if ok != 1 || refused != 4 {
				t.Fatalf("%d answered, %d refused; want the first answered and the frozen key refusing the rest", ok, refused)
			}
			sp, err := e.store.Spent(context.Background(), k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Day > budget || sp.Total > budget {
				t.Fatalf("key spent %s today on a %s budget", sp.Day, budget)
			}
			if sp.Overage < 15*money.Dollar || sp.OpenOverage != sp.Overage || sp.Held != 0 {
				t.Fatalf("spending %+v: want ~$16 of open overage and nothing held", sp)
			}
			_, metrics, _ := e.do("GET", "/metrics", "")
			if !strings.Contains(string(metrics), `baton_overage_total{model="small"} 1`) {
				t.Fatalf("no overage metric for the key in:\n%s", grepLines(string(metrics), "overage"))
			}
			// An orchestrated run on the frozen key is refused up front too.
			if code, b, _ := doReq(t, e.http.URL, secret, "POST", "/v1/chat/completions",
				`{"model":"baton","messages":[{"role":"user","content":"hi"}]}`); code != http.StatusPaymentRequired || !strings.Contains(string(b), "frozen") {
				t.Fatalf("orchestrated run on a frozen key: %d %s", code, b)
			}
			// The operator reviews it and sets the budget: the key spends again.
			if err := e.store.SetBudget(context.Background(), k.ID, store.KeyBudget{PerDay: budget}); err != nil {
				t.Fatal(err)
			}
			if code, b, _ := doReq(t, e.http.URL, secret, "POST", "/v1/chat/completions", body); code != http.StatusOK {
				t.Fatalf("after set-budget: %d %s", code, b)
			}
		})
	}
}

// checkRunOverage checks that the run of a completion records its overage.
func checkRunOverage(t *testing.T, e *env, body []byte) {
	t.Helper()
	var c struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	r, err := e.store.GetRun(context.Background(), strings.TrimPrefix(c.ID, "chatcmpl-"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Episode == nil || r.Episode.Overage < 15*money.Dollar || r.Episode.Cost <= r.Episode.Overage {
		t.Fatalf("run %s records %+v, want its ~$16 overage", r.ID, r.Episode)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestGatewayNeverRetriesABilledAttempt: an attempt cut off after its
// request was sent (its timeout, a dropped connection) may have been
// billed upstream, and the gateway reserved one call's worst case. It is
// charged that worst case once and never sent again, even with retries
// configured, so the key's spending stays inside what it reserved.
func TestGatewayNeverRetriesABilledAttempt(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reply chattest.Reply
	}{
		{"timeout", chattest.Reply{Content: "late", Delay: 10 * time.Second}},
		{"dropped connection", chattest.Reply{Hangup: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			yaml := func(up string) string {
				return strings.Replace(strings.Replace(testConfig(up), "max_retries: 0", "max_retries: 3", 1), "timeout: 20s", "timeout: 300ms", 1)
			}
			e := newEnvConfig(t, yaml, func(chattest.Request) chattest.Reply { return tt.reply })
			body := `{"model":"small","messages":[{"role":"user","content":"hi"}]}`
			var spent []money.Amount
			for i := 1; i <= 2; i++ {
				code, b, _ := e.do("POST", "/v1/chat/completions", body)
				if code < 500 || !strings.Contains(string(b), "not retried") {
					t.Fatalf("request %d: %d %s; want an upstream error saying it was not retried", i, code, b)
				}
				if n := len(e.up.Requests()); n != i {
					t.Fatalf("upstream saw %d requests after %d client requests: a possibly billed attempt was sent again", n, i)
				}
				sp, err := e.store.Spent(context.Background(), e.key.ID)
				if err != nil {
					t.Fatal(err)
				}
				if sp.Held != 0 || sp.Overage != 0 {
					t.Fatalf("spending %+v: want nothing held and no overage", sp)
				}
				spent = append(spent, sp.Day)
			}
			// Charged its worst case, once per request.
			if spent[0] <= 0 || spent[1] != 2*spent[0] {
				t.Fatalf("key spent %s after one request and %s after two; want the same positive worst case each", spent[0], spent[1])
			}
		})
	}
}

// TestGatewayUnsentCallIsReleased: a request that never reached the
// upstream (nothing listens) cannot have been billed: the hold is
// released, not charged, whatever retries were configured.
func TestGatewayUnsentCallIsReleased(t *testing.T) {
	yaml := func(up string) string { return strings.Replace(testConfig(up), "max_retries: 0", "max_retries: 1", 1) }
	e := newEnvConfig(t, yaml, nil)
	e.up.Close()
	code, b, _ := e.do("POST", "/v1/chat/completions", `{"model":"small","messages":[{"role":"user","content":"hi"}]}`)
	if code < 500 {
		t.Fatalf("%d %s; want an upstream error", code, b)
	}
	sp, err := e.store.Spent(context.Background(), e.key.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Day != 0 || sp.Held != 0 {
		t.Fatalf("spending %+v after a call that never left: want nothing charged or held", sp)
	}
}
