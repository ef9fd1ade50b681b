// Package storetest is the conformance suite every [store.Store] backend
// passes: keys, authentication, budgets per day, month and total,
// exactly-once settlement of holds, concurrent reservations, runs and
// events, and recovery. [Run] takes a function opening a fresh, empty store
// on a given clock. [RunProcesses] and [HelperProcess] check the same ledger
// shared by separate OS processes, one of them killed with SIGKILL.
package storetest
