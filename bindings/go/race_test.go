//go:build race

package voipsign

const raceEnabled = true
