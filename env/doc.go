// Package env holds the [Env] contract: tasks, the tools of a rollout, and
// a verifier that scores a finished episode. Implementations: env/replay
// (recorded outcomes of real models), env/domain (τ²-bench-style databases
// with tool APIs), env/qa (question sets).
package env
