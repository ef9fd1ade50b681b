// Package sqlite is the embedded [store.Store] backend: one SQLite file,
// through the pure-Go driver modernc.org/sqlite.
//
// The file runs in WAL mode so readers never wait for the writer. Every
// write is one BEGIN IMMEDIATE transaction, which takes SQLite's write lock
// up front: writers in this process queue on a single connection, and
// writers in other processes sharing the file wait for the lock (busy
// timeout), so a budget check and the reservation it allows can never
// interleave with another writer's. Migrations run at [Open].
package sqlite
