// Package money holds Baton's exact money: [Amount], an integer number of
// nanodollars (10⁻⁹ USD); [Price], what one call costs per call, per second
// and per million input/output tokens; and [Catalog], list prices of common
// models.
//
// Costs are computed from usage and a price with [Price.Cost], which rounds
// each component up to the next nanodollar. Amounts are parsed from decimal
// text and never pass through float64, so a ledger summed over millions of
// calls is exact.
package money
