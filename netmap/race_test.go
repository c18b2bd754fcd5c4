//go:build race

package netmap_test

// raceSlowdown loosens time bounds under the race detector.
const raceSlowdown = 10
