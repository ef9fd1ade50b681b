package server

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus series. They live on the server's
// own registry, so several servers (tests) never collide.
type metrics struct {
	requests       *prometheus.CounterVec   // route, code
	latency        *prometheus.HistogramVec // route
	cost           *prometheus.CounterVec   // model, key
	budgetRefusals *prometheus.CounterVec   // key, scope
	overage        *prometheus.CounterVec   // model, key: USD billed beyond reservations
	overageEvents  *prometheus.CounterVec   // model, key: calls that broke their bound
	rateLimited    *prometheus.CounterVec   // key
	authFailures   *prometheus.CounterVec   // reason
	toolErrors     *prometheus.CounterVec   // tool
	upstreamErrors *prometheus.CounterVec   // model
	runsInFlight   prometheus.Gauge
	runsTotal      *prometheus.CounterVec // status
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
		cost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_cost_usd_total", Help: "Money charged, in US dollars, by model (or tool) and API key ID.",
		}, []string{"model", "key"}),
		budgetRefusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_budget_refusals_total", Help: "Requests or calls refused for budget, by API key ID and scope (key, request).",
		}, []string{"key", "scope"}),
		overage: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_overage_usd_total", Help: "Money calls cost beyond their reservations (an upstream billing past the bound asked for), in US dollars, by model and API key ID; never charged to a budget, and it freezes the key.",
		}, []string{"model", "key"}),
		overageEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_overage_total", Help: "Calls that cost more than their reservation, by model and API key ID.",
		}, []string{"model", "key"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_rate_limited_total", Help: "Requests refused by the per-key rate limit.",
		}, []string{"key"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_auth_failures_total", Help: "Requests refused for a missing, unknown or revoked key.",
		}, []string{"reason"}),
		toolErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_tool_errors_total", Help: "Tool calls of orchestrated runs that returned an error.",
		}, []string{"tool"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_upstream_errors_total", Help: "Pass-through model calls that failed upstream.",
		}, []string{"model"}),
		runsInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "baton_runs_in_flight", Help: "Orchestrated runs executing now.",
		}),
		runsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_runs_total", Help: "Finished orchestrated runs by status.",
		}, []string{"status"}),
	}
	reg.MustRegister(m.requests, m.latency, m.cost, m.budgetRefusals, m.overage, m.overageEvents, m.rateLimited, m.authFailures,
		m.toolErrors, m.upstreamErrors, m.runsInFlight, m.runsTotal)
	return m
}
