// Package bench is Baton's benchmark harness: [Evaluate] runs a policy
// over an environment's tasks through the real orchestrator and aggregates
// a [Row] (accuracy, cost, latency, calls, tool shares); [Oracle], [Single]
// and [KNN] are the reference routers; [AUC] compares accuracy-cost curves;
// [WriteReport] writes results.json, a Pareto plot and an HTML page.
package bench
