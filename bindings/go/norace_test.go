//go:build !race

package voipsign

const raceEnabled = false
