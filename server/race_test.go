//go:build race

package server_test

// raceEnabled is true under -race, where heavy tests scale down.
const raceEnabled = true
