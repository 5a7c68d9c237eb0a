//go:build linux

package voipsign

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUTime is the CPU time consumed by the calling OS thread (which runs
// cgo calls too), or -1 if unavailable. Unlike wall time it does not count
// time lost to other processes, so ratios stay stable on a busy machine.
func threadCPUTime() time.Duration { return clockGettime(3) } // CLOCK_THREAD_CPUTIME_ID

// processCPUTime is the CPU time consumed by all threads of the process (the
// garbage collector's included), or -1 if unavailable.
func processCPUTime() time.Duration { return clockGettime(2) } // CLOCK_PROCESS_CPUTIME_ID

func clockGettime(clock uintptr) time.Duration {
	var ts syscall.Timespec
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clock, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		return -1
	}
	return time.Duration(ts.Nano())
}
