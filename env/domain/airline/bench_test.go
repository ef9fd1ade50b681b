package airline_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/batonhq/baton/env/domain"
)

// BenchmarkAirlineToolCalls measures one rollout's worth of work: a fresh
// database (copy-on-reset) and ten tool calls, reads and writes, through
// the validating tool.Set. It reports tool calls per second.
func BenchmarkAirlineToolCalls(b *testing.B) {
	ctx := context.Background()
	d := open(b)
	calls := []struct{ name, args string }{
		{"get_user_details", `{"user_id":"ethan_martin_2396"}`},
		{"get_reservation_details", `{"reservation_id":"GXWCPN"}`},
		{"search_direct_flight", `{"origin":"ATL","destination":"SEA","date":"2024-05-16"}`},
		{"search_onestop_flight", `{"origin":"ATL","destination":"SEA","date":"2024-05-16"}`},
		{"get_flight_status", `{"flight_number":"HAT039","date":"2024-05-15"}`},
		{"send_certificate", `{"user_id":"ethan_martin_2396","amount":150}`},
		{"update_reservation_baggages", `{"reservation_id":"GXWCPN","total_baggages":2,"nonfree_baggages":1,"payment_id":"credit_card_5447957"}`},
		{"cancel_reservation", `{"reservation_id":"DQST39"}`},
		{"list_all_airports", `{}`},
		{"calculate", `{"expression":"(185 + 151) * 2"}`},
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		s, err := d.NewSession(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range calls {
			res, err := s.Call(ctx, c.name, json.RawMessage(c.args))
			if err != nil || res.IsError {
				b.Fatalf("%s: %v %v", c.name, err, res)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "calls/s")
}

// BenchmarkAirlineReset measures a fresh database alone.
func BenchmarkAirlineReset(b *testing.B) {
	ctx := context.Background()
	d := open(b)
	for b.Loop() {
		if _, err := d.NewSession(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAirlineHash measures hashing a session's database after a write.
func BenchmarkAirlineHash(b *testing.B) {
	ctx := context.Background()
	d := open(b)
	s, _ := d.NewSession(ctx, nil)
	_, _ = s.Call(ctx, "cancel_reservation", json.RawMessage(`{"reservation_id":"DQST39"}`))
	_ = s.Hash()
	for b.Loop() {
		_ = s.Hash()
	}
}

// BenchmarkAirlineEnvTools measures what an orchestrator pays per rollout
// for its tool.Set (env.Env.Tools): a fresh database plus tool.NewSet, which
// compiles every tool's JSON Schema.
func BenchmarkAirlineEnvTools(b *testing.B) {
	ctx := context.Background()
	e, err := domain.NewEnv(open(b), "")
	if err != nil {
		b.Fatal(err)
	}
	task := e.Tasks()[0]
	for b.Loop() {
		if _, err := e.Tools(ctx, task); err != nil {
			b.Fatal(err)
		}
	}
}
