//go:build !race

package netmap_test

const raceSlowdown = 1
