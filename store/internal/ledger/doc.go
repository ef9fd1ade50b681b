// Package ledger holds what both store backends share and SQL cannot say
// once for both: key secrets and their hashes, identifiers, the UTC budget
// periods, input validation, and the budget check that names the limit a
// reservation broke.
package ledger
