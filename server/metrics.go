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
	rateLimited    *prometheus.CounterVec   // key
	authFailures   *prometheus.CounterVec   // reason
	toolErrors     *prometheus.CounterVec   // tool
	upstreamErrors *prometheus.CounterVec   // model
	truncated      *prometheus.CounterVec   // model
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
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_rate_limited_total", Help: "Requests refused by the per-key rate limit.",
		}, []string{"key"}),
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
	}
	reg.MustRegister(m.requests, m.latency, m.cost, m.budgetRefusals, m.rateLimited, m.authFailures,
		m.toolErrors, m.upstreamErrors, m.truncated, m.runsInFlight, m.runsTotal)
	return m
}
