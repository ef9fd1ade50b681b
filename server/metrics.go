package server

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus series. They live on the server's
// own registry, so several servers (tests) never collide.
//
// /metrics is served without authentication (Prometheus scrapes it), so no
// series carries an API key's ID: one tenant reading /metrics learns
// nothing about another's spending or refusals. Per-key spending is in the
// database (baton keys list). Call sites still pass the key; keyless drops
// it.
type metrics struct {
	requests       *prometheus.CounterVec   // route, code
	latency        *prometheus.HistogramVec // route
	cost           keyless                  // model (key dropped)
	budgetRefusals keyless                  // scope (key dropped)
	overage        keyless                  // model (key dropped): USD billed beyond reservations
	overageEvents  keyless                  // model (key dropped): calls that broke their bound
	rateLimited    keyless                  // (key dropped)
	authFailures   *prometheus.CounterVec   // reason
	toolErrors     *prometheus.CounterVec   // tool
	upstreamErrors *prometheus.CounterVec   // model
	truncated      *prometheus.CounterVec   // model
	runsInFlight   prometheus.Gauge
	runsTotal      *prometheus.CounterVec // status
	judgeCost      prometheus.Counter     // USD spent on judgments, apart from baton_cost_usd_total
	judgments      *prometheus.CounterVec // outcome
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "baton_http_request_duration_seconds", Help: "HTTP request latency by route (streams: until the last byte).",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"route"}),
		cost: keyless{at: 1, vec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_cost_usd_total", Help: "Money charged, in US dollars, by model (or tool); never by key.",
		}, []string{"model"})},
		budgetRefusals: keyless{at: 0, vec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_budget_refusals_total", Help: "Requests or calls refused for budget, by scope (key, request, call); never by key.",
		}, []string{"scope"})},
		overage: keyless{at: 1, vec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_overage_usd_total", Help: "Money calls cost beyond their reservations (an upstream billing past the bound asked for), in US dollars, by model; never charged to a budget, and it freezes the key (baton keys list shows which).",
		}, []string{"model"})},
		overageEvents: keyless{at: 1, vec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_overage_total", Help: "Calls that cost more than their reservation, by model.",
		}, []string{"model"})},
		rateLimited: keyless{at: 0, vec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_rate_limited_total", Help: "Requests refused by the per-key rate limit (all keys together).",
		}, []string{})},
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_auth_failures_total", Help: "Requests refused for a missing, unknown or revoked key.",
		}, []string{"reason"}),
		toolErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_tool_errors_total", Help: "Tool calls of orchestrated runs that returned an error.",
		}, []string{"tool"}),
		truncated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_gateway_truncated_total", Help: "Pass-through responses cut at the output bound reserved for them.",
		}, []string{"model"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_upstream_errors_total", Help: "Pass-through model calls that failed upstream.",
		}, []string{"model"}),
		runsInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "baton_runs_in_flight", Help: "Orchestrated runs executing now.",
		}),
		runsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_runs_total", Help: "Finished orchestrated runs by status.",
		}, []string{"status"}),
		judgeCost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baton_judge_cost_usd_total", Help: "Money the LLM judge's calls cost, in US dollars, charged to the judged runs' keys; apart from baton_cost_usd_total, which does not include it.",
		}),
		judgments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_judgments_total", Help: "Runs sampled for the LLM judge, by outcome: stored, dropped (the run already had feedback), malformed (the reply was not a score), failed (the model's error or a timeout), refused (budget or judge.max_cost), cancelled (shutdown), skipped (queue full or shutting down), error (the store failed).",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.judgeCost, m.judgments, m.requests, m.latency, m.cost.vec, m.budgetRefusals.vec, m.overage.vec, m.overageEvents.vec, m.rateLimited.vec, m.authFailures,
		m.toolErrors, m.upstreamErrors, m.truncated, m.runsInFlight, m.runsTotal)
	return m
}

// keyless is a counter family whose callers pass an API key ID among the
// label values (at index at); it drops it, so no series names a key.
type keyless struct {
	vec *prometheus.CounterVec
	at  int
}

// WithLabelValues returns the counter for lvs without the key at index at.
func (k keyless) WithLabelValues(lvs ...string) prometheus.Counter {
	out := make([]string, 0, len(lvs))
	for i, v := range lvs {
		if i != k.at {
			out = append(out, v)
		}
	}
	return k.vec.WithLabelValues(out...)
}
