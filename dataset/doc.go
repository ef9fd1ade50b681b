// Package dataset finds the public data sets Baton trains and benchmarks on,
// with one resolution order shared by every command:
//
//  1. the --data flag ([Options.Dir]),
//  2. the BATON_DATA environment variable,
//  3. ../shared/data beside the checkout (found by walking up from the
//     working directory),
//  4. a download of the pinned public original into the user cache, every
//     file verified by SHA-256 before it is renamed into place.
//
// Data files are never committed to the repository. Each [Source] pins an
// upstream repository, a commit, and each file's path there and SHA-256; see
// [Sources]. A directory counts as holding a source when the source's
// sentinel file is present in it.
//
// The hashes pin the files as they are shipped in shared/data. Several of
// those files are derived splits (about 80% of the upstream rows; the rest is
// a held-out set kept elsewhere), marked [DerivedSplit]: their hash differs
// from the upstream file's, so a download straight from GitHub fails
// verification for them by design rather than silently mixing held-out rows
// into training data. Such sources download only from a mirror laid out as
// <repo>/<commit>/<path> (point [Options.BaseURL] at it).
package dataset
