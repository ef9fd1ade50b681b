package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
)

// loadResult is what one request of a load test ended with.
type loadResult struct {
	key    int
	status int    // HTTP status; a stream that failed mid-way counts its error's status
	runID  string // for accepted requests
	cost   money.Amount
	err    error
}

// loadBody is the i-th request of a load test: orchestrated and
// pass-through, streaming and not, in turn.
func loadBody(i int) (string, bool) {
	model := "small"
	if i%2 == 0 {
		model = "baton"
	}
	stream := i%4 >= 2
	return fmt.Sprintf(`{"model":%q,"stream":%t,"messages":[{"role":"user","content":"load test prompt %d"}]}`, model, stream, i), stream
}

// sendLoad sends one request and classifies its outcome.
func sendLoad(client *http.Client, base, secret string, key, i int) loadResult {
	body, stream := loadBody(i)
	return sendBody(client, base, secret, key, body, stream)
}

// sendBody sends one chat completion request and classifies its outcome.
func sendBody(client *http.Client, base, secret string, key int, body string, stream bool) loadResult {
	res := loadResult{key: key}
	req, _ := http.NewRequest("POST", base+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := client.Do(req)
	if err != nil {
		res.err = err
		return res
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		res.err = err
		return res
	}
	res.status = resp.StatusCode
	if resp.StatusCode != 200 {
		return res
	}
	var ext struct {
		Baton *struct {
			RunID string `json:"run_id"`
			Cost  string `json:"cost"`
		} `json:"baton"`
		Error *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if !stream {
		if err := json.Unmarshal(b, &ext); err != nil || ext.Baton == nil {
			res.err = fmt.Errorf("200 without the baton extension: %s", b)
			return res
		}
	} else {
		done := false
		for _, line := range bytes.Split(b, []byte("\n")) {
			data, ok := bytes.CutPrefix(line, []byte("data: "))
			if !ok {
				continue
			}
			if string(data) == "[DONE]" {
				done = true
				continue
			}
			var m = ext
			m.Baton, m.Error = nil, nil
			if err := json.Unmarshal(data, &m); err != nil {
				res.err = fmt.Errorf("bad chunk %s: %v", data, err)
				return res
			}
			if m.Error != nil {
				if m.Error.Code == "budget_exceeded" {
					res.status = http.StatusPaymentRequired
					return res
				}
				res.err = fmt.Errorf("stream error: %s", data)
				return res
			}
			if m.Baton != nil {
				ext.Baton = m.Baton
			}
		}
		if !done || ext.Baton == nil {
			res.err = fmt.Errorf("stream without [DONE] or extension: %s", b)
			return res
		}
	}
	res.runID = ext.Baton.RunID
	res.cost, res.err = money.Parse(ext.Baton.Cost)
	return res
}

// runLoad sends n requests at once, spread over secrets.
func runLoad(t *testing.T, base string, secrets []string, n int) []loadResult {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	defer client.CloseIdleConnections()
	out := make([]loadResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = sendLoad(client, base, secrets[i%len(secrets)], i%len(secrets), i) })
	}
	wg.Wait()
	return out
}

// checkLedger asserts the load-test properties on a store: no request
// lost (each is accepted or refused for budget), nothing held, each key's
// spending equal to what its accepted requests were told they cost and
// within its budget, and every accepted request's run recorded with that
// cost.
func checkLedger(t *testing.T, st store.Store, keys []store.Key, results []loadResult) {
	t.Helper()
	ctx := context.Background()
	accepted := make([]money.Amount, len(keys))
	nAccepted := make([]int, len(keys))
	refused := 0
	for i, r := range results {
		switch {
		case r.err != nil:
			t.Fatalf("request %d lost: %v", i, r.err)
		case r.status == http.StatusPaymentRequired:
			refused++
		case r.status == http.StatusOK:
			accepted[r.key] += r.cost
			nAccepted[r.key]++
			run, err := st.GetRun(ctx, r.runID)
			if err != nil || run.Episode == nil || run.Status != "answered" || run.Episode.Cost != r.cost || run.KeyID != keys[r.key].ID {
				t.Fatalf("request %d: run %s not recorded as answered with cost %s: %+v %v", i, r.runID, r.cost, run.Status, err)
			}
		default:
			t.Fatalf("request %d: unexpected status %d", i, r.status)
		}
	}
	for i, k := range keys {
		sp, err := st.Spent(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sp.Held != 0 {
			t.Errorf("key %d: %s still held", i, sp.Held)
		}
		if sp.Total != accepted[i] {
			t.Errorf("key %d: spent %s, but its accepted requests cost %s", i, sp.Total, accepted[i])
		}
		if sp.Total > k.Budget.Total {
			t.Errorf("key %d: spent %s over its budget %s", i, sp.Total, k.Budget.Total)
		}
	}
	t.Logf("%d requests: %d refused for budget, accepted per key %v", len(results), refused, nAccepted)
	if refused == 0 {
		t.Error("no request was refused: the budgets were not tight, the test checked nothing")
	}
}

// TestLoad sends 1,000 concurrent requests across 10 keys with tight
// budgets (300 under -race, which is ten times slower; the properties
// asserted are the same).
func TestLoad(t *testing.T) {
	n := 1000
	if raceEnabled || testing.Short() {
		n = 300
	}
	e := newEnv(t, nil)
	perKey := n / 10
	// Each accepted request costs 20 input and 10 output tokens; a budget of
	// half of what all of a key's requests would cost forces refusals.
	unit := smallPrice.Cost(money.Usage{InputTokens: 20, OutputTokens: 10})
	var keys []store.Key
	var secrets []string
	for i := range 10 {
		k, s := e.newKey(store.NewKey{Name: fmt.Sprintf("load-%d", i), Budget: store.KeyBudget{Total: unit.Scale(int64(perKey / 2))}})
		keys, secrets = append(keys, k), append(secrets, s)
	}
	results := runLoad(t, e.http.URL, secrets, n)
	checkLedger(t, e.store, keys, results)

	// Every accepted request has exactly one ledger row (one committed
	// hold, since each made one paid call); refused ones have none.
	db := openDB(t, e.dbPath)
	for i, k := range keys {
		var holds, open int
		var actual int64
		if err := db.QueryRow(`SELECT count(*), coalesce(sum(state = 'held'), 0), coalesce(sum(actual), 0) FROM holds WHERE key_id = ?`, k.ID).
			Scan(&holds, &open, &actual); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, r := range results {
			if r.key == i && r.status == http.StatusOK {
				want++
			}
		}
		if holds != want || open != 0 || money.Amount(actual) > k.Budget.Total {
			t.Errorf("key %d: %d holds (%d open, %s charged), want %d accepted", i, holds, open, money.Amount(actual), want)
		}
	}
}
