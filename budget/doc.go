// Package budget enforces cost caps. An [Account] is reserved before each
// call for the call's worst-case cost and committed after with the actual
// cost; [Meter] is the in-memory account (one run, or many runs sharing a
// budget), and the server's ledger implements the same interface over
// SQLite or Postgres. [Multi] charges several accounts atomically.
package budget
