package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/chat/chattest"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/postgres/pgtest"
	"github.com/batonhq/baton/store/storeopen"
	"github.com/jackc/pgx/v5"
)

// TestSecondServeOnSQLiteIsRefused is issue 10's third overspend: a second
// `baton serve` on the same SQLite file released the first one's live
// holds at start-up. Now it cannot start at all, and says who holds the
// file; the first keeps serving.
func TestSecondServeOnSQLiteIsRefused(t *testing.T) {
	bin := batonBinary(t)
	up := chattest.NewFunc(defaultReply)
	defer up.Close()
	cfg := writeConfig(t, up)
	db := filepath.Join(t.TempDir(), "baton.db")
	_, secrets := createKeys(t, bin, db, 1, money.Dollar)
	first := startServe(t, bin, cfg, db)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--config", cfg, "--db", db).CombinedOutput()
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("second serve: %v, want exit status 1\n%s", err, out)
	}
	want := fmt.Sprintf("pid %d ", first.cmd.Process.Pid)
	if !strings.Contains(string(out), "in use by another process") || !strings.Contains(string(out), want) {
		t.Fatalf("second serve's error does not name the first (%s):\n%s", want, out)
	}
	if r := runLoad(t, first.url, secrets, 4); r[0].err != nil || r[0].status != http.StatusOK {
		t.Fatalf("the first server stopped serving: %+v", r[0])
	}
	first.stop(t)
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

// TestReplicaKilledMidBurstPostgres runs two `baton serve` replicas on one
// Postgres database and sends 1,000 concurrent pass-through requests across
// both, on one key whose budget covers about 50 calls, against a scripted
// upstream that takes a while to answer. One replica is killed with SIGKILL
// mid-burst. The other keeps serving (none of its requests is lost); its
// sweep charges the dead replica's open holds in full within seconds; the
// key never spends more than its budget; and the ledger reconciles: spent
// = the cost of every recorded run + what the sweep charged. After the
// killed replica restarts and the budget is raised, a second burst across
// both keeps all of that exact.
//
// With budget leases ("leased") the same holds, except that the dead
// replica's open leases are charged in full, so spending lies between the
// recorded runs' cost and that plus what the sweep charged.
func TestReplicaKilledMidBurstPostgres(t *testing.T) {
	for _, mode := range []string{"per-call", "leased"} {
		t.Run(mode, func(t *testing.T) { replicaKilledMidBurst(t, mode == "leased") })
	}
}

func replicaKilledMidBurst(t *testing.T, leased bool) {
	bin := batonBinary(t)
	url := pgtest.StartTestServer(t)
	reply := func(chattest.Request) chattest.Reply {
		// Usage near the bound the gateway reserves (100 output tokens, a
		// prompt of ~140 tokens at one per byte plus overhead), so the
		// budget's reservations and its spending count about the same calls.
		return chattest.Reply{Content: "forty two", Usage: chattest.Usage{PromptTokens: 100, CompletionTokens: 100}, Delay: 50 * time.Millisecond}
	}
	// One upstream per replica, to see when the one to kill has calls out.
	upA, upB := chattest.NewFunc(reply), chattest.NewFunc(reply)
	defer upA.Close()
	defer upB.Close()
	cfg, cfgB := writeConfig(t, upA), writeConfig(t, upB)
	unit := smallPrice.Cost(money.Usage{InputTokens: 100, OutputTokens: 100})
	budget := unit.Scale(50)
	keys, secrets := createKeys(t, bin, url, 1, budget)
	key := keys[0]
	flags := []string{"--heartbeat-ttl", "3s"}
	if leased {
		flags = append(flags, "--budget-lease", unit.Scale(10).Decimal())
	}
	a := startServe(t, bin, cfg, url, flags...)
	b := startServe(t, bin, cfgB, url, flags...)

	st, err := storeopen.Open(context.Background(), url, store.ForAdmin())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()

	const n = 1000
	body := func(i int) (string, bool) {
		stream := i%4 >= 2
		return fmt.Sprintf(`{"model":"small","stream":%t,"messages":[{"role":"user","content":"burst %d"}]}`, stream, i), stream
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	defer client.CloseIdleConnections()
	results := make([]loadResult, n)
	var wg sync.WaitGroup
	var started atomic.Int32
	for i := range n {
		base := a.url
		if i%2 == 1 {
			base = b.url
		}
		wg.Go(func() {
			started.Add(1)
			bd, stream := body(i)
			results[i] = sendBody(client, base, secrets[0], 0, bd, stream)
		})
	}
	// Mid-burst: once the replica to kill has calls out upstream.
	deadline := time.Now().Add(30 * time.Second)
	for len(upA.Requests()) < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	a.kill()
	killed := time.Now()
	wg.Wait()

	okB, lostA := 0, 0
	for i, r := range results {
		switch {
		case i%2 == 1 && (r.err != nil || (r.status != http.StatusOK && r.status != http.StatusPaymentRequired)):
			t.Fatalf("request %d to the surviving replica: status %d, %v", i, r.status, r.err)
		case i%2 == 1 && r.status == http.StatusOK:
			okB++
		case i%2 == 0 && r.err != nil:
			lostA++
		}
	}
	t.Logf("burst: %d requests, %d answered by the survivor, %d cut off by the kill", n, okB, lostA)
	if lostA == 0 {
		t.Log("the kill landed after the dead replica's requests were done; the sweep is still checked")
	}

	// The survivor's sweep settles the dead replica's holds within seconds.
	var sp store.Spending
	for {
		if sp, err = st.Spent(ctx, key.ID); err != nil {
			t.Fatal(err)
		}
		if sp.Held == 0 {
			break
		}
		if time.Since(killed) > 20*time.Second {
			t.Fatalf("20s after the kill, %s is still held: the dead replica's holds were not swept", sp.Held)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("dead replica settled %s after the kill", time.Since(killed).Round(100*time.Millisecond))
	if sp.Total > budget {
		t.Fatalf("key spent %s on a %s budget", sp.Total, budget)
	}
	rows1 := reconcile(t, url, st, key, results, leased)

	// Restart the killed replica, raise the budget, burst again.
	a = startServe(t, bin, cfg, url, flags...)
	budget2 := budget + unit.Scale(30)
	if out, err := exec.Command(bin, "keys", "set-budget", key.ID, "--db", url, "--total", budget2.Decimal()).CombinedOutput(); err != nil {
		t.Fatalf("keys set-budget: %v\n%s", err, out)
	}
	second := make([]loadResult, 200)
	for i := range second {
		base := a.url
		if i%2 == 1 {
			base = b.url
		}
		wg.Go(func() {
			bd, stream := body(n + i)
			second[i] = sendBody(client, base, secrets[0], 0, bd, stream)
		})
	}
	wg.Wait()
	ok2 := 0
	for i, r := range second {
		if r.err != nil || (r.status != http.StatusOK && r.status != http.StatusPaymentRequired) {
			t.Fatalf("after restart, request %d: status %d, %v", i, r.status, r.err)
		}
		if r.status == http.StatusOK {
			ok2++
		}
	}
	if ok2 == 0 {
		t.Fatal("after restart and a raised budget, no request was answered")
	}
	// A graceful stop settles every lease.
	a.stop(t)
	b.stop(t)
	if sp, err = st.Spent(ctx, key.ID); err != nil || sp.Held != 0 || sp.Total > budget2 {
		t.Fatalf("after the second burst: %+v %v (budget %s)", sp, err, budget2)
	}
	rows2 := reconcile(t, url, st, key, append(results, second...), leased)
	// With both replicas alive, ledger rows are exactly the answers.
	if rows2-rows1 != int64(ok2) {
		t.Fatalf("second burst: %d answered runs recorded for %d answers", rows2-rows1, ok2)
	}
}

// reconcile checks the ledger of key against the runs and the answers:
// every answered request's run is recorded with the cost it was told; the
// key's spending equals the committed holds, and equals the cost of its
// recorded runs plus the holds a sweep charged (holds with no run).
func reconcile(t *testing.T, url string, st store.Store, key store.Key, results []loadResult, leased bool) (answeredRuns int64) {
	t.Helper()
	ctx := context.Background()
	var told money.Amount
	answered := 0
	for i, r := range results {
		if r.status != http.StatusOK || r.err != nil {
			continue
		}
		answered++
		told += r.cost
		run, err := st.GetRun(ctx, r.runID)
		if err != nil || run.Status != "answered" || run.Episode == nil || run.Episode.Cost != r.cost {
			t.Fatalf("request %d: run %s not recorded as answered at %s: %+v, %v", i, r.runID, r.cost, run.Status, err)
		}
	}
	sp, err := st.Spent(ctx, key.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var committed, runsCost, swept, runRows, answeredRows int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(actual), 0)::bigint FROM holds WHERE key_id = $1 AND state = 'committed'`, key.ID).Scan(&committed); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(round((episode->>'cost')::numeric * 1000000000)), 0)::bigint, count(*),
		count(*) FILTER (WHERE status = 'answered') FROM runs WHERE key_id = $1`, key.ID).Scan(&runsCost, &runRows, &answeredRows); err != nil {
		t.Fatal(err)
	}
	// A swept hold is charged its amount and has no run: its call's
	// replica died before recording one.
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(actual), 0)::bigint FROM holds h WHERE key_id = $1 AND state = 'committed'
		AND actual = amount AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.id = h.replica)`, key.ID).Scan(&swept); err != nil {
		t.Fatal(err)
	}
	t.Logf("ledger: spent %s = runs %s (%d rows, %d answered; %d answers seen, told %s) + swept %s",
		sp.Total, money.Amount(runsCost), runRows, answeredRows, answered, told, money.Amount(swept))
	if sp.Held != 0 || int64(sp.Total) != committed {
		t.Fatalf("spent %+v, committed holds %s", sp, money.Amount(committed))
	}
	switch {
	case !leased && int64(sp.Total) != runsCost+swept:
		t.Fatalf("spent %s ≠ recorded runs %s + swept holds %s", sp.Total, money.Amount(runsCost), money.Amount(swept))
	case leased && (int64(sp.Total) < runsCost || int64(sp.Total) > runsCost+swept):
		// A swept lease is charged in full, its finished calls' runs too.
		t.Fatalf("spent %s outside [recorded runs %s, + swept leases %s]", sp.Total, money.Amount(runsCost), money.Amount(swept))
	}
	if answeredRows < int64(answered) || told > money.Amount(runsCost) {
		t.Fatalf("%d answered runs recorded for %d answers seen (told %s, runs %s)", answeredRows, answered, told, money.Amount(runsCost))
	}
	return answeredRows
}
