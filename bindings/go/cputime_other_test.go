//go:build !linux

package voipsign

import "time"

// CPU clocks are unavailable here: the CPU-time figures are not reported.
func threadCPUTime() time.Duration { return -1 }

func processCPUTime() time.Duration { return -1 }
