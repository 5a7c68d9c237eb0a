package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// liveLedgers counts the native ledgers not yet freed (tests check the
// finalizer with it).
var liveLedgers atomic.Int64

// Ledger is the room ledger: WeChat's room rules (at most capacity people in a
// room, at most dailyRoomLimit rooms opened per appId per day, a room is gone
// when everyone has left), enforced by the backend before it hands out a join
// ticket, with named errors instead of WeChat's late, undocumented failures.
// Every rule and every check is the library's (docs/ROOMS.md); the methods only
// translate.
//
// Seats have leases: Admit reserves one for the reserve TTL, Heartbeat and Sync
// extend it by the lease TTL, Leave frees it, and an expired seat is gone. Each
// method has an ...At variant taking the time of the call (tests, replays);
// without it, the store's clock is used.
//
// Every method takes a context first. It is checked before the library is
// called: a ctx already done returns ctx.Err() and nothing happens. A call in
// flight is not interrupted (cgo cannot stop it): on a Redis ledger it returns
// within about WithConnectTimeout plus two WithCommandTimeout (250 ms each by
// default) when the server is slow or gone, so set those below your deadlines.
//
// A Ledger is safe for concurrent use by any number of goroutines (every
// operation is atomic). Close it when done; a Ledger that becomes unreachable is
// freed by a finalizer, but only Close frees it at a known time.
type Ledger struct {
	mu sync.RWMutex // held for reading by every call; for writing by Close
	h  *C.voipsign_ledger
}

// NewMemoryLedger creates a ledger over an in-process memory store: the rooms
// of this process only (one server, tests). Without options it enforces
// WeChat's own rules; an option the library refuses (out of range, or a Redis
// option) is ErrInvalidRules, with a message naming it.
func NewMemoryLedger(opts ...Option) (*Ledger, error) {
	return open(nil, opts)
}

// open calls voipsign_ledger_open with the options as a JSON object.
func open(url *string, opts []Option) (*Ledger, error) {
	given := options{}
	for _, o := range opts {
		o(given)
	}
	return openJSON(url, given)
}

func openJSON(url *string, given map[string]any) (*Ledger, error) {
	text, _ := json.Marshal(given) // numbers and strings: it cannot fail
	var u *C.char
	var ul C.size_t
	if url != nil {
		u, ul = cgiven(*url)
	}
	o, ol := cbytes(text)
	var h *C.voipsign_ledger
	var e C.voipsign_error
	st := C.voipsign_ledger_open(u, ul, o, ol, C.VOIPSIGN_SPELLING_CAMEL, &h, &e)
	runtime.KeepAlive(url)
	if st != C.VOIPSIGN_OK {
		return nil, newError(st, st, &e)
	}
	liveLedgers.Add(1)
	l := &Ledger{h: h}
	runtime.SetFinalizer(l, (*Ledger).free)
	return l, nil
}

// millis is d in milliseconds for the library: a whole number, or the fraction
// as it is (the library refuses it).
func millis(d time.Duration) any {
	if d%time.Millisecond == 0 {
		return int64(d / time.Millisecond)
	}
	return float64(d) / float64(time.Millisecond)
}

// Close frees the native ledger. It waits for calls in progress; every call
// after it returns ErrLedgerClosed. Closing again does nothing and returns nil.
func (l *Ledger) Close() error {
	l.free()
	runtime.SetFinalizer(l, nil)
	return nil
}

// free releases the native ledger once (Close and the finalizer).
func (l *Ledger) free() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h != nil {
		C.voipsign_ledger_free(l.h)
		l.h = nil
		liveLedgers.Add(-1)
	}
}

// acquire returns the handle, with l.mu held for reading when err is nil: the
// caller releases it with l.mu.RUnlock after the C call. A done ctx is its
// error, before anything else.
func (l *Ledger) acquire(ctx context.Context) (*C.voipsign_ledger, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.RLock()
	if l.h == nil {
		l.mu.RUnlock()
		return nil, ErrLedgerClosed
	}
	return l.h, nil
}

// unset is VOIPSIGN_UNSET: "no explicit time", the store's clock.
const unset = C.int64_t(math.MinInt64)

// msAt is t in unix milliseconds (rounded down) for the library; the one
// instant that would read as VOIPSIGN_UNSET moves by a millisecond.
func msAt(t time.Time) C.int64_t {
	ms := t.UnixMilli()
	if ms == math.MinInt64 {
		ms++
	}
	return C.int64_t(ms)
}
