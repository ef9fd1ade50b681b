// Package storeopen opens a [store.Store] from a URL, choosing the backend:
// postgres:// or postgresql:// URLs select Postgres; sqlite:PATH,
// sqlite:///ABSOLUTE/PATH or a plain file path select SQLite. It is apart
// from package store because it imports both backends, which import store.
package storeopen
