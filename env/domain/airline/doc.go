// Package airline is τ²-bench's airline domain: flights, users and
// reservations (db.json), the 15 agent tools with tau2's exact responses
// and errors, registered with env/domain as "airline". The world's clock is
// fixed at [Now]; new reservations get the ids HATHAT, HATHAU, HATHAV and
// certificates certificate_3221322..4, as in tau2.
package airline
