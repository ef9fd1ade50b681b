// Package retail is τ²-bench's retail domain: products, users and orders
// (db.json), the 17 agent tools with tau2's exact responses and errors,
// registered with env/domain as "retail". Money is Python float arithmetic,
// rounded where tau2 rounds.
package retail
