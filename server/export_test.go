package server

// Sampled exposes the judge's sampling rule to the external tests.
var Sampled = sampled
