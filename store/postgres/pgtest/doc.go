// Package pgtest starts throwaway PostgreSQL servers for tests, from the
// server binaries of a local installation (Debian's postgresql package puts
// initdb and pg_ctl under /usr/lib/postgresql/<version>/bin).
//
// [StartTestServer] is the one-call form for a test; [Start] returns a
// [Server] that a TestMain can share among tests, each taking a fresh
// database from [Server.NewDatabase]. Tests that need Postgres fail, rather
// than skip, when the binaries are missing, unless BATON_SKIP_POSTGRES=1.
package pgtest
